// Tests for gofer/sync.hpp: wait_group, mutex and once, under every scheduler
// setup. Modelled on Go's src/sync/waitgroup_test.go (TestWaitGroup,
// TestWaitGroupMisuse), mutex_test.go (TestMutex) and once_test.go (TestOnce,
// TestOncePanic).
#include <doctest/doctest.h>

#include <atomic>
#include <cstddef>
#include <mutex>
#include <stdexcept>
#include <string>

#include <gofer/gofer.hpp>

#include "../support/counted.hpp"

using gofer::default_case;
using gofer::recv_case;
using gofer::select;
using gofer_test::for_each_scheduler;
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
        auto wg = std::make_shared<gofer::wait_group>();
        wg->add(1);
        gofer::go([wg, &destroyed] {
          gofer_test::set_on_destroy guard{destroyed};
          wg->wait();
        });
        let_others_run();
      },
      {.detect_deadlock = false});
  CHECK(destroyed.load() == 1);
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
