// bench/idle_cpu.cpp - CPU time an idle runtime burns.
//
// main sleeps for 5 s of real time in a 2-thread runtime with nothing else to
// run; getrusage(RUSAGE_SELF) counts user + sys over that sleep (every thread
// of the process). Idle workers should park, so the answer should be ~0.
//
//   idle_cpu [SECONDS [THREADS]]
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>

#include "gofer/runtime.hpp"
#include "gofer/time.hpp"

namespace {

double cpu_seconds() {
  rusage usage{};
  ::getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

}  // namespace

int main(int argc, char** argv) {
  const double seconds = argc > 1 ? std::atof(argv[1]) : 5.0;
  const std::size_t threads = argc > 2 ? std::strtoul(argv[2], nullptr, 10) : 2;
  double cpu = 0, wall = 0;
  gofer::run(
      [&] {
        const double cpu_before = cpu_seconds();
        const auto wall_before = std::chrono::steady_clock::now();
        gofer::sleep(
            std::chrono::duration_cast<gofer::duration>(std::chrono::duration<double>(seconds)));
        cpu = cpu_seconds() - cpu_before;
        wall =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_before).count();
      },
      {.threads = threads});
  std::printf("%-8s %8s %12s %14s\n", "threads", "wall s", "cpu s", "cpu % of wall");
  std::printf("%-8zu %8.3f %12.6f %14.4f\n", threads, wall, cpu, 100 * cpu / wall);
}
