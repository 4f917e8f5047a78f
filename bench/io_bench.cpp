// bench/io_bench.cpp - I/O benchmarks beside Go's (bench/go/io_test.go),
// named alike so that bench/compare puts them in one table:
//
//   TcpEchoRoundTrip  one 64-byte message to an echo goroutine and back, over
//                     one loopback TCP connection (gofer::net); ns per round trip
//   SpawnWaitTrue     start /bin/true and wait for it (gofer::exec); ns per process
//
// As in chan_bench, gofer::run is called once per benchmark run and main runs
// Google Benchmark's loop, so start-up and shutdown are not timed. Argument
// "threads" is run_options::threads (Go's GOMAXPROCS).
#include <array>
#include <cstddef>
#include <string>
#include <string_view>

#include <benchmark/benchmark.h>

#include "gofer/exec.hpp"
#include "gofer/net.hpp"
#include "gofer/runtime.hpp"
#include "gofer/sync.hpp"

namespace {

std::size_t threads_of(const benchmark::State& state) {
  return static_cast<std::size_t>(state.range(0));
}

void tcp_echo_round_trip(benchmark::State& state) {
  gofer::run(
      [&] {
        auto [ln, err] = gofer::net::listen("tcp", "127.0.0.1:0");
        if (err) {
          state.SkipWithError(err.message().c_str());
          return;
        }
        gofer::wait_group wg;
        wg.go([ln = ln] {
          auto [c, accept_err] = ln.accept();
          if (accept_err) return;
          std::array<char, 4096> buffer{};
          for (;;) {
            auto [n, read_err] = c.read(buffer);
            if (read_err) break;
            if (c.write(std::string_view(buffer.data(), n)).err) break;
          }
          c.close();
        });
        auto [c, dial_err] = gofer::net::dial("tcp", ln.addr());
        if (dial_err) {
          state.SkipWithError(dial_err.message().c_str());
          return;
        }
        const std::string message(64, 'x');
        std::array<char, 64> reply{};
        for (auto _ : state) {
          c.write(message);
          std::size_t got = 0;
          while (got < reply.size()) {
            auto [n, read_err] = c.read(std::span<char>(reply.data() + got, reply.size() - got));
            if (read_err) {
              state.SkipWithError(read_err.message().c_str());
              return;
            }
            got += n;
          }
        }
        c.close();
        ln.close();
        wg.wait();
      },
      {.threads = threads_of(state)});
}

void spawn_wait_true(benchmark::State& state) {
  gofer::run(
      [&] {
        for (auto _ : state) {
          gofer::exec::cmd process = gofer::exec::command("/bin/true");
          if (gofer::failure err = process.run()) {
            state.SkipWithError(err.message().c_str());
            return;
          }
        }
      },
      {.threads = threads_of(state)});
}

const bool registered = [] {
  benchmark::RegisterBenchmark("TcpEchoRoundTrip", tcp_echo_round_trip)
      ->ArgName("threads")
      ->Arg(1)
      ->Arg(2)
      ->UseRealTime();
  benchmark::RegisterBenchmark("SpawnWaitTrue", spawn_wait_true)
      ->ArgName("threads")
      ->Arg(1)
      ->Arg(2)
      ->UseRealTime();
  return true;
}();

}  // namespace
