// A timeout is one more case: gofer::after returns a channel that receives
// once the time is up.
#include <gofer/fmt.hpp>
#include <gofer/gofer.hpp>

#include <chrono>
#include <string>

using namespace std::chrono_literals;

// Delivers a result after delay. The channel has room for it, so the
// goroutine can finish even if nobody receives any more (with an unbuffered
// channel it would block until the program ends).
gofer::recv_chan<std::string> fetch(gofer::duration delay) {
  auto result = gofer::make_chan<std::string>(1);
  gofer::go([result, delay] {
    gofer::sleep(delay);
    result.send(fmt::format("result after {}", delay));
  });
  return result;
}

int main() {
  gofer::run([] {
    for (gofer::duration delay : {50ms, 200ms}) {
      auto result = fetch(delay);
      std::string r;
      switch (gofer::select(gofer::recv_case(result, r), gofer::recv_case(gofer::after(100ms)))) {
        case 0:
          fmt::print("{}\n", r);
          break;
        case 1:
          fmt::print("timed out after 100ms\n");
          break;
      }
    }
  });
}

// Output:
// result after 50ms
// timed out after 100ms
