// Tests for gofer/group.hpp: error_group (Go's x/sync/errgroup), tasks, and
// asyncio-style gather and wait, under every scheduler setup. Ported from
// golang.org/x/sync errgroup/errgroup_test.go (TestZeroGroup, TestWithContext,
// TestGoLimit, TestTryGo, TestCancelCause); the task tests follow asyncio's
// documented behaviour. Anything time-based runs on the virtual clock. The
// deadlock reports name the calls ([errgroup.Group.Wait], [task.get]).
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <exception>
#include <memory>
#include <stdexcept>
#include <string>
#include <system_error>
#include <tuple>
#include <type_traits>
#include <variant>
#include <vector>

#include <gofer/gofer.hpp>

#include "../support/counted.hpp"
#include "../support/deadlock_report.hpp"

using namespace std::chrono_literals;
using gofer::default_case;
using gofer::recv_case;
using gofer::select;
using gofer_test::code_of;
using gofer_test::counted;
using gofer_test::deadlock_report;
using gofer_test::for_each_scheduler;
using gofer_test::goroutine_lines;
using gofer_test::is_done;
using gofer_test::let_others_run;
using gofer_test::message_of;
using gofer_test::with_virtual_time;

// --- error_group ------------------------------------------------------------

// Go: TestZeroGroup. The group is reused: go, then wait, repeatedly.
TEST_CASE("error_group wait returns the first failure, or null when all succeed") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          const auto err1 = std::make_exception_ptr(std::runtime_error("errgroup_test: 1"));
          const auto err2 = std::make_exception_ptr(std::runtime_error("errgroup_test: 2"));
          const std::vector<std::vector<std::exception_ptr>> cases{
              {}, {nullptr}, {err1}, {err1, nullptr}, {err1, nullptr, err2}};
          for (const auto& errs : cases) {
            gofer::error_group g;
            std::exception_ptr first;
            CHECK(g.wait() == nullptr);
            for (const std::exception_ptr& err : errs) {
              g.go([err] { return err; });
              if (!first && err) first = err;
              CHECK(g.wait() == first);
            }
          }
        },
        options);
  });
}

TEST_CASE("error_group functions fail by throwing, or by returning an error") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          SUBCASE("a thrown exception") {
            gofer::error_group g;
            g.go([] { throw std::runtime_error("thrown"); });
            const std::exception_ptr err = g.wait();
            REQUIRE(err != nullptr);
            CHECK(message_of(err) == "thrown");
          }
          SUBCASE("a returned error_code") {
            gofer::error_group g;
            g.go([]() -> std::error_code { return {}; });
            g.go([] { return std::make_error_code(std::errc::timed_out); });
            const std::exception_ptr err = g.wait();
            REQUIRE(err != nullptr);
            CHECK(code_of(err) == std::errc::timed_out);
          }
          SUBCASE("a returned exception_ptr") {
            const auto doom = std::make_exception_ptr(std::logic_error("doomed"));
            gofer::error_group g;
            g.go([doom] { return doom; });
            CHECK(g.wait() == doom);
          }
          SUBCASE("only the first of several failures") {
            gofer::error_group g;
            g.go([] {
              gofer::yield();
              throw std::runtime_error("first");
            });
            g.go([](const gofer::context& ctx) {
              ctx.done().recv();  // cancelled once the first failure is recorded
              throw std::runtime_error("second");
            });
            CHECK(message_of(g.wait()) == "first");
          }
        },
        options);
  });
}

// Go: TestWithContext and TestCancelCause.
TEST_CASE("error_group cancels its context on the first failure, with it as cause") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          const auto doom = std::make_exception_ptr(std::runtime_error("group_test: doomed"));
          auto [parent, cancel_parent] = gofer::with_cancel(gofer::background());
          gofer::error_group g{parent};
          CHECK(g.ctx() != parent);
          CHECK_FALSE(is_done(g.ctx()));
          std::atomic<bool> saw_cancel{false};
          auto failed = gofer::make_chan<gofer::signal>();
          g.go([&saw_cancel, failed](const gofer::context& ctx) {
            failed.recv();
            ctx.done().recv();  // cancelled by the sibling's failure, before wait
            saw_cancel.store(gofer::cause(ctx) != nullptr);
          });
          g.go([doom, failed] {
            failed.close();
            return doom;
          });
          CHECK(g.wait() == doom);
          CHECK(saw_cancel.load());
          CHECK(g.ctx().err() == gofer::canceled);
          CHECK(gofer::cause(g.ctx()) == doom);
          CHECK_FALSE(parent.err());  // the parent is not touched
          cancel_parent();
        },
        options);
  });
}

