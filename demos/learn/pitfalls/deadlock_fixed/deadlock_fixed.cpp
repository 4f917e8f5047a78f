// The fix for deadlock.cpp: the send happens in a goroutine of its own, so
// main is free to receive. (A buffered channel, make_chan<std::string>(1),
// would also let this one send complete without a receiver.)
#include <gofer/gofer.hpp>

#include <fmt/core.h>

#include <string>

int main() {
  gofer::run([] {
    auto results = gofer::make_chan<std::string>();
    gofer::go([results] {
      fmt::print("worker: sending the result\n");
      results.send("42");  // waits until main receives
    });
    fmt::print("main: received {}\n", results.get());
  });
}

// Output:
// worker: sending the result
// main: received 42
