// lib/futex.hpp - a worker's sleep: Linux futex wait (with an absolute
// steady_clock deadline) and wake on a 32-bit atomic.
//
// Why not std::condition_variable: glibc's pthread_cond_wait takes its mutex
// back in the "contended" state whatever happened, so the unlock after every
// wake-up made one more futex(FUTEX_WAKE) system call, on the woken worker's
// way to the work it was woken for (a third of all futex calls in a
// StrandedWake run). Why not std::atomic::wait or std::binary_semaphore:
// the first has no deadline, and libstdc++ makes both spin and call
// sched_yield before they sleep. Boost.Fiber's detail/futex.hpp has no
// deadline either. So this is ours, the two system calls and no more.
#pragma once

#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <ctime>

namespace gofer::detail {

static_assert(sizeof(std::atomic<std::uint32_t>) == sizeof(std::uint32_t));

// Sleeps while `word` holds `expected`, until woken or `deadline` passes
// (time_point::max() for none). Returns false when the deadline passed;
// true otherwise, which may be spurious: the caller reads `word` again.
// steady_clock is CLOCK_MONOTONIC, the clock FUTEX_WAIT_BITSET measures.
inline bool futex_wait_until(std::atomic<std::uint32_t>& word, std::uint32_t expected,
                             std::chrono::steady_clock::time_point deadline) noexcept {
  timespec until{};
  timespec* timeout = nullptr;
  if (deadline != std::chrono::steady_clock::time_point::max()) {
    const auto since_epoch = deadline.time_since_epoch();
    const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(since_epoch);
    until.tv_sec = static_cast<std::time_t>(seconds.count());
    until.tv_nsec = static_cast<long>(
        std::chrono::duration_cast<std::chrono::nanoseconds>(since_epoch - seconds).count());
    timeout = &until;
  }
  const long result =
      ::syscall(SYS_futex, reinterpret_cast<std::uint32_t*>(&word), FUTEX_WAIT_BITSET_PRIVATE,
                expected, timeout, nullptr, FUTEX_BITSET_MATCH_ANY);
  return !(result == -1 && errno == ETIMEDOUT);
}

// Wakes one thread sleeping in futex_wait_until on `word`.
inline void futex_wake_one(std::atomic<std::uint32_t>& word) noexcept {
  ::syscall(SYS_futex, reinterpret_cast<std::uint32_t*>(&word), FUTEX_WAKE_PRIVATE, 1, nullptr,
            nullptr, 0);
}

}  // namespace gofer::detail
