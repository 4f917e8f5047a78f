// Exercise 4.1, a counter that one goroutine owns (docs/learn/exercises.md):
// the count lives in a goroutine that serves three channels in a
// for-select loop, inc, read and quit. Three workers add 1000 each at once,
// on four threads, with no mutex: only the owner touches the count.
#include <gofer/gofer.hpp>

#include <fmt/core.h>

void counter(gofer::recv_chan<int> inc, gofer::recv_chan<gofer::chan<int>> read,
             gofer::recv_chan<gofer::signal> quit, gofer::send_chan<gofer::signal> stopped) {
  int count = 0;  // confined to this goroutine
  for (;;) {
    int n = 0;
    gofer::chan<int> reply;
    switch (gofer::select(gofer::recv_case(inc, n), gofer::recv_case(read, reply),
                          gofer::recv_case(quit))) {
      case 0:
        count += n;
        break;
      case 1:  // a request carries the channel for its answer
        reply.send(count);
        break;
      case 2:
        fmt::print("counter: stopped at {}\n", count);
        stopped.close();
        return;
    }
  }
}

int main() {
  gofer::run(
      [] {
        auto inc = gofer::make_chan<int>();
        auto read = gofer::make_chan<gofer::chan<int>>();
        auto quit = gofer::make_chan<gofer::signal>();
        auto stopped = gofer::make_chan<gofer::signal>();
        gofer::go(counter, inc, read, quit, stopped);
        auto get = [read] {
          auto reply = gofer::make_chan<int>();
          read.send(reply);
          return reply.get();
        };

        fmt::print("before: {}\n", get());
        gofer::wait_group workers;
        for (int w = 0; w < 3; ++w) {
          workers.go([inc] {
            for (int i = 0; i < 1000; ++i) {
              inc.send(1);
            }
          });
        }
        workers.wait();
        fmt::print("after 3 workers x 1000: {}\n", get());
        quit.close();
        stopped.recv();
      },
      {.threads = 4});
}

// Output:
// before: 0
// after 3 workers x 1000: 3000
// counter: stopped at 3000
