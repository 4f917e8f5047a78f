// demos/monitor, step 3: the fix for what monitor.cpp gets wrong. Each
// checker's select gets a second case, a cancel channel that main closes when
// it has heard of a problem: closing wakes every receiver at once, so all the
// checkers stop, and main waits for them (a wait_group) before it cleans up.
// No check runs during cleanup any more. The Go twin is cancel.go beside it;
// a context (ctx.done()) works the same way.
//
//   cancel [--virtual-time] [--periods 3s,5s,16s] [--fail 3] [--cleanup 2s]
//          [--timeline FILE]
#include <gofer/fmt.hpp>
#include <gofer/gofer.hpp>

#include <functional>
#include <optional>
#include <string>

#include "support.hpp"

using namespace std::chrono_literals;

namespace {

// Go: func runAtInterval(dt, checker, stop chan<- struct{}, cancel <-chan struct{})
void run_at_interval(gofer::duration dt, monitor::check checker,
                     gofer::send_chan<gofer::signal> stop, gofer::recv_chan<gofer::signal> cancel) {
  gofer::ticker ticker{dt};  // stopped when this function returns, as by defer ticker.Stop()
  for (;;) {
    switch (gofer::select(gofer::recv_case(ticker.c), gofer::recv_case(cancel))) {
      case 0:
        if (checker()) {
          // Main may have stopped listening (another checker found a problem
          // first): do not block on stop forever, give up when cancelled.
          gofer::select(gofer::send_case(stop, gofer::signal{}), gofer::recv_case(cancel));
          return;
        }
        break;
      case 1:  // closed: main wants every checker to stop
        return;
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  const monitor::options options = monitor::parse_options(
      argc, argv, "The monitor with cancellation: checkers stop before cleanup runs.",
      monitor::defaults({3s, 5s, 16s}, 3, 2s), 3);

  gofer::run(
      [&] {
        const gofer::time_point start = gofer::now() - monitor::startup_latency;
        monitor::timeline timeline{monitor::lane_names(options.periods), start};
        const std::size_t main_lane = options.periods.size();

        auto cancel = gofer::make_chan<gofer::signal>();
        gofer::wait_group running;
        auto start_checker = [&](std::size_t index, gofer::send_chan<gofer::signal> stop) {
          running.add(1);
          gofer::go([&, index, stop, check = monitor::make_check(options, index, timeline, start)] {
            gofer::defer finished{[&] { running.done(); }};
            run_at_interval(options.periods[index], check, stop, cancel);
            fmt::print("checker {} stopped @{:.3}\n", index + 1, gofer::since(start));
            timeline.record(index, monitor::timeline::kind::stopped);
          });
        };
        auto stop1 = gofer::make_chan<gofer::signal>();
        auto stop2 = gofer::make_chan<gofer::signal>();
        auto stop3 = gofer::make_chan<gofer::signal>();
        start_checker(0, stop1);
        start_checker(1, stop2);
        start_checker(2, stop3);

        const std::size_t which = gofer::select(gofer::recv_case(stop1), gofer::recv_case(stop2),
                                                gofer::recv_case(stop3));
        fmt::print("Problem detected on {} checker\n", monitor::ordinal(which + 1));
        timeline.record(main_lane, monitor::timeline::kind::detected);

        cancel.close();  // every checker's select sees it
        running.wait();  // and returns before cleanup starts

        monitor::cleanup(options, timeline, main_lane, start);
        if (!options.timeline_path.empty()) {
          timeline.write_svg(options.timeline_path,
                             "cancel: a cancel channel stops every checker before cleanup");
        }
      },
      {.virtual_time = options.virtual_time});
}

// Output:
// check health 3s @3.0
// check health 5s @5.0
// check health 3s @6.0
// check health 3s @9.0
// check health 5s @10.
// check health 3s @12.
// check health 5s @15.
// check health 3s @15.
// check health 16s @16.
// checker 3 stopped @16.
// Problem detected on third checker
// checker 1 stopped @16.
// checker 2 stopped @16.
// cleanup started @16.
// cleanup done @18.

// Output with --cleanup 4.5s:
// check health 3s @3.0
// check health 5s @5.0
// check health 3s @6.0
// check health 3s @9.0
// check health 5s @10.
// check health 3s @12.
// check health 5s @15.
// check health 3s @15.
// check health 16s @16.
// checker 3 stopped @16.
// Problem detected on third checker
// checker 1 stopped @16.
// checker 2 stopped @16.
// cleanup started @16.
// cleanup done @20.
