// Tests for gofer/time.hpp: now, sleep, after, timer, ticker, after_func,
// and the virtual clock (run_options::virtual_time). Go's src/time
// sleep_test.go and tick_test.go are the checklist; the ports keep Go's test
// names.
//
// Every test but the real-clock smoke test runs on the virtual clock, where
// time stands still while any goroutine can run and jumps to the next timer
// when all are blocked: the tests assert exact instants, take no wall-clock
// time and never depend on the machine's speed.
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <iterator>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <gofer/chan.hpp>
#include <gofer/errors.hpp>
#include <gofer/runtime.hpp>
#include <gofer/select.hpp>
#include <gofer/time.hpp>

#include "../support/counted.hpp"
#include "../support/watchdog.hpp"

using namespace std::chrono_literals;
using gofer::default_case;
using gofer::duration;
using gofer::make_chan;
using gofer::recv_case;
using gofer::select;
using gofer::time_point;
using gofer_test::for_each_scheduler;
using gofer_test::with_virtual_time;

namespace {

// What a receive would deliver now, without blocking.
std::optional<time_point> poll(const gofer::recv_chan<time_point>& c) {
  auto result = c.try_recv();
  // Timer channels are never closed: a "closed" report is as wrong as a value
  // of the epoch, and fails every check on the value.
  if (!result.has_value()) return std::nullopt;
  if (!result->ok) return time_point::min();
  return result->value;
}

}  // namespace

TEST_CASE("now advances exactly by the slept duration on a virtual clock") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          const time_point start = gofer::now();
          gofer::sleep(1500ms);
          CHECK(gofer::now() - start == 1500ms);
          gofer::sleep(1ns);
          CHECK(gofer::now() - start == 1500ms + 1ns);
          gofer::sleep(24h);
          CHECK(gofer::now() - start == 24h + 1500ms + 1ns);
          gofer::sleep_until(start + 48h);
          CHECK(gofer::now() - start == 48h);
          // A deadline in the past returns at once.
          gofer::sleep_until(start);
          CHECK(gofer::now() - start == 48h);
        },
        with_virtual_time(options));
  });
}

TEST_CASE("the virtual clock does not move while any goroutine can run") {
  for_each_scheduler([](const gofer::run_options& options) {
    constexpr int workers = 8;
    std::atomic<int> saw_time_move{0};
    gofer::run(
        [&saw_time_move] {
          const time_point start = gofer::now();
          auto finished = make_chan<gofer::signal>(workers);
          for (int w = 0; w < workers; ++w) {
            gofer::go([start, finished, &saw_time_move] {
              // Computes and yields, never blocks: the clock must stand still.
              volatile unsigned sink = 0;
              for (int k = 0; k < 2000; ++k) {
                for (unsigned i = 0; i < 200; ++i)
                  sink = sink + i;
                if (k % 50 == 0) gofer::yield();
                if (gofer::now() != start) saw_time_move.fetch_add(1);
              }
              finished.send();
            });
          }
          // main blocks on a timer meanwhile: on 4 threads, its worker runs out
          // of work while the others still compute.
          gofer::sleep(1s);
          CHECK(gofer::now() - start == 1s);
          for (int w = 0; w < workers; ++w)
            finished.recv();
          CHECK(gofer::now() - start == 1s);
        },
        with_virtual_time(options));
    CHECK(saw_time_move.load() == 0);
  });
}

TEST_CASE("sleep of zero or a negative duration returns at once") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          const time_point start = gofer::now();
          gofer::sleep(0s);
          gofer::sleep(-1s);
          gofer::sleep(duration::min());
          gofer::sleep_until(start - 1h);
          CHECK(gofer::now() == start);
        },
        with_virtual_time(options));
    // On the real clock too (nothing to assert but that it returns).
    gofer::run(
        [] {
          gofer::sleep(0s);
          gofer::sleep(-1h);
        },
        options);
  });
  // It needs no runtime: there is nothing to wait for.
  gofer::sleep(0s);
  gofer::sleep(-1s);
}

TEST_CASE("after in a select is a timeout: nobody sends, so after wins 5s later") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          auto never = make_chan<int>();
          const time_point start = gofer::now();
          int value = 0;
          time_point fired{};
          CHECK(select(recv_case(never, value), recv_case(gofer::after(5s), fired)) == 1);
          CHECK(gofer::now() - start == 5s);
          CHECK(fired == start + 5s);
          // A value that arrives first wins over the timeout.
          gofer::go([never] { never.send(7); });
          CHECK(select(recv_case(never, value), recv_case(gofer::after(5s))) == 0);
          CHECK(value == 7);
          CHECK(gofer::now() - start == 5s);
        },
        with_virtual_time(options));
  });
}

TEST_CASE("after delivers the time it was due") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          const time_point start = gofer::now();
          auto c = gofer::after(2s);
          CHECK(c.recv().value == start + 2s);
          CHECK(gofer::now() == start + 2s);
          // Received late, it still reports when it was due.
          auto late = gofer::after(1s);
          gofer::sleep(10s);
          CHECK(late.recv().value == start + 3s);
          CHECK(gofer::now() == start + 12s);
        },
        with_virtual_time(options));
  });
}

