// The daisy chain (Pike, "Go Concurrency Patterns"): 100,000 goroutines in
// a row, each waiting for a number from its right, adding one and passing
// it to its left. Each goroutine's stack is reserved from a pool (64 KiB by
// default) and takes memory only as far as it is used.
#include <gofer/gofer.hpp>

#include <fmt/core.h>

void f(gofer::chan<int> left, gofer::chan<int> right) {
  left.send(1 + right.get());
}

int main() {
  gofer::run([] {
    const int n = 100000;
    auto leftmost = gofer::make_chan<int>();
    auto right = leftmost;
    auto left = leftmost;
    for (int i = 0; i < n; ++i) {
      right = gofer::make_chan<int>();
      gofer::go(f, left, right);
      left = right;
    }
    gofer::go([](gofer::chan<int> c) { c.send(1); }, right);
    fmt::print("{}\n", leftmost.get());
  });
}

// Output:
// 100001