TEST_CASE("error_group's context is cancelled after wait even with no failure") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          for (int functions : {0, 1, 3}) {
            gofer::error_group g;
            for (int i = 0; i < functions; ++i) {
              g.go([](const gofer::context& ctx) { CHECK_FALSE(ctx.err()); });
            }
            CHECK(g.wait() == nullptr);
            CHECK(is_done(g.ctx()));
            CHECK(g.ctx().err() == gofer::canceled);
            CHECK(code_of(gofer::cause(g.ctx())) == gofer::canceled);
          }
        },
        options);
  });
}

TEST_CASE("an error_group under a cancelled parent hands its functions a cancelled context") {
  gofer::run([] {
    auto [parent, cancel] = gofer::with_cancel(gofer::background());
    gofer::error_group g{parent};
    g.go([](const gofer::context& ctx) { CHECK(ctx.err() == gofer::canceled); });
    cancel();
    CHECK(g.wait() == nullptr);  // the parent's cancellation is no failure
  });
}

// Go: TestGoLimit.
TEST_CASE("error_group set_limit bounds the functions running at once") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          constexpr int limit = 10;
          gofer::error_group g;
          g.set_limit(limit);
          std::atomic<int> active{0};
          std::atomic<int> max_active{0};
          for (int i = 0; i <= 1 << 10; ++i) {
            g.go([&] {
              const int n = active.fetch_add(1) + 1;
              int seen = max_active.load();
              while (n > seen && !max_active.compare_exchange_weak(seen, n)) {
              }
              gofer::yield();  // give the others a chance to increment active
              active.fetch_sub(1);
            });
          }
          CHECK(g.wait() == nullptr);
          CHECK(max_active.load() <= limit);
          CHECK(max_active.load() >= 1);
        },
        options);
  });
}

TEST_CASE("error_group go blocks while the group is at its limit") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          gofer::error_group g;
          g.set_limit(2);
          auto release = gofer::make_chan<gofer::signal>();
          g.go([release] { release.recv(); });
          g.go([release] { release.recv(); });
          std::atomic<bool> third_started{false};
          auto third_returned = gofer::make_chan<gofer::signal>();
          gofer::go([&] {
            g.go([&] { third_started.store(true); });
            third_returned.close();
          });
          let_others_run();
          CHECK(select(recv_case(third_returned), default_case()) == 1);  // still blocked
          CHECK_FALSE(third_started.load());
          release.send();  // one finishes: the third may start
          third_returned.recv();
          release.send();
          CHECK(g.wait() == nullptr);
          CHECK(third_started.load());
        },
        options);
  });
}

// Go: TestTryGo.
TEST_CASE("error_group try_go returns false at the limit and true otherwise") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          gofer::error_group g;
          constexpr int n = 42;
          g.set_limit(n);
          auto ch = gofer::make_chan<gofer::signal>();
          auto fn = [ch] { ch.send(); };
          for (int i = 0; i < n; ++i) {
            REQUIRE_MESSAGE(g.try_go(fn), "try_go failed at call ", i);
          }
          CHECK_FALSE(g.try_go(fn));
          gofer::go([ch] {
            for (int i = 0; i < n; ++i)
              ch.recv();
          });
          g.wait();

          CHECK(g.try_go(fn));
          gofer::go([ch] { ch.recv(); });
          g.wait();

          // Switch limit.
          g.set_limit(1);
          CHECK(g.try_go(fn));
          CHECK_FALSE(g.try_go(fn));
          gofer::go([ch] { ch.recv(); });
          g.wait();

          // Block all calls.
          g.set_limit(0);
          for (int i = 0; i < 1 << 10; ++i) {
            REQUIRE_FALSE(g.try_go(fn));
          }
          g.wait();

          // No limit.
          g.set_limit(-1);
          for (int i = 0; i < 100; ++i) {
            REQUIRE(g.try_go([] {}));
          }
          CHECK(g.wait() == nullptr);
        },
        options);
  });
}

