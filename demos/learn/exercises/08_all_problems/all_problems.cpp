// Exercise 8.2, every problem until a deadline (docs/learn/exercises.md):
// the monitor no longer stops at the first problem. Three checkers report
// problems on one channel; main prints each as it comes, stops them all
// after 1.3 s, and waits for them before it says how many it heard.
#include <gofer/fmt.hpp>
#include <gofer/gofer.hpp>

#include <chrono>
#include <functional>
#include <ratio>
#include <string>
#include <vector>

using namespace std::chrono_literals;

namespace {

gofer::time_point start;

auto at() {  // rounded to 100 ms
  using tenths = std::chrono::duration<long long, std::deci>;
  return std::chrono::round<tenths>(gofer::since(start));
}

using check_func = std::function<std::string(int)>;  // a problem, or ""

// Calls check every period until ctx ends, and sends each problem it finds.
// The send also gives up when ctx ends: main may have stopped listening.
void run_checker(const gofer::context& ctx, gofer::duration period, const check_func& check,
                 gofer::send_chan<std::string> problems) {
  gofer::ticker ticker{period};
  for (int n = 1;; ++n) {
    if (gofer::select(gofer::recv_case(ticker.c), gofer::recv_case(ctx.done())) == 1) return;
    if (std::string problem = check(n); !problem.empty()) {
      if (gofer::select(gofer::send_case(problems, std::move(problem)),
                        gofer::recv_case(ctx.done())) == 1) {
        return;
      }
    }
  }
}

struct checker {
  gofer::duration period;
  check_func check;
};

}  // namespace

int main() {
  gofer::run([] {
    start = gofer::now();
    const std::vector<checker> checks{
        {300ms, [](int) { return std::string(); }},  // cpu: always fine
        {500ms, [](int n) { return std::string(n % 2 == 0 ? "disk: 95% full" : ""); }},  // disk
        {700ms, [](int) { return std::string("net: unreachable"); }},  // net: always
    };

    auto [ctx, cancel] = gofer::with_timeout(gofer::background(), 1300ms);
    gofer::defer release{cancel};
    auto problems = gofer::make_chan<std::string>();
    gofer::wait_group checkers;
    for (const checker& c : checks) {
      checkers.go([ctx, c, problems] { run_checker(ctx, c.period, c.check, problems); });
    }

    int heard = 0;
    while (!ctx.err()) {
      std::string p;
      switch (gofer::select(gofer::recv_case(problems, p), gofer::recv_case(ctx.done()))) {
        case 0:
          ++heard;
          fmt::print("problem: {} at {}\n", p, at());
          break;
        case 1:
          fmt::print("monitor: stopping at {}\n", at());
          break;
      }
    }
    checkers.wait();
    fmt::print("monitor: every checker stopped, {} problems\n", heard);
  });
}

// Output:
// problem: net: unreachable at 700ms
// problem: disk: 95% full at 1s
// monitor: stopping at 1.3s
// monitor: every checker stopped, 2 problems
