// Fan-in: merge two channels into one, so whoever is ready talks first
// (Pike, "Go Concurrency Patterns"). fan_in forwards each input in a
// goroutine of its own; fan_in_select does it in one goroutine with select.
#include <gofer/gofer.hpp>

#include <fmt/core.h>

#include <chrono>
#include <string>
#include <utility>

using namespace std::chrono_literals;

gofer::recv_chan<std::string> boring(std::string msg, gofer::duration d) {
  auto c = gofer::make_chan<std::string>();
  gofer::go([c, msg, d] {
    for (int i = 0;; ++i) {
      gofer::sleep(d);
      c.send(fmt::format("{} {}", msg, i));
    }
  });
  return c;
}

gofer::recv_chan<std::string> fan_in(gofer::recv_chan<std::string> input1,
                                     gofer::recv_chan<std::string> input2) {
  auto c = gofer::make_chan<std::string>();
  gofer::go([c, input1] {
    for (;;) {
      c.send(input1.get());
    }
  });
  gofer::go([c, input2] {
    for (;;) {
      c.send(input2.get());
    }
  });
  return c;
}

gofer::recv_chan<std::string> fan_in_select(gofer::recv_chan<std::string> input1,
                                            gofer::recv_chan<std::string> input2) {
  auto c = gofer::make_chan<std::string>();
  gofer::go([c, input1, input2] {
    for (;;) {
      std::string s;  // both cases receive into s
      gofer::select(gofer::recv_case(input1, s), gofer::recv_case(input2, s));
      c.send(std::move(s));
    }
  });
  return c;
}

void listen(gofer::recv_chan<std::string> c) {
  for (int i = 0; i < 5; ++i) {
    fmt::print("{}\n", c.get());
  }
  fmt::print("You're both boring; I'm leaving.\n");
}

int main() {
  gofer::run([] {
    // Joe talks every 300ms, Ann every 500ms.
    listen(fan_in(boring("Joe", 300ms), boring("Ann", 500ms)));
    listen(fan_in_select(boring("Joe", 300ms), boring("Ann", 500ms)));
  });
}

// Output:
// Joe 0
// Ann 0
// Joe 1
// Joe 2
// Ann 1
// You're both boring; I'm leaving.
// Joe 0
// Ann 0
// Joe 1
// Joe 2
// Ann 1
// You're both boring; I'm leaving.
