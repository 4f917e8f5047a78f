// A pipeline with cancellation (after the Go blog's "Go Concurrency
// Patterns: Pipelines and cancellation", 2014): gen sends numbers, two sq
// stages square them (fan-out), merge joins their outputs (fan-in). Every
// stage also watches done, so closing done stops the whole pipeline when
// main leaves early.
#include <gofer/gofer.hpp>

#include <fmt/core.h>

#include <chrono>
#include <numeric>
#include <sstream>
#include <string>
#include <vector>

using namespace std::chrono_literals;

using done_chan = gofer::recv_chan<gofer::signal>;

gofer::recv_chan<int> gen(done_chan done, std::vector<int> nums) {
  auto out = gofer::make_chan<int>();
  gofer::go([done, out, nums] {
    gofer::defer close_out{[&] { out.close(); }};
    for (int n : nums) {
      if (gofer::select(gofer::send_case(out, n), gofer::recv_case(done)) == 1) return;
    }
  });
  return out;
}

gofer::recv_chan<int> sq(done_chan done, gofer::recv_chan<int> in) {
  auto out = gofer::make_chan<int>();
  gofer::go([done, in, out] {
    gofer::defer close_out{[&] { out.close(); }};
    for (int n : in) {
      if (gofer::select(gofer::send_case(out, n * n), gofer::recv_case(done)) == 1) return;
    }
  });
  return out;
}

gofer::recv_chan<int> merge(done_chan done, std::vector<gofer::recv_chan<int>> cs) {
  gofer::wait_group wg;
  auto out = gofer::make_chan<int>();
  auto output = [done, out, wg](gofer::recv_chan<int> c) {  // one per input: copies c to out
    gofer::defer finished{[&] { wg.done(); }};
    for (int n : c) {
      if (gofer::select(gofer::send_case(out, n), gofer::recv_case(done)) == 1) return;
    }
  };
  wg.add(static_cast<std::ptrdiff_t>(cs.size()));
  for (const auto& c : cs) {
    gofer::go(output, c);
  }
  gofer::go([wg, out] {  // closes out once every output is done
    wg.wait();
    out.close();
  });
  return out;
}

// Go's runtime.NumGoroutine(): gofer::dump writes a line per goroutine.
int num_goroutine() {
  std::ostringstream out;
  gofer::dump(out);
  std::istringstream lines{out.str()};
  int n = 0;
  for (std::string line; std::getline(lines, line);) {
    n += line.starts_with("goroutine ");
  }
  return n;
}

int main() {
  gofer::run([] {
    int before = num_goroutine();

    // All of it. The squares arrive in no set order; their sum does not care.
    auto done = gofer::make_chan<gofer::signal>();
    auto in = gen(done, {1, 2, 3, 4, 5});
    int sum = 0;
    for (int n : merge(done, {sq(done, in), sq(done, in)})) {
      sum += n;
    }
    done.close();
    fmt::print("sum of squares: {}\n", sum);

    // Part of it: main takes one value of a hundred and stops the rest.
    std::vector<int> nums(100);
    std::iota(nums.begin(), nums.end(), 1);  // 1, 2, ..., 100
    done = gofer::make_chan<gofer::signal>();
    in = gen(done, nums);
    auto out = merge(done, {sq(done, in), sq(done, in)});
    out.recv();
    fmt::print("goroutines after one value: {}\n", num_goroutine() - before);
    done.close();  // every stage's select takes done and returns
    gofer::sleep(100ms);
    fmt::print("goroutines after close(done): {}\n", num_goroutine() - before);
  });
}

// Output:
// sum of squares: 55
// goroutines after one value: 6
// goroutines after close(done): 0
