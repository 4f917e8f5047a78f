// Timeouts with select (Pike, "Go Concurrency Patterns"): a timer per
// message, made anew in each loop, bounds the wait for one message; one
// timer made before the loop bounds the whole conversation. The talker
// slows down: each message takes twice as long as the one before.
#include <gofer/gofer.hpp>

#include <fmt/core.h>

#include <chrono>
#include <string>

using namespace std::chrono_literals;

gofer::recv_chan<std::string> boring(std::string msg) {
  auto c = gofer::make_chan<std::string>();
  gofer::go([c, msg] {
    gofer::duration d = 100ms;
    for (int i = 0;; ++i) {
      gofer::sleep(d);  // 100ms, 200ms, 400ms, ...
      c.send(fmt::format("{} {}", msg, i));
      d *= 2;
    }
  });
  return c;
}

void per_message() {
  auto c = boring("Joe");
  for (;;) {
    std::string s;
    switch (gofer::select(gofer::recv_case(c, s),
                          gofer::recv_case(gofer::after(300ms)))) {  // a new timer each time round
      case 0:
        fmt::print("{}\n", s);
        break;
      case 1:
        fmt::print("You're too slow.\n");
        return;
    }
  }
}

void whole_conversation() {
  auto c = boring("Ann");
  auto timeout = gofer::after(500ms);  // one timer for the whole loop
  for (;;) {
    std::string s;
    switch (gofer::select(gofer::recv_case(c, s), gofer::recv_case(timeout))) {
      case 0:
        fmt::print("{}\n", s);
        break;
      case 1:
        fmt::print("You talk too much.\n");
        return;
    }
  }
}

int main() {
  gofer::run([] {
    per_message();
    whole_conversation();
  });
}

// Output:
// Joe 0
// Joe 1
// You're too slow.
// Ann 0
// Ann 1
// You talk too much.
