// Tests for deadlock detection (run_options::detect_deadlock, gofer::deadlock):
// when every goroutine is blocked and no timer can wake one, main's blocking
// call throws gofer::deadlock with Go's report, and gofer::run rethrows it
// after unwinding the others. Go: runtime/proc.go checkdead, and the
// goroutine headers of its traceback ("goroutine 1 [chan receive]:").
//
// That detect_deadlock = false lets a plain std::thread wake main is tested
// in runtime_test.cpp.
#include <doctest/doctest.h>

#include <sys/resource.h>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <gofer/chan.hpp>
#include <gofer/errors.hpp>
#include <gofer/runtime.hpp>
#include <gofer/select.hpp>
#include <gofer/time.hpp>

#include "../support/counted.hpp"
#include "../support/deadlock_report.hpp"

using namespace std::chrono_literals;
using gofer::chan;
using gofer::make_chan;
using gofer::recv_case;
using gofer::select;
using gofer::send_case;
using gofer_test::deadlock_report;
using gofer_test::for_each_scheduler;
using gofer_test::goroutine_lines;
using gofer_test::set_on_destroy;
using gofer_test::with_virtual_time;

namespace {

constexpr const char* headline = "all goroutines are asleep - deadlock!";

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("a receive nobody sends to is a deadlock, reported as Go reports it") {
  for_each_scheduler([](const gofer::run_options& options) {
    const auto report = deadlock_report(
        [] {
          auto c = make_chan<int>();
          c.recv();
        },
        options);
    REQUIRE(report.has_value());
    INFO("report:\n", *report);
    CHECK(report->starts_with(headline));
    CHECK(contains(*report, "goroutine 1 (main) [chan receive]:"));
    CHECK(goroutine_lines(*report).size() == 1);
  });
}

TEST_CASE("gofer::deadlock is a gofer::error") {
  for_each_scheduler([](const gofer::run_options& options) {
    CHECK_THROWS_AS(gofer::run([] { make_chan<int>().send(1); }, options), gofer::error);
  });
}

TEST_CASE("each blocking operation of main is named in the report") {
  for_each_scheduler([](const gofer::run_options& options) {
    struct expectation {
      const char* reason;
      void (*main)();
    };
    const expectation cases[] = {
        {"[chan receive]", [] { make_chan<int>().recv(); }},
        {"[chan send]", [] { make_chan<int>().send(1); }},
        {"[chan send]",
         [] {
           auto full = make_chan<int>(1);
           full.send(1);
           full.send(2);
         }},
        {"[chan receive (nil chan)]", [] { chan<int>().recv(); }},
        {"[chan send (nil chan)]", [] { chan<int>().send(1); }},
        {"[select]",
         [] {
           auto a = make_chan<int>();
           auto b = make_chan<int>();
           select(recv_case(a), send_case(b, 1));
         }},
        {"[select (no cases)]", [] { select(); }},
        // Only nil channels: Go's block() too, "select (no cases)".
        {"[select (no cases)]",
         [] {
           chan<int> nil_a;
           chan<int> nil_b;
           select(recv_case(nil_a), send_case(nil_b, 1));
         }},
        {"[chan receive]",
         [] {
           auto c = make_chan<int>();
           for (int v : c)
             (void)v;
         }},
    };
    for (const expectation& e : cases) {
      CAPTURE(e.reason);
      const auto report = deadlock_report(e.main, options);
      REQUIRE(report.has_value());
      INFO("report:\n", *report);
      CHECK(report->starts_with(headline));
      CHECK(contains(*report, std::string("goroutine 1 (main) ") + e.reason + ":"));
    }
  });
}

TEST_CASE("the report lists every goroutine by id, with its name and what it waits for") {
  for_each_scheduler([](const gofer::run_options& options) {
    const auto report = deadlock_report(
        [] {
          auto out = make_chan<int>();
          auto in = make_chan<int>();
          auto sink = make_chan<int>();
          gofer::go(gofer::named{"producer"}, [out] { out.send(1); });  // nobody receives
          gofer::go([in] { in.recv(); });                               // nobody sends
          gofer::go(gofer::named{"selector"},
                    [in, sink] { select(recv_case(in), recv_case(sink)); });
          gofer::go(gofer::named{"nil waiter"}, [] { chan<int>().recv(); });
          // One that ends is not listed.
          auto finished = make_chan<int>(1);
          gofer::go([finished] { finished.send(5); });
          finished.recv();
          sink.recv();
        },
        options);
    REQUIRE(report.has_value());
    INFO("report:\n", *report);
    CHECK(report->starts_with(std::string(headline) + "\n\n"));
    const std::vector<std::string> expected = {
        "goroutine 1 (main) [chan receive]:",
        "goroutine 2 \"producer\" [chan send]:",
        "goroutine 3 [chan receive]:",
        "goroutine 4 \"selector\" [select]:",
        "goroutine 5 \"nil waiter\" [chan receive (nil chan)]:",
    };
    CHECK(goroutine_lines(*report) == expected);
  });
}

TEST_CASE("a cycle of goroutines waiting on each other is a deadlock") {
  for_each_scheduler([](const gofer::run_options& options) {
    const auto report = deadlock_report(
        [] {
          auto a = make_chan<int>();
          auto b = make_chan<int>();
          auto done = make_chan<int>();
          gofer::go(gofer::named{"left"}, [a, b, done] {
            a.send(1);  // waits for right, which waits for left
            b.recv();
            done.send(1);
          });
          gofer::go(gofer::named{"right"}, [a, b, done] {
            b.send(1);
            a.recv();
            done.send(1);
          });
          done.recv();
          done.recv();
        },
        options);
    REQUIRE(report.has_value());
    INFO("report:\n", *report);
    CHECK(contains(*report, "goroutine 1 (main) [chan receive]:"));
    CHECK(contains(*report, "\"left\" [chan send]:"));
    CHECK(contains(*report, "\"right\" [chan send]:"));
  });
}

TEST_CASE("a report of a thousand blocked goroutines is complete and sorted by id") {
  for_each_scheduler([](const gofer::run_options& options) {
    constexpr int blocked = 1000;
    const auto report = deadlock_report(
        [] {
          auto never = make_chan<int>();
          for (int i = 0; i < blocked; ++i)
            gofer::go([never] { never.recv(); });
          never.recv();
        },
        options);
    REQUIRE(report.has_value());
    const std::vector<std::string> lines = goroutine_lines(*report);
    REQUIRE(lines.size() == blocked + 1);
    int in_order = 0;
    for (std::size_t i = 0; i < lines.size(); ++i) {
      const std::string expected =
          "goroutine " + std::to_string(i + 1) + (i == 0 ? " (main)" : "") + " [chan receive]:";
      if (lines[i] == expected) ++in_order;
    }
    CHECK(in_order == blocked + 1);
  });
}

TEST_CASE("after a deadlock, run unwinds the other blocked goroutines before it throws") {
  for_each_scheduler([](const gofer::run_options& options) {
    std::atomic<int> destroyed{0};
    const auto report = deadlock_report(
        [&destroyed] {
          // Each waits on its own channels: no two of them can pair up.
          auto never = make_chan<int>();
          auto a = make_chan<int>();
          auto b = make_chan<int>();
          auto c = make_chan<int>();
          auto d = make_chan<int>();
          gofer::go([a, &destroyed] {
            set_on_destroy guard{destroyed};
            a.recv();
          });
          gofer::go([b, &destroyed] {
            set_on_destroy guard{destroyed};
            b.send(1);
          });
          gofer::go([c, d, &destroyed] {
            set_on_destroy guard{destroyed};
            select(recv_case(c), send_case(d, 2));
          });
          gofer::go([&destroyed] {
            set_on_destroy guard{destroyed};
            select();
          });
          gofer::go([&destroyed] {
            set_on_destroy guard{destroyed};
            chan<int>().send(3);
          });
          set_on_destroy main_guard{destroyed};
          never.recv();
        },
        options);
    REQUIRE(report.has_value());
    CHECK(destroyed.load() == 6);
    CHECK(goroutine_lines(*report).size() == 6);
  });
}

TEST_CASE("main may catch the deadlock, wake the others and return normally") {
  for_each_scheduler([](const gofer::run_options& options) {
    std::atomic<int> destroyed{0};
    const int result = gofer::run(
        [&destroyed] {
          auto never = make_chan<int>();
          auto results = make_chan<int>(2);
          for (int i = 0; i < 2; ++i) {
            gofer::go([never, results, &destroyed] {
              set_on_destroy guard{destroyed};
              results.send(never.recv().ok ? 1 : 10);
            });
          }
          std::string what;
          try {
            auto other = make_chan<int>();
            other.recv();
          } catch (const gofer::deadlock& e) {
            what = e.what();
          }
          CHECK(what.starts_with(headline));
          // The others are still there, blocked, and can be woken.
          never.close();
          int total = results.recv().value;
          total += results.recv().value;
          // And a second deadlock is detected too.
          try {
            results.recv();
            what.clear();
          } catch (const gofer::deadlock& e) {
            what = e.what();
          }
          CHECK(contains(what, "goroutine 1 (main) [chan receive]:"));
          CHECK(goroutine_lines(what).size() == 1);
          return total;
        },
        options);
    CHECK(result == 20);
    CHECK(destroyed.load() == 2);
  });
}

TEST_CASE("a pending timer on a virtual clock is not a deadlock until it fires") {
  for_each_scheduler([](const gofer::run_options& options) {
    std::atomic<int> destroyed{0};
    // main sleeps an hour while a goroutine waits forever: not a deadlock,
    // and run unwinds the waiter when main returns.
    gofer::run(
        [&destroyed] {
          auto never = make_chan<int>();
          gofer::go([never, &destroyed] {
            set_on_destroy guard{destroyed};
            never.recv();
          });
          const gofer::time_point start = gofer::now();
          gofer::sleep(1h);
          CHECK(gofer::now() - start == 1h);
        },
        with_virtual_time(options));
    CHECK(destroyed.load() == 1);

    // A goroutine asleep for an hour, then gone without waking main: the
    // deadlock comes an hour later.
    std::optional<gofer::duration> detected_after;
    const auto report = deadlock_report(
        [&detected_after] {
          const gofer::time_point start = gofer::now();
          auto never = make_chan<int>();
          gofer::go([] { gofer::sleep(1h); });
          try {
            never.recv();
          } catch (const gofer::deadlock&) {
            detected_after = gofer::now() - start;
            throw;
          }
        },
        with_virtual_time(options));
    REQUIRE(report.has_value());
    CHECK(detected_after == std::optional<gofer::duration>(1h));

    // A timer nobody listens to still delays the verdict until it fires.
    detected_after.reset();
    const auto unheard = deadlock_report(
        [&detected_after] {
          const gofer::time_point start = gofer::now();
          gofer::timer unheard_timer(30min);
          try {
            make_chan<int>().recv();
          } catch (const gofer::deadlock&) {
            detected_after = gofer::now() - start;
            throw;
          }
        },
        with_virtual_time(options));
    REQUIRE(unheard.has_value());
    CHECK(detected_after == std::optional<gofer::duration>(30min));
  });
}

TEST_CASE("a timer or after_func that wakes main prevents the deadlock") {
  for_each_scheduler([](const gofer::run_options& options) {
    const int value = gofer::run(
        [] {
          const gofer::time_point start = gofer::now();
          auto c = make_chan<int>();
          gofer::after_func(1h, [c] { c.send(7); });
          const int v = c.recv().value;
          CHECK(gofer::now() - start == 1h);
          int from_select = 0;
          CHECK(select(recv_case(c, from_select), recv_case(gofer::after(2h))) == 1);
          CHECK(gofer::now() - start == 3h);
          return v;
        },
        with_virtual_time(options));
    CHECK(value == 7);
  });
}

TEST_CASE("stopped or dropped timers and tickers do not hold off deadlock detection") {
  for_each_scheduler([](const gofer::run_options& options) {
    const auto stopped = deadlock_report(
        [] {
          gofer::ticker tk(1s);
          gofer::timer t(1s);
          gofer::timer f = gofer::after_func(1s, [] {});
          tk.stop();
          t.stop();
          f.stop();
          make_chan<int>().recv();
        },
        with_virtual_time(options));
    CHECK(stopped.has_value());
    const auto dropped = deadlock_report(
        [] {
          {
            gofer::ticker tk(1s);
            gofer::timer t(1s);
          }
          make_chan<int>().recv();
        },
        with_virtual_time(options));
    CHECK(dropped.has_value());
  });
}

TEST_CASE("on the real clock, a pending timer delays the deadlock until it has fired") {
  for_each_scheduler([](const gofer::run_options& options) {
    std::atomic<int> slept{0};
    const auto report = deadlock_report(
        [&slept] {
          auto never = make_chan<int>();
          gofer::go(gofer::named{"sleeper"}, [&slept] {
            gofer::sleep(10ms);
            slept.store(1);
          });
          never.recv();
        },
        options);
    REQUIRE(report.has_value());
    CHECK(slept.load() == 1);
    CHECK(goroutine_lines(*report).size() == 1);
  });
}

TEST_CASE("detect_deadlock = false leaves a deadlock undetected while a timer ends it") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run_options no_detection = with_virtual_time(options);
    no_detection.detect_deadlock = false;
    // Not a deadlock in the first place, but the option must not break the
    // virtual clock: it still jumps to the next timer.
    const int value = gofer::run(
        [] {
          auto c = make_chan<int>();
          gofer::after_func(1h, [c] { c.send(3); });
          return c.recv().value;
        },
        no_detection);
    CHECK(value == 3);
  });
}

