// Exercise 5.2, debouncing (docs/learn/exercises.md): events come in
// bursts; handle each burst once, as a batch, when no event has come for
// 200 ms. One timer, reset by every event; its case is off (a nil channel)
// while no batch is pending.
#include <gofer/fmt.hpp>
#include <gofer/gofer.hpp>

#include <fmt/ranges.h>

#include <chrono>
#include <ratio>
#include <vector>

using namespace std::chrono_literals;

namespace {

gofer::time_point start;

auto at() {  // rounded to 100 ms
  using tenths = std::chrono::duration<long long, std::deci>;
  return std::chrono::round<tenths>(gofer::since(start));
}

void debounce(gofer::recv_chan<int> events, gofer::duration quiet) {
  gofer::timer timer{quiet};
  timer.stop();
  gofer::recv_chan<gofer::time_point> fire;  // nil while no batch is pending
  std::vector<int> batch;
  for (;;) {
    int e = 0;
    bool ok = false;
    switch (gofer::select(gofer::recv_case(events, e, ok), gofer::recv_case(fire))) {
      case 0:
        if (!ok) {
          if (!batch.empty()) {  // closed: handle what is pending at once
            fmt::print("handle {} at {}\n", batch, at());
          }
          return;
        }
        fmt::print("event {} at {}\n", e, at());
        batch.push_back(e);
        timer.reset(quiet);  // as Go 1.23's Reset: no stale value can be left
        fire = timer.c;
        break;
      case 1:
        fmt::print("handle {} at {}\n", batch, at());
        batch.clear();
        fire = {};
        break;
    }
  }
}

}  // namespace

int main() {
  gofer::run([] {
    start = gofer::now();
    auto events = gofer::make_chan<int>();
    gofer::go([events] {
      int i = 0;
      for (gofer::duration gap : {0ms, 100ms, 100ms, 400ms, 100ms}) {  // at 0, 100, 200, 600, 700ms
        gofer::sleep(gap);
        events.send(++i);
      }
      gofer::sleep(500ms);
      events.close();
    });
    debounce(events, 200ms);
  });
}

// Output:
// event 1 at 0s
// event 2 at 100ms
// event 3 at 200ms
// handle [1, 2, 3] at 400ms
// event 4 at 600ms
// event 5 at 700ms
// handle [4, 5] at 900ms
