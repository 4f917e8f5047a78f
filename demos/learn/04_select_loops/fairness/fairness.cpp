// When several cases are ready, select picks one at random, uniformly, so no
// channel can starve another. Here both channels always hold a value.
#include <gofer/gofer.hpp>

#include <fmt/core.h>

int main() {
  gofer::run([] {
    auto a = gofer::make_chan<gofer::signal>(1);
    auto b = gofer::make_chan<gofer::signal>(1);
    a.send();
    b.send();
    int from_a = 0;
    int from_b = 0;
    for (int i = 0; i < 10000; ++i) {
      switch (gofer::select(gofer::recv_case(a), gofer::recv_case(b))) {
        case 0:
          ++from_a;
          a.send();  // ready again
          break;
        case 1:
          ++from_b;
          b.send();
          break;
      }
    }
    fmt::print("selects: {}\n", from_a + from_b);
    // Each count is near 5000; 4000 is more than 20 standard deviations away.
    fmt::print("both cases chosen often: {}\n", from_a > 4000 && from_b > 4000);
  });
}

// Output:
// selects: 10000
// both cases chosen often: true
