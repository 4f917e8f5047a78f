// Pitfall, NOT RUN BY THE TESTS (it is undefined behaviour; the build only
// compiles it): [&] captures the loop variable by reference, and the
// goroutines read it after the loop, when it no longer exists. Go before
// 1.22 prints the last value here; C++ reads a dead variable, and may print
// anything or crash. AddressSanitizer reports a stack-use-after-scope
// (docs/learn/pitfalls.md shows the report). loop_variable.cpp is the fix.
#include <gofer/gofer.hpp>

#include <fmt/core.h>

int main() {
  gofer::run([] {
    gofer::wait_group wg;
    auto start = gofer::make_chan<gofer::signal>();
    for (int i = 1; i <= 3; ++i) {
      wg.go([&] {
        start.recv();                              // runs after the loop, as goroutines often do
        fmt::print("goroutine sees i = {}\n", i);  // i ended with the loop
      });
    }
    start.close();
    wg.wait();
  });
}
