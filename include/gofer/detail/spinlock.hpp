// gofer/detail/spinlock.hpp - the lock of every channel, and of the
// library's other short critical sections.
//
// A test-and-test-and-set lock on one atomic flag, Lockable, so that
// std::unique_lock (spinlock_lock) and std::lock_guard work with it. The
// uncontended lock() is one exchange and unlock() one release store: this
// lock sits on every channel operation. Waiting is out of line
// (lib/spinlock.cpp): it reads the flag until it looks clear, with twice as
// many CPU pauses before each read as before the last (each read takes the
// line from the holder), before it tries the exchange again; yields the
// thread after a while (the holder may have been preempted); and backs off
// for a random while after losing a race for the flag, as Boost.Fiber's
// spinlock_ttas does.
//
// Each lock has a rank in the library's one lock order
// (gofer/detail/lock_rank.hpp), checked in debug and sanitizer builds.
//
// gofer's own rather than Boost.Fiber's detail::spinlock, so that the public
// headers need no Boost header (lib/park.hpp says how parking works without
// Boost releasing a channel lock after the context switch).
#pragma once

#include <atomic>
#include <mutex>

#include "gofer/detail/lock_rank.hpp"

namespace gofer::detail {

// A hint to the CPU that the thread is in a spin-wait loop.
inline void cpu_pause() noexcept {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__) || (defined(__arm__) && __ARM_ARCH >= 7)
  asm volatile("yield" ::: "memory");
#endif
}

class spinlock {
 public:
  constexpr explicit spinlock(lock_rank rank = lock_rank::unranked) noexcept : rank_{rank} {}
  spinlock(const spinlock&) = delete;
  spinlock& operator=(const spinlock&) = delete;

  void lock() noexcept {
#if GOFER_LOCK_RANKING
    lock_rank_acquire(rank_, this);  // before waiting: an inversion aborts, not hangs
#endif
    if (!locked_.exchange(true, std::memory_order_acquire)) [[likely]] {
      return;
    }
    lock_contended();
  }

  bool try_lock() noexcept {
    // Read first: a failing try_lock does not take the line from the holder.
    const bool taken = !locked_.load(std::memory_order_relaxed) &&
                       !locked_.exchange(true, std::memory_order_acquire);
#if GOFER_LOCK_RANKING
    if (taken) lock_rank_acquired(rank_, this);
#endif
    return taken;
  }

  void unlock() noexcept {
#if GOFER_LOCK_RANKING
    lock_rank_release(rank_, this);
#endif
    locked_.store(false, std::memory_order_release);
  }

 private:
  void lock_contended() noexcept;  // lib/spinlock.cpp

  std::atomic<bool> locked_{false};
  lock_rank rank_;  // fixed at construction; read without ordering
};

using spinlock_lock = std::unique_lock<spinlock>;

}  // namespace gofer::detail
