// The trace a picture program prints beside its own output, for
// docs/learn/draw_timeline.py to draw (its docstring has the whole format):
// directives (title, axis, panel, lane, legend) and one line per event,
// "trace <ms> <lane> <verb> [text]", <ms> counted from the panel's start.
// Print from inside gofer::run: the time is gofer's clock, virtual in the
// tests, so the trace is the same in every run.
#pragma once

#include <gofer/time.hpp>

#include <fmt/core.h>

#include <chrono>
#include <string_view>

namespace picture {

inline gofer::time_point panel_start;

inline void title(std::string_view text, std::string_view axis) {
  fmt::print("trace title {}\ntrace axis {}\n", text, axis);
}

// A new panel; its times count from now.
inline void panel(std::string_view text) {
  panel_start = gofer::now();
  fmt::print("trace panel {}\n", text);
}

inline void lane(std::string_view id, std::string_view label) {
  fmt::print("trace lane {} {}\n", id, label);
}

inline void legend(std::string_view kind, std::string_view text) {
  fmt::print("trace legend {} {}\n", kind, text);
}

// The milliseconds from the panel's start to `t`.
inline long long ms(gofer::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t - panel_start).count();
}

// An event on `lane` now: a state (run, wait, queued, blocked, cleanup,
// end), a mark (ok, fail, notice, lost, note), or go/arrow/cancel/slots.
inline void at(std::string_view lane, std::string_view verb, std::string_view text = {}) {
  fmt::print("trace {} {} {}{}{}\n", ms(gofer::now()), lane, verb, text.empty() ? "" : " ", text);
}

}  // namespace picture
