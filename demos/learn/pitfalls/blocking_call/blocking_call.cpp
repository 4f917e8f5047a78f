// Pitfall: std::this_thread::sleep_for (or any call that blocks the thread:
// a blocking read, a long computation) inside a goroutine holds the thread.
// Goroutines are not preempted, so with threads = 1 no other goroutine runs
// until it returns: the heartbeat below stops. gofer::sleep blocks only the
// goroutine. (On the virtual clock of the tests, the blocked thread does not
// even move the clock: time stands still while a goroutine runs.)
#include <gofer/gofer.hpp>

#include <fmt/core.h>

#include <chrono>
#include <thread>

using namespace std::chrono_literals;

void heartbeat() {
  for (int beat = 1; beat <= 3; ++beat) {
    gofer::sleep(200ms);
    fmt::print("  heartbeat {}\n", beat);
  }
}

void broken() {
  gofer::run(
      [] {
        gofer::wait_group wg;
        wg.go(heartbeat);
        gofer::sleep(100ms);  // the heartbeat is under way
        wg.go([] {
          fmt::print("  worker: sleeps 400ms\n");
          std::this_thread::sleep_for(400ms);  // blocks the thread, and every goroutine on it
          fmt::print("  worker: awake\n");
        });
        wg.wait();
      },
      {.threads = 1});
}

void fixed() {
  gofer::run(
      [] {
        gofer::wait_group wg;
        wg.go(heartbeat);
        gofer::sleep(100ms);  // the heartbeat is under way
        wg.go([] {
          fmt::print("  worker: sleeps 400ms\n");
          gofer::sleep(400ms);  // blocks this goroutine only
          fmt::print("  worker: awake\n");
        });
        wg.wait();
      },
      {.threads = 1});
}

int main() {
  fmt::print("std::this_thread::sleep_for:\n");
  broken();
  fmt::print("gofer::sleep:\n");
  fixed();
}

// Output:
// std::this_thread::sleep_for:
//   worker: sleeps 400ms
//   worker: awake
//   heartbeat 1
//   heartbeat 2
//   heartbeat 3
// gofer::sleep:
//   worker: sleeps 400ms
//   heartbeat 1
//   heartbeat 2
//   worker: awake
//   heartbeat 3
