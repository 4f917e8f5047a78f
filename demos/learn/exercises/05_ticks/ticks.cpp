// Exercise 5.1, a ticker that stops (docs/learn/exercises.md): tick every
// 200 ms and stop after n ticks or at a deadline, whichever comes first.
#include <gofer/fmt.hpp>
#include <gofer/gofer.hpp>

#include <chrono>
#include <ratio>

using namespace std::chrono_literals;

void ticks(int n, gofer::duration deadline) {
  const gofer::time_point start = gofer::now();
  auto at = [start] {  // rounded to 100 ms
    using tenths = std::chrono::duration<long long, std::deci>;
    return std::chrono::round<tenths>(gofer::since(start));
  };
  gofer::ticker ticker{200ms};  // both stop when ticks returns, as by defer Stop()
  gofer::timer timeout{deadline};
  for (int i = 0;;) {
    switch (gofer::select(gofer::recv_case(ticker.c), gofer::recv_case(timeout.c))) {
      case 0:
        ++i;
        fmt::print("tick {} at {}\n", i, at());
        if (i == n) {
          fmt::print("stopped after {} ticks\n", n);
          return;
        }
        break;
      case 1:
        fmt::print("deadline after {} ticks at {}\n", i, at());
        return;
    }
  }
}

int main() {
  gofer::run([] {
    ticks(5, 2s);
    ticks(5, 700ms);
  });
}

// Output:
// tick 1 at 200ms
// tick 2 at 400ms
// tick 3 at 600ms
// tick 4 at 800ms
// tick 5 at 1s
// stopped after 5 ticks
// tick 1 at 200ms
// tick 2 at 400ms
// tick 3 at 600ms
// deadline after 3 ticks at 700ms
