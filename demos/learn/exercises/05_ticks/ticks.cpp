// Exercise 5.1, a ticker that stops (docs/learn/exercises.md): tick every
// 100 ms and stop after n ticks or at a deadline, whichever comes first.
#include <gofer/fmt.hpp>
#include <gofer/gofer.hpp>

#include <chrono>
#include <ratio>

using namespace std::chrono_literals;

void ticks(int n, gofer::duration deadline) {
  const gofer::time_point start = gofer::now();
  auto at = [start] {  // rounded to 50 ms
    using fifty_ms = std::chrono::duration<long long, std::ratio<1, 20>>;
    return std::chrono::round<fifty_ms>(gofer::since(start));
  };
  gofer::ticker ticker{100ms};  // both stop when ticks returns, as by defer Stop()
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
    ticks(5, 1s);
    ticks(5, 350ms);
  });
}

// Output:
// tick 1 at 100ms
// tick 2 at 200ms
// tick 3 at 300ms
// tick 4 at 400ms
// tick 5 at 500ms
// stopped after 5 ticks
// tick 1 at 100ms
// tick 2 at 200ms
// tick 3 at 300ms
// deadline after 3 ticks at 350ms
