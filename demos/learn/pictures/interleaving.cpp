// The picture of chapter 1 (docs/learn/img/interleaving.svg): the run of
// demos/learn/01_start/sequential/sequential.cpp, with a trace line at each point where
// a goroutine starts to run on the thread or stops. A goroutine traces "run"
// as its first statement and after each blocking call returns, so on one
// worker thread (draw_timeline.py runs every picture with GOFER_MAXPROCS=1)
// the trace's order is the order in which things ran.
#include "trace.hpp"

#include <gofer/gofer.hpp>

#include <fmt/core.h>

#include <chrono>
#include <string_view>

using namespace std::chrono_literals;

namespace {

void job(std::string_view lane) {
  picture::at(lane, "wait", "sleep(100ms)");
  gofer::sleep(100ms);  // parks this goroutine, not the thread
  picture::at(lane, "run");
}

double seconds_since(gofer::time_point start) {
  return std::chrono::duration<double>(gofer::since(start)).count();
}

}  // namespace

int main() {
  gofer::run([] {
    picture::title("When each goroutine runs: two jobs of 100 ms on one thread", "steps");
    picture::legend("run", "runs on the thread");
    picture::legend("wait", "parked in a blocking call");
    picture::legend("queued", "started, not running yet");
    picture::panel("One after the other: job(); job();");
    picture::lane("main", "main");
    picture::at("main", "run");
    auto start = gofer::now();
    job("main");
    job("main");
    fmt::print("one after the other: {:.1f}s\n", seconds_since(start));
    picture::at("main", "note", "prints 0.2s");

    picture::panel("As two goroutines: go job; go job; wg.wait()");
    picture::lane("main", "main");
    picture::lane("g1", "goroutine 1");
    picture::lane("g2", "goroutine 2");
    picture::at("main", "run");
    start = gofer::now();
    gofer::wait_group wg;
    wg.add(2);
    gofer::go([&wg] {
      picture::at("g1", "run");
      gofer::defer done{[&] { wg.done(); }};
      job("g1");
      picture::at("g1", "end");
    });
    picture::at("main", "go", "g1 go");
    gofer::go([&wg] {
      picture::at("g2", "run");
      gofer::defer done{[&] { wg.done(); }};
      job("g2");
      picture::at("g2", "end");
    });
    picture::at("main", "go", "g2 go");
    picture::at("main", "wait", "wg.wait()");
    wg.wait();
    picture::at("main", "run");
    fmt::print("as two goroutines: {:.1f}s\n", seconds_since(start));
    picture::at("main", "note", "prints 0.1s");
    picture::at("main", "end");
  });
}