TEST_CASE("error_group set_limit while functions are active throws") {
  gofer::run([] {
    gofer::error_group g;
    auto release = gofer::make_chan<gofer::signal>();
    g.go([release] { release.recv(); });
    CHECK_THROWS_AS(g.set_limit(1), gofer::error);
    release.close();
    g.wait();
    g.set_limit(1);  // fine once they have finished
    g.go([] {});
    CHECK(g.wait() == nullptr);
  });
}

TEST_CASE("error_group functions may take the context or nothing, and nothing leaks") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          gofer::error_group g;
          std::atomic<int> calls{0};
          g.go([&calls, payload = counted{1}](const gofer::context& ctx) {
            CHECK(ctx.done() != nullptr);
            CHECK(payload.id == 1);
            calls.fetch_add(1);
          });
          g.go([&calls, payload = counted{2}] {
            CHECK(payload.id == 2);
            calls.fetch_add(1);
          });
          CHECK(g.wait() == nullptr);
          CHECK(calls.load() == 2);
        },
        options);
  });
}

// --- tasks ------------------------------------------------------------------

TEST_CASE("a task's get returns its value, or rethrows its exception") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          auto answer = gofer::spawn([] { return 42; });
          auto text = gofer::spawn([](const gofer::context&) { return std::string("hi"); });
          auto fails = gofer::spawn([]() -> int { throw std::runtime_error("task failed"); });
          auto nothing = gofer::spawn([] {});
          CHECK(answer.get() == 42);
          CHECK(answer.get() == 42);  // get may be called again
          CHECK(text.get() == "hi");
          CHECK_THROWS_WITH_AS(fails.get(), "task failed", std::runtime_error);
          CHECK(fails.failed());
          CHECK_FALSE(answer.failed());
          nothing.get();
          CHECK(nothing.finished());
        },
        options);
  });
}

TEST_CASE("a task's done is a channel closed when it finishes, usable in select") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          auto go_on = gofer::make_chan<gofer::signal>();
          auto t = gofer::spawn([go_on] {
            go_on.recv();
            return 1;
          });
          let_others_run();
          CHECK_FALSE(t.finished());
          CHECK(select(recv_case(t.done()), default_case()) == 1);
          go_on.close();
          auto never = gofer::make_chan<int>();
          int v = 0;
          CHECK(select(recv_case(never, v), recv_case(t.done())) == 1);
          CHECK(t.finished());
          CHECK(t.get() == 1);
        },
        options);
  });
}

TEST_CASE("cancel stops a task that watches its context") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          const gofer::time_point start = gofer::now();
          auto t = gofer::spawn([](const gofer::context& ctx) {
            return select(recv_case(ctx.done()), recv_case(gofer::after(1h))) == 0
                       ? ctx.err()
                       : std::error_code{};
          });
          gofer::sleep(1s);
          CHECK_FALSE(t.finished());
          t.cancel();
          CHECK(t.get() == gofer::canceled);
          CHECK(gofer::now() - start == 1s);  // returned early, not after an hour
          CHECK(t.ctx().err() == gofer::canceled);
        },
        with_virtual_time(options));
  });
}

TEST_CASE("a spawned task's context is a child of the given parent") {
  gofer::run([] {
    auto [parent, cancel] = gofer::with_cancel(gofer::background());
    auto t = gofer::spawn([](const gofer::context& ctx) { return ctx.done().recv().ok; }, parent);
    cancel();
    CHECK_FALSE(t.get());  // done closed: recv reports not ok
  });
}

TEST_CASE("dropping the last handle of a running task cancels it and nothing leaks") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          auto report = gofer::make_chan<std::error_code>(1);
          auto started = gofer::make_chan<gofer::signal>();
          {
            auto t =
                gofer::spawn([report, started, payload = counted{5}](const gofer::context& ctx) {
                  started.close();
                  ctx.done().recv();
                  report.send(ctx.err());
                  return counted{payload.id};
                });
            auto copy = t;  // copies share one task: dropping one cancels nothing
            started.recv();
            t = {};
            let_others_run();
            CHECK(select(recv_case(report), default_case()) == 1);
          }
          CHECK(report.recv().value == gofer::canceled);
          let_others_run();  // let the goroutine finish and drop its payload
        },
        options);
  });
}

