// gofer::spawn runs a function in a goroutine with its own context and
// returns a task handle; task.cancel() cancels that context. As in Go, the
// goroutine stops when it looks at ctx.done(); a destructor does the cleanup
// that Go's defer and Python's finally do.
#include <gofer/gofer.hpp>

#include <chrono>
#include <cstdio>

using namespace std::chrono_literals;

struct cleanup {
  ~cleanup() { std::printf("worker: cleanup\n"); }  // runs however the function ends
};

int main() {
  gofer::run([] {
    gofer::task<void> task = gofer::spawn([](const gofer::context& ctx) {
      cleanup at_exit;
      std::printf("worker: started\n");
      switch (gofer::select(gofer::recv_case(gofer::after(1h)), gofer::recv_case(ctx.done()))) {
        case 0:
          std::printf("worker: never gets here\n");
          break;
        case 1:
          std::printf("worker: %s\n", ctx.err().message().c_str());
          break;
      }
    });

    gofer::sleep(100ms);
    task.cancel();
    task.wait();
    std::printf("main: worker stopped\n");
  });
}

// Output:
// worker: started
// worker: context canceled
// worker: cleanup
// main: worker stopped
