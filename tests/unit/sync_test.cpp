// Tests for gofer/sync.hpp: wait_group, mutex and once, under every scheduler
// setup. Modelled on Go's src/sync/waitgroup_test.go (TestWaitGroup,
// TestWaitGroupMisuse, TestWaitGroupMisuse2, TestWaitGroupGo), mutex_test.go
// (TestMutex) and once_test.go (TestOnce, TestOncePanic); the deadlock
// reports name the call as Go 1.20+ does ([sync.WaitGroup.Wait]).
#include <doctest/doctest.h>

#include <atomic>
#include <cstddef>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <gofer/gofer.hpp>

#include "../support/counted.hpp"
#include "../support/deadlock_report.hpp"

using gofer::default_case;
using gofer::recv_case;
using gofer::select;
using gofer_test::deadlock_report;
using gofer_test::for_each_scheduler;
using gofer_test::goroutine_lines;
using gofer_test::let_others_run;

// --- wait_group -------------------------------------------------------------

// Go: TestWaitGroup.
TEST_CASE("wait_group waits until every added piece of work is done") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          constexpr int n = 16;
          gofer::wait_group wg1;
          gofer::wait_group wg2;
          std::atomic<int> finished{0};
          wg1.add(n);
          wg2.add(n);
          auto exited = gofer::make_chan<bool>(n);
          for (int i = 0; i < n; ++i) {
            gofer::go([&] {
              wg1.done();
              wg2.wait();
              finished.fetch_add(1);
              exited.send(true);
            });
          }
          wg1.wait();
          CHECK(finished.load() == 0);  // all still wait on wg2
          for (int i = 0; i < n; ++i) {
            CHECK(select(recv_case(exited), default_case()) == 1);  // none released early
            wg2.done();
          }
          for (int i = 0; i < n; ++i)
            exited.recv();
          CHECK(finished.load() == n);
        },
        options);
  });
}

TEST_CASE("wait on a zero wait_group returns at once") {
  gofer::wait_group wg;
  wg.wait();  // outside gofer::run too: it must not block
  gofer::run([] {
    gofer::wait_group inner;
    inner.wait();
    inner.add(2);
    inner.add(-2);
    inner.wait();
  });
}

TEST_CASE("several waiters are all released when the counter reaches zero") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          constexpr int waiters = 50;
          gofer::wait_group wg;
          gofer::wait_group released;
          wg.add(3);
          released.add(waiters);
          std::atomic<int> waiting{0};
          for (int i = 0; i < waiters; ++i) {
            gofer::go([&] {
              waiting.fetch_add(1);
              wg.wait();
              released.done();
            });
          }
          while (waiting.load() < waiters)
            gofer::yield();
          let_others_run();
          wg.done();
          wg.done();
          wg.done();
          released.wait();
        },
        options);
  });
}

// Go: TestWaitGroupMisuse.
TEST_CASE("a negative wait_group counter throws and leaves the counter unchanged") {
  gofer::run([] {
    gofer::wait_group wg;
    wg.add(1);
    wg.done();
    CHECK_THROWS_AS(wg.done(), gofer::negative_wait_group_counter);
    try {
      wg.add(-5);
      FAIL("no exception");
    } catch (const gofer::error& e) {
      CHECK(std::string(e.what()) == "sync: negative WaitGroup counter");
    }
    wg.wait();  // still zero
    wg.add(2);
    CHECK_THROWS_AS(wg.add(-3), gofer::negative_wait_group_counter);
    // Still 2: one done leaves one, which keeps a waiter blocked.
    wg.done();
    auto released = gofer::make_chan<gofer::signal>();
    gofer::go([&] {
      wg.wait();
      released.close();
    });
    let_others_run();
    CHECK(select(recv_case(released), default_case()) == 1);
    wg.done();
    released.recv();
  });
}

TEST_CASE("a wait_group can be reused after a wait") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          gofer::wait_group wg;
          std::atomic<int> total{0};
          for (int round = 1; round <= 5; ++round) {
            wg.add(round);
            for (int i = 0; i < round; ++i) {
              gofer::go([&] {
                gofer::yield();
                total.fetch_add(1);
                wg.done();
              });
            }
            wg.wait();
            CHECK(total.load() == round * (round + 1) / 2);
          }
        },
        options);
  });
}

TEST_CASE("a goroutine blocked in wait_group::wait is unwound at shutdown") {
  std::atomic<int> destroyed{0};
  gofer::run(
      [&] {
        gofer::wait_group wg;
        wg.add(1);
        gofer::go([wg, &destroyed]() mutable {
          gofer_test::set_on_destroy guard{destroyed};
          wg.wait();
        });
        let_others_run();
      },
      {.detect_deadlock = false});
  CHECK(destroyed.load() == 1);
}