TEST_CASE("dropping the handle of a finished task keeps nothing alive") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          {
            auto t = gofer::spawn([] { return counted{3}; });
            CHECK(t.get().id == 3);
          }
          CHECK(counted::live() == 0);
        },
        options);
  });
}

TEST_CASE("gather returns results in order and rethrows the first failure after all finished") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          SUBCASE("a tuple") {
            auto a = gofer::spawn([] {
              gofer::sleep(3s);
              return 1;
            });
            auto b = gofer::spawn([] { return std::string("two"); });
            auto c = gofer::spawn([] {
              gofer::sleep(1s);
              return 3.0;
            });
            const auto [x, y, z] = gofer::gather(a, b, c);
            CHECK(x == 1);
            CHECK(y == "two");
            CHECK(z == 3.0);
          }
          SUBCASE("a vector") {
            std::vector<gofer::task<int>> tasks;
            for (int i = 0; i < 10; ++i) {
              tasks.push_back(gofer::spawn([i] {
                gofer::sleep((10 - i) * 1ms);  // finish in reverse order
                return i * i;
              }));
            }
            const std::vector<int> results = gofer::gather(tasks);
            REQUIRE(results.size() == 10);
            for (int i = 0; i < 10; ++i)
              CHECK(results[static_cast<std::size_t>(i)] == i * i);
          }
          SUBCASE("failures in a tuple") {
            const gofer::time_point start = gofer::now();
            std::atomic<bool> slow_finished{false};
            auto ok = gofer::spawn([] { return 1; });
            auto late_failure = gofer::spawn([]() -> int {
              gofer::sleep(1s);
              throw std::runtime_error("second in order, first in time");
            });
            auto early_failure = gofer::spawn([]() -> int {
              gofer::sleep(2s);
              throw std::runtime_error("third in order");
            });
            auto slow = gofer::spawn([&slow_finished] {
              gofer::sleep(5s);
              slow_finished.store(true);
              return 4;
            });
            CHECK_THROWS_WITH(gofer::gather(ok, late_failure, early_failure, slow),
                              "second in order, first in time");
            CHECK(slow_finished.load());
            CHECK(gofer::now() - start == 5s);
          }
          SUBCASE("failures in a vector") {
            const gofer::time_point start = gofer::now();
            std::vector<gofer::task<int>> tasks;
            for (int i = 0; i < 5; ++i) {
              tasks.push_back(gofer::spawn([i]() -> int {
                gofer::sleep((5 - i) * 1s);
                if (i == 1 || i == 3) throw std::runtime_error("failed " + std::to_string(i));
                return i;
              }));
            }
            CHECK_THROWS_WITH(gofer::gather(tasks), "failed 1");
            CHECK(gofer::now() - start == 5s);  // after all finished
            for (const auto& t : tasks)
              CHECK(t.finished());
          }
        },
        with_virtual_time(options));
  });
}

// asyncio: `await asyncio.gather(worker(1), worker(2))`, of coroutines that
// return nothing (chapter 7 of docs/learn).
TEST_CASE("gather of task<void> waits for all and returns nothing") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          const gofer::time_point start = gofer::now();
          std::atomic<int> finished{0};
          auto worker = [&finished](int n) {
            return gofer::spawn([&finished, n] {
              gofer::sleep(n * 1s);
              finished.fetch_add(1);
            });
          };
          static_assert(std::is_void_v<decltype(gofer::gather(worker(1), worker(2)))>);
          gofer::gather(worker(1), worker(2), worker(3));
          CHECK(finished.load() == 3);
          CHECK(gofer::now() - start == 3s);

          std::vector<gofer::task<void>> tasks;
          for (int i = 1; i <= 4; ++i)
            tasks.push_back(worker(i));
          gofer::gather(tasks);
          CHECK(finished.load() == 7);
          CHECK(gofer::now() - start == 7s);

          auto ok = gofer::spawn([] { gofer::sleep(2s); });
          auto failed = gofer::spawn([] {
            gofer::sleep(1s);
            throw std::runtime_error("void failed");
          });
          CHECK_THROWS_WITH(gofer::gather(ok, failed), "void failed");
          CHECK(ok.finished());  // after all finished
          std::vector<gofer::task<void>> mixed{failed, ok};
          CHECK_THROWS_WITH(gofer::gather(mixed), "void failed");
        },
        with_virtual_time(options));
  });
}

