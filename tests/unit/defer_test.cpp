// Tests for gofer/defer.hpp: Go's defer as a scope guard, under every
// scheduler setup. That a deferred function throwing during an exception is
// a panic (exit status 2) is checked by defer_panic_test, a program of its
// own (defer_panic_main.cpp).
#include <doctest/doctest.h>

#include <atomic>
#include <stdexcept>
#include <string>
#include <vector>

#include <gofer/gofer.hpp>

#include "../support/counted.hpp"

using gofer_test::for_each_scheduler;
using gofer_test::let_others_run;

TEST_CASE("defer runs at the end of its scope, in reverse order of declaration") {
  std::vector<int> order;
  {
    gofer::defer first{[&] { order.push_back(1); }};
    gofer::defer second{[&] { order.push_back(2); }};
    {
      gofer::defer inner{[&] { order.push_back(3); }};
    }
    order.push_back(4);
  }
  CHECK(order == std::vector<int>{3, 4, 2, 1});
}

TEST_CASE("defer in a loop body runs at the end of each iteration, not of the function") {
  std::vector<int> order;
  for (int i = 0; i < 3; ++i) {
    gofer::defer d{[&order, i] { order.push_back(i); }};
    order.push_back(10 + i);
  }
  CHECK(order == std::vector<int>{10, 0, 11, 1, 12, 2});
}

TEST_CASE("defer runs when its scope is left by an exception") {
  int ran = 0;
  CHECK_THROWS_WITH_AS(
      [&] {
        gofer::defer d{[&] { ++ran; }};
        throw std::runtime_error("failed");
      }(),
      "failed", std::runtime_error);
  CHECK(ran == 1);
}

TEST_CASE("an exception from a deferred function propagates when none is in flight") {
  int after = 0;
  CHECK_THROWS_WITH_AS(
      [&] {
        gofer::defer later{[&] { ++after; }};  // declared first: runs after the throwing one
        gofer::defer d{[] { throw std::runtime_error("from defer"); }};
      }(),
      "from defer", std::runtime_error);
  CHECK(after == 1);
}

TEST_CASE("defer's function may return a value, which is discarded as Go discards it") {
  int calls = 0;
  {
    gofer::defer d{[&] { return ++calls; }};
  }
  CHECK(calls == 1);
}

TEST_CASE("defer close(out) and defer wg.done() are one line each") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          auto out = gofer::make_chan<int>();
          gofer::wait_group wg;
          wg.add(1);
          gofer::go([out, &wg] {
            gofer::defer close_out{[&] { out.close(); }};  // Go: defer close(out)
            gofer::defer done{[&] { wg.done(); }};         // Go: defer wg.Done()
            for (int i = 0; i < 3; ++i)
              out.send(i);
          });
          int sum = 0;
          for (int v : out)
            sum += v;
          CHECK(sum == 3);
          wg.wait();
        },
        options);
  });
}

TEST_CASE("defer runs in a goroutine unwound at shutdown") {
  for_each_scheduler([](const gofer::run_options& options) {
    std::atomic<int> ran{0};
    gofer::run(
        [&ran] {
          gofer::go([&ran] {
            gofer::defer d{[&ran] { ran.fetch_add(1); }};
            gofer::make_chan<int>().recv();  // forever: unwound when main returns
          });
          let_others_run();
        },
        [&] {
          gofer::run_options o = options;
          o.detect_deadlock = false;
          return o;
        }());
    CHECK(ran.load() == 1);
  });
}

TEST_CASE("a deferred function that blocks during shutdown unwinding lets the unwinding go on") {
  for_each_scheduler([](const gofer::run_options& options) {
    std::atomic<int> entered{0};
    std::atomic<int> finished{0};
    gofer::run(
        [&] {
          gofer::go([&] {
            gofer::defer d{[&] {
              entered.fetch_add(1);
              gofer::make_chan<int>().recv();  // throws goroutine_exit: we are shutting down
              finished.fetch_add(1);
            }};
            gofer::make_chan<int>().recv();
          });
          let_others_run();
        },
        [&] {
          gofer::run_options o = options;
          o.detect_deadlock = false;
          return o;
        }());
    CHECK(entered.load() == 1);
    CHECK(finished.load() == 0);
  });
}