TEST_CASE("a timer of zero or negative duration fires at once with the current time") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          const time_point start = gofer::now();
          gofer::timer zero(0s);
          CHECK(zero.c.recv().value == start);
          gofer::timer negative(-1h);
          CHECK(negative.c.recv().value == start);
          CHECK(gofer::after(-5s).recv().value == start);
          CHECK(gofer::now() == start);
        },
        with_virtual_time(options));
  });
}

TEST_CASE("stop before a timer fires returns true and nothing is ever received") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          gofer::timer t(1s);
          CHECK(t.stop());
          gofer::sleep(2s);
          CHECK_FALSE(poll(t.c).has_value());
          CHECK_FALSE(t.stop());  // already stopped
          gofer::sleep(1h);
          CHECK_FALSE(poll(t.c).has_value());
        },
        with_virtual_time(options));
  });
}

TEST_CASE("stop after the value was received returns false") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          const time_point start = gofer::now();
          gofer::timer t(1s);
          CHECK(t.c.recv().value == start + 1s);
          CHECK_FALSE(t.stop());
          CHECK_FALSE(poll(t.c).has_value());
        },
        with_virtual_time(options));
  });
}

TEST_CASE("stop after a timer fired but before the receive returns true and discards it") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          gofer::timer t(1s);
          gofer::timer witness(1s);  // created later, same deadline: fires after t
          gofer::sleep(2s);
          REQUIRE(poll(witness.c).has_value());  // so t has fired too
          CHECK(t.stop());                       // Go 1.23: the unreceived value counts
          CHECK_FALSE(poll(t.c).has_value());    // and is gone
          CHECK_FALSE(t.stop());
          gofer::sleep(1h);
          CHECK_FALSE(poll(t.c).has_value());
        },
        with_virtual_time(options));
  });
}

TEST_CASE("reset returns whether the timer was pending and fires d after the reset") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          const time_point start = gofer::now();
          SUBCASE("pending, not yet fired") {
            gofer::timer t(1s);
            gofer::sleep(500ms);
            CHECK(t.reset(2s));
            gofer::sleep(1s);  // past the old deadline
            CHECK_FALSE(poll(t.c).has_value());
            CHECK(t.c.recv().value == start + 2500ms);
            CHECK(gofer::now() == start + 2500ms);
          }
          SUBCASE("fired but not received: the stale value is dropped") {
            gofer::timer t(1s);
            gofer::sleep(2s);
            CHECK(t.reset(1s));
            CHECK_FALSE(poll(t.c).has_value());
            CHECK(t.c.recv().value == start + 3s);
          }
          SUBCASE("fired and received") {
            gofer::timer t(1s);
            t.c.recv();
            CHECK_FALSE(t.reset(1s));
            CHECK(t.c.recv().value == start + 2s);
          }
          SUBCASE("stopped") {
            gofer::timer t(1s);
            CHECK(t.stop());
            CHECK_FALSE(t.reset(3s));
            CHECK(t.c.recv().value == start + 3s);
          }
          SUBCASE("to an earlier deadline") {
            gofer::timer t(1h);
            CHECK(t.reset(1s));
            CHECK(t.c.recv().value == start + 1s);
            CHECK_FALSE(poll(t.c).has_value());
            gofer::sleep(2h);
            CHECK_FALSE(poll(t.c).has_value());  // the old 1h deadline is gone
          }
          SUBCASE("to zero or a negative duration: fires at once") {
            gofer::timer t(1h);
            CHECK(t.reset(0s));
            CHECK(t.c.recv().value == start);
            CHECK_FALSE(t.reset(-1s));
            CHECK(t.c.recv().value == start);
            CHECK(gofer::now() == start);
          }
          SUBCASE("repeatedly: only the last deadline fires, once") {
            gofer::timer t(1s);
            for (int i = 2; i <= 10; ++i)
              CHECK(t.reset(std::chrono::seconds(i)));
            CHECK(t.c.recv().value == start + 10s);
            gofer::sleep(1h);
            CHECK_FALSE(poll(t.c).has_value());
          }
        },
        with_virtual_time(options));
  });
}

TEST_CASE("timer, ticker and after channels report len and cap 0, even holding a value") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          const time_point start = gofer::now();
          gofer::timer t(1s);
          gofer::ticker tk(1s);
          auto a = gofer::after(1s);
          CHECK(t.c.len() == 0);
          CHECK(t.c.cap() == 0);
          gofer::sleep(1500ms);  // all three fired; none received
          CHECK(t.c.len() == 0);
          CHECK(t.c.cap() == 0);
          CHECK(tk.c.len() == 0);
          CHECK(tk.c.cap() == 0);
          CHECK(a.len() == 0);
          CHECK(a.cap() == 0);
          // Yet the values are there to receive.
          CHECK(poll(t.c) == start + 1s);
          CHECK(poll(tk.c) == start + 1s);
          CHECK(poll(a) == start + 1s);
        },
        with_virtual_time(options));
  });
}

TEST_CASE("a goroutine blocked on a stopped timer stays blocked until a reset fires it") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          const time_point start = gofer::now();
          gofer::timer t(1s);
          auto got = make_chan<time_point>(1);
          gofer::go([c = t.c, got] { got.send(c.recv().value); });
          gofer::yield();
          CHECK(t.stop());
          gofer::sleep(1h);
          CHECK_FALSE(poll(got).has_value());  // the receiver got nothing
          CHECK_FALSE(t.reset(1s));
          CHECK(got.recv().value == start + 1h + 1s);
        },
        with_virtual_time(options));
  });
}

