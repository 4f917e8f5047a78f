// The fix for loop_variable_dangling.cpp: capture the loop variable by value,
// [i], so that each goroutine has a copy made when the lambda was. The
// channel is a handle, so it is captured by value too.
#include <gofer/gofer.hpp>

#include <fmt/core.h>

int main() {
  gofer::run([] {
    gofer::wait_group wg;
    auto start = gofer::make_chan<gofer::signal>();
    for (int i = 1; i <= 3; ++i) {
      wg.go([start, i] {
        start.recv();                              // runs after the loop, as goroutines often do
        fmt::print("goroutine sees i = {}\n", i);  // its own copy
      });
    }
    start.close();
    wg.wait();
  });
}

// Unordered output:
// goroutine sees i = 1
// goroutine sees i = 2
// goroutine sees i = 3
