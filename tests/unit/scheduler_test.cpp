// Tests for the scheduler behind gofer::run (lib/scheduler.cpp): idle workers
// park without spinning, work made runnable on a busy worker reaches a parked
// one, spawning and joining at scale, and the stack options (guard_pages,
// stack_size). Deadlock reports (named goroutines) are in deadlock_test.cpp.
#include <doctest/doctest.h>

#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <thread>

#include <gofer/chan.hpp>
#include <gofer/runtime.hpp>
#include <gofer/time.hpp>

#include "../support/counted.hpp"

using namespace std::chrono_literals;
using gofer::chan;
using gofer::make_chan;
using gofer_test::for_each_scheduler;

namespace {

// CPU time (user + system) this process has used, all threads together.
std::chrono::microseconds process_cpu_time() {
  rusage usage{};
  REQUIRE(getrusage(RUSAGE_SELF, &usage) == 0);
  auto to_us = [](const timeval& t) {
    return std::chrono::seconds(t.tv_sec) + std::chrono::microseconds(t.tv_usec);
  };
  return to_us(usage.ru_utime) + to_us(usage.ru_stime);
}

// Spins until `flag` is set, never blocking nor yielding: its worker can run
// nothing else meanwhile. Gives up after `limit` (a failure, not a hang) and
// then yields so the test can end; returns whether the flag came in time.
bool spin_until(const std::atomic<bool>& flag, std::chrono::seconds limit) {
  const auto give_up = std::chrono::steady_clock::now() + limit;
  while (!flag.load(std::memory_order_acquire)) {
    if (std::chrono::steady_clock::now() > give_up) {
      while (!flag.load(std::memory_order_acquire))
        gofer::yield();
      return false;
    }
  }
  return true;
}

}  // namespace

TEST_CASE("an idle two-thread runtime parks its workers instead of spinning") {
  // The one test here on the real clock: main sleeps 300ms while the other
  // worker has nothing to do. The bound is on CPU use, not on speed: an idle
  // runtime that spins would burn about 300ms (or 600ms) of CPU.
  const auto cpu = gofer::run(
      [] {
        const auto before = process_cpu_time();
        gofer::sleep(300ms);
        return process_cpu_time() - before;
      },
      {.threads = 2});
  INFO("CPU time while idle: ", cpu.count(), "us");
  CHECK(cpu < 100ms);
}

TEST_CASE("a goroutine spawned by a busy goroutine runs on the parked worker") {
  for (int round = 0; round < 5; ++round) {
    CAPTURE(round);
    std::atomic<bool> flag{false};
    const bool in_time = gofer::run(
        [&flag] {
          // Let the second worker find nothing to do and park.
          std::this_thread::sleep_for(5ms);
          auto done = make_chan<bool>();
          gofer::go([&flag, done] {
            // The new goroutine is queued on this worker, which now spins:
            // only the other worker can run it, once woken.
            gofer::go([&flag] { flag.store(true, std::memory_order_release); });
            done.send(spin_until(flag, 1s));
          });
          return done.recv().value;
        },
        {.threads = 2});
    CHECK(in_time);
  }
}

// The same, when the goroutine is not the newest: a later spawn takes the
// "run next" slot and pushes it to the queue, where thieves look.
TEST_CASE("a goroutine queued behind a newer one on a busy worker is stolen by the parked one") {
  for (int round = 0; round < 5; ++round) {
    CAPTURE(round);
    std::atomic<bool> flag{false};
    const bool in_time = gofer::run(
        [&flag] {
          std::this_thread::sleep_for(5ms);
          auto done = make_chan<bool>();
          gofer::go([&flag, done] {
            gofer::go([&flag] { flag.store(true, std::memory_order_release); });
            gofer::go([] {});
            done.send(spin_until(flag, 1s));
          });
          return done.recv().value;
        },
        {.threads = 2});
    CHECK(in_time);
  }
}

