// bench/chan_bench.cpp - channel, select and goroutine benchmarks, named after
// Go's own (src/runtime/chan_test.go) so that one table can hold Go, gofer and
// raw Boost.Fiber. See bench/README.md for what each one measures.
//
// How the timing works: each benchmark run calls gofer::run once; main (the
// first goroutine, pinned to the thread that called run) executes Google
// Benchmark's `for (auto _ : state)` loop, so the runtime's start and shutdown
// stay outside the timed region. One loop iteration is one operation (a
// message, a round trip, a select, a goroutine), so the Time column is ns per
// op. Every benchmark uses real (wall) time: CPU time would count only the
// calling thread.
//
// Argument "threads" is run_options::threads (Go's GOMAXPROCS). Go's
// RunParallel benchmarks (ChanNonblocking, SelectUncontended, ChanCreation) are
// mirrored by running threads-1 extra copies of the loop in goroutines next to
// main; their Time column is main's ns per op under that load, and the
// `agg_ns/op` counter is wall time over the ops of all copies, which is what
// Go's ns/op reports.
#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <benchmark/benchmark.h>
#include <boost/fiber/algo/round_robin.hpp>
#include <boost/fiber/algo/shared_work.hpp>
#include <boost/fiber/all.hpp>

#include "gofer/chan.hpp"
#include "gofer/runtime.hpp"
#include "gofer/select.hpp"
#include "gofer/sync.hpp"
#include "gofer/time.hpp"
#include "lone.hpp"

