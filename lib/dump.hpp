// lib/dump.hpp - what gofer::run needs from lib/dump.cpp (private to the
// library): the process's list of running runs, which gofer::dump and the
// SIGQUIT report read, and the SIGQUIT handler of run_options::dump_on_sigquit.
#pragma once

namespace gofer::detail {

class runtime;

// While one is alive, its runtime is in the process's list of runs, which
// gofer::dump called from a thread outside every run, and the SIGQUIT report,
// describe. Create it once the runtime has its main record (after
// runtime::start) and destroy it before that record goes. Listing and
// unlisting take a mutex that a report holds while it reads the runtime, so a
// runtime never goes away under a report. Lock order: that mutex -> the
// runtime's goroutine list lock.
struct listed_run {
  explicit listed_run(runtime& rt) noexcept;
  ~listed_run();
  listed_run(const listed_run&) = delete;
  listed_run& operator=(const listed_run&) = delete;

  runtime& rt;
  listed_run* next = nullptr;  // under the list's mutex
  listed_run* prev = nullptr;
};

// run_options::dump_on_sigquit (or GOFER_DUMP_ON_SIGQUIT=1). While at least
// one enabled sigquit_dump is alive in the process, SIGQUIT prints
// "SIGQUIT: quit", then every listed run's goroutines, to stderr, and ends
// the process with status 2, as Go does. The signal handler only writes a
// byte to a pipe; a watcher thread, started by the first enabled one and
// joined by the last, does the rest. The last one also restores the
// disposition the first one found. A disabled one does nothing.
class sigquit_dump {
 public:
  // Throws std::system_error if the pipe or the thread cannot be made.
  explicit sigquit_dump(bool enabled);
  ~sigquit_dump();
  sigquit_dump(const sigquit_dump&) = delete;
  sigquit_dump& operator=(const sigquit_dump&) = delete;

 private:
  bool enabled_;
};

}  // namespace gofer::detail
