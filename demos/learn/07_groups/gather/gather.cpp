// gofer::gather(tasks...) waits for every task and returns their results in
// argument order, as a tuple, whatever order they finish in. The first
// failure in argument order is rethrown, after all have finished. There is no
// return_exceptions: to see every outcome, get() each task in turn.
#include <gofer/gofer.hpp>

#include <fmt/core.h>

#include <chrono>
#include <exception>
#include <stdexcept>
#include <string>
#include <vector>

using namespace std::chrono_literals;

namespace {

// Returns the function for spawn: it computes x*x in d.
auto square(int x, gofer::duration d) {
  return [x, d] {
    gofer::sleep(d);
    fmt::print("square({}) finished\n", x);
    return x * x;
  };
}

auto check(int x) {
  return [x] {
    gofer::sleep(x * 100ms);
    if (x == 2) throw std::invalid_argument("bad input " + std::to_string(x));
    return x;
  };
}

}  // namespace

int main() {
  gofer::run([] {
    auto [a, b, c] = gofer::gather(gofer::spawn(square(1, 300ms)), gofer::spawn(square(2, 100ms)),
                                   gofer::spawn(square(3, 200ms)));
    fmt::print("results: [{}, {}, {}]\n", a, b, c);

    std::vector<gofer::task<int>> checks;
    for (int x = 1; x <= 3; ++x)
      checks.push_back(gofer::spawn(check(x)));
    std::string each;  // every outcome, as return_exceptions=True shows them
    for (const gofer::task<int>& t : checks) {
      if (!each.empty()) each += ", ";
      try {
        each += std::to_string(t.get());
      } catch (const std::exception& e) {
        each += e.what();
      }
    }
    fmt::print("each: [{}]\n", each);
    try {
      gofer::gather(checks);
    } catch (const std::invalid_argument& e) {
      fmt::print("gather: {}\n", e.what());
    }
  });
}

// Output:
// square(2) finished
// square(3) finished
// square(1) finished
// results: [1, 4, 9]
// each: [1, bad input 2, 3]
// gather: bad input 2
