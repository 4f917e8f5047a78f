// Rate limiting (after Go by Example's "Rate Limiting"): a ticker lets one
// request through every 100ms; a buffered channel of ticks lets a burst of
// three through at once, then one every 100ms.
#include <gofer/fmt.hpp>
#include <gofer/gofer.hpp>

#include <chrono>
#include <ratio>

using namespace std::chrono_literals;

int main() {
  gofer::run([] {
    gofer::time_point start = gofer::now();
    auto elapsed = [&start] {
      using tenths = std::chrono::duration<long long, std::deci>;
      return std::chrono::round<tenths>(gofer::since(start));
    };

    auto requests = gofer::make_chan<int>(5);
    for (int i = 1; i <= 5; ++i) {
      requests.send(i);
    }
    requests.close();

    auto limiter = gofer::tick(100ms);
    for (int req : requests) {
      limiter.recv();  // waits for the next tick
      fmt::print("request {} at {}\n", req, elapsed());
    }

    start = gofer::now();
    auto bursty_limiter = gofer::make_chan<gofer::time_point>(3);
    for (int i = 0; i < 3; ++i) {
      bursty_limiter.send(gofer::now());  // a burst of three, allowed at once
    }
    gofer::go([bursty_limiter] {
      for (gofer::time_point t : gofer::tick(100ms)) {
        bursty_limiter.send(t);  // then one more every 100ms
      }
    });

    auto bursty_requests = gofer::make_chan<int>(5);
    for (int i = 1; i <= 5; ++i) {
      bursty_requests.send(i);
    }
    bursty_requests.close();
    for (int req : bursty_requests) {
      bursty_limiter.recv();
      fmt::print("bursty request {} at {}\n", req, elapsed());
    }
  });
}

// Output:
// request 1 at 100ms
// request 2 at 200ms
// request 3 at 300ms
// request 4 at 400ms
// request 5 at 500ms
// bursty request 1 at 0s
// bursty request 2 at 0s
// bursty request 3 at 0s
// bursty request 4 at 100ms
// bursty request 5 at 200ms