TEST_CASE("a goroutine woken by a busy goroutine runs on the parked worker") {
  for (int round = 0; round < 5; ++round) {
    CAPTURE(round);
    std::atomic<bool> flag{false};
    const bool in_time = gofer::run(
        [&flag] {
          auto ready = make_chan<gofer::signal>();
          auto wake = make_chan<int>(1);
          auto done = make_chan<bool>();
          gofer::go([&flag, ready, wake] {
            ready.send();
            wake.recv();  // woken by the spinner below
            flag.store(true, std::memory_order_release);
          });
          ready.recv();
          std::this_thread::sleep_for(5ms);  // the waiter parks, then its worker
          gofer::go([&flag, wake, done] {
            wake.send(1);  // makes the waiter runnable here, then spins
            done.send(spin_until(flag, 1s));
          });
          return done.recv().value;
        },
        {.threads = 2});
    CHECK(in_time);
  }
}

// While two goroutines hand a value back and forth on one worker, the idle
// worker sees that worker's runnext occupied but moving, and backs off in
// its spin (spin_for_work) instead of parking after every few hand-offs. When
// the hand-offs stop with a goroutine left in runnext behind a busy one, the
// back-off must still end in a steal: X runs while its waker spins.
TEST_CASE("a goroutine stranded in runnext after a run of hand-offs is stolen") {
  for (int round = 0; round < 5; ++round) {
    CAPTURE(round);
    std::atomic<bool> flag{false};
    const bool in_time = gofer::run(
        [&flag] {
          auto ping = make_chan<int>();
          auto pong = make_chan<int>();
          auto wake = make_chan<int>(1);
          auto done = make_chan<bool>();
          gofer::go([&flag, wake] {
            wake.recv();
            flag.store(true, std::memory_order_release);
          });
          gofer::go([ping, pong] {
            for (;;) {
              const auto value = ping.recv();
              if (!value.ok) return;
              pong.send(value.value + 1);
            }
          });
          gofer::go([&flag, ping, pong, wake, done] {
            int total = 0;
            for (int trip = 0; trip < 20'000; ++trip) {
              ping.send(trip);
              total += pong.recv().value - trip;
            }
            ping.close();
            wake.send(total);  // X into this worker's runnext; we spin on
            done.send(spin_until(flag, 30s));
          });
          return done.recv().value;
        },
        {.threads = 2});
    CHECK(in_time);
  }
}

// The stranded wake: goroutine X parks on worker B; Y then computes on B
// without ever yielding; main, on worker A, sends to X and blocks. Go runs X
// at once on A (goready puts it in the waker's runnext). A goroutine that
// stayed tied to B would wait behind Y until Y gave up. No timing assert: Y
// spins on a flag that only X's resumption sets, and gives up (a failure,
// not a hang) after a bound no working scheduler comes near.
TEST_CASE(
    "a goroutine woken from another worker runs there, not behind its old worker's busy one") {
  for (const std::size_t threads : {std::size_t{2}, std::size_t{4}}) {
    for (int round = 0; round < 5; ++round) {
      CAPTURE(threads);
      CAPTURE(round);
      std::atomic<bool> x_elsewhere{false};
      std::atomic<bool> y_running{false};
      std::atomic<bool> x_resumed{false};
      const bool in_time = gofer::run(
          [&] {
            const auto main_thread = std::this_thread::get_id();
            auto to_x = make_chan<int>();
            auto done = make_chan<bool>();
            gofer::go([&, to_x, done] {
              // X. Main spins, so only another worker can be running this.
              CHECK(std::this_thread::get_id() != main_thread);
              x_elsewhere.store(true, std::memory_order_release);
              // Y runs next on this worker, as soon as X parks.
              gofer::go([&, done] {
                y_running.store(true, std::memory_order_release);
                done.send(spin_until(x_resumed, 30s));
              });
              to_x.recv();
              x_resumed.store(true, std::memory_order_release);
            });
            if (!spin_until(x_elsewhere, 30s)) return false;
            if (!spin_until(y_running, 30s)) return false;
            to_x.send(1);              // X is parked: Y runs on its worker
            return done.recv().value;  // main parks: X may run here
          },
          {.threads = threads});
      CHECK(in_time);
    }
  }
}

