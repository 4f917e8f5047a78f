// A generator: a function that starts a goroutine and returns the channel
// the goroutine talks on (Rob Pike, "Go Concurrency Patterns", 2012). The
// channel is a handle on a service; main talks to two of them in turn.
// Pike's talkers sleep a random time; these sleep a fixed one.
#include <gofer/gofer.hpp>

#include <fmt/core.h>

#include <chrono>
#include <string>

using namespace std::chrono_literals;

// boring returns a receive-only channel; the goroutine behind it sends a
// message every d, for as long as someone receives.
gofer::recv_chan<std::string> boring(std::string msg, gofer::duration d) {
  auto c = gofer::make_chan<std::string>();
  gofer::go([c, msg, d] {
    for (int i = 0;; ++i) {
      gofer::sleep(d);
      c.send(fmt::format("{} {}", msg, i));
    }
  });
  return c;  // the caller gets the channel; the goroutine runs on
}

int main() {
  gofer::run([] {
    auto joe = boring("Joe", 300ms);
    auto ann = boring("Ann", 100ms);
    for (int i = 0; i < 3; ++i) {
      fmt::print("{}\n", joe.get());  // in turn: Ann is faster, but waits for Joe
      fmt::print("{}\n", ann.get());
    }
    fmt::print("You're both boring; I'm leaving.\n");
  });
}

// Output:
// Joe 0
// Ann 0
// Joe 1
// Ann 1
// Joe 2
// Ann 2
// You're both boring; I'm leaving.