TEST_CASE("dropping the last handle of a timer or ticker stops it; copies share it") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          gofer::recv_chan<time_point> timer_c;
          gofer::recv_chan<time_point> ticker_c;
          {
            gofer::timer t(1s);
            gofer::ticker tk(1s);
            timer_c = t.c;
            ticker_c = tk.c;
          }
          gofer::sleep(10s);
          CHECK_FALSE(poll(timer_c).has_value());
          CHECK_FALSE(poll(ticker_c).has_value());

          gofer::timer original(1s);
          {
            gofer::timer copy = original;  // a copy going away stops nothing
          }
          gofer::timer copy = original;
          CHECK(copy.c == original.c);
          CHECK(copy.stop());
          CHECK_FALSE(original.stop());
          CHECK_FALSE(original.reset(1s));
          CHECK_FALSE(poll(copy.c).has_value());
          const time_point fired = copy.c.recv().value;
          CHECK(fired == gofer::now());
        },
        with_virtual_time(options));
  });
}

TEST_CASE("a ticker ticks at exactly start + k*d, without drift") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          constexpr auto d = 250ms;
          const time_point start = gofer::now();
          gofer::ticker tk(d);
          for (int k = 1; k <= 40; ++k) {
            const time_point tick = tk.c.recv().value;
            CHECK(tick == start + k * d);
            CHECK(gofer::now() == tick);
          }
          // An odd period that does not divide a second.
          const time_point second_start = gofer::now();
          gofer::ticker odd(333'333'333ns);
          for (int k = 1; k <= 30; ++k)
            CHECK(odd.c.recv().value == second_start + k * 333'333'333ns);
        },
        with_virtual_time(options));
  });
}

TEST_CASE("a slow receiver loses ticks: never a burst, never more than one pending") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          constexpr auto d = 1s;
          const time_point start = gofer::now();
          gofer::ticker tk(d);
          std::vector<time_point> values;
          std::vector<time_point> received_at;
          while (gofer::now() - start < 10 * d) {
            values.push_back(tk.c.recv().value);
            received_at.push_back(gofer::now());
            // Whatever was pending has just been taken: no second tick waits.
            CHECK_FALSE(poll(tk.c).has_value());
            gofer::sleep(3500ms);
          }
          REQUIRE(values.size() == 3);
          for (std::size_t i = 0; i < values.size(); ++i) {
            CAPTURE(i);
            CHECK((values[i] - start) % d == duration::zero());  // a due time
            CHECK(values[i] <= received_at[i]);
            if (i > 0) {
              CHECK(values[i] > values[i - 1]);
              CHECK(values[i] > received_at[i - 1]);  // a tick after the last receive
            }
          }
          // Exactly, as Go 1.23 does it: the pending tick is the first one due
          // after the previous receive, delivered with its due time.
          CHECK(values[0] == start + 1s);
          CHECK(received_at[0] == start + 1s);
          CHECK(values[1] == start + 2s);
          CHECK(received_at[1] == start + 4500ms);
          CHECK(values[2] == start + 5s);
          CHECK(received_at[2] == start + 8s);
          // The loop ended asleep until 11.5s: one tick (9s) waits, on the
          // grid, and the next comes at 12s.
          CHECK(gofer::now() == start + 11500ms);
          CHECK(poll(tk.c) == start + 9s);
          CHECK_FALSE(poll(tk.c).has_value());
          CHECK(tk.c.recv().value == start + 12s);
        },
        with_virtual_time(options));
  });
}

TEST_CASE("a stopped ticker delivers nothing, even as time passes") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          gofer::ticker tk(1s);
          tk.c.recv();
          gofer::sleep(1500ms);  // tick 2 pending, not received
          tk.stop();
          CHECK_FALSE(poll(tk.c).has_value());
          gofer::sleep(10s);
          CHECK_FALSE(poll(tk.c).has_value());
          tk.stop();  // twice is fine
        },
        with_virtual_time(options));
  });
}

TEST_CASE("ticker reset changes the period: the next tick comes d after the reset") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          const time_point start = gofer::now();
          gofer::ticker tk(1s);
          CHECK(tk.c.recv().value == start + 1s);
          gofer::sleep(500ms);
          tk.reset(3s);
          CHECK(tk.c.recv().value == start + 4500ms);
          CHECK(tk.c.recv().value == start + 7500ms);
          // A tick pending at the reset is dropped.
          gofer::sleep(3500ms);  // 11s: the 10.5s tick waits
          tk.reset(1s);
          CHECK_FALSE(poll(tk.c).has_value());
          CHECK(tk.c.recv().value == start + 12s);
          CHECK(tk.c.recv().value == start + 13s);
          // A stopped ticker starts again on reset.
          tk.stop();
          gofer::sleep(5s);
          CHECK_FALSE(poll(tk.c).has_value());
          tk.reset(2s);
          CHECK(tk.c.recv().value == start + 20s);
        },
        with_virtual_time(options));
  });
}

