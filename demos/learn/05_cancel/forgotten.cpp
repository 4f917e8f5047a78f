// A task that waits for something that never comes, and whose last handle
// goes away. gofer cancels a task's context when its last handle goes, so
// the goroutine, which also waits on ctx.done(), stops on its own: nothing
// is dropped, nothing leaks, and nothing is reported. (asyncio drops such a
// task with "Task was destroyed but it is pending!"; Go leaks the goroutine.)
#include <gofer/gofer.hpp>

#include <chrono>
#include <cstdio>
#include <string>

using namespace std::chrono_literals;

int main() {
  gofer::run([] {
    auto ended = gofer::make_chan<gofer::signal>();  // closed when the worker ends
    {
      gofer::task<void> task = gofer::spawn([ended](const gofer::context& ctx) {
        auto reply = gofer::make_chan<std::string>();  // nobody ever sends
        std::printf("worker waits for a reply that never comes\n");
        switch (gofer::select(gofer::recv_case(reply), gofer::recv_case(ctx.done()))) {
          case 0:
            std::printf("worker: never gets here\n");
            break;
          case 1:
            std::printf("worker: %s\n", ctx.err().message().c_str());
            break;
        }
        ended.close();
      });
      gofer::sleep(100ms);
    }  // the last handle goes: the task's context is cancelled
    ended.recv();
    std::printf("main: done\n");
  });
}

// Output:
// worker waits for a reply that never comes
// worker: context canceled
// main: done
