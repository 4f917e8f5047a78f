// bench/virtual_clock.cpp - what one advance of the virtual clock costs.
//
// A 1 ns ticker beside a 10 ms sleep on the virtual clock (a shape from Go's
// time tests): every tick is one advance, so 10 ms of virtual time is 10^7
// advances, each with every goroutine blocked. Prints the wall time per
// advance for each thread count.
//
//   virtual_clock [VIRTUAL_MS [THREADS...]]     defaults: 10 ms, threads 1 2
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "gofer/chan.hpp"
#include "gofer/runtime.hpp"
#include "gofer/select.hpp"
#include "gofer/time.hpp"

int main(int argc, char** argv) {
  using namespace std::chrono_literals;
  const long virtual_ms = argc > 1 ? std::atol(argv[1]) : 10;
  std::vector<std::size_t> thread_counts;
  for (int i = 2; i < argc; ++i)
    thread_counts.push_back(std::strtoul(argv[i], nullptr, 10));
  if (thread_counts.empty()) thread_counts = {1, 2};

  std::printf("%-8s %12s %12s %14s\n", "threads", "advances", "wall s", "ns per advance");
  for (const std::size_t threads : thread_counts) {
    long ticks = 0;
    const auto wall_before = std::chrono::steady_clock::now();
    gofer::run(
        [&] {
          gofer::ticker ticker{1ns};
          auto done = gofer::make_chan<gofer::signal>();
          gofer::go([done, virtual_ms] {
            gofer::sleep(std::chrono::milliseconds(virtual_ms));
            done.close();
          });
          for (;;) {
            if (gofer::select(gofer::recv_case(ticker.c), gofer::recv_case(done)) == 1) break;
            ++ticks;
          }
        },
        {.threads = threads, .virtual_time = true});
    const double wall =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_before).count();
    std::printf("%-8zu %12ld %12.3f %14.1f\n", threads, ticks, wall, 1e9 * wall / ticks);
  }
}
