// bench/idle_cpu.cpp - CPU time an idle runtime burns.
//
// main sleeps for 5 s of real time in a 2-thread runtime with nothing else to
// run; getrusage(RUSAGE_SELF) counts user + sys over that sleep (every thread
// of the process). Idle workers should park, so the answer should be ~0.
// With "io", it does so with a TCP listener open and a goroutine blocked in
// its accept, and a child process (sleep) that a goroutine waits for: idle
// workers then wait in the I/O poller (epoll) instead of on a condition
// variable, and should still burn nothing.
//
//   idle_cpu [SECONDS [THREADS [io]]]
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>

#include <cstring>
#include <optional>
#include <string>

#include "gofer/exec.hpp"
#include "gofer/net.hpp"
#include "gofer/runtime.hpp"
#include "gofer/sync.hpp"
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
  const bool with_io = argc > 3 && std::strcmp(argv[3], "io") == 0;
  double cpu = 0, wall = 0;
  gofer::run(
      [&] {
        gofer::net::listener ln;
        gofer::wait_group pending;
        std::optional<gofer::exec::cmd> child;
        if (with_io) {
          auto [listening, err] = gofer::net::listen("tcp", "127.0.0.1:0");
          if (err) std::abort();
          ln = listening;
          pending.go([ln] { (void)ln.accept(); });  // until ln.close()
          child.emplace(gofer::exec::command("sleep", std::to_string(seconds + 1)));
          if (child->start()) std::abort();
          pending.go([&child] { (void)child->wait(); });
          gofer::sleep(std::chrono::milliseconds(50));  // both are parked by now
        }
        const double cpu_before = cpu_seconds();
        const auto wall_before = std::chrono::steady_clock::now();
        gofer::sleep(
            std::chrono::duration_cast<gofer::duration>(std::chrono::duration<double>(seconds)));
        cpu = cpu_seconds() - cpu_before;
        wall =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_before).count();
        if (with_io) {
          ln.close();
          child->kill();
          pending.wait();
        }
      },
      {.threads = threads});
  std::printf("%-8s %-4s %8s %12s %14s\n", "threads", "io", "wall s", "cpu s", "cpu % of wall");
  std::printf("%-8zu %-4s %8.3f %12.6f %14.4f\n", threads, with_io ? "yes" : "no", wall, cpu,
              100 * cpu / wall);
}
