// bench/ticker_accuracy.cpp - gofer::ticker and gofer::sleep against the
// real clock.
//
// A 10 ms ticker for 300 receives: tick k is due at start + k*10ms. A ticker
// drops ticks its receiver is too late for, so the tick received is told by
// its value (gofer sends the due time, Go 1.19 the firing time), not by
// counting: lateness = receive time - that tick's due time. drift = last
// receive - (start + 300*10ms), as if none were dropped; `skipped` counts the
// dropped ticks (each adds 10 ms to drift). Then a
// naive loop of 300 sleep(10ms): lateness is each sleep's overshoot (how much
// longer than 10 ms it took), and drift = end - (start + 300*10ms), which
// grows with every overshoot. Twin: bench/go/ticker.go.
//
//   ticker_accuracy [THREADS [TICKS [io]]]      # TICKS defaults to 300
//
// With "io", a goroutine waits in a TCP accept all along, so every idle
// worker waits for the next tick in the I/O poller (epoll_wait with the
// timer heap's next deadline) rather than on its condition variable: the
// figures tell whether timers lose precision there (docs/design/io.md).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "gofer/net.hpp"
#include "gofer/sync.hpp"

#include "gofer/chan.hpp"
#include "gofer/runtime.hpp"
#include "gofer/time.hpp"

namespace {

using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;
using micros = std::chrono::duration<double, std::micro>;

constexpr auto period = 10ms;
constexpr int default_ticks = 300;

void report(const char* name, clock_type::duration drift, long skipped,
            std::vector<clock_type::duration> late) {
  std::sort(late.begin(), late.end());
  auto pick = [&late](double q) {
    return micros(late[static_cast<std::size_t>(q * static_cast<double>(late.size() - 1))]).count();
  };
  std::printf("%-14s %12.0f %8ld %11.0f %10.0f %10.0f\n", name, micros(drift).count(), skipped,
              pick(0.5), pick(0.99), pick(1));
}

}  // namespace

int main(int argc, char** argv) {
  const std::size_t threads = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 1;
  const int ticks = argc > 2 ? std::atoi(argv[2]) : default_ticks;
  const bool with_io = argc > 3 && std::strcmp(argv[3], "io") == 0;
  std::printf("%-14s %12s %8s %11s %10s %10s\n", "gofer", "drift us", "skipped", "late p50 us",
              "p99 us", "max us");
  gofer::run(
      [ticks, with_io] {
        gofer::net::listener ln;
        gofer::wait_group accepting;
        if (with_io) {
          ln = gofer::net::listen("tcp", "127.0.0.1:0").value;
          accepting.go([ln] { (void)ln.accept(); });
        }
        std::vector<clock_type::duration> lateness;
        lateness.reserve(ticks);
        {
          const auto start = clock_type::now();
          gofer::ticker ticker{period};
          clock_type::time_point last;
          long k = 0;
          for (int i = 0; i < ticks; ++i) {
            const clock_type::time_point value = ticker.c.recv().value;
            last = clock_type::now();
            k = (value - start) / period;  // which tick this is
            lateness.push_back(last - (start + k * period));
          }
          report("ticker", last - (start + ticks * period), k - ticks, lateness);
        }

        lateness.clear();
        const auto start = clock_type::now();
        auto previous = start;
        for (int k = 0; k < ticks; ++k) {
          gofer::sleep(period);
          const auto now = clock_type::now();
          lateness.push_back(now - previous - period);
          previous = now;
        }
        report("sleep", previous - (start + ticks * period), 0, lateness);
        if (with_io) {
          ln.close();
          accepting.wait();
        }
      },
      {.threads = threads});
}
