#include "support.hpp"

#include "real_checks.hpp"

#include <CLI/CLI.hpp>
#include <gofer/fmt.hpp>

#include <signal.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace monitor {

namespace {

[[noreturn]] void usage_error(const CLI::App& app, const std::string& message) {
  fmt::print(stderr, "{}: {}\n\n{}", app.get_name(), message, app.help());
  std::exit(2);
}

gofer::duration positive_duration(const CLI::App& app, const std::string& flag,
                                  const std::string& text) {
  gofer::duration d;
  try {
    d = gofer::parse_duration(text);
  } catch (const std::invalid_argument& e) {
    usage_error(app, flag + ": " + e.what());
  }
  if (d <= gofer::duration::zero()) usage_error(app, flag + ": must be positive, not " + text);
  return d;
}

}  // namespace

options defaults(std::vector<gofer::duration> periods, std::size_t failing,
                 gofer::duration cleanup) {
  options result;
  result.periods = std::move(periods);
  result.failing = failing;
  result.cleanup = cleanup;
  return result;
}

options parse_options(int argc, char** argv, const char* description, const options& defaults,
                      std::size_t checkers, bool real_checks) {
  options parsed = defaults;
  std::vector<std::string> period_texts;
  for (gofer::duration period : defaults.periods)
    period_texts.push_back(gofer::format_duration(period));
  std::string cleanup_text = gofer::format_duration(defaults.cleanup);

  std::string name = argc > 0 ? argv[0] : "monitor";
  name = name.substr(name.find_last_of('/') + 1);
  CLI::App app{description, name};
  app.add_flag("--virtual-time", parsed.virtual_time,
               "run on gofer's virtual clock: the same schedule, at once and the same every time");
  // A serial program has one period: --period 3s; the others --periods 3s,5s,16s.
  const std::string periods_flag = checkers == 1 ? "--period" : "--periods";
  app.add_option(periods_flag, period_texts,
                 checkers == 1 ? "time between checks (a Go duration)"
                               : "how often each checker runs (Go durations)")
      ->delimiter(',')
      ->capture_default_str();
  CLI::Option* fail_flag = nullptr;
  if (defaults.failing > 0) {
    fail_flag = app.add_option("--fail", parsed.failing,
                               checkers == 1 ? "which check (1-based) finds a problem"
                                             : "which checker (1-based) finds a problem")
                    ->capture_default_str();
  }
  std::string timeout_text = gofer::format_duration(defaults.check_timeout);
  if (real_checks) {
    CLI::Option* check_flag =
        app.add_option("--check", parsed.checks,
                       "a real check for the next checker, instead of the simulated ones: "
                       "tcp://HOST:PORT, http://HOST[:PORT]/PATH or exec:COMMAND [ARGS...] (up to "
                       "one per checker)")
            ->type_name("SPEC")
            ->take_all();
    if (fail_flag != nullptr) check_flag->excludes(fail_flag);
    app.add_option("--timeout", timeout_text, "how long a real check may take (a Go duration)")
        ->capture_default_str();
  }
  app.add_option("--cleanup", cleanup_text, "how long cleanup takes (a Go duration)")
      ->capture_default_str();
  app.add_option("--timeline", parsed.timeline_path, "write an SVG timeline of the run to FILE")
      ->type_name("FILE");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) std::exit(app.exit(e));  // --help
    usage_error(app, e.what());
  }

  parsed.periods.clear();
  for (const std::string& text : period_texts) {
    parsed.periods.push_back(positive_duration(app, periods_flag, text));
  }
  if (checkers != 0 && parsed.periods.size() != checkers) {
    usage_error(app, periods_flag + ": this program runs " + std::to_string(checkers) +
                         " checkers, so it needs " + std::to_string(checkers) + " periods");
  }
  if (parsed.periods.empty()) usage_error(app, "--periods: at least one period");
  if (defaults.failing > 0 && checkers == 1 && parsed.failing < 1) {
    usage_error(app, "--fail: a check from 1 on");
  }
  if (defaults.failing > 0 && checkers > 1 &&
      (parsed.failing < 1 || parsed.failing > parsed.periods.size())) {
    usage_error(app, "--fail: a checker from 1 to " + std::to_string(parsed.periods.size()));
  }
  if (real_checks) {
    if (parsed.checks.size() > parsed.periods.size()) {
      usage_error(app, "--check: at most one per checker, so at most " +
                           std::to_string(parsed.periods.size()));
    }
    for (const std::string& spec : parsed.checks) {
      if (std::optional<std::string> error = check_spec_error(spec)) {
        usage_error(app, "--check " + *error);
      }
    }
    parsed.check_timeout = positive_duration(app, "--timeout", timeout_text);
    if (!parsed.checks.empty()) parsed.failing = 0;  // real checks fail by themselves
  }
  parsed.cleanup = gofer::parse_duration(cleanup_text);
  if (parsed.cleanup < gofer::duration::zero()) usage_error(app, "--cleanup: must not be negative");
  return parsed;
}