TEST_CASE("a ticker of zero or negative period throws gofer::invalid_argument, as does reset") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          CHECK_THROWS_AS(gofer::ticker(0s), gofer::invalid_argument);
          CHECK_THROWS_AS(gofer::ticker(-1s), gofer::invalid_argument);
          CHECK_THROWS_AS(gofer::ticker(duration::min()), gofer::invalid_argument);
          CHECK_THROWS_WITH_AS(gofer::ticker(0s), "non-positive interval for NewTicker",
                               gofer::error);
          // Go: TestTickerResetLtZeroDuration. The ticker keeps its period.
          const time_point start = gofer::now();
          gofer::ticker tk(1s);
          CHECK_THROWS_AS(tk.reset(0s), gofer::invalid_argument);
          CHECK_THROWS_AS(tk.reset(-1s), gofer::invalid_argument);
          CHECK_THROWS_WITH_AS(tk.reset(0s), "non-positive interval for Ticker.Reset",
                               gofer::error);
          CHECK(tk.c.recv().value == start + 1s);
          CHECK(tk.c.recv().value == start + 2s);
        },
        with_virtual_time(options));
  });
}

TEST_CASE("after_func runs f in its own goroutine d later; its timer's c is nil") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          const time_point start = gofer::now();
          auto done = make_chan<time_point>(1);
          gofer::timer t = gofer::after_func(3s, [done] { done.send(gofer::now()); });
          CHECK(t.c == nullptr);
          CHECK(done.recv().value == start + 3s);
          CHECK_FALSE(t.stop());  // it has run
          // Reset after it ran schedules f again.
          CHECK_FALSE(t.reset(2s));
          CHECK(done.recv().value == start + 5s);
          // f may block: it is a goroutine, not the timer service.
          auto unbuffered = make_chan<int>();
          gofer::after_func(1s, [unbuffered] { unbuffered.send(1); });
          auto later = gofer::after(2s);
          CHECK(later.recv().value == start + 7s);  // fired while f was blocked
          CHECK(unbuffered.recv().value == 1);
        },
        with_virtual_time(options));
  });
}

TEST_CASE("after_func stopped before it fires never runs f, and stop returns true") {
  for_each_scheduler([](const gofer::run_options& options) {
    std::atomic<int> ran{0};
    gofer::run(
        [&ran] {
          gofer::timer t = gofer::after_func(1s, [&ran] { ran.fetch_add(1); });
          gofer::sleep(500ms);
          CHECK(t.stop());
          CHECK_FALSE(t.stop());
          gofer::sleep(1h);
        },
        with_virtual_time(options));
    CHECK(ran.load() == 0);
  });
}

TEST_CASE("after_func's timer fires without a handle") {
  for_each_scheduler([](const gofer::run_options& options) {
    std::atomic<int> ran{0};
    gofer::run(
        [&ran] {
          {
            gofer::after_func(1s, [&ran] { ran.fetch_add(1); });
          }
          gofer::sleep(2s);
        },
        with_virtual_time(options));
    CHECK(ran.load() == 1);
  });
}

TEST_CASE("timers with equal deadlines fire in the order they were set") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          for (int round = 0; round < 50; ++round) {
            CAPTURE(round);
            // A blocked select takes the first value sent to any of its
            // channels, so it shows which timer fired first.
            gofer::timer first(1s);
            gofer::timer second(1s);
            gofer::timer third(1s);
            gofer::timer fourth(1s);
            CHECK(select(recv_case(fourth.c), recv_case(third.c), recv_case(second.c),
                         recv_case(first.c)) == 3);
            // Reset moves a timer to the back of its instant.
            gofer::timer a(1s);
            gofer::timer b(1s);
            CHECK(a.reset(1s));
            CHECK(select(recv_case(a.c), recv_case(b.c)) == 1);
            // An earlier deadline set later still fires first.
            gofer::timer late(2s);
            gofer::timer early(1s);
            CHECK(select(recv_case(late.c), recv_case(early.c)) == 1);
          }
        },
        with_virtual_time(options));
  });
}

TEST_CASE("goroutines woken by timers due at one instant run in the order the timers were set") {
  // On one thread the order goroutines run in is the order they were made
  // runnable: timers wake their goroutines into the tail of the queue, not
  // into runnext (which would run the last one first). So on the virtual
  // clock a schedule such as the monitor's runs in deadline order, and ties
  // in the order the deadlines were set.
  gofer::run(
      [] {
        auto order = make_chan<int>(8);
        auto armed = make_chan<int>(8);
        auto done = make_chan<gofer::signal>(8);
        for (int i = 0; i < 4; ++i) {
          gofer::go([=] {
            armed.send(i);  // the order the goroutines set their timers in
            gofer::sleep(1s);
            order.send(i);
            done.send();
          });
        }
        for (int i = 0; i < 4; ++i)
          done.recv();
        for (int i = 0; i < 4; ++i)
          CHECK(order.recv().value == armed.recv().value);

        // A ticker re-armed earlier is due before one re-armed later.
        gofer::go([=] {
          gofer::ticker every_5s(5s);
          for (int tick = 0; tick < 3; ++tick) {
            every_5s.c.recv();
            order.send(5);
          }
          done.send();
        });
        gofer::go([=] {
          gofer::ticker every_3s(3s);
          for (int tick = 0; tick < 5; ++tick) {
            every_3s.c.recv();
            order.send(3);
          }
          done.send();
        });
        done.recv();
        done.recv();
        std::vector<int> got;
        for (int i = 0; i < 8; ++i)
          got.push_back(order.recv().value);
        // At 15 s both are due; the 5 s ticker was re-armed at 10 s, the
        // 3 s one at 12 s.
        CHECK(got == std::vector<int>{3, 5, 3, 3, 5, 3, 5, 3});
      },
      with_virtual_time({.threads = 1}));
}

