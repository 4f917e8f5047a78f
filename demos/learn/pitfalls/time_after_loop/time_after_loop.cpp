// Pitfall: gofer::after(d) inside a for-select loop makes a new timer on
// every iteration, so the timeout starts again with each event. Meant as
// "stop waiting after 500ms in all", it fires only once events stop coming
// for 500ms. The fix: one timer, made before the loop.
#include <gofer/gofer.hpp>

#include <fmt/core.h>

#include <chrono>

using namespace std::chrono_literals;

namespace {

gofer::time_point start;

double seconds() {
  return std::chrono::duration<double>(gofer::since(start)).count();
}

// Sends `count` events, one every `period`, into a channel with room for all.
gofer::chan<int> events(gofer::duration period, int count) {
  auto ch = gofer::make_chan<int>(count);
  gofer::go([ch, period, count] {
    for (int i = 1; i <= count; ++i) {
      gofer::sleep(period);
      ch.send(i);
    }
  });
  return ch;
}

void broken() {
  auto ch = events(200ms, 5);
  int received = 0;
  for (;;) {
    switch (gofer::select(gofer::recv_case(ch), gofer::recv_case(gofer::after(500ms)))) {
      case 0:  // an event: the next iteration makes a new 500ms timer
        ++received;
        break;
      case 1:
        fmt::print("broken: gave up after {} events, at {:.1f}s\n", received, seconds());
        return;
    }
  }
}

void fixed() {
  auto ch = events(200ms, 5);
  gofer::timer timeout{500ms};  // one timer for the whole loop
  int received = 0;
  for (;;) {
    switch (gofer::select(gofer::recv_case(ch), gofer::recv_case(timeout.c))) {
      case 0:
        ++received;
        break;
      case 1:
        fmt::print("fixed: gave up after {} events, at {:.1f}s\n", received, seconds());
        return;
    }
  }
}

}  // namespace

int main() {
  gofer::run([] {
    start = gofer::now();
    broken();
    start = gofer::now();
    fixed();
  });
}

// Output:
// broken: gave up after 5 events, at 1.5s
// fixed: gave up after 2 events, at 0.5s
