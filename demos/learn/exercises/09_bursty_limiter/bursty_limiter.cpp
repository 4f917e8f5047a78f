// Exercise 9.2, a rate limiter that allows bursts (docs/learn/exercises.md):
// a bucket of at most 3 tokens, one more every 100 ms; each request takes
// a token, and waits for one when the bucket is empty. The bucket is a
// buffered channel, filled by a ticker.
#include <gofer/fmt.hpp>
#include <gofer/gofer.hpp>

#include <chrono>
#include <ratio>

using namespace std::chrono_literals;

int main() {
  gofer::run([] {
    const gofer::time_point start = gofer::now();
    auto at = [start] {  // rounded to 50 ms
      using fifty_ms = std::chrono::duration<long long, std::ratio<1, 20>>;
      return std::chrono::round<fifty_ms>(gofer::since(start));
    };

    auto tokens = gofer::make_chan<gofer::signal>(3);  // the bucket: at most 3 tokens
    for (int i = 0; i < 3; ++i) {
      tokens.send();  // it starts full
    }
    auto done = gofer::make_chan<gofer::signal>();
    gofer::defer stop_refill{[done] { done.close(); }};
    gofer::go([tokens, done] {
      gofer::ticker ticker{100ms};
      for (;;) {
        if (gofer::select(gofer::recv_case(ticker.c), gofer::recv_case(done)) == 1) return;
        tokens.try_send(gofer::signal{});  // false if the bucket is full: this token is lost
      }
    });

    auto request = [&](int n) {
      tokens.recv();
      fmt::print("request {} at {}\n", n, at());
    };
    for (int n = 1; n <= 6; ++n) {
      request(n);
    }
    gofer::sleep(350ms);  // quiet: the bucket fills up again, to 3
    for (int n = 7; n <= 10; ++n) {
      request(n);
    }
  });
}

// Output:
// request 1 at 0s
// request 2 at 0s
// request 3 at 0s
// request 4 at 100ms
// request 5 at 200ms
// request 6 at 300ms
// request 7 at 650ms
// request 8 at 650ms
// request 9 at 650ms
// request 10 at 700ms