TEST_CASE("wait_group copies share one counter") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          gofer::wait_group wg;
          gofer::wait_group copy = wg;
          CHECK(copy == wg);
          CHECK(gofer::wait_group{} != wg);  // a new one has a counter of its own
          copy.add(2);
          auto released = gofer::make_chan<gofer::signal>();
          gofer::go([wg, released]() mutable {
            wg.wait();
            released.close();
          });
          wg.done();
          let_others_run();
          CHECK(select(recv_case(released), default_case()) == 1);  // one left
          copy.done();
          released.recv();
          CHECK_THROWS_AS(wg.done(), gofer::negative_wait_group_counter);  // the same counter
        },
        options);
  });
}

namespace {

// Go's merge, from the Go blog's "Pipelines and cancellation": the
// wait_group lives on in the goroutines after merge has returned.
gofer::recv_chan<int> merge(const std::vector<gofer::recv_chan<int>>& inputs) {
  gofer::wait_group wg;
  auto out = gofer::make_chan<int>();
  for (const gofer::recv_chan<int>& in : inputs) {
    wg.go([in, out] {
      for (int n : in)
        out.send(n);
    });
  }
  gofer::go([wg, out]() mutable {
    wg.wait();
    out.close();
  });
  return out;
}

gofer::recv_chan<int> count_to(int n) {
  auto out = gofer::make_chan<int>();
  gofer::go([n, out] {
    gofer::defer close_out{[&] { out.close(); }};
    for (int i = 1; i <= n; ++i)
      out.send(i);
  });
  return out;
}

}  // namespace

TEST_CASE("a wait_group handed by value to goroutines outlives the scope that made it") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          int sum = 0;
          for (int n : merge({count_to(10), count_to(20), count_to(30)}))
            sum += n;
          CHECK(sum == 55 + 210 + 465);
        },
        options);
  });
}

// Go: TestWaitGroupGo (Go 1.25).
TEST_CASE("wait_group go runs f in a goroutine and wait waits for it") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          gofer::wait_group wg;
          std::atomic<int> i{0};
          wg.go([&i] { i.fetch_add(1); });
          wg.wait();
          CHECK(i.load() == 1);

          constexpr int n = 100;
          for (int k = 0; k < n; ++k) {
            wg.go([&i] {
              gofer::yield();
              i.fetch_add(1);
            });
          }
          wg.wait();
          CHECK(i.load() == n + 1);
        },
        options);
  });
}

TEST_CASE("wait_group go calls done also when f is unwound at shutdown") {
  gofer::wait_group wg;
  std::atomic<int> destroyed{0};
  gofer::run(
      [&] {
        wg.go([&destroyed] {
          gofer_test::set_on_destroy guard{destroyed};
          gofer::make_chan<int>().recv();  // forever: unwound when main returns
        });
        let_others_run();
      },
      {.detect_deadlock = false});
  CHECK(destroyed.load() == 1);
  CHECK_THROWS_AS(wg.done(), gofer::negative_wait_group_counter);  // back at zero
}

TEST_CASE("wait_group go outside gofer::run throws and leaves the counter as it was") {
  gofer::wait_group wg;
  CHECK_THROWS_AS(wg.go([] {}), gofer::runtime_misuse);
  wg.wait();  // zero: returns at once
}

// Go: TestWaitGroupMisuse2, made deterministic. The waiter has been woken
// but has not returned from wait() when add(1) starts the next round: Go's
// documented misuse ("new Add calls must happen after all previous Wait
// calls have returned"). One thread only: there the woken waiter cannot run
// before main blocks, so it has certainly not returned.
TEST_CASE("add on a zero counter while a wait has not returned throws wait_group_misuse") {
  gofer::run([] {
    gofer::wait_group wg;
    wg.add(1);
    auto returned = gofer::make_chan<gofer::signal>();
    gofer::go([wg, returned]() mutable {
      wg.wait();
      returned.close();
    });
    let_others_run();  // the waiter parks in wait()
    wg.done();         // wakes it; it runs when main blocks
    try {
      wg.add(1);
      FAIL("no exception");
    } catch (const gofer::wait_group_misuse& e) {
      CHECK(std::string(e.what()) == "sync: WaitGroup misuse: Add called concurrently with Wait");
    }
    CHECK_THROWS_AS(wg.done(), gofer::negative_wait_group_counter);  // the add changed nothing
    returned.recv();
    wg.add(1);  // every wait of the last round has returned: a new round may start
    wg.done();
    wg.wait();
  });
}

