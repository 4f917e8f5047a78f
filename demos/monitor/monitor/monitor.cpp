// demos/monitor: the health-check monitor, built as the Go reference builds
// it (monitor.go beside it): each check runs in its own goroutine,
// driven by a ticker inside a for-select; a checker that finds a problem
// says so on its own unbuffered stop channel; main waits in one select over
// the three stop channels, says which checker found the problem, and cleans
// up.
//
//   monitor                         real time: 16 s, as Go's
//   monitor --virtual-time          the same lines at once (gofer's virtual clock)
//   monitor --periods 1s,2s,7s --fail 2 --cleanup 4.5s --timeline run.svg
//   monitor --check tcp://127.0.0.1:8080 --check 'exec:test -d /tmp' --timeout 1s
//
// --check runs real checks on the same tickers, one per checker, instead of
// the simulated ones (real_checks.hpp): the first goes to checker 1, and so
// on; a checker without one does not run. A check that is down is the
// problem that stops the monitor.
//
// SIGINT (Ctrl-C) or SIGTERM stops the monitor too: the signal is one more
// case of main's select (gofer/signal.hpp), and the monitor cleans up and
// says "monitor stopped". On the virtual clock it does not listen for
// signals: a registered signal counts as pending I/O, and the virtual clock
// stands still while any is pending, so the tickers would never fire.
//
// What this shape gets wrong, and the reference points out: main stops
// waiting, but the other checkers do not stop. Their goroutines keep running
// (and checking) while cleanup runs; with --cleanup 4.5s they print during
// it. cancel.cpp adds the fix.
#include <gofer/gofer.hpp>
#include <gofer/signal.hpp>

#include <fmt/core.h>

#include <signal.h>

#include <cstdio>
#include <optional>
#include <string>
#include <utility>

#include "support.hpp"

using namespace std::chrono_literals;

namespace {

// Go: func runAtInterval(dt time.Duration, checker func() error, stop chan<- struct{})
void run_at_interval(gofer::duration dt, monitor::check checker,
                     gofer::send_chan<gofer::signal> stop) {
  gofer::ticker ticker{dt};  // stopped when this goroutine returns, as by defer ticker.Stop()
  for (;;) {
    switch (gofer::select(gofer::recv_case(ticker.c))) {
      case 0:
        if (std::optional<std::string> problem = checker()) {
          stop.send({});  // unbuffered: waits until main has heard
          return;
        }
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  // Go's fmt.Println writes each line at once. So does the monitor, also
  // into a pipe (a log, a test reading its reports), where stdio would hold
  // its lines back in a 4 KiB buffer.
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  const monitor::options options = monitor::parse_options(
      argc, argv, "The health-check monitor: three checkers, one fails; main cleans up.",
      monitor::defaults({3s, 5s, 16s}, 3, 0s), 3, /*real_checks=*/true);

  // Outside the run's main: the checkers go on after main returns (this
  // monitor's flaw) and record into it until run has ended every one, on
  // other threads too. Inside main it died with main while a checker that
  // was mid-check still recorded (a double free under load on two threads).
  std::optional<monitor::timeline> timeline_storage;
  gofer::run(
      [&] {
        const gofer::time_point start = gofer::now() - monitor::startup_latency;
        monitor::timeline& timeline =
            timeline_storage.emplace(monitor::lane_names(options.periods), start);
        const std::size_t main_lane = options.periods.size();

        // Go: go runAtInterval(3*time.Second, mkCheck(3*time.Second), stop1),
        // and so on; the picture also wants to know when each one returns.
        auto start_checker = [&](std::size_t index, gofer::send_chan<gofer::signal> stop) {
          if (!monitor::runs_checker(options, index)) return;  // --check left it out
          gofer::go([&timeline, index, dt = options.periods[index],
                     check = monitor::make_check(options, index, timeline, start), stop] {
            run_at_interval(dt, check, stop);
            timeline.record(index, monitor::timeline::kind::stopped);
          });
        };
        // Go: signal.Notify(signals, os.Interrupt, syscall.SIGTERM). A nil
        // channel's case is never ready, as in Go: so on the virtual clock.
        gofer::chan<int> signals;
        if (!monitor::on_virtual_clock(options)) {
          signals = gofer::make_chan<int>(1);  // buffered: notify never blocks
          gofer::signals::notify(signals, {SIGINT, SIGTERM});
        }
        int signal_number = 0;

        auto stop1 = gofer::make_chan<gofer::signal>();
        auto stop2 = gofer::make_chan<gofer::signal>();
        auto stop3 = gofer::make_chan<gofer::signal>();
        start_checker(0, stop1);
        start_checker(1, stop2);
        start_checker(2, stop3);

        switch (gofer::select(gofer::recv_case(stop1), gofer::recv_case(stop2),
                              gofer::recv_case(stop3), gofer::recv_case(signals, signal_number))) {
          case 0:
            fmt::print("Problem detected on first checker\n");
            break;
          case 1:
            fmt::print("Problem detected on second checker\n");
            break;
          case 2:
            fmt::print("Problem detected on third checker\n");
            break;
          case 3:
            gofer::signals::stop(signals);  // a second Ctrl-C ends the process at once
            fmt::print("{} received, stopping\n", monitor::signal_name(signal_number));
            break;
        }
        timeline.record(main_lane, monitor::timeline::kind::detected);

        // Go: cleanup(). The other checkers are still running meanwhile.
        monitor::cleanup(options, timeline, main_lane, start);
        if (signal_number != 0) fmt::print("monitor stopped\n");
        if (!options.timeline_path.empty()) {
          timeline.write_svg(options.timeline_path,
                             "monitor: one stop channel per checker, no cancellation");
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
// Problem detected on third checker

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
// Problem detected on third checker
// cleanup started @16.
// check health 3s @18.
// check health 5s @20.
// cleanup done @20.
