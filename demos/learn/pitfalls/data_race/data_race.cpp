// Pitfall, NOT RUN BY THE TESTS (a data race is undefined behaviour; the
// build only compiles it): two goroutines on two threads increment one int
// without synchronization. Increments are lost, and ThreadSanitizer
// (-fsanitize=thread) reports the race. data_race_fixed.cpp is the fix.
#include <gofer/gofer.hpp>

#include <fmt/core.h>

int main() {
  int counter = 0;
  gofer::run(
      [&counter] {
        gofer::wait_group wg;
        for (int i = 0; i < 2; ++i) {
          wg.go([&counter] {
            for (int n = 0; n < 1000; ++n) {
              ++counter;  // read, add, write: another thread may write in between
              gofer::yield();
            }
          });
        }
        wg.wait();
      },
      {.threads = 2});
  fmt::print("counter: {}\n", counter);
}
