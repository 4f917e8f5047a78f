// Tests for gofer/synctest.hpp: synctest::wait, Go's synctest.Wait. Modelled
// on Go's src/internal/synctest/synctest_test.go (TestWait,
// TestWaitDoesNotAdvanceTime, TestConcurrentWait).
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <stdexcept>

#include <gofer/gofer.hpp>

#include "../support/counted.hpp"
#include "../support/watchdog.hpp"

using namespace std::chrono_literals;
using gofer::make_chan;
using gofer_test::for_each_scheduler;
using gofer_test::with_virtual_time;

namespace {}  // namespace

TEST_CASE("synctest::wait returns once every other goroutine is blocked") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          constexpr int n = 50;
          std::atomic<int> reached{0};
          auto gate = make_chan<gofer::signal>();
          for (int i = 0; i < n; ++i) {
            gofer::go([&reached, gate] {
              for (int k = 0; k < 100; ++k)
                gofer::yield();  // runnable for a while: wait must not return yet
              reached.fetch_add(1);
              gate.recv();  // durably blocked
            });
          }
          gofer::synctest::wait();
          CHECK(reached.load() == n);
          gate.close();
          gofer::synctest::wait();  // all of them return: nothing left to wait for
        },
        options);
  });
}

TEST_CASE("synctest::wait does not advance the virtual clock (Go: TestWaitDoesNotAdvanceTime)") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          const auto start = gofer::now();
          std::atomic<bool> slept{false};
          gofer::go([&slept] {
            gofer::sleep(1s);
            slept = true;
          });
          gofer::synctest::wait();  // the sleeper is blocked on its timer
          CHECK(gofer::now() == start);
          CHECK_FALSE(slept.load());
          gofer::sleep(1s);  // now the clock moves, and the sleeper wakes
          gofer::synctest::wait();
          CHECK(slept.load());
          CHECK(gofer::now() == start + 1s);
        },
        with_virtual_time(options));
  });
}

TEST_CASE("synctest::wait sees a value sent to a goroutine handled before it returns") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          auto in = make_chan<int>(10);
          std::atomic<int> sum{0};
          gofer::go([in, &sum] {
            for (int v : in)
              sum.fetch_add(v);
          });
          for (int i = 1; i <= 10; ++i)
            in.send(i);
          gofer::synctest::wait();
          CHECK(sum.load() == 55);
          in.close();
        },
        with_virtual_time(options));
  });
}

TEST_CASE("two goroutines in synctest::wait at once is misuse (Go: TestConcurrentWait)") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          // Whichever of the two comes second throws; the first returns once
          // the other is blocked or gone.
          std::atomic<int> misuses{0};
          auto wait_counting_misuse = [&misuses] {
            try {
              gofer::synctest::wait();
            } catch (const gofer::runtime_misuse&) {
              misuses.fetch_add(1);
            }
          };
          auto done = make_chan<gofer::signal>();
          gofer::go([wait_counting_misuse, done] {
            wait_counting_misuse();
            done.close();
          });
          wait_counting_misuse();
          done.recv();
          CHECK(misuses.load() == 1);
        },
        options);
  });
}

TEST_CASE("synctest::wait outside a goroutine of gofer::run throws runtime_misuse") {
  CHECK_THROWS_AS(gofer::synctest::wait(), gofer::runtime_misuse);
}

TEST_CASE("a goroutine in synctest::wait is unwound at shutdown like any blocked one") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer_test::with_watchdog(60s, "synctest::wait at shutdown", [&] {
      gofer::run(
          [] {
            auto forever = make_chan<int>();
            gofer::go([forever] { forever.recv(); });
            gofer::go([] {
              gofer_test::counted held;
              gofer::synctest::wait();
            });
            gofer::yield();
          },
          options);
    });
  });
}
