// gofer::select waits on several channel operations at once, runs the one
// that becomes ready first and returns its index (its position among the
// arguments), which a switch turns into Go's case bodies.
#include <gofer/gofer.hpp>

#include <fmt/core.h>

#include <chrono>
#include <string>

using namespace std::chrono_literals;

int main() {
  gofer::run([] {
    auto one = gofer::make_chan<std::string>();
    auto two = gofer::make_chan<std::string>();
    gofer::go([one] {
      gofer::sleep(200ms);
      one.send("after 200ms");
    });
    gofer::go([two] {
      gofer::sleep(100ms);
      two.send("after 100ms");
    });
    for (int i = 0; i < 2; ++i) {
      std::string msg;
      switch (gofer::select(gofer::recv_case(one, msg), gofer::recv_case(two, msg))) {
        case 0:
          fmt::print("from one: {}\n", msg);
          break;
        case 1:
          fmt::print("from two: {}\n", msg);
          break;
      }
    }
  });
}

// Output:
// from two: after 100ms
// from one: after 200ms