TEST_CASE("adding to a non-zero counter while others wait is fine, as in Go") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          gofer::wait_group wg;
          wg.add(1);
          auto released = gofer::make_chan<gofer::signal>();
          for (int i = 0; i < 3; ++i) {
            gofer::go([wg, released]() mutable {
              wg.wait();
              released.send();
            });
          }
          let_others_run();
          wg.add(2);  // counter 1 -> 3 while three wait
          wg.done();
          wg.done();
          wg.done();
          for (int i = 0; i < 3; ++i)
            released.recv();
        },
        options);
  });
}

TEST_CASE("a deadlock in wait_group::wait is reported as [sync.WaitGroup.Wait]") {
  for_each_scheduler([](const gofer::run_options& options) {
    const auto report = deadlock_report(
        [] {
          gofer::wait_group wg;
          wg.add(1);
          gofer::go(gofer::named{"waiter"}, [wg]() mutable { wg.wait(); });
          wg.wait();
        },
        options);
    REQUIRE(report.has_value());
    INFO("report:\n", *report);
    const std::vector<std::string> expected = {
        "goroutine 1 (main) [sync.WaitGroup.Wait]:",
        "goroutine 2 \"waiter\" [sync.WaitGroup.Wait]:",
    };
    CHECK(goroutine_lines(*report) == expected);
  });
}

// --- mutex ------------------------------------------------------------------

// Go: TestMutex.
TEST_CASE("mutex gives mutual exclusion across threads") {
  for_each_scheduler([](const gofer::run_options& options) {
    const long total = gofer::run(
        [] {
          constexpr int goroutines = 8;
          constexpr int increments = 10000;
          gofer::mutex mu;
          long counter = 0;  // not atomic: the mutex guards it
          std::atomic<int> inside{0};
          std::atomic<int> overlaps{0};
          gofer::wait_group wg;
          wg.add(goroutines);
          for (int g = 0; g < goroutines; ++g) {
            gofer::go([&] {
              for (int i = 0; i < increments; ++i) {
                mu.lock();
                if (inside.fetch_add(1) != 0) overlaps.fetch_add(1);
                ++counter;
                if (i % 64 == 0) gofer::yield();  // switch while holding the lock
                inside.fetch_sub(1);
                mu.unlock();
              }
              wg.done();
            });
          }
          wg.wait();
          CHECK(overlaps.load() == 0);
          return counter;
        },
        options);
    CHECK(total == 8L * 10000L);
  });
}

TEST_CASE("mutex try_lock fails while locked and succeeds once unlocked") {
  gofer::run([] {
    gofer::mutex mu;
    CHECK(mu.try_lock());
    CHECK_FALSE(mu.try_lock());
    bool other = true;
    gofer::go([&] { other = mu.try_lock(); });
    let_others_run();
    CHECK_FALSE(other);
    mu.unlock();
    CHECK(mu.try_lock());
    mu.unlock();
  });
}

TEST_CASE("unlock of an unlocked mutex throws") {
  gofer::run([] {
    gofer::mutex mu;
    CHECK_THROWS_AS(mu.unlock(), gofer::unlock_of_unlocked_mutex);
    mu.lock();
    mu.unlock();
    try {
      mu.unlock();
      FAIL("no exception");
    } catch (const gofer::error& e) {
      CHECK(std::string(e.what()) == "sync: unlock of unlocked mutex");
    }
    CHECK(mu.try_lock());  // the failed unlocks left it usable
    mu.unlock();
  });
}

TEST_CASE("mutex works with std::lock_guard and std::unique_lock") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          gofer::mutex mu;
          int counter = 0;
          gofer::wait_group wg;
          wg.add(4);
          for (int g = 0; g < 4; ++g) {
            gofer::go([&] {
              for (int i = 0; i < 1000; ++i) {
                if (i % 2 == 0) {
                  std::lock_guard lock{mu};
                  ++counter;
                } else {
                  std::unique_lock lock{mu, std::try_to_lock};
                  if (!lock.owns_lock()) lock.lock();
                  ++counter;
                }
              }
              wg.done();
            });
          }
          wg.wait();
          CHECK(counter == 4000);
          CHECK(mu.try_lock());
          mu.unlock();
        },
        options);
  });
}

TEST_CASE("a lock held by a goroutine blocks another until unlocked") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          gofer::mutex mu;
          mu.lock();
          auto acquired = gofer::make_chan<gofer::signal>();
          gofer::go([&] {
            std::lock_guard lock{mu};
            acquired.close();
          });
          let_others_run();
          CHECK(select(recv_case(acquired), default_case()) == 1);
          mu.unlock();
          acquired.recv();
          std::lock_guard lock{mu};  // released by the goroutine
        },
        options);
  });
}

// --- once -------------------------------------------------------------------

