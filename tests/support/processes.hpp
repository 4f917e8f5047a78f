// tests/support/processes.hpp - the live processes of a process group, read
// from /proc, for the tests that check that a group was killed (exec_test,
// the job agent's end-to-end test).
//
//   CHECK(gofer_test::live_processes_in_group(pgid) == 0);
#pragma once

#include <dirent.h>
#include <fcntl.h>
#include <sys/types.h>
#include <unistd.h>

#include <cstddef>
#include <cstdio>
#include <stdexcept>
#include <string>

namespace gofer_test {

// Live processes whose process group is `pgid`. A zombie (a killed process
// its parent has not reaped yet, which in a container's init may be never)
// still belongs to its group, and kill(2) still finds the group then, but
// it is dead: so this reads each process's state.
inline int live_processes_in_group(pid_t pgid) {
  DIR* const proc = ::opendir("/proc");
  if (proc == nullptr) throw std::runtime_error("cannot list /proc");
  int live = 0;
  while (const dirent* entry = ::readdir(proc)) {
    const std::string name = entry->d_name;
    if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
    // read(2), not a stream: a process that ends between open and read
    // fails the read with ESRCH, which libstdc++'s filebuf throws as
    // std::ios_base::failure ("basic_filebuf::underflow error reading the
    // file: No such process"; agent_end_to_end_test failed on it once under
    // ASan). Gone meanwhile is not live.
    const int fd = ::open(("/proc/" + name + "/stat").c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) continue;
    char buffer[1024];
    const ssize_t got = ::read(fd, buffer, sizeof buffer - 1);
    ::close(fd);
    if (got <= 0) continue;
    buffer[got] = '\0';
    // pid (comm) state ppid pgrp ...; comm may hold spaces: parse after ')'.
    const std::string line(buffer, static_cast<std::size_t>(got));
    const std::size_t close = line.rfind(')');
    if (close == std::string::npos) continue;
    char state = 0;
    long ppid = 0;
    long pgrp = 0;
    if (std::sscanf(line.c_str() + close + 1, " %c %ld %ld", &state, &ppid, &pgrp) != 3) continue;
    if (pgrp == pgid && state != 'Z' && state != 'X') ++live;
  }
  ::closedir(proc);
  return live;
}

}  // namespace gofer_test