// --- Threads outside gofer (lib/foreign_threads.hpp) ---

TEST_CASE("main waiting on a channel that a plain thread fills later is not a deadlock") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          auto ch = make_chan<int>();  // made inside main
          std::thread feeder{[ch] {
            std::this_thread::sleep_for(100ms);
            ch.send(42);
          }};
          CHECK(ch.recv().value == 42);
          feeder.join();
        },
        options);
    // The channel made before run, the thread started before run too.
    auto ch = make_chan<int>(1);
    std::thread feeder{[ch] {
      std::this_thread::sleep_for(100ms);
      ch.send(7);
    }};
    gofer::run([&ch] { CHECK(ch.recv().value == 7); }, options);
    feeder.join();
  });
}

TEST_CASE("once the outside thread has ended without sending, the deadlock is reported") {
  for_each_scheduler([](const gofer::run_options& options) {
    std::thread idler;
    CHECK_THROWS_AS(gofer::run(
                        [&idler] {
                          auto never = make_chan<int>();
                          idler = std::thread{[] { std::this_thread::sleep_for(100ms); }};
                          (void)never.recv();
                        },
                        options),
                    gofer::deadlock);
    idler.join();
  });
}

TEST_CASE("gofer::foreign_sender postpones the report while it lives") {
  gofer::run([] {
    auto ch = make_chan<int>();
    auto guard = std::make_shared<gofer::foreign_sender>();
    std::thread feeder{[ch, guard]() mutable {
      std::this_thread::sleep_for(50ms);
      ch.send(1);
      guard.reset();
    }};
    guard.reset();  // the thread's copy keeps it alive
    CHECK(ch.recv().value == 1);
    feeder.join();
  });
}

