// demos/monitor, step 1: the serial starting point. One loop checks health,
// then sleeps; nothing runs concurrently, so a second check with another
// period would have to be woven into this loop by hand. The Go and Python
// twins are serial.go and serial.py beside it.
//
//   serial [--virtual-time] [--period 3s] [--fail 6]
#include <gofer/gofer.hpp>

#include <fmt/core.h>

#include <chrono>

#include "support.hpp"

using namespace std::chrono_literals;

int main(int argc, char** argv) {
  const monitor::options options =
      monitor::parse_options(argc, argv, "The serial monitor: one loop, one check at a time.",
                             monitor::defaults({3s}, 6, 0s), 1);

  gofer::run(
      [&] {
        const gofer::time_point start = gofer::now();
        for (std::size_t check = 1;; ++check) {
          const std::chrono::duration<double> elapsed = gofer::since(start);
          fmt::print("check health {} @{:.1f}\n", check, elapsed.count());
          if (check == options.failing) {
            fmt::print("Problem detected by check {}\n", check);
            break;
          }
          gofer::sleep(options.periods[0]);  // the loop drifts: see docs/learn/05-time.md
        }
      },
      {.virtual_time = options.virtual_time});
}

// Output:
// check health 1 @0.0
// check health 2 @3.0
// check health 3 @6.0
// check health 4 @9.0
// check health 5 @12.0
// check health 6 @15.0
// Problem detected by check 6
