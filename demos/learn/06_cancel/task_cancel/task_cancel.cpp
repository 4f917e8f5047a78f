// gofer::spawn runs a function in a goroutine with its own context and
// returns a task handle; task.cancel() cancels that context. As in Go, the
// goroutine stops when it looks at ctx.done(); gofer::defer does the cleanup
// that Go's defer and Python's finally do.
#include <gofer/fmt.hpp>
#include <gofer/gofer.hpp>

#include <chrono>

using namespace std::chrono_literals;

int main() {
  gofer::run([] {
    gofer::task<void> task = gofer::spawn([](const gofer::context& ctx) {
      gofer::defer cleanup{[] { fmt::print("worker: cleanup\n"); }};  // runs however it ends
      fmt::print("worker: started\n");
      switch (gofer::select(gofer::recv_case(gofer::after(1h)), gofer::recv_case(ctx.done()))) {
        case 0:
          fmt::print("worker: never gets here\n");
          break;
        case 1:
          fmt::print("worker: {}\n", ctx.err());
          break;
      }
    });

    gofer::sleep(100ms);
    task.cancel();
    task.wait();
    fmt::print("main: worker stopped\n");
  });
}

// Output:
// worker: started
// worker: context canceled
// worker: cleanup
// main: worker stopped