TEST_CASE("100k live timers on a virtual clock each fire once, at their deadline") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          constexpr int n = 100'000;
          const time_point start = gofer::now();
          auto deadline = [](int i) { return std::chrono::milliseconds(1 + (i * 7919) % 1000); };
          std::vector<gofer::timer> timers;
          timers.reserve(n);
          for (int i = 0; i < n; ++i)
            timers.emplace_back(deadline(i));
          gofer::sleep(2s);
          int fired = 0;
          int on_time = 0;
          for (int i = 0; i < n; ++i) {
            const std::optional<time_point> value = poll(timers[i].c);
            if (value.has_value()) ++fired;
            if (value == start + deadline(i)) ++on_time;
          }
          CHECK(fired == n);
          CHECK(on_time == n);
          gofer::sleep(1h);
          int again = 0;
          for (int i = 0; i < n; ++i) {
            if (poll(timers[i].c).has_value()) ++again;
            if (timers[i].stop()) ++again;
          }
          CHECK(again == 0);
        },
        with_virtual_time(options));
  });
}

// Go: sleep_test.go TestAfterStop.
TEST_CASE("TestAfterStop: stopped timers and after_funcs never deliver") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          gofer::after_func(100ms, [] {});
          gofer::timer t0(50ms);
          auto c1 = make_chan<bool>(1);
          gofer::timer t1 = gofer::after_func(150ms, [c1] { c1.send(true); });
          auto c2 = gofer::after(200ms);
          CHECK_MESSAGE(t0.stop(), "failed to stop event 0");
          CHECK_MESSAGE(t1.stop(), "failed to stop event 1");
          c2.recv();
          CHECK(select(recv_case(t0.c), recv_case(c1), default_case()) == 2);
          CHECK_MESSAGE(!t1.stop(), "Stop returned true twice");
        },
        with_virtual_time(options));
  });
}

// Go: sleep_test.go TestTimerStopStress (100 goroutines, as Go).
TEST_CASE("TestTimerStopStress: after_funcs stopped halfway never run") {
  for_each_scheduler([](const gofer::run_options& options) {
    constexpr int goroutines = 100;
    std::atomic<int> ran{0};
    std::atomic<int> stopped{0};
    gofer::run(
        [&ran, &stopped] {
          auto finished = make_chan<gofer::signal>(goroutines);
          for (int i = 0; i < goroutines; ++i) {
            gofer::go([&ran, &stopped, finished] {
              gofer::timer t = gofer::after_func(2s, [&ran] { ran.fetch_add(1); });
              gofer::sleep(1s);
              if (t.stop()) stopped.fetch_add(1);
              finished.send();
            });
          }
          for (int i = 0; i < goroutines; ++i)
            finished.recv();
          gofer::sleep(3s);
        },
        with_virtual_time(options));
    CHECK(ran.load() == 0);
    CHECK(stopped.load() == goroutines);
  });
}

// Go: sleep_test.go TestReset, on the virtual clock (no retries needed).
TEST_CASE("TestReset: a reset timer does not fire early, fires later, and reports expired") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          constexpr auto d = 25ms;
          gofer::timer t0(2 * d);
          gofer::sleep(d);
          CHECK_MESSAGE(t0.reset(3 * d), "resetting unfired timer returned false");
          gofer::sleep(2 * d);
          CHECK_MESSAGE(select(recv_case(t0.c), default_case()) == 1, "timer fired early");
          gofer::sleep(2 * d);
          CHECK_MESSAGE(select(recv_case(t0.c), default_case()) == 0, "reset timer did not fire");
          CHECK_MESSAGE(!t0.reset(50ms), "resetting expired timer returned true");
        },
        with_virtual_time(options));
  });
}

// Go: sleep_test.go TestTimerModifiedEarlier (100 rounds instead of 1000).
TEST_CASE("TestTimerModifiedEarlier: a timer reset into the past fires at once") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          for (int i = 0; i < 100; ++i) {
            gofer::timer t(1h);
            for (int j = 0; j < 10; ++j) {
              if (!t.stop()) t.c.recv();
              t.reset(-1h);
            }
            gofer::timer deadline(10s);
            const time_point start = gofer::now();
            REQUIRE(select(recv_case(t.c), recv_case(deadline.c)) == 0);
            CHECK(gofer::now() == start);
          }
        },
        with_virtual_time(options));
  });
}

// Go: sleep_test.go TestAfterQueuing: timers fire in deadline order,
// whatever order they were set in.
TEST_CASE("TestAfterQueuing: goroutines waiting on after wake in deadline order") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          constexpr int slots[] = {5, 3, 6, 6, 6, 1, 1, 2, 7, 9, 4, 8, 0};
          constexpr auto delta = 20ms;
          struct result {
            int slot;
            time_point at;
          };
          auto results = make_chan<result>(static_cast<std::ptrdiff_t>(std::size(slots)));
          const time_point start = gofer::now();
          for (const int slot : slots) {
            gofer::go([results, slot, delta] {
              gofer::after(slot * delta).recv();
              results.send(result{slot, gofer::now()});
            });
          }
          int previous = -1;
          for (std::size_t i = 0; i < std::size(slots); ++i) {
            const result r = results.recv().value;
            CHECK(r.slot >= previous);
            CHECK(r.at == start + r.slot * delta);
            previous = r.slot;
          }
        },
        with_virtual_time(options));
  });
}

