// tests/support/fds.hpp - the process's open file descriptors, for the
// tests that check that nothing leaks one (sockets, pipes, pidfds).
//
//   const std::set<std::string> before = gofer_test::open_fds();
//   ...
//   CHECK_NO_FD_LEAKED(before);   // names what leaked: "7 -> socket:[123]"
#pragma once

#include <dirent.h>
#include <unistd.h>

#include <doctest/doctest.h>

#include <array>
#include <set>
#include <string>

namespace gofer_test {

// The open descriptors, each with what it points at: "3 -> socket:[123]".
inline std::set<std::string> open_fds() {
  std::set<std::string> fds;
  DIR* dir = ::opendir("/proc/self/fd");
  REQUIRE(dir != nullptr);
  const int own = ::dirfd(dir);
  while (const dirent* entry = ::readdir(dir)) {
    const std::string name = entry->d_name;
    if (name == "." || name == ".." || name == std::to_string(own)) continue;
    std::array<char, 256> target{};
    const ssize_t n = ::readlink(("/proc/self/fd/" + name).c_str(), target.data(), target.size());
    fds.insert(name + " -> " + std::string(target.data(), n > 0 ? static_cast<std::size_t>(n) : 0));
  }
  ::closedir(dir);
  return fds;
}

inline std::string fds_text(const std::set<std::string>& fds) {
  std::string text;
  for (const std::string& fd : fds)
    text += fd + "; ";
  return text;
}

}  // namespace gofer_test

#define CHECK_NO_FD_LEAKED(before)                                             \
  do {                                                                         \
    const std::set<std::string> after = gofer_test::open_fds();                \
    CHECK_MESSAGE(after == (before), "before: ", gofer_test::fds_text(before), \
                  " after: ", gofer_test::fds_text(after));                    \
  } while (false)