bool runs_checker(const options& options, std::size_t index) {
  return options.checks.empty() || index < options.checks.size();
}

bool on_virtual_clock(const options& options) {
  const char* environment = std::getenv("GOFER_VIRTUAL_TIME");
  return options.virtual_time || (environment != nullptr && std::string(environment) == "1");
}

std::string signal_name(int signal_number) {
  if (signal_number == SIGINT) return "SIGINT";
  if (signal_number == SIGTERM) return "SIGTERM";
  return "signal " + std::to_string(signal_number);
}

check make_check(const options& options, std::size_t index, timeline& timeline,
                 gofer::time_point start) {
  if (!options.checks.empty()) return make_real_check(options, index, timeline, start);
  const gofer::duration dt = options.periods[index];
  const bool doomed = index + 1 == options.failing;
  return [&timeline, start, dt, doomed, index]() -> std::optional<std::string> {
    fmt::print("check health {} @{:.3}\n", dt, gofer::since(start));
    timeline.record(index, doomed ? timeline::kind::check_failed : timeline::kind::check_ok);
    if (doomed) return "doom";
    return std::nullopt;
  };
}

void cleanup(const options& options, timeline& timeline, std::size_t lane,
             gofer::time_point start) {
  if (options.cleanup > gofer::duration::zero()) {
    fmt::print("cleanup started @{:.3}\n", gofer::since(start));
    timeline.record(lane, timeline::kind::cleanup_started);
    gofer::sleep(options.cleanup);
    fmt::print("cleanup done @{:.3}\n", gofer::since(start));
    timeline.record(lane, timeline::kind::cleanup_done);
  }
  timeline.record(lane, timeline::kind::stopped);
}

std::vector<std::string> lane_names(const std::vector<gofer::duration>& periods) {
  std::vector<std::string> names;
  for (std::size_t i = 0; i < periods.size(); ++i) {
    names.push_back("checker " + std::to_string(i + 1) + " (" + gofer::format_duration(periods[i]) +
                    ")");
  }
  names.push_back("main");
  return names;
}

std::string ordinal(std::size_t one_based) {
  static const char* const names[] = {"first", "second",  "third",  "fourth", "fifth",
                                      "sixth", "seventh", "eighth", "ninth",  "tenth"};
  if (one_based >= 1 && one_based <= std::size(names)) return names[one_based - 1];
  return "number " + std::to_string(one_based);
}

timeline::timeline(std::vector<std::string> lanes, gofer::time_point start)
    : lanes_(std::move(lanes)), start_(start) {}

void timeline::record(std::size_t lane, kind what) {
  const gofer::duration at = gofer::now() - start_;
  std::lock_guard guard{lock_};
  events_.push_back({lane, what, at});
}

