// Why a sleep loop drifts and a ticker does not. Both loops want to run every
// 10ms, 50 times, and each run does 2ms of work. The sleep loop sleeps 10ms
// after the work, so tick k comes at k*(10ms + work + the sleep's own
// lateness): the errors add up. The ticker fires at start + k*10ms whatever
// the loop does, so tick k is only as late as that one wake-up.
//
// On the virtual clock (GOFER_VIRTUAL_TIME=1) nothing wakes late, and only
// the work adds up: the sleep loop drifts 50 * 2ms = 100ms, the ticker 0.
#include <gofer/fmt.hpp>
#include <gofer/gofer.hpp>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <vector>

using namespace std::chrono_literals;

namespace {

constexpr gofer::duration period = 10ms;
constexpr int ticks = 50;
constexpr gofer::duration work = 2ms;  // stands for a request, a query, ...

// Each tick's lateness: how much later than start + k*period tick k came.
// The last one is the drift.
std::vector<gofer::duration> sleep_loop() {
  const gofer::time_point start = gofer::now();
  std::vector<gofer::duration> late;
  for (int k = 1; k <= ticks; ++k) {
    gofer::sleep(work);
    gofer::sleep(period);
    late.push_back(gofer::since(start) - k * period);
  }
  return late;
}

// The same for a ticker.
std::vector<gofer::duration> ticker_loop() {
  const gofer::time_point start = gofer::now();
  gofer::ticker ticker{period};  // stopped when the function returns (Go: defer ticker.Stop())
  std::vector<gofer::duration> late;
  for (int k = 1; k <= ticks; ++k) {
    ticker.c.recv();
    late.push_back(gofer::since(start) - k * period);
    gofer::sleep(work);
  }
  return late;
}

double ms(gofer::duration d) {
  return std::chrono::duration<double, std::milli>(d).count();
}

}  // namespace

int main(int argc, char** argv) {
  // --trace also prints each tick's lateness in both loops, for
  // docs/learn/plot_drift.py.
  const bool trace = argc > 1 && std::strcmp(argv[1], "--trace") == 0;
  gofer::run([trace] {
    const std::vector<gofer::duration> sleep_late = sleep_loop();
    fmt::print("sleep loop: {} ticks of {}, drift {:.1f}ms\n", ticks, period,
               ms(sleep_late.back()));
    const std::vector<gofer::duration> ticker_late = ticker_loop();
    std::vector<gofer::duration> sorted = ticker_late;
    std::sort(sorted.begin(), sorted.end());
    fmt::print("ticker:     {} ticks of {}, drift {:.1f}ms (lateness p50 {:.1f}ms, max {:.1f}ms)\n",
               ticks, period, ms(ticker_late.back()), ms(sorted[ticks / 2]), ms(sorted.back()));
    if (trace) {
      for (int k = 0; k < ticks; ++k)
        fmt::print("tick {} {:.3f} {:.3f}\n", k + 1, ms(sleep_late[k]), ms(ticker_late[k]));
    }
  });
}

// Output (varies: measured in real time):
// sleep loop: 50 ticks of 10ms, drift 110.9ms
// ticker:     50 ticks of 10ms, drift 0.2ms (lateness p50 0.2ms, max 0.4ms)