namespace {

constexpr std::int64_t spawn_count = 100'000;
constexpr std::size_t stack_size = 64 << 10;  // gofer's default, used for Boost too

std::size_t threads_of(const benchmark::State& state, int arg = 0) {
  return static_cast<std::size_t>(state.range(arg));
}

// Runs body(state) as gofer's main goroutine with state.range(threads_arg)
// threads.
template <class Body>
void in_gofer(benchmark::State& state, int threads_arg, Body body) {
  gofer::run([&] { body(state); }, {.threads = threads_of(state, threads_arg)});
}

// Go's RunParallel: main runs the timed loop while threads-1 goroutines run
// the same kind of loop until told to stop. make_op() builds one loop's state
// and returns the callable that performs one op.
// finish() runs in main after every loop has stopped, still inside the
// runtime (SelectSyncContended closes its `done` channel there, as Go does).
template <class MakeOp, class Finish = void (*)()>
void run_parallel(
    benchmark::State& state, MakeOp make_op, Finish finish = [] {}) {
  in_gofer(state, 0, [&](benchmark::State& st) {
    const std::size_t helpers = threads_of(st) - 1;
    using counter = gofer_bench::lone<std::atomic<std::int64_t>>;  // ops of one helper
    std::vector<counter> counts(helpers);
    const auto stop_flag = gofer_bench::make_lone<std::atomic<bool>>();
    std::atomic<bool>& stop = stop_flag->value;
    auto done = gofer::make_chan<gofer::signal>(static_cast<std::ptrdiff_t>(helpers));
    for (counter& count : counts) {
      gofer::go([&stop, &count, &make_op, done] {
        auto op = make_op();
        std::int64_t n = 0;
        while (!stop.load(std::memory_order_relaxed)) {
          op();
          count.value.store(++n, std::memory_order_relaxed);
        }
        done.send();
      });
    }
    auto sum = [&counts] {
      std::int64_t total = 0;
      for (const counter& count : counts)
        total += count.value.load(std::memory_order_relaxed);
      return total;
    };

    auto op = make_op();
    const std::int64_t helper_ops_before = sum();
    const auto start = std::chrono::steady_clock::now();
    for (auto _ : st)
      op();
    const auto elapsed = std::chrono::steady_clock::now() - start;
    const std::int64_t all_ops = st.iterations() + sum() - helper_ops_before;

    stop.store(true, std::memory_order_relaxed);
    for (std::size_t i = 0; i < helpers; ++i)
      done.recv();
    st.counters["agg_ns/op"] =
        std::chrono::duration<double, std::nano>(elapsed).count() / static_cast<double>(all_ops);
    finish();
  });
}

// ---------------------------------------------------------------------------
// gofer

// Go: BenchmarkChanSync. Two goroutines pass a value back and forth over ONE
// unbuffered channel; ns per message (half a round trip), as Go counts it.
void chan_sync(benchmark::State& state) {
  in_gofer(state, 0, [](benchmark::State& st) {
    auto ch = gofer::make_chan<int>();
    gofer::go([ch] {
      for (;;) {
        auto [value, ok] = ch.recv();
        if (!ok) return;
        ch.send(value);
      }
    });
    while (st.KeepRunningBatch(2)) {
      ch.send(1);
      benchmark::DoNotOptimize(ch.recv());
    }
    ch.close();
  });
}

// Ping-pong over two unbuffered channels; ns per round trip.
void ping_pong(benchmark::State& state) {
  in_gofer(state, 0, [](benchmark::State& st) {
    auto ping = gofer::make_chan<int>();
    auto pong = gofer::make_chan<int>();
    gofer::go([ping, pong] {
      for (int value : ping)
        pong.send(value);
    });
    for (auto _ : st) {
      ping.send(1);
      benchmark::DoNotOptimize(pong.recv());
    }
    ping.close();
  });
}

// Go: BenchmarkChanProdCons<cap> (one producer/consumer pair; Go runs
// GOMAXPROCS pairs on one channel). main produces, a goroutine consumes;
// ns per message. Waiting for the consumer to drain the last <= cap values is
// left out of the timing (negligible against the iteration counts used).
void chan_prod_cons(benchmark::State& state, std::ptrdiff_t capacity) {
  in_gofer(state, 0, [capacity](benchmark::State& st) {
    auto ch = gofer::make_chan<int>(capacity);
    auto done = gofer::make_chan<std::int64_t>(1);
    gofer::go([ch, done] {
      std::int64_t received = 0;
      for (int value : ch)
        received += value;
      done.send(received);
    });
    for (auto _ : st)
      ch.send(1);
    ch.close();
    if (done.recv().value != st.iterations()) st.SkipWithError("consumer lost messages");
  });
}

// Go: benchmarkChanProdCons(b, cap, 0), as Go writes it: `threads` producer
// and consumer pairs (GOMAXPROCS pairs in Go) share one channel of capacity
// cap; producers take chunks of 1000 messages from a shared count until it
// runs out, then each sends a 0 that stops one consumer. ns per message over
// all pairs. The whole batch is one timed KeepRunningBatch, so starting the
// 2 x threads goroutines is timed, as in Go.
constexpr std::int64_t calls_per_sched = 1000;  // Go's CallsPerSched

void chan_prod_cons_pairs(benchmark::State& state, std::ptrdiff_t capacity) {
  in_gofer(state, 0, [capacity](benchmark::State& st) {
    const std::size_t pairs = threads_of(st);
    const std::int64_t messages = st.max_iterations;
    while (st.KeepRunningBatch(messages)) {
      auto ch = gofer::make_chan<int>(capacity);
      auto finished = gofer::make_chan<std::int64_t>(static_cast<std::ptrdiff_t>(2 * pairs));
      auto left = std::make_shared<std::atomic<std::int64_t>>(messages);
      for (std::size_t p = 0; p < pairs; ++p) {
        gofer::go([ch, finished, left] {
          for (;;) {
            const std::int64_t before = left->fetch_sub(calls_per_sched);
            if (before <= 0) break;
            for (std::int64_t g = 0; g < std::min(before, calls_per_sched); ++g)
              ch.send(1);
          }
          ch.send(0);
          finished.send(0);
        });
        gofer::go([ch, finished] {
          std::int64_t received = 0;
          while (ch.recv().value != 0)
            ++received;
          finished.send(received);
        });
      }
      std::int64_t received = 0;
      for (std::size_t i = 0; i < 2 * pairs; ++i)
        received += finished.recv().value;
      if (received != messages) st.SkipWithError("consumers lost messages");
    }
  });
}

// A producer goroutine sends round-robin on `chans` channels of capacity cap;
// main selects over all of them; ns per select.
template <std::size_t N>
void select_n(benchmark::State& state) {
  in_gofer(state, 1, [](benchmark::State& st) {
    std::array<gofer::chan<int>, N> chans;
    for (auto& ch : chans)
      ch = gofer::make_chan<int>(st.range(0));
    const auto stop_flag = gofer_bench::make_lone<std::atomic<bool>>();
    std::atomic<bool>& stop = stop_flag->value;
    gofer::go([chans, &stop] {
      for (std::size_t i = 0; !stop.load(std::memory_order_relaxed); ++i)
        chans[i % N].send(1);
      for (const auto& ch : chans)
        ch.close();
    });

    int value = 0;
    auto select_all = [&chans, &value](bool* ok) {
      if constexpr (N == 2) {
        return gofer::select(gofer::recv_case(chans[0], value, ok[0]),
                             gofer::recv_case(chans[1], value, ok[1]));
      } else {
        static_assert(N == 4);
        return gofer::select(
            gofer::recv_case(chans[0], value, ok[0]), gofer::recv_case(chans[1], value, ok[1]),
            gofer::recv_case(chans[2], value, ok[2]), gofer::recv_case(chans[3], value, ok[3]));
      }
    };
    bool ok[N];
    for (auto _ : st) {
      benchmark::DoNotOptimize(select_all(ok));
    }
    // Drain until the producer sees `stop` and closes every channel.
    stop.store(true, std::memory_order_relaxed);
    for (;;) {
      const std::size_t chosen = select_all(ok);
      if (!ok[chosen]) break;
    }
  });
}

// Go: BenchmarkSelectUncontended. Each loop owns two channels of capacity 1,
// one of them full; a select receives from whichever holds the value and
// sends it to the other. ns per select.
void select_uncontended(benchmark::State& state) {
  run_parallel(state, [] {
    auto c1 = gofer::make_chan<int>(1);
    auto c2 = gofer::make_chan<int>(1);
    c1.send(0);
    return [c1, c2] {
      int value = 0;
      switch (gofer::select(gofer::recv_case(c1, value), gofer::recv_case(c2, value))) {
        case 0:
          c2.send(0);
          break;
        case 1:
          c1.send(0);
          break;
      }
    };
  });
}

// Go: BenchmarkSelectSyncContended. Three unbuffered channels shared by all
// loops; every loop starts a goroutine that selects a send on any of them
// (or a receive on `done`), and the loop itself selects a receive on any of
// them. ns per select.
void select_sync_contended(benchmark::State& state) {
  const auto c1 = gofer::make_chan<int>();
  const auto c2 = gofer::make_chan<int>();
  const auto c3 = gofer::make_chan<int>();
  const auto done = gofer::make_chan<gofer::signal>();
  run_parallel(
      state,
      [&] {
        gofer::go([c1, c2, c3, done] {
          for (;;) {
            const std::size_t chosen =
                gofer::select(gofer::send_case(c1, 0), gofer::send_case(c2, 0),
                              gofer::send_case(c3, 0), gofer::recv_case(done));
            if (chosen == 3) return;
          }
        });
        return [c1, c2, c3] {
          int value = 0;
          benchmark::DoNotOptimize(gofer::select(gofer::recv_case(c1, value),
                                                 gofer::recv_case(c2, value),
                                                 gofer::recv_case(c3, value)));
        };
      },
      [done] { done.close(); });
}

// Go: BenchmarkSelectProdCons. A producer (main) and a consumer goroutine
// over a channel of capacity 128; each select also waits on a one-hour timer
// and a channel nobody closes, as Go's does, and each side does Go's 100
// steps of "local work" per message. ns per message.
void select_prod_cons(benchmark::State& state) {
  in_gofer(state, 0, [](benchmark::State& st) {
    auto ch = gofer::make_chan<int>(128);
    const gofer::timer hour{std::chrono::hours(1)};
    const auto never_timer = hour.c;
    auto never_close = gofer::make_chan<int>();
    auto done = gofer::make_chan<gofer::signal>(1);
    auto local_work = [](int& foo) {
      for (int i = 0; i < 100; ++i) {
        foo *= 2;
        foo /= 2;
        benchmark::DoNotOptimize(foo);
      }
    };
    gofer::go([=] {
      int foo = 0;
      for (;;) {
        int value = 0;
        const std::size_t chosen =
            gofer::select(gofer::recv_case(ch, value), gofer::recv_case(never_timer),
                          gofer::recv_case(never_close));
        if (chosen == 0 && value == 0) break;
        local_work(foo);
      }
      done.send();
    });
    int foo = 0;
    for (auto _ : st) {
      local_work(foo);
      gofer::select(gofer::send_case(ch, 1), gofer::recv_case(never_timer),
                    gofer::recv_case(never_close));
    }
    ch.send(0);
    done.recv();
  });
}

// Go: BenchmarkChanNonblocking. A non-blocking receive on an unbuffered
// channel no one sends on, shared by all loops: try_recv.
void chan_nonblocking(benchmark::State& state) {
  const auto ch = gofer::make_chan<int>();
  run_parallel(state, [&ch] { return [ch] { benchmark::DoNotOptimize(ch.try_recv()); }; });
}

// The same as Go writes it: select { case <-myc: default: }.
void chan_nonblocking_select(benchmark::State& state) {
  const auto ch = gofer::make_chan<int>();
  run_parallel(state, [&ch] {
    return [ch] {
      benchmark::DoNotOptimize(gofer::select(gofer::recv_case(ch), gofer::default_case()));
    };
  });
}

// A try_send / try_recv pair on a buffered channel shared by all loops, with
// room for every loop's value, so neither ever fails (a non-blocking
// BenchmarkChanSem). ns per pair.
void chan_nonblocking_send_recv(benchmark::State& state) {
  const auto ch = gofer::make_chan<int>(state.range(0));
  run_parallel(state, [&ch] {
    return [ch] {
      benchmark::DoNotOptimize(ch.try_send(0));
      benchmark::DoNotOptimize(ch.try_recv());
    };
  });
}

// Go: BenchmarkChanCreation. make(chan int, 1), one send, one receive.
void chan_creation(benchmark::State& state) {
  run_parallel(state, [] {
    return [] {
      auto ch = gofer::make_chan<int>(1);
      ch.send(0);
      benchmark::DoNotOptimize(ch.recv());
    };
  });
}

// Starts 100k goroutines, then waits for all of them: the last one to finish
// signals main. ns per goroutine (one iteration = one goroutine).
void spawn_join(benchmark::State& state) {
  in_gofer(state, 0, [](benchmark::State& st) {
    auto done = gofer::make_chan<gofer::signal>(1);
    const auto left_count = gofer_bench::make_lone<std::atomic<std::int64_t>>();
    std::atomic<std::int64_t>& left = left_count->value;
    auto batch = [&left, &done] {
      left.store(spawn_count, std::memory_order_relaxed);
      for (std::int64_t i = 0; i < spawn_count; ++i) {
        gofer::go([&left, done] {
          if (left.fetch_sub(1, std::memory_order_acq_rel) == 1) done.send();
        });
      }
      done.recv();
    };
    batch();  // untimed warm-up: the heap's first touch of 100k stacks (see README)
    while (st.KeepRunningBatch(spawn_count))
      batch();
  });
}

// SpawnJoin100k as Go code writes it with a sync.WaitGroup: wg.add(1) before
// each goroutine, which calls wg.done(); main waits with wg.wait(). The
// goroutine takes the wait_group by value, as gofer/sync.hpp says to (Go's
// closure shares the WaitGroup's address). ns per goroutine; bench/compare
// also reports the process's peak RSS.
void spawn_join_wait_group(benchmark::State& state) {
  in_gofer(state, 0, [](benchmark::State& st) {
    const gofer::wait_group wg;
    auto batch = [&wg] {
      for (std::int64_t i = 0; i < spawn_count; ++i) {
        wg.add(1);
        gofer::go([wg] { wg.done(); });
      }
      wg.wait();
    };
    batch();  // untimed warm-up, as in spawn_join
    while (st.KeepRunningBatch(spawn_count))
      batch();
  });
}

// A demand-driven chain (the shape of Go's power-series programs, where each
// stage gets its input by asking the stage before it): `depth` goroutines in
// a line, each pair joined by an unbuffered request and an unbuffered reply
// channel. main sends a request into the head; each stage forwards it to the
// next and forwards the reply back; the last stage answers. Exactly one
// goroutine is runnable at a time. One op is one hop, one goroutine handing
// to the next: a request and its reply make 2 x depth hops (main counts as
// the stage before the head). ns per hop.
void chain(benchmark::State& state) {
  in_gofer(state, 1, [](benchmark::State& st) {
    const auto depth = static_cast<std::size_t>(st.range(0));
    std::vector<gofer::chan<int>> requests;
    std::vector<gofer::chan<int>> replies;
    for (std::size_t i = 0; i < depth; ++i) {
      requests.push_back(gofer::make_chan<int>());
      replies.push_back(gofer::make_chan<int>());
    }
    for (std::size_t i = 0; i + 1 < depth; ++i) {
      gofer::go([request = requests[i], reply = replies[i], next_request = requests[i + 1],
                 next_reply = replies[i + 1]] {
        for (int value : request) {
          next_request.send(value);
          reply.send(next_reply.recv().value);
        }
        next_request.close();
      });
    }
    gofer::go([request = requests.back(), reply = replies.back()] {
      for (int value : request)
        reply.send(value + 1);
    });
    const auto hops = static_cast<benchmark::IterationCount>(2 * depth);
    int value = 0;
    while (st.KeepRunningBatch(hops)) {
      requests.front().send(value);
      value = replies.front().recv().value;
    }
    requests.front().close();
    if (value != static_cast<int>(st.iterations() / hops)) st.SkipWithError("chain: lost a reply");
  });
}

// StrandedWake: how long a goroutine woken by another thread waits when the
// worker it last ran on is busy. main spawns X and spins (never blocking)
// until X runs on another thread; X spawns Y and parks on a channel receive;
// Y, queued on X's worker, computes for a fixed amount of work without
// yielding. Once Y is computing, main sends to X and blocks until X reports
// when it resumed. The latency is the time from just before the send to X's
// resumption: wake_ns, the counter bench/compare reads, is its mean over the
// rounds, wake_p50_ns and wake_max_ns its median and maximum; send_ns is
// the mean of its first part, the send until it returns (the rest is main's
// park and the switch to X); compute_ns is Y's mean compute time, for
// scale. (Go readies the woken goroutine on the waker's P, so X need not wait
// for Y.) Needs 2 threads or more; the Time column is one whole round (spawn,
// placement, wake, Y's compute).
constexpr std::int64_t stranded_work = 1'000'000;  // LCG steps: about 1 ms

std::uint64_t compute(std::int64_t steps) {
  std::uint64_t x = 1;
  for (std::int64_t i = 0; i < steps; ++i)
    x = x * 6364136223846793005U + 1442695040888963407U;
  return x;
}

std::int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// Spins until pred() holds; after a second of it, yields between checks, so
// that a placement that never comes (X never stolen) cannot hang the run.
template <class Pred>
bool spin_until(Pred pred) {
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(1);
  bool spun = true;
  while (!pred()) {
    if (spun && std::chrono::steady_clock::now() > give_up) spun = false;
    if (!spun) gofer::yield();
  }
  return spun;
}

void stranded_wake(benchmark::State& state) {
  in_gofer(state, 0, [](benchmark::State& st) {
    const std::thread::id main_thread = std::this_thread::get_id();
    std::vector<std::int64_t> wake_ns;
    double compute_ns = 0;
    double send_ns = 0;  // of wake_ns, the send's own part: until it returns
    bool placed = true;
    for (auto _ : st) {
      auto wake = gofer::make_chan<int>();
      auto resumed = gofer::make_chan<std::int64_t>(1);
      auto computed = gofer::make_chan<std::int64_t>(1);
      std::atomic<std::thread::id> x_thread{};
      std::atomic<bool> y_computing{false};
      gofer::go([&x_thread, &y_computing, wake, resumed, computed] {
        x_thread.store(std::this_thread::get_id());
        gofer::go([&y_computing, computed] {
          y_computing.store(true);
          const std::int64_t start = now_ns();
          benchmark::DoNotOptimize(compute(stranded_work));
          computed.send(now_ns() - start);
        });
        wake.recv();
        resumed.send(now_ns());
      });
      placed &= spin_until([&] {
        const std::thread::id id = x_thread.load();
        return id != std::thread::id{} && id != main_thread;
      });
      placed &= spin_until([&] { return y_computing.load(); });
      const std::int64_t sent = now_ns();
      wake.send(1);
      send_ns += static_cast<double>(now_ns() - sent);
      wake_ns.push_back(resumed.recv().value - sent);
      compute_ns += static_cast<double>(computed.recv().value);
    }
    const auto rounds = static_cast<double>(wake_ns.size());
    std::sort(wake_ns.begin(), wake_ns.end());
    double wake_sum = 0;
    for (const std::int64_t ns : wake_ns)
      wake_sum += static_cast<double>(ns);
    st.counters["wake_ns"] = wake_sum / rounds;
    st.counters["wake_p50_ns"] = static_cast<double>(wake_ns[wake_ns.size() / 2]);
    st.counters["wake_max_ns"] = static_cast<double>(wake_ns.back());
    st.counters["compute_ns"] = compute_ns / rounds;
    st.counters["send_ns"] = send_ns / rounds;
    if (!placed) st.SkipWithError("stranded_wake: X or Y never reached the second thread");
  });
}

// Skynet (github.com/atemerev/skynet): goroutine `num` of a tree of `size`
// leaves starts 10 children, each over a tenth of its range, and sends the
// sum of their answers up on its parent's unbuffered channel; a leaf sends
// its own number. 1M leaves, 1,111,111 goroutines in all; the root's answer
// is the sum of 0..999999. ns per whole tree (one iteration = one tree).
constexpr std::int64_t skynet_leaves = 1'000'000;
constexpr std::int64_t skynet_sum = skynet_leaves * (skynet_leaves - 1) / 2;

void skynet_node(gofer::chan<std::int64_t> parent, std::int64_t num, std::int64_t size) {
  if (size == 1) {
    parent.send(num);
    return;
  }
  auto children = gofer::make_chan<std::int64_t>();
  const std::int64_t child_size = size / 10;
  for (std::int64_t i = 0; i < 10; ++i)
    gofer::go(skynet_node, children, num + i * child_size, child_size);
  std::int64_t sum = 0;
  for (int i = 0; i < 10; ++i)
    sum += children.recv().value;
  parent.send(sum);
}

void skynet(benchmark::State& state) {
  in_gofer(state, 0, [](benchmark::State& st) {
    for (auto _ : st) {
      auto root = gofer::make_chan<std::int64_t>();
      gofer::go(skynet_node, root, 0, skynet_leaves);
      if (root.recv().value != skynet_sum) st.SkipWithError("skynet: wrong sum");
    }
  });
}

// 100k goroutines blocked at once on one channel's receive, then released by
// close. Run once (Iterations(1)) in a process of its own: bench/compare
// reads the process's peak RSS and subtracts Idle's to get bytes per blocked
// goroutine.
constexpr long blocked_count = 100'000;

void mem_blocked_100k(benchmark::State& state) {
  in_gofer(state, 0, [](benchmark::State& st) {
    for (auto _ : st) {
      auto block = gofer::make_chan<gofer::signal>();
      auto all_started = gofer::make_chan<gofer::signal>(1);
      auto all_finished = gofer::make_chan<gofer::signal>(1);
      std::atomic<long> started{0}, finished{0};
      for (long i = 0; i < blocked_count; ++i) {
        gofer::go([&started, &finished, block, all_started, all_finished] {
          if (started.fetch_add(1) + 1 == blocked_count) all_started.send();
          block.recv();
          if (finished.fetch_add(1) + 1 == blocked_count) all_finished.send();
        });
      }
      all_started.recv();
      gofer::yield();  // let the last goroutine reach its receive
      block.close();
      all_finished.recv();
    }
  });
}

// The baseline for MemBlocked100k's RSS: start the runtime, do nothing.
void idle(benchmark::State& state) {
  in_gofer(state, 0, [](benchmark::State& st) {
    for (auto _ : st) {
    }
  });
}

// ---------------------------------------------------------------------------
// Raw Boost.Fiber baselines: the same loops without gofer.

// Installs Boost's scheduler for `threads` threads on the calling thread for
// its lifetime: round_robin for 1; for more, shared_work(suspend = true) on
// this thread and threads-1 workers. (work_stealing keeps statics and
// supports one thread count per process.) Restores round_robin on exit.
class boost_threads {
 public:
  explicit boost_threads(std::size_t threads) {
    if (threads <= 1) {
      boost::fibers::use_scheduling_algorithm<boost::fibers::algo::round_robin>();
      return;
    }
    boost::fibers::use_scheduling_algorithm<boost::fibers::algo::shared_work>(true);
    for (std::size_t i = 1; i < threads; ++i) {
      workers_.emplace_back([this] {
        boost::fibers::use_scheduling_algorithm<boost::fibers::algo::shared_work>(true);
        // While this thread's main fiber waits, its dispatcher runs fibers
        // from the shared queue.
        std::unique_lock lock{mutex_};
        stopped_.wait(lock, [this] { return stop_; });
      });
    }
  }
  boost_threads(const boost_threads&) = delete;
  boost_threads& operator=(const boost_threads&) = delete;
  ~boost_threads() {
    if (workers_.empty()) return;
    {
      std::unique_lock lock{mutex_};
      stop_ = true;
    }
    stopped_.notify_all();
    for (std::thread& worker : workers_)
      worker.join();
    boost::fibers::use_scheduling_algorithm<boost::fibers::algo::round_robin>();
  }

