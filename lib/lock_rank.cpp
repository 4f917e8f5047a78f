// lib/lock_rank.cpp - the per-thread record of held locks behind
// gofer/detail/lock_rank.hpp, and the check against docs/design/locks.md.
#include "gofer/detail/lock_rank.hpp"

#include <cstdio>
#include <cstdlib>

namespace gofer::detail {

namespace {

struct held_lock {
  lock_rank rank;
  const void* lock;
};

// The locks this thread holds, in the order taken. The deepest nesting in
// the library is a select's channels (at most one per case) under a timer's
// send; past the capacity, locks are still taken but no longer recorded.
struct held_locks {
  static constexpr int capacity = 64;
  held_lock locks[capacity];
  int count = 0;
};

thread_local held_locks this_thread_held;

bool may_nest(const held_lock& held, lock_rank rank, const void* lock) noexcept {
  if (held.rank == lock_rank::leaf) return false;  // a leaf takes nothing
  if (held.rank == lock_rank::channel && rank == lock_rank::channel) {
    return held.lock < lock;  // select's sellock: ascending address
  }
  return held.rank < rank;
}

[[noreturn]] void inversion(const held_lock& held, lock_rank rank, const void* lock) noexcept {
  std::fprintf(stderr,
               "gofer: lock order violated: taking %s lock %p while holding %s lock %p "
               "(docs/design/locks.md)\n",
               to_string(rank), lock, to_string(held.rank), held.lock);
  std::abort();
}

void record(lock_rank rank, const void* lock) noexcept {
  held_locks& held = this_thread_held;
  if (held.count < held_locks::capacity) held.locks[held.count] = {rank, lock};
  ++held.count;
}

}  // namespace

const char* to_string(lock_rank rank) noexcept {
  switch (rank) {
    case lock_rank::unranked:
      return "an unranked";
    case lock_rank::dump_registry:
      return "the dump registry's";
    case lock_rank::timer_send:
      return "a timer's send";
    case lock_rank::context_node:
      return "a context node's";
    case lock_rank::channel:
      return "a channel's";
    case lock_rank::goroutines:
      return "the goroutine list's";
    case lock_rank::pool:
      return "the scheduler pool's";
    case lock_rank::worker_queue:
      return "a worker queue's";
    case lock_rank::global_queue:
      return "the global queue's";
    case lock_rank::wake:
      return "a worker's wake";
    case lock_rank::leaf:
      return "a leaf";
  }
  return "an unknown";
}

void lock_rank_acquire(lock_rank rank, const void* lock) noexcept {
  if (rank == lock_rank::unranked) return;
  const held_locks& held = this_thread_held;
  const int recorded = held.count < held_locks::capacity ? held.count : held_locks::capacity;
  for (int i = 0; i < recorded; ++i) {
    if (!may_nest(held.locks[i], rank, lock)) inversion(held.locks[i], rank, lock);
  }
  record(rank, lock);
}

void lock_rank_acquired(lock_rank rank, const void* lock) noexcept {
  if (rank == lock_rank::unranked) return;
  record(rank, lock);
}

void lock_rank_release(lock_rank rank, const void* lock) noexcept {
  if (rank == lock_rank::unranked) return;
  held_locks& held = this_thread_held;
  if (held.count > held_locks::capacity) {  // the newest were not recorded
    --held.count;
    return;
  }
  // Locks are usually released in the reverse order, but not always (a
  // select releases its channels in address order): search from the top.
  for (int i = held.count - 1; i >= 0; --i) {
    if (held.locks[i].lock == lock) {
      for (int j = i + 1; j < held.count; ++j)
        held.locks[j - 1] = held.locks[j];
      --held.count;
      return;
    }
  }
  // Not recorded: taken on another thread (never a ranked lock; see
  // assert_no_lock_held) or by code built without GOFER_LOCK_RANKING.
}

void assert_no_lock_held(const char* where) noexcept {
  const held_locks& held = this_thread_held;
  if (held.count == 0) return;
  const int last = (held.count < held_locks::capacity ? held.count : held_locks::capacity) - 1;
  std::fprintf(stderr, "gofer: %s with %d lock(s) held, the last taken %s lock %p\n", where,
               held.count, to_string(held.locks[last].rank), held.locks[last].lock);
  std::abort();
}

}  // namespace gofer::detail