// Go: tick_test.go TestTicker, exact on the virtual clock.
TEST_CASE("TestTicker: count/2 ticks of d, then count/2 of 2d, then silence") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          constexpr int count = 10;
          constexpr auto delta = 20ms;
          gofer::ticker tk(delta);
          const time_point t0 = gofer::now();
          for (int i = 0; i < count / 2; ++i)
            tk.c.recv();
          tk.reset(2 * delta);
          for (int i = count / 2; i < count; ++i)
            tk.c.recv();
          tk.stop();
          CHECK(gofer::now() - t0 == 3 * delta * (count / 2));
          gofer::sleep(2 * delta);
          CHECK_MESSAGE(select(recv_case(tk.c), default_case()) == 1, "Ticker did not shut down");
        },
        with_virtual_time(options));
  });
}

// Go: tick_test.go TestTeardown.
TEST_CASE("TestTeardown: creating, receiving from and stopping tickers does not deadlock") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          for (int i = 0; i < 3; ++i) {
            gofer::ticker tk(20ms);
            tk.c.recv();
            tk.stop();
          }
        },
        with_virtual_time(options));
  });
}

// A "16-second schedule": three checkers on tickers of 3, 5 and 16 seconds,
// each `for { select { case <-ticker.C: log; case <-stop: return } }`; the 16s
// one stops them all.
namespace {

struct log_entry {
  int period;    // seconds
  long seconds;  // since the start, from the tick's due time
  friend bool operator==(const log_entry&, const log_entry&) = default;
};

struct schedule_result {
  std::vector<log_entry> log;
  int ticks_off_the_clock = 0;  // ticks whose due time was not now() when received
  int off_the_second = 0;       // due times that were not whole seconds
};

schedule_result run_schedule(const gofer::run_options& options) {
  return gofer::run(
      [] {
        auto log = make_chan<log_entry>(64);
        auto stop = make_chan<gofer::signal>();
        auto returned = make_chan<gofer::signal>(3);
        auto off_clock = make_chan<int>(64);
        const time_point start = gofer::now();
        auto checker = [=](std::chrono::seconds period, bool stops_all) {
          gofer::ticker tk(period);
          for (;;) {
            time_point tick{};
            switch (select(recv_case(tk.c, tick), recv_case(stop))) {
              case 0: {
                if (gofer::now() != tick) off_clock.send(0);
                if ((tick - start) % 1s != duration::zero()) off_clock.send(1);
                log.send(log_entry{static_cast<int>(period.count()),
                                   static_cast<long>((tick - start) / 1s)});
                if (stops_all) stop.close();
                break;
              }
              case 1:
                returned.send();
                return;
            }
          }
        };
        gofer::go(gofer::named{"check 3s"}, checker, 3s, false);
        gofer::go(gofer::named{"check 5s"}, checker, 5s, false);
        gofer::go(gofer::named{"check 16s"}, checker, 16s, true);
        for (int i = 0; i < 3; ++i)
          returned.recv();
        CHECK(gofer::now() - start == 16s);
        schedule_result result;
        log.close();
        for (const log_entry& e : log)
          result.log.push_back(e);
        off_clock.close();
        for (const int kind : off_clock)
          (kind == 0 ? result.ticks_off_the_clock : result.off_the_second) += 1;
        return result;
      },
      with_virtual_time(options));
}

std::map<long, std::multiset<int>> by_second(const std::vector<log_entry>& log) {
  std::map<long, std::multiset<int>> grouped;
  for (const log_entry& e : log)
    grouped[e.seconds].insert(e.period);
  return grouped;
}

const std::map<long, std::multiset<int>> expected_schedule = {
    {3, {3}}, {5, {5}}, {6, {3}}, {9, {3}}, {10, {5}}, {12, {3}}, {15, {3, 5}}, {16, {16}},
};

std::string describe(const std::vector<log_entry>& log) {
  std::string text;
  for (const log_entry& e : log)
    text += "check " + std::to_string(e.period) + " @" + std::to_string(e.seconds) + "\n";
  return text;
}

void check_schedule(const schedule_result& result) {
  INFO("log:\n", describe(result.log));
  CHECK(by_second(result.log) == expected_schedule);
  CHECK(result.ticks_off_the_clock == 0);
  CHECK(result.off_the_second == 0);
  // Logged in time order: the clock only moves when every checker is blocked.
  for (std::size_t i = 1; i < result.log.size(); ++i)
    CHECK(result.log[i - 1].seconds <= result.log[i].seconds);
}

}  // namespace

TEST_CASE("the 16-second schedule runs identically every time on one thread") {
  const gofer::run_options options{.threads = 1};
  const schedule_result first = run_schedule(options);
  const schedule_result second = run_schedule(options);
  check_schedule(first);
  check_schedule(second);
  INFO("first:\n", describe(first.log), "second:\n", describe(second.log));
  CHECK(first.log == second.log);
  for (int i = 0; i < 10; ++i)
    CHECK(run_schedule(options).log == first.log);
}