// Go: TestOnce.
TEST_CASE("once runs its function once across many goroutines") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          constexpr int n = 100;
          gofer::once once;
          std::atomic<int> calls{0};
          gofer::wait_group wg;
          wg.add(n);
          for (int i = 0; i < n; ++i) {
            gofer::go([&] {
              once.call([&] { calls.fetch_add(1); });
              CHECK(calls.load() == 1);  // it has run by the time call returns
              wg.done();
            });
          }
          wg.wait();
          once.call([&] { calls.fetch_add(1); });
          CHECK(calls.load() == 1);
        },
        options);
  });
}

TEST_CASE("later callers of once wait for the first call to finish") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          gofer::once once;
          auto entered = gofer::make_chan<gofer::signal>();
          auto release = gofer::make_chan<gofer::signal>();
          std::atomic<bool> first_finished{false};
          std::atomic<int> waiters_done{0};
          gofer::wait_group wg;
          wg.add(1);
          gofer::go([&] {
            once.call([&] {
              entered.close();
              release.recv();
              first_finished.store(true);
            });
            wg.done();
          });
          entered.recv();
          constexpr int waiters = 10;
          wg.add(waiters);
          for (int i = 0; i < waiters; ++i) {
            gofer::go([&] {
              once.call([] { FAIL("a second call ran"); });
              CHECK(first_finished.load());
              waiters_done.fetch_add(1);
              wg.done();
            });
          }
          let_others_run();
          CHECK(waiters_done.load() == 0);
          release.close();
          wg.wait();
          CHECK(waiters_done.load() == waiters);
        },
        options);
  });
}

// Go: TestOncePanic (Go 1.21+: a panicking f counts as done).
TEST_CASE("an exception from once's function reaches the first caller and the once is done") {
  gofer::run([] {
    gofer::once once;
    CHECK_THROWS_WITH_AS(once.call([] { throw std::runtime_error("failed"); }), "failed",
                         std::runtime_error);
    bool ran = false;
    once.call([&] { ran = true; });
    CHECK_FALSE(ran);
  });
}

// --- what deadlock reports call them ----------------------------------------

TEST_CASE("a deadlock in mutex::lock is reported as [sync.Mutex.Lock]") {
  for_each_scheduler([](const gofer::run_options& options) {
    const auto report = deadlock_report(
        [] {
          gofer::mutex mu;
          mu.lock();
          mu.lock();  // not recursive: Go deadlocks too
        },
        options);
    REQUIRE(report.has_value());
    INFO("report:\n", *report);
    CHECK(goroutine_lines(*report) ==
          std::vector<std::string>{"goroutine 1 (main) [sync.Mutex.Lock]:"});
  });
}

// Go names the mutex inside sync.Once ([sync.Mutex.Lock]); gofer names the
// call the program made.
TEST_CASE("a deadlock in once::call is reported as [sync.Once.Do], f's own blocking as itself") {
  for_each_scheduler([](const gofer::run_options& options) {
    const auto recursive = deadlock_report(
        [] {
          gofer::once once;
          once.call([&once] { once.call([] {}); });  // Go deadlocks too
        },
        options);
    REQUIRE(recursive.has_value());
    INFO("report:\n", *recursive);
    CHECK(goroutine_lines(*recursive) ==
          std::vector<std::string>{"goroutine 1 (main) [sync.Once.Do]:"});

    const auto inside_f = deadlock_report(
        [] {
          gofer::once once;
          once.call([] { gofer::make_chan<int>().recv(); });
        },
        options);
    REQUIRE(inside_f.has_value());
    INFO("report:\n", *inside_f);
    CHECK(goroutine_lines(*inside_f) ==
          std::vector<std::string>{"goroutine 1 (main) [chan receive]:"});
  });
}

TEST_CASE("after a contended lock is taken, later blocking is reported as itself") {
  for_each_scheduler([](const gofer::run_options& options) {
    const auto report = deadlock_report(
        [] {
          gofer::mutex mu;
          auto locked = gofer::make_chan<gofer::signal>();
          mu.lock();
          gofer::go([&mu, locked] {
            mu.lock();  // blocks until main unlocks
            locked.close();
            gofer::make_chan<int>().send(1);  // then blocks for good elsewhere
          });
          let_others_run();
          mu.unlock();
          locked.recv();
          gofer::make_chan<int>().recv();
        },
        options);
    REQUIRE(report.has_value());
    INFO("report:\n", *report);
    const std::vector<std::string> expected = {
        "goroutine 1 (main) [chan receive]:",
        "goroutine 2 [chan send]:",
    };
    CHECK(goroutine_lines(*report) == expected);
  });
}

TEST_CASE("a wait_group captured by value is usable without mutable") {
  gofer::run([] {
    gofer::wait_group wg;
    wg.add(1);
    gofer::go([wg] { wg.done(); });  // const copy: add/done/wait are const
    wg.wait();
  });
}
