// lib/ranked_mutex.hpp - a std::mutex with a rank in the one lock order
// (gofer/detail/lock_rank.hpp, docs/design/locks.md).
#pragma once

#include <mutex>

#include "gofer/detail/lock_rank.hpp"

namespace gofer::detail {

// Lockable, so that std::lock_guard and std::unique_lock work with it. A
// std::condition_variable needs the std::mutex itself: wait on native() and
// keep the rank recorded with a held_rank (scheduler.cpp does).
class ranked_mutex {
 public:
  explicit ranked_mutex(lock_rank rank) noexcept : rank_{rank} {}
  ranked_mutex(const ranked_mutex&) = delete;
  ranked_mutex& operator=(const ranked_mutex&) = delete;

  void lock() {
#if GOFER_LOCK_RANKING
    lock_rank_acquire(rank_, this);
#endif
    mutex_.lock();
  }
  bool try_lock() {
    const bool taken = mutex_.try_lock();
#if GOFER_LOCK_RANKING
    if (taken) lock_rank_acquired(rank_, this);
#endif
    return taken;
  }
  void unlock() {
#if GOFER_LOCK_RANKING
    lock_rank_release(rank_, this);
#endif
    mutex_.unlock();
  }

  std::mutex& native() noexcept {
    return mutex_;
  }
  lock_rank rank() const noexcept {
    return rank_;
  }

 private:
  std::mutex mutex_;
  lock_rank rank_;
};

// Records that `mutex` is held, from construction to destruction, where the
// lock itself is taken through native() (for a condition variable).
class held_rank {
 public:
  explicit held_rank(ranked_mutex& mutex) noexcept : mutex_{mutex} {
#if GOFER_LOCK_RANKING
    lock_rank_acquire(mutex_.rank(), &mutex_);
#endif
  }
  ~held_rank() {
#if GOFER_LOCK_RANKING
    lock_rank_release(mutex_.rank(), &mutex_);
#endif
  }
  held_rank(const held_rank&) = delete;
  held_rank& operator=(const held_rank&) = delete;

 private:
  ranked_mutex& mutex_;
};

}  // namespace gofer::detail
