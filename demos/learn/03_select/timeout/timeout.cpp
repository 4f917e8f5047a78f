// A timeout is one more case: gofer::after returns a channel that receives
// once the time is up. The select is in its handler form: each case carries
// its body, as Go's cases do.
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
      auto result = fetch(delay);  // before after(100ms): Go evaluates the cases top to bottom
      gofer::select(
          gofer::on_recv(result, [](std::string r) { fmt::print("{}\n", r); }),
          gofer::on_recv(gofer::after(100ms), [] { fmt::print("timed out after 100ms\n"); }));
    }
  });
}

// Output:
// result after 50ms
// timed out after 100ms
