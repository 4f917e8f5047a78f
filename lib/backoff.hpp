// lib/backoff.hpp - how the library waits in a spin loop (private).
#pragma once

#include <thread>

#include "gofer/detail/spinlock.hpp"

namespace gofer::detail {

// One step of a spin-wait on something another thread is about to change:
// a CPU pause for the first steps, then plain re-reads, then a yield of the
// thread at every step, since that other thread may have been preempted
// (gofer's tests and users run more threads than cores). The steps are
// those of Boost.Fiber's spinlock_ttas. For a wait that should end within
// a few instructions of the other thread's (park.cpp: a goroutine's switch
// out); a contended lock spaces its looks further apart (spinlock.cpp).
class backoff {
 public:
  void operator()() noexcept {
    if (steps_ < pauses) {
      ++steps_;
      cpu_pause();
    } else if (steps_ < pauses + rereads) {
      ++steps_;
    } else {
      std::this_thread::yield();
    }
  }

 private:
  static constexpr unsigned pauses = 32;
  static constexpr unsigned rereads = 32;
  unsigned steps_ = 0;
};

}  // namespace gofer::detail
