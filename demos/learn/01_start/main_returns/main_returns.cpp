// When main returns, the program ends. A goroutine still blocked in a gofer
// channel operation is unwound: its blocking call throws an internal
// exception, so its destructors and gofer::defer guards run (Go would exit
// without running its deferred calls). See docs/differences.md.
#include <gofer/gofer.hpp>

#include <fmt/core.h>

int main() {
  gofer::run([] {
    auto started = gofer::make_chan<gofer::signal>();
    auto never = gofer::make_chan<int>();  // nobody ever sends on it
    gofer::go([started, never] {
      // Go's deferred call never runs; this one runs when the goroutine is unwound.
      gofer::defer unwound{[] { fmt::print("worker: unwound, its destructors ran\n"); }};
      fmt::print("worker: waiting forever\n");
      started.close();
      never.recv();  // still blocked here when main returns
    });
    started.recv();
    fmt::print("main: returning\n");
  });
  fmt::print("after gofer::run\n");
}

// Output:
// worker: waiting forever
// main: returning
// worker: unwound, its destructors ran
// after gofer::run
