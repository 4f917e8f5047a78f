// When main returns, the program ends. A goroutine still blocked in a gofer
// channel operation is unwound: its blocking call throws an internal
// exception, so its destructors run (Go would exit without running its
// deferred calls). See docs/differences.md.
#include <gofer/gofer.hpp>

#include <cstdio>

struct announce_unwind {
  ~announce_unwind() { std::printf("worker: unwound, its destructors ran\n"); }
};

int main() {
  gofer::run([] {
    auto started = gofer::make_chan<gofer::signal>();
    auto never = gofer::make_chan<int>();  // nobody ever sends on it
    gofer::go([started, never] {
      announce_unwind guard;
      std::printf("worker: waiting forever\n");
      started.close();
      never.recv();  // still blocked here when main returns
    });
    started.recv();
    std::printf("main: returning\n");
  });
  std::printf("after gofer::run\n");
}

// Output:
// worker: waiting forever
// main: returning
// worker: unwound, its destructors ran
// after gofer::run
