// Restoring sequence: each message carries a channel to wait on, and its
// sender waits there until main says "go on" (Pike, "Go Concurrency
// Patterns"). Ann is three times faster than Joe, yet through one fan-in
// channel they speak in turn.
#include <gofer/gofer.hpp>

#include <fmt/core.h>

#include <chrono>
#include <string>

using namespace std::chrono_literals;

struct message {
  std::string str;
  gofer::chan<bool> wait;
};

gofer::recv_chan<message> boring(std::string msg, gofer::duration d) {
  auto c = gofer::make_chan<message>();
  auto wait_for_it = gofer::make_chan<bool>();  // shared by all of this talker's messages
  gofer::go([c, wait_for_it, msg, d] {
    for (int i = 0;; ++i) {
      gofer::sleep(d);
      c.send(message{fmt::format("{} {}", msg, i), wait_for_it});
      wait_for_it.recv();  // blocks until main lets this talker go on
    }
  });
  return c;
}

gofer::recv_chan<message> fan_in(gofer::recv_chan<message> input1,
                                 gofer::recv_chan<message> input2) {
  auto c = gofer::make_chan<message>();
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

int main() {
  gofer::run([] {
    auto c = fan_in(boring("Joe", 300ms), boring("Ann", 100ms));
    for (int i = 0; i < 3; ++i) {
      message msg1 = c.get();
      fmt::print("{}\n", msg1.str);
      message msg2 = c.get();
      fmt::print("{}\n", msg2.str);
      msg1.wait.send(true);
      msg2.wait.send(true);
    }
    fmt::print("You're both boring; I'm leaving.\n");
  });
}

// Output:
// Ann 0
// Joe 0
// Ann 1
// Joe 1
// Ann 2
// Joe 2
// You're both boring; I'm leaving.
