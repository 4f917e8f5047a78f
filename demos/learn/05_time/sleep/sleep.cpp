// gofer::sleep parks the goroutine for a while; gofer::after returns a
// channel that receives once, after a while, which makes a timeout in a
// select. (std::this_thread::sleep_for would block the whole worker thread.)
#include <gofer/fmt.hpp>
#include <gofer/gofer.hpp>

#include <chrono>
#include <ratio>
#include <string>

using namespace std::chrono_literals;

int main() {
  gofer::run([] {
    const gofer::time_point start = gofer::now();
    // Rounded to 100 ms, because a real clock never wakes exactly on time.
    auto elapsed = [start] {
      using tenths = std::chrono::duration<long long, std::deci>;
      return std::chrono::round<tenths>(gofer::since(start));
    };

    gofer::sleep(100ms);
    fmt::print("slept until {}\n", elapsed());

    // One slot, so the slow server can always deliver and end, even after
    // nobody waits for its reply any more.
    auto reply = gofer::make_chan<std::string>(1);
    gofer::go([reply] {
      gofer::sleep(500ms);  // a slow server
      reply.send("pong");
    });
    std::string r;
    switch (gofer::select(gofer::recv_case(reply, r), gofer::recv_case(gofer::after(200ms)))) {
      case 0:
        fmt::print("reply: {}\n", r);
        break;
      case 1:
        fmt::print("timed out at {}\n", elapsed());
        break;
    }
  });
}

// Output:
// slept until 100ms
// timed out at 300ms