TEST_CASE("a tree of goroutines spawning goroutines completes and joins on four threads") {
  // 4^6 leaves: every goroutine above the leaves spawns four children and
  // waits for them, so most are blocked at once: TSan's build uses a smaller tree.
  constexpr int depth = gofer_test::under_tsan ? 5 : 6;
  struct tree {
    static long spawn(int level) {
      if (level == 0) return 1;
      auto results = make_chan<long>(4);
      for (int child = 0; child < 4; ++child)
        gofer::go([results, level] { results.send(spawn(level - 1)); });
      long total = 1;
      for (int child = 0; child < 4; ++child)
        total += results.recv().value;
      return total;
    }
  };
  for_each_scheduler([](const gofer::run_options& options) {
    const long count = gofer::run([] { return tree::spawn(depth); }, options);
    long expected = 0;
    for (long level = 0, width = 1; level <= depth; ++level, width *= 4)
      expected += width;
    CHECK(count == expected);
  });
}

TEST_CASE("spawn and join of ten thousand goroutines on four threads, twice") {
  constexpr int n = gofer_test::under_tsan ? 4000 : 10000;
  for (int round = 0; round < 2; ++round) {
    std::atomic<int> ran{0};
    gofer::run(
        [&ran] {
          auto done = make_chan<gofer::signal>(n);
          for (int i = 0; i < n; ++i) {
            gofer::go([&ran, done] {
              ran.fetch_add(1, std::memory_order_relaxed);
              done.send();
            });
          }
          for (int i = 0; i < n; ++i)
            done.recv();
        },
        {.threads = 4});
    CHECK(ran.load() == n);
  }
}

TEST_CASE("a tree of goroutines runs nearly depth first: few of its goroutines live at once") {
  // Skynet's shape, 10^5 leaves (10^4 under TSan). A worker's queue holds
  // at most 256; beyond that its older half moves to the global queue (Go's
  // runqputslow), so the newest goroutines run first and a level's siblings
  // are not all alive at once (about 1,500 here). With one unbounded FIFO queue, 100k+ would be;
  // with a go() that yielded to a backlog of 1,024 whenever there was one,
  // not only in a loop that only spawns (lib/spawn.cpp), 3,480: each node
  // that yields keeps its stack and its children's alive behind the queue.
  struct tree {
    static long spawn(int level, std::atomic<int>& alive, std::atomic<int>& peak) {
      const int now_alive = alive.fetch_add(1) + 1;
      int seen = peak.load();
      while (now_alive > seen && !peak.compare_exchange_weak(seen, now_alive)) {
      }
      long total = 0;
      if (level == 0) {
        total = 1;
      } else {
        auto results = make_chan<long>(10);
        for (int child = 0; child < 10; ++child) {
          gofer::go(
              [results, level, &alive, &peak] { results.send(spawn(level - 1, alive, peak)); });
        }
        for (int child = 0; child < 10; ++child)
          total += results.recv().value;
      }
      alive.fetch_sub(1);
      return total;
    }
  };
  std::atomic<int> alive{0};
  std::atomic<int> peak{0};
  // TSan allows 8,128 fibers at once, and counts every goroutine made and
  // not yet ended, started or not: its build uses 10^4 leaves.
  constexpr int levels = gofer_test::under_tsan ? 4 : 5;
  const long leaves = gofer::run([&] { return tree::spawn(levels, alive, peak); }, {.threads = 1});
  CHECK(leaves == (gofer_test::under_tsan ? 10'000 : 100'000));
  INFO("peak goroutines alive at once: ", peak.load());
  CHECK(peak.load() < 2000);
}

TEST_CASE("goroutines moved to the global queue are not starved by a busy ping-pong") {
  // Go polls its global queue every 61st schedule; gofer too. Here two
  // goroutines hand a value back and forth through runnext forever (until
  // the others have run), so the local queue never empties.
  for_each_scheduler([](const gofer::run_options& options) {
    std::atomic<int> ran{0};
    constexpr int spawned = 2000;  // well past one local queue's 256
    gofer::run(
        [&ran] {
          for (int i = 0; i < spawned; ++i)
            gofer::go([&ran] { ran.fetch_add(1); });
          auto ping = make_chan<int>();
          auto pong = make_chan<int>();
          auto done = make_chan<gofer::signal>();
          gofer::go([=, &ran] {
            for (long round = 0; ran.load() < spawned && round < 10'000'000; ++round) {
              ping.send(1);
              pong.recv();
            }
            ping.close();
            done.close();
          });
          gofer::go([=] {
            for (int value : ping)
              pong.send(value);
          });
          done.recv();
        },
        options);
    CHECK(ran.load() == spawned);
  });
}

