// A task that waits for something that never comes, and whose last handle
// goes away. gofer cancels a task's context when its last handle goes, so
// the goroutine, which also waits on ctx.done(), stops on its own: nothing
// is dropped, nothing leaks, and nothing is reported. (Go leaks the
// goroutine; asyncio usually leaks the task too, see forgotten.py.)
#include <gofer/fmt.hpp>
#include <gofer/gofer.hpp>

#include <chrono>
#include <string>

using namespace std::chrono_literals;

int main() {
  gofer::run([] {
    auto ended = gofer::make_chan<gofer::signal>();  // closed when the worker ends
    {
      gofer::task<void> task = gofer::spawn([ended](const gofer::context& ctx) {
        auto reply = gofer::make_chan<std::string>();  // nobody ever sends
        fmt::print("worker waits for a reply that never comes\n");
        switch (gofer::select(gofer::recv_case(reply), gofer::recv_case(ctx.done()))) {
          case 0:
            fmt::print("worker: never gets here\n");
            break;
          case 1:
            fmt::print("worker: {}\n", ctx.err());
            break;
        }
        ended.close();
      });
      gofer::sleep(100ms);
    }  // the last handle goes: the task's context is cancelled
    ended.recv();
    fmt::print("main: done\n");
  });
}

// Output:
// worker waits for a reply that never comes
// worker: context canceled
// main: done