TEST_CASE("gather of void and valued tasks keeps positions with std::monostate") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          auto number = gofer::spawn([] { return 1; });
          auto nothing = gofer::spawn([] { gofer::sleep(1s); });
          auto text = gofer::spawn([] { return std::string("three"); });
          auto result = gofer::gather(number, nothing, text);
          static_assert(
              std::is_same_v<decltype(result), std::tuple<int, std::monostate, std::string>>);
          const auto [x, none, z] = result;
          CHECK(x == 1);
          CHECK(none == std::monostate{});
          CHECK(z == "three");
        },
        with_virtual_time(options));
  });
}

TEST_CASE("deadlocks in error_group and task calls are reported by those calls' names") {
  for_each_scheduler([](const gofer::run_options& options) {
    struct expectation {
      const char* line;
      void (*main)();
    };
    const expectation cases[] = {
        {"goroutine 1 (main) [errgroup.Group.Wait]:",
         [] {
           gofer::error_group g;
           g.go([] { gofer::make_chan<int>().recv(); });
           g.wait();
         }},
        {"goroutine 1 (main) [errgroup.Group.Go]:",
         [] {
           gofer::error_group g;
           g.set_limit(1);
           g.go([] { gofer::make_chan<int>().recv(); });
           g.go([] {});  // at the limit: waits for a slot
         }},
        {"goroutine 1 (main) [task.get]:",
         [] { gofer::spawn([] { return gofer::make_chan<int>().recv().value; }).get(); }},
        {"goroutine 1 (main) [task.wait]:",
         [] { gofer::spawn([] { gofer::make_chan<int>().recv(); }).wait(); }},
        {"goroutine 1 (main) [task.wait]:",
         [] {
           auto t = gofer::spawn([] { gofer::make_chan<int>().recv(); });
           gofer::gather(t, t);
         }},
    };
    for (const expectation& e : cases) {
      CAPTURE(e.line);
      const auto report = deadlock_report(e.main, options);
      REQUIRE(report.has_value());
      INFO("report:\n", *report);
      const std::vector<std::string> lines = goroutine_lines(*report);
      REQUIRE_FALSE(lines.empty());
      CHECK(lines.front() == e.line);
      for (std::size_t i = 1; i < lines.size(); ++i)
        CHECK(lines[i].ends_with(" [chan receive]:"));  // the functions' own blocking
    }
  });
}

TEST_CASE("wait with first_completed returns as soon as one task finishes") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          const gofer::time_point start = gofer::now();
          std::vector<gofer::task<int>> tasks;
          for (int i = 1; i <= 3; ++i) {
            tasks.push_back(gofer::spawn([i](const gofer::context& ctx) {
              if (select(recv_case(gofer::after(i * 1s)), recv_case(ctx.done())) == 1) return -i;
              return i;
            }));
          }
          auto [done, pending] = gofer::wait(tasks, gofer::return_when::first_completed);
          CHECK(gofer::now() - start == 1s);
          REQUIRE(done.size() == 1);
          CHECK(done[0] == tasks[0]);
          CHECK(done[0].get() == 1);
          REQUIRE(pending.size() == 2);
          CHECK(pending[0] == tasks[1]);
          CHECK(pending[1] == tasks[2]);
          for (const auto& t : pending) {
            CHECK_FALSE(t.finished());
            t.cancel();  // pending tasks can be cancelled after wait
          }
          CHECK(pending[0].get() == -2);
          CHECK(pending[1].get() == -3);
          CHECK(gofer::now() - start == 1s);
        },
        with_virtual_time(options));
  });
}

