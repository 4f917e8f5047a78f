// bench/context_bench.cpp - context and errgroup benchmarks, with Go twins in
// bench/go/context_test.go (same names) so that one table can hold both.
//
//   ContextCancel      with_cancel(background()) then cancel(); ns per pair.
//   CancelFanout10k    10k goroutines select on one ctx.done(); the time from
//                      cancel() until all 10k have observed it (manual time:
//                      starting them is not timed). Time is ns per fan-out;
//                      the `ns/goroutine` counter divides it by 10k.
//   Errgroup100k       an error_group runs 100k trivial functions and waits;
//                      Time is ns per group, `ns/task` per function.
//
// As in chan_bench.cpp, each benchmark run calls gofer::run once and main runs
// Google Benchmark's loop, so the runtime's start and shutdown are not timed.
// Argument "threads" is run_options::threads (Go's GOMAXPROCS). Real time.
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>

#include <benchmark/benchmark.h>

#include "gofer/context.hpp"
#include "gofer/group.hpp"
#include "gofer/runtime.hpp"
#include "gofer/select.hpp"
#include "lone.hpp"

namespace {

constexpr std::int64_t fanout_goroutines = 10'000;
constexpr std::int64_t group_tasks = 100'000;

std::size_t threads_of(const benchmark::State& state) {
  return static_cast<std::size_t>(state.range(0));
}

template <class Body>
void in_gofer(benchmark::State& state, Body body) {
  gofer::run([&] { body(state); }, {.threads = threads_of(state)});
}

// Go: BenchmarkContextCancel (bench/go/context_test.go).
void context_cancel(benchmark::State& state) {
  in_gofer(state, [](benchmark::State& st) {
    for (auto _ : st) {
      auto [ctx, cancel] = gofer::with_cancel(gofer::background());
      cancel();
      benchmark::DoNotOptimize(ctx);
    }
  });
}

// Go: BenchmarkCancelFanout10k.
void cancel_fanout_10k(benchmark::State& state) {
  in_gofer(state, [](benchmark::State& st) {
    // One fan-out: 10k goroutines blocked in a select on ctx.done(), then
    // the time from cancel() until every one of them has seen it.
    auto fan_out = [] {
      auto [ctx, cancel] = gofer::with_cancel(gofer::background());
      auto all_started = gofer::make_chan<gofer::signal>(1);
      auto all_observed = gofer::make_chan<gofer::signal>(1);
      auto never = gofer::make_chan<int>();  // a second case, as a real select has
      const auto started_count = gofer_bench::make_lone<std::atomic<std::int64_t>>();
      const auto left_count = gofer_bench::make_lone<std::atomic<std::int64_t>>();
      std::atomic<std::int64_t>& started = started_count->value;
      std::atomic<std::int64_t>& left = left_count->value;
      left.store(fanout_goroutines);
      for (std::int64_t i = 0; i < fanout_goroutines; ++i) {
        gofer::go([&started, &left, done = ctx.done(), never, all_started, all_observed] {
          if (started.fetch_add(1, std::memory_order_acq_rel) + 1 == fanout_goroutines) {
            all_started.send();
          }
          int v = 0;
          gofer::select(gofer::recv_case(done), gofer::recv_case(never, v));
          if (left.fetch_sub(1, std::memory_order_acq_rel) == 1) all_observed.send();
        });
      }
      all_started.recv();
      for (int i = 0; i < 10; ++i)
        gofer::yield();  // let the last ones reach their select
      const auto start = std::chrono::steady_clock::now();
      cancel();
      all_observed.recv();
      return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    };
    // Untimed warm-up, as in Errgroup100k: the first goroutine on a stack
    // faults its page in (bench/page_fault_cost: 1.5-13 us a page on the VMs
    // the table was taken on). A 10k fan-out takes over the 0.1 s minimum
    // then, so without this the row measured one cold round where Go's twin,
    // whose testing package runs b.N = 1 first and discards it, measures
    // warm ones.
    fan_out();
    double total_ns = 0;
    for (auto _ : st) {
      const double seconds = fan_out();
      st.SetIterationTime(seconds);
      total_ns += seconds * 1e9;
    }
    st.counters["ns/goroutine"] =
        total_ns / static_cast<double>(st.iterations() * fanout_goroutines);
  });
}

// Go: BenchmarkErrgroup100k.
void errgroup_100k(benchmark::State& state) {
  in_gofer(state, [](benchmark::State& st) {
    const auto calls_count = gofer_bench::make_lone<std::atomic<std::int64_t>>();
    std::atomic<std::int64_t>& calls = calls_count->value;
    auto group = [&calls] {
      gofer::error_group g;
      for (std::int64_t i = 0; i < group_tasks; ++i) {
        g.go([&calls] { calls.fetch_add(1, std::memory_order_relaxed); });
      }
      benchmark::DoNotOptimize(g.wait());
    };
    group();  // untimed warm-up: the first touch of 100k stacks, as in chan_bench's SpawnJoin100k
    const auto start = std::chrono::steady_clock::now();
    for (auto _ : st)
      group();
    const std::chrono::duration<double, std::nano> elapsed =
        std::chrono::steady_clock::now() - start;
    st.counters["ns/task"] = elapsed.count() / static_cast<double>(st.iterations() * group_tasks);
  });
}

}  // namespace

BENCHMARK(context_cancel)->Name("ContextCancel")->ArgName("threads")->Arg(1)->Arg(2)->UseRealTime();
BENCHMARK(cancel_fanout_10k)
    ->Name("CancelFanout10k")
    ->ArgName("threads")
    ->Arg(1)
    ->Arg(2)
    ->UseManualTime()
    ->Unit(benchmark::kMicrosecond);
BENCHMARK(errgroup_100k)
    ->Name("Errgroup100k")
    ->ArgName("threads")
    ->Arg(1)
    ->Arg(2)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);
