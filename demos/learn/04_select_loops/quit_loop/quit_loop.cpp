// A goroutine that serves until told to stop: a loop around a select with one
// case for the work and one for the quit signal.
#include <gofer/gofer.hpp>

#include <fmt/core.h>

#include <utility>

// Sends the Fibonacci sequence on c until quit is closed.
void fibonacci(gofer::send_chan<int> c, gofer::recv_chan<gofer::signal> quit) {
  int x = 0;
  int y = 1;
  for (;;) {
    switch (gofer::select(gofer::send_case(c, x), gofer::recv_case(quit))) {
      case 0:
        x = std::exchange(y, x + y);  // x, y = y, x+y
        break;
      case 1:
        fmt::print("quit\n");
        return;
    }
  }
}

int main() {
  gofer::run([] {
    auto c = gofer::make_chan<int>();
    auto quit = gofer::make_chan<gofer::signal>();
    gofer::go([c, quit] {
      for (int i = 0; i < 10; ++i) {
        fmt::print("{} ", c.get());
      }
      fmt::print("\n");
      quit.close();  // the producer's next select takes this case
    });
    fibonacci(c, quit);
  });
}

// Output:
// 0 1 1 2 3 5 8 13 21 34
// quit
