// lib/dump.hpp - what gofer::run needs from lib/dump.cpp (private to the
// library): the process's list of running runs, which gofer::dump reads.
#pragma once

namespace gofer::detail {

class runtime;

// While one is alive, its runtime is in the process's list of runs, which
// gofer::dump called from a thread outside every run describes. Create it
// once the runtime has its main record (after runtime::start) and destroy it
// before that record goes. Listing and unlisting take a mutex that a report
// holds while it reads the runtime, so a runtime never goes away under a
// report. Lock order: that mutex -> the runtime's goroutine list lock.
struct listed_run {
  explicit listed_run(runtime& rt) noexcept;
  ~listed_run();
  listed_run(const listed_run&) = delete;
  listed_run& operator=(const listed_run&) = delete;

  runtime& rt;
  listed_run* next = nullptr;  // under the list's mutex
  listed_run* prev = nullptr;
};

}  // namespace gofer::detail
