// A gofer::ticker sends on its channel every period. A slow receiver does not
// get a queue of ticks: at most one waits, and the others are dropped, as in
// Go. The value is the time the tick was due, start + k * period.
#include <gofer/fmt.hpp>
#include <gofer/gofer.hpp>

#include <chrono>
#include <ratio>

using namespace std::chrono_literals;

int main() {
  gofer::run([] {
    const gofer::time_point start = gofer::now();
    auto at = [start](gofer::time_point t) {  // rounded to 50 ms
      using fifty_ms = std::chrono::duration<long long, std::ratio<1, 20>>;
      return std::chrono::round<fifty_ms>(t - start);
    };

    gofer::ticker ticker{100ms};  // stopped when the last handle goes, as by defer ticker.Stop()
    for (int i = 1; i <= 3; ++i) {
      const gofer::time_point tick = ticker.c.get();
      fmt::print("tick due at {}, received at {}\n", at(tick), at(gofer::now()));
      if (i == 1) {
        // Slow work: the tick due at 200ms waits for the receiver, the one
        // due at 300ms finds a tick already pending and is dropped.
        gofer::sleep(250ms);
      }
    }
  });
}

// Output:
// tick due at 100ms, received at 100ms
// tick due at 200ms, received at 350ms
// tick due at 400ms, received at 400ms
