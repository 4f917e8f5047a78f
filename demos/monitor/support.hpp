// What the monitor programs share and the Go reference keeps out of sight:
// command-line flags and the timeline picture. The programs themselves (serial/, monitor/,
// cancel/, tasks/) hold only the concurrency, so each reads like its Go or Python twin beside it
// in its folder.
#pragma once

#include <gofer/time.hpp>

#include <cstddef>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace monitor {

// The flags every monitor program takes. Bad flags print the usage on
// stderr and exit with status 2, as Go's flag package does.
struct options {
  bool virtual_time = false;             // --virtual-time
  std::vector<gofer::duration> periods;  // --periods 3s,5s,16s (one per checker)
  std::size_t failing = 0;               // --fail N: checker N (1-based) finds a problem
  gofer::duration cleanup{};             // --cleanup D: how long cleanup takes
  std::string timeline_path;             // --timeline FILE: write an SVG of the run
  // monitor.cpp only (real_checks.hpp): --check SPEC, at most one per
  // checker, runs real checks instead of the simulated ones, each limited to
  // --timeout D.
  std::vector<std::string> checks;
  gofer::duration check_timeout = std::chrono::seconds(2);
};

// The defaults a program offers: its periods, the checker that fails (0:
// the program has no --fail flag) and how long its cleanup takes.
options defaults(std::vector<gofer::duration> periods, std::size_t failing,
                 gofer::duration cleanup);

// Parses argv. `defaults` supplies the values used when a flag is absent;
// `checkers` is how many periods the program wants (0: any number). With
// one checker (serial.cpp), --fail counts checks instead of checkers.
// `real_checks` offers --check and --timeout (monitor.cpp).
options parse_options(int argc, char** argv, const char* description, const options& defaults,
                      std::size_t checkers, bool real_checks = false);

// Whether checker `index` (0-based) runs: always with the simulated checks;
// with --check, only the checkers given a check.
bool runs_checker(const options& options, std::size_t index);

// Whether the run is on the virtual clock: --virtual-time, or
// GOFER_VIRTUAL_TIME=1 in the environment (which gofer::run reads too).
bool on_virtual_clock(const options& options);

// "SIGINT", "SIGTERM", or "signal N".
std::string signal_name(int signal_number);

// The reference prints elapsed time with fmt.Printf("@%.3s", time.Since(start)):
// a Duration formatted as a string ("3.000123456s") and cut to three
// characters ("3.0"; "10.000…s" gives "10."). The programs do the same with
// fmt::print("@{:.3}", gofer::since(start)) (gofer/fmt.hpp).
//
// Go reads the clock (start := time.Now()) before it starts the checkers, and
// each ticker starts a few microseconds later, so its ticks land just after
// 3s, 6s, ... and print as "3.0". On gofer's virtual clock starting takes no
// time, the elapsed time would be exactly 3s and print as "3s"; the programs
// date their start this much earlier to stand for that latency, so the
// virtual and the real clock print Go's lines alike.
inline constexpr gofer::duration startup_latency = std::chrono::microseconds(1);

// The timeline's lanes: "checker 1 (3s)", ... and "main", last.
std::vector<std::string> lane_names(const std::vector<gofer::duration>& periods);

// "first", "second", ... as the reference's messages say.
std::string ordinal(std::size_t one_based);

// What happened when, for the timeline picture. Goroutines record into one
// timeline; a std::mutex is enough (held for a push_back, never across a
// blocking gofer call).
class timeline {
 public:
  enum class kind { check_ok, check_failed, stopped, detected, cleanup_started, cleanup_done };

  timeline(std::vector<std::string> lanes, gofer::time_point start);

  void record(std::size_t lane, kind what);
  // Writes the picture as SVG; the end of the run is the last event.
  void write_svg(const std::string& path, const std::string& title) const;

 private:
  struct event {
    std::size_t lane;
    kind what;
    gofer::duration at;
  };
  std::vector<std::string> lanes_;
  gofer::time_point start_;
  mutable std::mutex lock_;  // guards events_
  std::vector<event> events_;
};

// A check returns nothing when all is well, or what is wrong (Go: error).
using check = std::function<std::optional<std::string>()>;

// Go: mkCheck(dt) and doomSoon. The check of checker `index` prints
// "check health <period> @<elapsed>", marks the timeline, and reports a
// problem ("doom") if it is the failing checker (--fail). With --check, it
// is the real check of real_checks.hpp instead.
check make_check(const options& options, std::size_t index, timeline& timeline,
                 gofer::time_point start);

// Go: cleanup(). Takes --cleanup's time; says when it starts and ends, when
// that time is not zero, and marks the timeline's lane `lane`.
void cleanup(const options& options, timeline& timeline, std::size_t lane, gofer::time_point start);

}  // namespace monitor