TEST_CASE("a loop that only spawns holds about a thousand goroutines at once, not all it made") {
  // Go's scheduler preempts such a loop and the goroutines queued so far
  // run; gofer's go() yields once more than 1,024 wait to run on its worker
  // and it has itself started 64 since it last switched in (lib/spawn.cpp).
  // Without that, on one thread all 100k were queued before the first ran
  // (420 MiB of stack pages).
  for_each_scheduler([](const gofer::run_options& options) {
    // 10k under TSan, where 100k at 1, 2 and 4 threads took 18 s of the
    // test's 33: still five times the bound below.
    constexpr long spawned = gofer_test::under_tsan ? 10'000 : 100'000;
    std::atomic<long> finished{0};
    long peak_waiting = 0;
    gofer::run(
        [&] {
          for (long i = 0; i < spawned; ++i) {
            gofer::go([&finished] { finished.fetch_add(1, std::memory_order_relaxed); });
            peak_waiting = std::max(peak_waiting, i + 1 - finished.load(std::memory_order_relaxed));
          }
        },
        options);
    CHECK(finished.load() == spawned);
    INFO("peak goroutines started but not ended: ", peak_waiting);
    CHECK(peak_waiting < 2048);
  });
}

TEST_CASE("timers fire while main yields in a loop beside goroutines that never idle") {
  // Main and the dispatcher (which fires timers and frees ended goroutines'
  // stacks) take turns every 61 picks. Main used to take every such turn
  // while it was runnable, so with a ping-pong keeping the queue busy and
  // main yielding in a loop, a 1 ms sleep never ended on one thread.
  for_each_scheduler([](const gofer::run_options& options) {
    std::atomic<bool> woke{false};
    bool in_time = true;
    gofer::run(
        [&] {
          auto ping = make_chan<int>();
          auto pong = make_chan<int>();
          std::atomic<bool> stop{false};
          gofer::go([=, &stop] {
            while (!stop.load()) {
              ping.send(1);
              pong.recv();
            }
            ping.close();
          });
          gofer::go([=] {
            for (int value : ping)
              pong.send(value);
          });
          gofer::go([&woke] {
            gofer::sleep(1ms);
            woke.store(true);
          });
          // A bound that fails the test, not a speed assertion.
          const auto give_up = std::chrono::steady_clock::now() + 20s;
          while (!woke.load()) {
            if (std::chrono::steady_clock::now() > give_up) {
              in_time = false;
              break;
            }
            gofer::yield();
          }
          stop.store(true);
        },
        options);
    CHECK(in_time);
  });
}

TEST_CASE("goroutines with guard pages run and exchange values") {
  for_each_scheduler([](gofer::run_options options) {
    options.guard_pages = true;
    constexpr int n = 1000;
    const long sum = gofer::run(
        [] {
          auto results = make_chan<int>();
          for (int i = 0; i < n; ++i)
            gofer::go([results, i] { results.send(i); });
          long total = 0;
          for (int i = 0; i < n; ++i)
            total += results.recv().value;
          return total;
        },
        options);
    CHECK(sum == long{n} * (n - 1) / 2);
  });
}

namespace {

// About 1 KiB of stack per level, kept from being optimised away.
int recurse(int depth) {
  volatile char frame[1000];
  frame[0] = static_cast<char>(depth);
  frame[sizeof(frame) - 1] = frame[0];
  if (depth == 0) return frame[sizeof(frame) - 1];
  return recurse(depth - 1) + 1 + (frame[0] - static_cast<char>(depth));
}

}  // namespace

TEST_CASE("a deep but bounded recursion fits in a 256 KiB stack") {
  for_each_scheduler([](gofer::run_options options) {
    options.stack_size = 256 << 10;
    options.guard_pages = true;  // an overflow would fault, not corrupt
    const int result = gofer::run(
        [] {
          auto out = make_chan<int>(1);
          // About 150 KiB: more than the 64 KiB default, well inside 256 KiB.
          gofer::go([out] { out.send(recurse(150)); });
          return out.recv().value;
        },
        options);
    CHECK(result == 150);
  });
}