 private:
  boost::fibers::mutex mutex_;  // guards stop_
  boost::fibers::condition_variable stopped_;
  bool stop_ = false;
  std::vector<std::thread> workers_;
};

// ChanSync with one boost::fibers::unbuffered_channel; ns per message.
void boost_chan_sync(benchmark::State& state) {
  boost_threads scheduler{threads_of(state)};
  boost::fibers::unbuffered_channel<int> ch;
  boost::fibers::fiber partner{[&ch] {
    int value = 0;
    while (ch.pop(value) == boost::fibers::channel_op_status::success)
      ch.push(value);
  }};
  int value = 0;
  while (state.KeepRunningBatch(2)) {
    ch.push(1);
    ch.pop(value);
    benchmark::DoNotOptimize(value);
  }
  ch.close();
  partner.join();
}

void boost_ping_pong(benchmark::State& state) {
  boost_threads scheduler{threads_of(state)};
  boost::fibers::unbuffered_channel<int> ping;
  boost::fibers::unbuffered_channel<int> pong;
  boost::fibers::fiber partner{[&ping, &pong] {
    int value = 0;
    while (ping.pop(value) == boost::fibers::channel_op_status::success)
      pong.push(value);
  }};
  int value = 0;
  for (auto _ : state) {
    ping.push(1);
    pong.pop(value);
    benchmark::DoNotOptimize(value);
  }
  ping.close();
  partner.join();
}

// Boost's buffered_channel needs a power-of-two capacity and holds one value
// less than it: this one buffers 1023.
void boost_prod_cons_1024(benchmark::State& state) {
  boost_threads scheduler{threads_of(state)};
  boost::fibers::buffered_channel<int> ch{1024};
  std::int64_t received = 0;
  boost::fibers::fiber consumer{[&ch, &received] {
    for (int value : ch)
      received += value;
  }};
  for (auto _ : state)
    ch.push(1);
  ch.close();
  consumer.join();
  if (received != state.iterations()) state.SkipWithError("consumer lost messages");
}

void boost_spawn_join(benchmark::State& state) {
  boost_threads scheduler{threads_of(state)};
  boost::fibers::buffered_channel<int> done{2};
  std::atomic<std::int64_t> left{0};
  auto batch = [&left, &done] {
    left.store(spawn_count, std::memory_order_relaxed);
    for (std::int64_t i = 0; i < spawn_count; ++i) {
      boost::fibers::fiber{boost::fibers::launch::post, std::allocator_arg,
                           boost::fibers::fixedsize_stack{stack_size},
                           [&left, &done] {
                             if (left.fetch_sub(1, std::memory_order_acq_rel) == 1) done.push(0);
                           }}
          .detach();
    }
    int value = 0;
    done.pop(value);
  };
  batch();  // untimed warm-up, as in spawn_join
  while (state.KeepRunningBatch(spawn_count))
    batch();
}

// Skynet with fibers (launch::post, Boost's default, on 64 KiB stacks).
// Boost's channels are owned objects, not shared handles, so each node's
// children push into its buffered_channel and the node joins them before the
// channel goes out of scope.
void boost_skynet_node(boost::fibers::buffered_channel<std::int64_t>& parent, std::int64_t num,
                       std::int64_t size) {
  if (size == 1) {
    parent.push(num);
    return;
  }
  boost::fibers::buffered_channel<std::int64_t> children{16};  // a power of two above 10
  const std::int64_t child_size = size / 10;
  std::array<boost::fibers::fiber, 10> fibers;
  for (std::int64_t i = 0; i < 10; ++i) {
    fibers[static_cast<std::size_t>(i)] = boost::fibers::fiber{
        boost::fibers::launch::post, std::allocator_arg, boost::fibers::fixedsize_stack{stack_size},
        [&children, num, i, child_size] {
          boost_skynet_node(children, num + i * child_size, child_size);
        }};
  }
  std::int64_t sum = 0;
  for (int i = 0; i < 10; ++i)
    sum += children.value_pop();
  for (boost::fibers::fiber& fiber : fibers)
    fiber.join();
  parent.push(sum);
}

void boost_skynet(benchmark::State& state) {
  boost_threads scheduler{threads_of(state)};
  for (auto _ : state) {
    boost::fibers::buffered_channel<std::int64_t> root{2};
    boost::fibers::fiber tree{boost::fibers::launch::post, std::allocator_arg,
                              boost::fibers::fixedsize_stack{stack_size},
                              [&root] { boost_skynet_node(root, 0, skynet_leaves); }};
    if (root.value_pop() != skynet_sum) state.SkipWithError("skynet: wrong sum");
    tree.join();
  }
}

// MemBlocked100k with fibers on 64 KiB stacks, blocked on one channel's pop
// until it is closed.
void boost_mem_blocked_100k(benchmark::State& state) {
  boost_threads scheduler{threads_of(state)};
  for (auto _ : state) {
    boost::fibers::buffered_channel<int> block{2};
    boost::fibers::buffered_channel<int> all_started{2};
    std::atomic<long> started{0};
    std::vector<boost::fibers::fiber> fibers;
    fibers.reserve(blocked_count);
    for (long i = 0; i < blocked_count; ++i) {
      fibers.emplace_back(boost::fibers::launch::post, std::allocator_arg,
                          boost::fibers::fixedsize_stack{stack_size},
                          [&started, &block, &all_started] {
                            if (started.fetch_add(1) + 1 == blocked_count) all_started.push(0);
                            int value = 0;
                            benchmark::DoNotOptimize(block.pop(value));
                          });
    }
    all_started.value_pop();
    boost::this_fiber::yield();  // let the last fiber reach its pop
    block.close();
    for (boost::fibers::fiber& fiber : fibers)
      fiber.join();
  }
}

void boost_idle(benchmark::State& state) {
  boost_threads scheduler{threads_of(state)};
  for (auto _ : state) {
  }
}

// ---------------------------------------------------------------------------
// Registration: "<Go name>/<args>/threads:N/real_time".

benchmark::internal::Benchmark* with_threads(benchmark::internal::Benchmark* b) {
  return b->ArgName("threads")->Arg(1)->Arg(2)->UseRealTime();
}

const bool registered = [] {
  using benchmark::RegisterBenchmark;
  with_threads(RegisterBenchmark("ChanSync", chan_sync));
  with_threads(RegisterBenchmark("PingPong", ping_pong));
  for (const int cap : {0, 10, 100}) {
    with_threads(RegisterBenchmark(("ChanProdCons" + std::to_string(cap)).c_str(),
                                   chan_prod_cons_pairs, cap));
  }
  with_threads(RegisterBenchmark("ChanProdCons1024", chan_prod_cons, 1024));
  RegisterBenchmark("Select2", select_n<2>)
      ->ArgNames({"cap", "threads"})
      ->ArgsProduct({{0, 128}, {1, 2}})
      ->UseRealTime();
  RegisterBenchmark("Select4", select_n<4>)
      ->ArgNames({"cap", "threads"})
      ->ArgsProduct({{0, 128}, {1, 2}})
      ->UseRealTime();
  with_threads(RegisterBenchmark("SelectUncontended", select_uncontended));
  with_threads(RegisterBenchmark("SelectSyncContended", select_sync_contended));
  with_threads(RegisterBenchmark("SelectProdCons", select_prod_cons));
  with_threads(RegisterBenchmark("ChanNonblocking", chan_nonblocking));
  with_threads(RegisterBenchmark("ChanNonblockingSelect", chan_nonblocking_select));
  with_threads(RegisterBenchmark("ChanNonblockingSendRecv", chan_nonblocking_send_recv));
  with_threads(RegisterBenchmark("ChanCreation", chan_creation));
  with_threads(RegisterBenchmark("SpawnJoin100k", spawn_join));
  with_threads(RegisterBenchmark("SpawnJoinWaitGroup/100k", spawn_join_wait_group));
  RegisterBenchmark("Chain", chain)
      ->ArgNames({"depth", "threads"})
      ->ArgsProduct({{10}, {1, 2}})
      ->UseRealTime();
  // One thread cannot strand a goroutine behind another thread's work.
  RegisterBenchmark("StrandedWake", stranded_wake)->ArgName("threads")->Arg(2)->UseRealTime();
  with_threads(RegisterBenchmark("Skynet", skynet))->Unit(benchmark::kMillisecond);
  with_threads(RegisterBenchmark("MemBlocked100k", mem_blocked_100k))->Iterations(1);
  with_threads(RegisterBenchmark("Idle", idle))->Iterations(1);
  with_threads(RegisterBenchmark("Boost/ChanSync", boost_chan_sync));
  with_threads(RegisterBenchmark("Boost/PingPong", boost_ping_pong));
  with_threads(RegisterBenchmark("Boost/ProdCons1024", boost_prod_cons_1024));
  with_threads(RegisterBenchmark("Boost/SpawnJoin100k", boost_spawn_join));
  with_threads(RegisterBenchmark("Boost/Skynet", boost_skynet))->Unit(benchmark::kMillisecond);
  with_threads(RegisterBenchmark("Boost/MemBlocked100k", boost_mem_blocked_100k))->Iterations(1);
  with_threads(RegisterBenchmark("Boost/Idle", boost_idle))->Iterations(1);
  return true;
}();

}  // namespace