namespace {

// 1, 2 or 5 times a power of ten, so that the axis has at most ~12 ticks.
double tick_step(double span_seconds) {
  double step = 1e-3;
  for (;;) {
    for (double factor : {1.0, 2.0, 5.0}) {
      if (span_seconds / (step * factor) <= 12) return step * factor;
    }
    step *= 10;
  }
}

std::string number(double value) {
  return fmt::format("{:.1f}", value);
}

std::string escaped(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '<') {
      out += "&lt;";
    } else if (c == '>') {
      out += "&gt;";
    } else if (c == '&') {
      out += "&amp;";
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

void timeline::write_svg(const std::string& path, const std::string& title) const {
  std::vector<event> events;
  {
    std::lock_guard guard{lock_};
    events = events_;
  }
  double end = 0;
  for (const event& e : events)
    end = std::max(end, std::chrono::duration<double>(e.at).count());
  const double step = tick_step(std::max(end, 1e-3));
  const double axis_end = std::ceil(end / step + 0.5) * step;

  const double left = 150, right = 30, top = 50, lane_height = 44;
  const double width = 900, plot_width = width - left - right;
  const double height = top + lane_height * static_cast<double>(lanes_.size()) + 104;
  const auto x = [&](gofer::duration at) {
    return left + plot_width * std::chrono::duration<double>(at).count() / axis_end;
  };
  const auto x_seconds = [&](double seconds) { return left + plot_width * seconds / axis_end; };
  const auto y = [&](std::size_t lane) {
    return top + lane_height * (static_cast<double>(lane) + 0.5);
  };

  std::ofstream svg{path};
  if (!svg) throw std::runtime_error("cannot write " + path);
  svg << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << number(width) << "\" height=\""
      << number(height) << "\" font-family=\"sans-serif\" font-size=\"13\">\n"
      << "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
      << "<text x=\"" << number(left) << "\" y=\"24\" font-size=\"15\" font-weight=\"bold\">"
      << escaped(title) << "</text>\n";

  // The time axis, with a faint grid line at each tick.
  const double axis_y = top + lane_height * static_cast<double>(lanes_.size()) + 10;
  svg << "<line x1=\"" << number(left) << "\" y1=\"" << number(axis_y) << "\" x2=\""
      << number(left + plot_width) << "\" y2=\"" << number(axis_y) << "\" stroke=\"black\"/>\n";
  for (double t = 0; t <= axis_end + step / 2; t += step) {
    svg << "<line x1=\"" << number(x_seconds(t)) << "\" y1=\"" << number(top) << "\" x2=\""
        << number(x_seconds(t)) << "\" y2=\"" << number(axis_y + 4)
        << "\" stroke=\"#ddd\"/>\n<text x=\"" << number(x_seconds(t)) << "\" y=\""
        << number(axis_y + 20) << "\" text-anchor=\"middle\">" << number(t) << "s</text>\n";
  }

  // One lane per goroutine: a line while it runs, marks for what it did.
  for (std::size_t lane = 0; lane < lanes_.size(); ++lane) {
    gofer::duration stopped_at = gofer::duration::max();
    for (const event& e : events) {
      if (e.lane == lane && e.what == kind::stopped) stopped_at = std::min(stopped_at, e.at);
    }
    // Solid while the goroutine runs: up to its return, or to the program's
    // last event (its exit) for one still running then, which goes on as a
    // dashed line to the edge. (The first version dashed such a lane from
    // t = 0, as if it had not been running all along.)
    const bool still_running = stopped_at == gofer::duration::max();
    const double solid_end = still_running ? x_seconds(end) : x(stopped_at);
    svg << "<text x=\"" << number(left - 12) << "\" y=\"" << number(y(lane) + 5)
        << "\" text-anchor=\"end\">" << escaped(lanes_[lane]) << "</text>\n"
        << "<line x1=\"" << number(left) << "\" y1=\"" << number(y(lane)) << "\" x2=\""
        << number(solid_end) << "\" y2=\"" << number(y(lane)) << "\" stroke=\"#888\"/>\n";
    if (still_running) {
      svg << "<line x1=\"" << number(solid_end) << "\" y1=\"" << number(y(lane)) << "\" x2=\""
          << number(left + plot_width) << "\" y2=\"" << number(y(lane))
          << "\" stroke=\"#888\" stroke-dasharray=\"6 4\"/>\n";
    }
  }
  for (const event& e : events) {
    const std::string cx = number(x(e.at)), cy = number(y(e.lane));
    switch (e.what) {
      case kind::check_ok:
        svg << "<circle cx=\"" << cx << "\" cy=\"" << cy << "\" r=\"6\" fill=\"#2a9d3a\"/>\n";
        break;
      case kind::check_failed:
        svg << "<circle cx=\"" << cx << "\" cy=\"" << cy << "\" r=\"7\" fill=\"#d62828\"/>\n";
        break;
      case kind::stopped:
        svg << "<rect x=\"" << number(x(e.at) - 2) << "\" y=\"" << number(y(e.lane) - 11)
            << "\" width=\"4\" height=\"22\" fill=\"black\"/>\n";
        break;
      case kind::detected:
        svg << "<line x1=\"" << cx << "\" y1=\"" << number(top) << "\" x2=\"" << cx << "\" y2=\""
            << number(axis_y) << "\" stroke=\"#d62828\" stroke-dasharray=\"4 3\"/>\n"
            << "<path d=\"M " << cx << " " << number(y(e.lane) - 9) << " l 9 9 l -9 9 l -9 -9 z\""
            << " fill=\"#d62828\"/>\n";
        break;
      case kind::cleanup_started:
      case kind::cleanup_done:
        break;  // drawn as one bar below
    }
  }
  // Cleanup: a bar from its start to its end on its lane.
  for (const event& started : events) {
    if (started.what != kind::cleanup_started) continue;
    gofer::duration done_at = started.at;
    for (const event& e : events) {
      if (e.lane == started.lane && e.what == kind::cleanup_done) done_at = e.at;
    }
    svg << "<rect x=\"" << number(x(started.at)) << "\" y=\"" << number(y(started.lane) - 8)
        << "\" width=\"" << number(std::max(x(done_at) - x(started.at), 3.0))
        << "\" height=\"16\" fill=\"#f4a261\" opacity=\"0.8\"/>\n";
  }

  // The legend.
  const double legend_y = axis_y + 50;
  svg << "<circle cx=\"" << number(left) << "\" cy=\"" << number(legend_y - 4)
      << "\" r=\"6\" fill=\"#2a9d3a\"/><text x=\"" << number(left + 12) << "\" y=\""
      << number(legend_y) << "\">check passed</text>\n"
      << "<circle cx=\"" << number(left + 130) << "\" cy=\"" << number(legend_y - 4)
      << "\" r=\"7\" fill=\"#d62828\"/><text x=\"" << number(left + 142) << "\" y=\""
      << number(legend_y) << "\">problem found</text>\n"
      << "<rect x=\"" << number(left + 268) << "\" y=\"" << number(legend_y - 15)
      << "\" width=\"4\" height=\"20\" fill=\"black\"/><text x=\"" << number(left + 280)
      << "\" y=\"" << number(legend_y) << "\">goroutine returned</text>\n"
      << "<line x1=\"" << number(left + 420) << "\" y1=\"" << number(legend_y - 4) << "\" x2=\""
      << number(left + 450) << "\" y2=\"" << number(legend_y - 4)
      << "\" stroke=\"#888\" stroke-dasharray=\"6 4\"/><text x=\"" << number(left + 456)
      << "\" y=\"" << number(legend_y) << "\">still running at exit</text>\n"
      << "<rect x=\"" << number(left + 610) << "\" y=\"" << number(legend_y - 12)
      << "\" width=\"24\" height=\"14\" fill=\"#f4a261\"/><text x=\"" << number(left + 640)
      << "\" y=\"" << number(legend_y)
      << "\">cleanup</text>\n"
      // Second row: main receiving a problem, the moment every lane shares.
      << "<line x1=\"" << number(left + 9) << "\" y1=\"" << number(legend_y + 10) << "\" x2=\""
      << number(left + 9) << "\" y2=\"" << number(legend_y + 34)
      << "\" stroke=\"#d62828\" stroke-dasharray=\"4 3\"/><path d=\"M " << number(left + 9) << " "
      << number(legend_y + 13) << " l 9 9 l -9 9 l -9 -9 z\" fill=\"#d62828\"/><text x=\""
      << number(left + 26) << "\" y=\"" << number(legend_y + 26)
      << "\">main receives the problem (the dashed line marks that instant on every lane)</text>\n"
      << "</svg>\n";
}

}  // namespace monitor