TEST_CASE("the 16-second schedule on four threads logs the same ticks at each instant") {
  const gofer::run_options options{.threads = 4};
  for (int i = 0; i < 10; ++i) {
    CAPTURE(i);
    check_schedule(run_schedule(options));
  }
}

TEST_CASE("time functions outside gofer::run throw runtime_misuse; now reads steady_clock") {
  CHECK_THROWS_AS(gofer::after(1s), gofer::runtime_misuse);
  CHECK_THROWS_AS(gofer::timer(1s), gofer::runtime_misuse);
  CHECK_THROWS_AS(gofer::ticker(1s), gofer::runtime_misuse);
  CHECK_THROWS_AS(gofer::after_func(1s, [] {}), gofer::runtime_misuse);
  CHECK_THROWS_AS(gofer::sleep(1ns), gofer::runtime_misuse);
  const auto before = std::chrono::steady_clock::now();
  const time_point now = gofer::now();
  const auto after = std::chrono::steady_clock::now();
  CHECK(before <= now);
  CHECK(now <= after);
}

TEST_CASE("on the real clock, now reads steady_clock and a shorter after fires first") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          const auto before = std::chrono::steady_clock::now();
          const time_point now = gofer::now();
          const auto after = std::chrono::steady_clock::now();
          CHECK(before <= now);
          CHECK(now <= after);
          // Only the order is asserted, never a duration.
          time_point fired{};
          CHECK(select(recv_case(gofer::after(50ms)), recv_case(gofer::after(1ms), fired)) == 1);
          CHECK(fired >= now + 1ms);
          CHECK(gofer::now() >= fired);
        },
        options);
  });
}

// --- Deadlines that overflow: Go saturates them (runtime/time.go when()) ----

// Each check runs at real and virtual time, and at virtual time once more
// after the clock has moved, since now() + d overflows from a later start.
namespace {

void at_real_and_virtual_time(const gofer::run_options& options, const char* what,
                              const std::function<void()>& body) {
  gofer_test::with_watchdog(std::chrono::seconds(120), what, [&] {
    gofer::run(body, options);
    gofer::run(body, with_virtual_time(options));
    gofer::run(
        [&] {
          gofer::sleep(1000h);  // virtual: the clock is far from zero now
          body();
        },
        with_virtual_time(options));
  });
}

constexpr duration forever = duration::max();

}  // namespace

TEST_CASE("after, timer and sleep of duration::max() never fire (Go: time.After(MaxInt64))") {
  for_each_scheduler([](const gofer::run_options& options) {
    at_real_and_virtual_time(options, "after(duration::max())", [] {
      auto never = gofer::after(forever);
      gofer::timer never_timer(forever);
      // A short timer wins the race: the long ones did not fire at once.
      CHECK(select(recv_case(never), recv_case(never_timer.c), recv_case(gofer::after(1ms))) == 2);
      CHECK_FALSE(poll(never).has_value());
      CHECK_FALSE(poll(never_timer.c).has_value());
      CHECK(never_timer.stop());  // still pending
      CHECK(never_timer.reset(forever) == false);
      CHECK(select(recv_case(never_timer.c), recv_case(gofer::after(1ms))) == 1);

      std::atomic<bool> woke{false};
      gofer::go([&woke] {
        gofer::sleep(forever);
        woke = true;
      });
      gofer::sleep(2ms);
      CHECK_FALSE(woke.load());
    });
  });
}

TEST_CASE("ticker(duration::max()) never ticks and does not wedge the runtime") {
  for_each_scheduler([](const gofer::run_options& options) {
    at_real_and_virtual_time(options, "ticker(duration::max())", [] {
      gofer::ticker never(forever);
      gofer::sleep(2ms);  // the runtime still runs goroutines and other timers
      CHECK_FALSE(poll(never.c).has_value());
      never.reset(forever);
      CHECK(select(recv_case(never.c), recv_case(gofer::after(1ms))) == 1);
      // A period short of overflow at first, but whose second tick overflows:
      // the re-arm at due + period saturates to "never".
      gofer::ticker huge(forever / 2);
      CHECK(select(recv_case(huge.c), recv_case(gofer::after(1ms))) == 1);
    });
  });
}

TEST_CASE("a ticker whose next tick would overflow ticks once, then never again") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer_test::with_watchdog(std::chrono::seconds(120), "ticker re-arm past the end", [&] {
      gofer::run(
          [] {
            const time_point start = gofer::now();
            const duration half = forever / 2 + 1s;  // two of them overflow
            gofer::ticker huge(half);
            // Virtual: all are blocked, so the clock jumps to the first tick.
            CHECK(huge.c.recv().value == start + half);
            CHECK(gofer::now() == start + half);
            // The second would be due past time_point::max(): never. Deadlock
            // detection, not an endless clock, answers a receive that waits
            // for it.
            CHECK_THROWS_AS(huge.c.recv(), gofer::deadlock);
          },
          with_virtual_time(options));
    });
  });
}

