// tests/support/deadlock_report.hpp - running a main that deadlocks and
// reading gofer::deadlock's report, for the tests of the headers whose
// blocking calls the report names (sync.hpp, group.hpp) and for
// deadlock_test.cpp, which tests the report itself.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include <gofer/gofer.hpp>

namespace gofer_test {

// Runs main and returns the report of the deadlock run threw, or nullopt if
// run returned normally.
template <class Main>
std::optional<std::string> deadlock_report(Main main, const gofer::run_options& options) {
  try {
    gofer::run(main, options);
  } catch (const gofer::deadlock& e) {
    return std::string(e.what());
  }
  return std::nullopt;
}

// The "goroutine N [...]:" lines of a report, in order.
inline std::vector<std::string> goroutine_lines(const std::string& report) {
  std::vector<std::string> lines;
  std::size_t begin = 0;
  while (begin < report.size()) {
    std::size_t end = report.find('\n', begin);
    if (end == std::string::npos) end = report.size();
    std::string line = report.substr(begin, end - begin);
    if (line.starts_with("goroutine ")) lines.push_back(std::move(line));
    begin = end + 1;
  }
  return lines;
}

}  // namespace gofer_test