TEST_CASE("a thread that declared thread_never_sends does not postpone the report") {
  std::atomic<bool> release{false};
  std::atomic<bool> declared{false};
  std::thread quiet{[&] {
    gofer::thread_never_sends();
    declared = true;
    while (!release)
      std::this_thread::sleep_for(1ms);
  }};
  while (!declared)
    std::this_thread::sleep_for(1ms);
  CHECK_THROWS_AS(gofer::run([] { (void)make_chan<int>().recv(); }), gofer::deadlock);
  release = true;
  quiet.join();
}

TEST_CASE("after a thread outside gofer has sent, idle workers sleep again") {
  // The report postponed for the outside thread set a deadline to look
  // again; once the program runs on, that deadline must not keep waking
  // idle workers (it did: a whole CPU burned while main slept). Checked by
  // the CPU the process uses while main sleeps, which is about zero when
  // workers sleep and about the sleep itself when one spins.
  auto cpu_seconds = [] {
    rusage usage{};
    ::getrusage(RUSAGE_SELF, &usage);
    return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
           static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
  };
  gofer::run(
      [&cpu_seconds] {
        auto ch = make_chan<int>();
        std::thread feeder{[ch] {
          std::this_thread::sleep_for(120ms);
          ch.send(1);
        }};
        CHECK(ch.recv().value == 1);
        feeder.join();
        const double before = cpu_seconds();
        gofer::sleep(500ms);
        CHECK(cpu_seconds() - before < 0.25);
      },
      {.threads = 2});
}