TEST_CASE("wait with first_exception returns at the first failure") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          const gofer::time_point start = gofer::now();
          std::vector<gofer::task<int>> tasks;
          tasks.push_back(gofer::spawn([] {
            gofer::sleep(1s);
            return 1;
          }));
          tasks.push_back(gofer::spawn([]() -> int {
            gofer::sleep(2s);
            throw std::runtime_error("boom");
          }));
          tasks.push_back(gofer::spawn([](const gofer::context& ctx) {
            select(recv_case(gofer::after(3s)), recv_case(ctx.done()));
            return 3;
          }));
          auto [done, pending] = gofer::wait(tasks, gofer::return_when::first_exception);
          CHECK(gofer::now() - start == 2s);
          REQUIRE(done.size() == 2);
          CHECK(done[0] == tasks[0]);
          CHECK(done[1] == tasks[1]);
          CHECK(done[1].failed());
          REQUIRE(pending.size() == 1);
          CHECK(pending[0] == tasks[2]);
          pending[0].cancel();
          CHECK(pending[0].get() == 3);

          // With no failure, first_exception waits for all.
          std::vector<gofer::task<int>> fine;
          for (int i = 1; i <= 3; ++i) {
            fine.push_back(gofer::spawn([i] {
              gofer::sleep(i * 1s);
              return i;
            }));
          }
          const gofer::time_point second = gofer::now();
          auto all = gofer::wait(fine, gofer::return_when::first_exception);
          CHECK(gofer::now() - second == 3s);
          CHECK(all.done.size() == 3);
          CHECK(all.pending.empty());
        },
        with_virtual_time(options));
  });
}

TEST_CASE("wait with all_completed returns when every task is done") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          const gofer::time_point start = gofer::now();
          std::vector<gofer::task<int>> tasks;
          for (int i = 3; i >= 1; --i) {
            tasks.push_back(gofer::spawn([i]() -> int {
              gofer::sleep(i * 1s);
              if (i == 2) throw std::runtime_error("failed");
              return i;
            }));
          }
          auto [done, pending] = gofer::wait(tasks);  // all_completed is the default
          CHECK(gofer::now() - start == 3s);
          CHECK(done.size() == 3);
          CHECK(pending.empty());
          for (std::size_t i = 0; i < 3; ++i)
            CHECK(done[i] == tasks[i]);  // in the order given
          CHECK(done[1].failed());

          auto none = gofer::wait(std::vector<gofer::task<int>>{});
          CHECK(none.done.empty());
          CHECK(none.pending.empty());
        },
        with_virtual_time(options));
  });
}

namespace {

// The goroutine lines of a deadlock report ("goroutine 3 [chan receive]:").
int goroutines_in(const std::string& report) {
  int count = 0;
  for (std::size_t at = report.find("goroutine "); at != std::string::npos;
       at = report.find("goroutine ", at + 1)) {
    if (at == 0 || report[at - 1] == '\n') ++count;
  }
  return count;
}

}  // namespace

// asyncio.wait removes its callbacks from the pending tasks when it returns.
// gofer's wait must not leave a goroutine behind per pending task either: a
// loop of wait(first_completed) over n tasks would otherwise keep O(n^2)
// goroutines (and their stacks) alive. The deadlock report lists every
// goroutine still alive: main and the two pending tasks, nothing else.
TEST_CASE("wait leaves no goroutine behind for the tasks still pending") {
  for_each_scheduler([](const gofer::run_options& options) {
    std::string report;
    try {
      gofer::run(
          [] {
            auto never = gofer::make_chan<int>();
            std::vector<gofer::task<int>> tasks;
            tasks.push_back(gofer::spawn([] { return 0; }));
            for (int i = 1; i <= 2; ++i) {
              tasks.push_back(gofer::spawn([never] { return never.recv().value; }));
            }
            auto [done, pending] = gofer::wait(tasks, gofer::return_when::first_completed);
            CHECK(done.size() == 1);
            CHECK(pending.size() == 2);
            never.recv();  // every goroutine is now blocked for good
          },
          options);
    } catch (const gofer::deadlock& e) {
      report = e.what();
    }
    REQUIRE_FALSE(report.empty());
    CAPTURE(report);
    CHECK(goroutines_in(report) == 3);
  });
}
