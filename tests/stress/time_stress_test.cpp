// Stress tests for gofer/time.hpp: stop and reset racing with firings, on the
// real clock over 1, 2 and 4 threads. Firing is two steps (lib/timer_service.cpp:
// noted under the timer lock, sent after it is released), so a stop can land
// between them; Go 1.23's guarantees must hold all the same:
//   - a timer nobody receives from is always stopped by stop() (true: it was
//     armed, or its value was on its way and is cancelled or drained), and
//     nothing arrives on its channel afterwards;
//   - after a ticker's stop() or reset(), no tick sent before it arrives;
//   - after_func's stop() is true exactly when its func never runs.
//
// Scale: GOFER_STRESS_SCALE (default 1) multiplies the rounds; the default
// runs in about a second in a debug build on two cores.
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <random>

#include <gofer/gofer.hpp>

#include "../support/counted.hpp"

using namespace std::chrono_literals;
using gofer_test::for_each_scheduler;
using gofer_test::stress_scale;

namespace {

// Busy for about `d`, without yielding: the timer may fire meanwhile, on
// another worker's dispatcher.
void compute_for(std::chrono::nanoseconds d) {
  const auto until = std::chrono::steady_clock::now() + d;
  while (std::chrono::steady_clock::now() < until) {
  }
}

constexpr int goroutines = 8;

template <class Body>
void in_goroutines(const gofer::run_options& options, Body body) {
  gofer::run(
      [&] {
        gofer::wait_group wg;
        for (int g = 0; g < goroutines; ++g) {
          wg.add(1);
          gofer::go([&, g, wg]() mutable {
            std::mt19937 rng(static_cast<unsigned>(g) * 7919u + 1);
            body(rng);
            wg.done();
          });
        }
        wg.wait();
      },
      options);
}

std::chrono::microseconds random_us(std::mt19937& rng, int below) {
  return std::chrono::microseconds(std::uniform_int_distribution<int>(0, below)(rng));
}

}  // namespace

TEST_CASE("stop racing a firing: always stopped, nothing arrives after") {
  const int rounds = 150 * stress_scale();
  for_each_scheduler([&](const gofer::run_options& options) {
    std::atomic<int> not_stopped{0};
    std::atomic<int> stale{0};
    in_goroutines(options, [&](std::mt19937& rng) {
      for (int i = 0; i < rounds; ++i) {
        gofer::timer t(random_us(rng, 30));
        compute_for(random_us(rng, 30));
        if (i % 4 == 0) gofer::yield();  // let this worker's dispatcher fire it too
        if (!t.stop()) not_stopped.fetch_add(1);
        if (t.c.try_recv()) stale.fetch_add(1);
        if (i % 16 == 0) {
          gofer::sleep(50us);  // a firing noted before stop has long finished
          if (t.c.try_recv()) stale.fetch_add(1);
        }
      }
    });
    CHECK(not_stopped.load() == 0);
    CHECK(stale.load() == 0);
  });
}

TEST_CASE("reset racing a firing: the old deadline's value never arrives") {
  const int rounds = 150 * stress_scale();
  for_each_scheduler([&](const gofer::run_options& options) {
    std::atomic<int> not_active{0};
    std::atomic<int> stale{0};
    in_goroutines(options, [&](std::mt19937& rng) {
      for (int i = 0; i < rounds; ++i) {
        gofer::timer t(random_us(rng, 30));
        compute_for(random_us(rng, 30));
        if (!t.reset(1h)) not_active.fetch_add(1);
        if (t.c.try_recv()) stale.fetch_add(1);
        if (i % 16 == 0) {
          gofer::sleep(50us);
          if (t.c.try_recv()) stale.fetch_add(1);
        }
      }
    });
    CHECK(not_active.load() == 0);
    CHECK(stale.load() == 0);
  });
}

TEST_CASE("a stopped ticker sends nothing more") {
  const int rounds = 60 * stress_scale();
  for_each_scheduler([&](const gofer::run_options& options) {
    std::atomic<int> stale{0};
    in_goroutines(options, [&](std::mt19937& rng) {
      for (int i = 0; i < rounds; ++i) {
        gofer::ticker tk(std::chrono::microseconds(5) + random_us(rng, 10));
        compute_for(random_us(rng, 40));
        if (i % 2 == 0) tk.c.try_recv();
        tk.stop();
        if (tk.c.try_recv()) stale.fetch_add(1);
        if (i % 8 == 0) {
          gofer::sleep(50us);
          if (tk.c.try_recv()) stale.fetch_add(1);
        }
      }
    });
    CHECK(stale.load() == 0);
  });
}

TEST_CASE("after_func: stop is true exactly when the func never runs") {
  const int rounds = 150 * stress_scale();
  for_each_scheduler([&](const gofer::run_options& options) {
    std::atomic<int> mismatches{0};
    in_goroutines(options, [&](std::mt19937& rng) {
      for (int i = 0; i < rounds; ++i) {
        auto ran = std::make_shared<std::atomic<bool>>(false);
        auto done = gofer::make_chan<gofer::signal>(1);
        gofer::timer t = gofer::after_func(random_us(rng, 30), [ran, done] {
          ran->store(true);
          done.send();
        });
        compute_for(random_us(rng, 30));
        const bool stopped = t.stop();
        if (!stopped) done.recv();  // it fired: its func runs (or ran)
        if (stopped == ran->load()) mismatches.fetch_add(1);
      }
    });
    CHECK(mismatches.load() == 0);
  });
}