TEST_CASE("timer and ticker reset to duration::max() are pending forever") {
  for_each_scheduler([](const gofer::run_options& options) {
    at_real_and_virtual_time(options, "reset(duration::max())", [] {
      gofer::timer t(1ms);
      CHECK(t.reset(forever));
      gofer::ticker k(1ms);
      k.reset(forever);
      CHECK(select(recv_case(t.c), recv_case(k.c), recv_case(gofer::after(5ms))) == 2);
    });
  });
}

TEST_CASE("sleep_until a far deadline blocks; one in the past returns at once") {
  for_each_scheduler([](const gofer::run_options& options) {
    at_real_and_virtual_time(options, "sleep_until(time_point::max())", [] {
      gofer::sleep_until(time_point::min());  // no overflow of deadline - now()
      gofer::sleep_until(gofer::now() - 1h);
      std::atomic<bool> woke{false};
      gofer::go([&woke] {
        gofer::sleep_until(time_point::max());
        woke = true;
      });
      gofer::sleep(2ms);
      CHECK_FALSE(woke.load());
    });
  });
}

TEST_CASE("on the virtual clock, a goroutine blocked only on a 'never' timer is a deadlock") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer_test::with_watchdog(std::chrono::seconds(120), "virtual clock and never", [&] {
      gofer::run([] { CHECK_THROWS_AS(gofer::after(forever).recv(), gofer::deadlock); },
                 with_virtual_time(options));
    });
  });
}

TEST_CASE("add_saturating clamps at both ends instead of overflowing") {
  const time_point zero{};
  CHECK(gofer::add_saturating(zero, 1s) == zero + 1s);
  CHECK(gofer::add_saturating(zero + 1s, forever) == time_point::max());
  CHECK(gofer::add_saturating(time_point::max(), 1ns) == time_point::max());
  CHECK(gofer::add_saturating(zero - 1s, duration::min()) == time_point::min());
  CHECK(gofer::add_saturating(time_point::min(), -1ns) == time_point::min());
  CHECK(gofer::add_saturating(time_point::max(), -1s) == time_point::max() - 1s);
}

// --- An overdue timer is visible to the receive itself (Go 1.23) ------------

// Go: synctest's TestTimerRunsImmediately and chanrecv's maybeRunChan.
TEST_CASE("a due timer is received at once, even before any scheduler pass") {
  for_each_scheduler([](const gofer::run_options& options) {
    auto body = [] {
      gofer::timer zero(0ns);
      const time_point armed = gofer::now();  // on a virtual clock, the due time
      const auto got = poll(zero.c);
      REQUIRE(got.has_value());
      CHECK(*got <= armed);  // Go sends the time it was due

      gofer::timer negative(-1s);
      CHECK(select(recv_case(negative.c), default_case()) == 0);

      gofer::timer also_zero(0ns);
      time_point value{};
      CHECK(select(recv_case(also_zero.c, value), recv_case(gofer::after(1h)), default_case()) ==
            0);
      CHECK(value <= gofer::now());

      // after(0) in a select with a default takes the timer, as Go 1.23 does.
      CHECK(select(recv_case(gofer::after(0ns)), default_case()) == 0);
    };
    gofer::run(body, options);
    gofer::run(
        [&] {
          const time_point start = gofer::now();
          body();
          CHECK(gofer::now() == start);  // virtual: nothing waited
        },
        with_virtual_time(options));
  });
}

TEST_CASE("a timer that fell due while its goroutine computed is received without a pass") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          gofer::timer t(1ms);
          gofer::ticker k(1ms);
          // Compute past both deadlines without blocking or yielding: no
          // dispatcher of this worker runs meanwhile.
          const time_point due = gofer::now() + 1ms;
          while (std::chrono::steady_clock::now() < due + 4ms) {
          }
          const auto fired = poll(t.c);
          REQUIRE(fired.has_value());
          CHECK(*fired <= due);  // the value is the due time, not the receive's
          const time_point received_at = gofer::now();
          CHECK(select(recv_case(k.c), default_case()) == 0);
          // One tick, not a burst: any tick still waiting fell due after the
          // first was received. (An empty channel is not asserted: with the
          // OS preempting this thread for a millisecond between the two,
          // another worker's dispatcher rightly delivers the next tick.)
          if (const auto next = poll(k.c)) CHECK(*next > received_at);
        },
        options);
  });
}

// --- tick: a ticker with only a channel ------------------------------------

TEST_CASE("tick delivers ticks every d; d <= 0 gives the nil channel") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          const time_point start = gofer::now();
          auto c = gofer::tick(1s);
          CHECK(c.recv().value == start + 1s);
          CHECK(c.recv().value == start + 2s);
          CHECK(c.cap() == 0);
          CHECK(gofer::tick(0s) == nullptr);
          CHECK(gofer::tick(-1s) == nullptr);
        },
        with_virtual_time(options));
  });
}

TEST_CASE("tick's ticker stops when the last handle of its channel goes") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer_test::with_watchdog(std::chrono::seconds(120), "tick teardown", [&] {
      gofer::run(
          [] {
            {
              auto c = gofer::tick(1s);
              auto copy = c;
              c.recv();
            }
            // Were the ticker still armed, the virtual clock would advance
            // for ever; stopped, nothing can wake main: a deadlock.
            CHECK_THROWS_AS(make_chan<int>().recv(), gofer::deadlock);
          },
          with_virtual_time(options));
    });
  });
}
