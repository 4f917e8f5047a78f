// bench/memory_per_goroutine.cpp - resident memory per blocked goroutine.
//
// Starts N goroutines, each blocked on a receive from one channel, and
// reports per goroutine, all minus VmRSS before they started and over N:
// VmRSS while they are all blocked, the peak (VmHWM) at that point, and the
// peak after they have all been released and have returned. Twin: bench/go/memory_per_goroutine.go.
//
//   memory_per_goroutine                     # N = 100k and 1M, 64 and 16 KiB
//   memory_per_goroutine N STACK_KIB ...     # chosen pairs
//
// Each pair runs in a child process, so one pair's stacks and peak RSS do not
// bleed into the next. Stacks come from gofer's pool (MAP_NORESERVE slabs),
// so only the pages a goroutine touches are resident.
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "gofer/chan.hpp"
#include "gofer/runtime.hpp"

namespace {

// A "VmRSS:"-style field of /proc/self/status, in KiB.
long status_kib(const char* field) {
  std::ifstream status{"/proc/self/status"};
  for (std::string line; std::getline(status, line);) {
    if (line.rfind(field, 0) == 0)
      return std::strtol(line.c_str() + std::strlen(field) + 1, nullptr, 10);
  }
  std::fprintf(stderr, "no %s in /proc/self/status\n", field);
  std::exit(1);
}

void measure(long n, std::size_t stack_kib) {
  long base = 0, blocked = 0, blocked_peak = 0;
  double spawn_ns = 0;
  gofer::run(
      [&] {
        auto block = gofer::make_chan<gofer::signal>();
        auto all_started = gofer::make_chan<gofer::signal>(1);
        auto all_finished = gofer::make_chan<gofer::signal>(1);
        std::atomic<long> started{0}, finished{0};
        base = status_kib("VmRSS");
        const auto begin = std::chrono::steady_clock::now();
        for (long i = 0; i < n; ++i) {
          gofer::go([&, block, all_started, all_finished] {
            if (started.fetch_add(1) + 1 == n) all_started.send();
            block.recv();
            if (finished.fetch_add(1) + 1 == n) all_finished.send();
          });
        }
        all_started.recv();
        spawn_ns =
            std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - begin)
                .count() /
            static_cast<double>(n);
        gofer::yield();  // let the last goroutine reach its receive
        blocked = status_kib("VmRSS");
        blocked_peak = status_kib("VmHWM");
        block.close();
        all_finished.recv();
      },
      {.stack_size = stack_kib << 10});
  const long peak = status_kib("VmHWM");
  auto per_goroutine = [n, base](long kib) { return (kib - base) * 1024 / n; };
  std::printf("%-10ld %7zu KiB %12ld %12ld %12ld %12.0f\n", n, stack_kib, per_goroutine(blocked),
              per_goroutine(blocked_peak), per_goroutine(peak), spawn_ns);
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::pair<long, std::size_t>> runs;
  for (int i = 1; i + 1 < argc; i += 2)
    runs.emplace_back(std::atol(argv[i]), std::strtoul(argv[i + 1], nullptr, 10));
  if (runs.empty()) runs = {{100'000, 64}, {100'000, 16}, {1'000'000, 64}, {1'000'000, 16}};

  std::printf("%-10s %11s %12s %12s %12s %12s\n", "N", "stack", "blocked B/g", "peak@blk B/g",
              "peak@end B/g", "spawn ns/g");
  std::fflush(stdout);
  for (const auto& [n, stack_kib] : runs) {
    const pid_t child = ::fork();
    if (child == 0) {
      measure(n, stack_kib);
      std::fflush(stdout);
      std::_Exit(0);
    }
    int status = 0;
    ::waitpid(child, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
      std::printf("%-10ld %7zu KiB failed: %s\n", n, stack_kib,
                  WIFSIGNALED(status) ? strsignal(WTERMSIG(status)) : "nonzero exit");
    }
  }
}
