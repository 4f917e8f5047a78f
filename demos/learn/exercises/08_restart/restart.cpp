// Exercise 8.1, restart a failed checker (docs/learn/exercises.md): a
// small monitor with two checkers, each run by a supervisor goroutine. The
// db checker fails on its third check (it throws); its supervisor restarts
// it, twice, then gives up. The web checker runs until the monitor's 1.1 s
// are over.
#include <gofer/fmt.hpp>
#include <gofer/gofer.hpp>

#include <chrono>
#include <functional>
#include <ratio>
#include <stdexcept>
#include <string>
#include <system_error>

using namespace std::chrono_literals;

namespace {

gofer::time_point start;

auto at() {  // rounded to 100 ms
  using tenths = std::chrono::duration<long long, std::deci>;
  return std::chrono::round<tenths>(gofer::since(start));
}

struct checker {
  std::string name;
  gofer::duration period;
  std::function<void(int)> check;  // throws if check n (since the checker started) fails

  // Checks every period until a check throws or ctx ends; returns how many
  // checks passed.
  int run(const gofer::context& ctx) const {
    gofer::ticker ticker{period};
    for (int n = 1;; ++n) {
      if (gofer::select(gofer::recv_case(ticker.c), gofer::recv_case(ctx.done())) == 1) {
        return n - 1;
      }
      check(n);
    }
  }
};

// Runs c, and runs it again when it fails, at most max_restarts times, until
// ctx ends.
void supervise(const gofer::context& ctx, const checker& c, int max_restarts) {
  for (int restarts = 0;; ++restarts) {
    try {
      const int passed = c.run(ctx);
      fmt::print("{}: stopped after {} checks: {}\n", c.name, passed, ctx.err());
      return;
    } catch (const std::runtime_error& err) {
      if (restarts == max_restarts) {
        fmt::print("supervisor: {} failed {} times, giving up\n", c.name, restarts + 1);
        return;
      }
      fmt::print("supervisor: {} failed ({}), restart {} of {}\n", c.name, err.what(), restarts + 1,
                 max_restarts);
    }
  }
}

}  // namespace

int main() {
  gofer::run([] {
    start = gofer::now();
    const checker db{"db", 100ms, [](int n) {
                       if (n == 3) {
                         fmt::print("db: check 3 failed at {}\n", at());
                         throw std::runtime_error("connection refused");
                       }
                       fmt::print("db: check {} ok at {}\n", n, at());
                     }};
    const checker web{"web", 250ms, [](int) {}};

    auto [ctx, cancel] = gofer::with_timeout(gofer::background(), 1100ms);
    gofer::defer release{cancel};
    gofer::wait_group supervisors;
    for (const checker& c : {db, web}) {
      supervisors.go([ctx, c] { supervise(ctx, c, 2); });
    }
    supervisors.wait();
    fmt::print("monitor: done at {}\n", at());
  });
}

// Output:
// db: check 1 ok at 100ms
// db: check 2 ok at 200ms
// db: check 3 failed at 300ms
// supervisor: db failed (connection refused), restart 1 of 2
// db: check 1 ok at 400ms
// db: check 2 ok at 500ms
// db: check 3 failed at 600ms
// supervisor: db failed (connection refused), restart 2 of 2
// db: check 1 ok at 700ms
// db: check 2 ok at 800ms
// db: check 3 failed at 900ms
// supervisor: db failed 3 times, giving up
// web: stopped after 4 checks: context deadline exceeded
// monitor: done at 1.1s
