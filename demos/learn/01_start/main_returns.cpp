// When main returns, the program ends. A goroutine still blocked in a gofer
// channel operation is unwound: its blocking call throws an internal
// exception, so its destructors run (Go would exit without running its
// deferred calls). See docs/differences.md.
#include <gofer/gofer.hpp>

#include <fmt/core.h>

struct announce_unwind {
  ~announce_unwind() { fmt::print("worker: unwound, its destructors ran\n"); }
};

int main() {
  gofer::run([] {
    auto started = gofer::make_chan<gofer::signal>();
    auto never = gofer::make_chan<int>();  // nobody ever sends on it
    gofer::go([started, never] {
      announce_unwind guard;
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
