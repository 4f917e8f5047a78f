// The fix for data_race.cpp: a gofer::mutex guards the counter, so one
// goroutine at a time reads and writes it. (Confining the counter to one
// goroutine that others send to is the other fix.)
#include <gofer/gofer.hpp>

#include <fmt/core.h>

#include <mutex>

int main() {
  int counter = 0;
  gofer::mutex counter_lock;  // guards counter
  gofer::run(
      [&] {
        gofer::wait_group wg;
        for (int i = 0; i < 2; ++i) {
          wg.go([&] {
            for (int n = 0; n < 1000; ++n) {
              std::lock_guard guard{counter_lock};
              ++counter;
            }
          });
        }
        wg.wait();
      },
      {.threads = 2});
  fmt::print("counter: {}\n", counter);
}

// Output:
// counter: 2000
