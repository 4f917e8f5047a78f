// A quit channel (Pike, "Go Concurrency Patterns"): main tells the talker
// to stop, and waits on the same channel for it to say it has cleaned up.
#include <gofer/gofer.hpp>

#include <fmt/core.h>

#include <chrono>
#include <string>

using namespace std::chrono_literals;

void cleanup() {
  fmt::print("Joe: cleaning up\n");
}

gofer::recv_chan<std::string> boring(std::string msg, gofer::chan<std::string> quit) {
  auto c = gofer::make_chan<std::string>();
  gofer::go([c, msg, quit] {
    for (int i = 0;; ++i) {
      switch (gofer::select(gofer::send_case(c, fmt::format("{} {}", msg, i)),
                            gofer::recv_case(quit))) {
        case 0:
          gofer::sleep(100ms);
          break;
        case 1:
          cleanup();
          quit.send("See you!");
          return;
      }
    }
  });
  return c;
}

int main() {
  gofer::run([] {
    auto quit = gofer::make_chan<std::string>();
    auto c = boring("Joe", quit);
    for (int i = 0; i < 3; ++i) {
      fmt::print("{}\n", c.get());
    }
    quit.send("Bye!");
    fmt::print("Joe says: {}\n", quit.get());  // returns once Joe has cleaned up
  });
}

// Output:
// Joe 0
// Joe 1
// Joe 2
// Joe: cleaning up
// Joe says: See you!
