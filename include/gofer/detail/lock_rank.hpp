// gofer/detail/lock_rank.hpp - the one lock order, checked.
//
// docs/design/locks.md lists every lock of the library in the one order in
// which they may nest; this is that list as code. Each lock knows its rank.
// Where assertions are on (GOFER_ASSERTIONS_ON: debug and sanitizer builds),
// taking a lock first checks it against the locks this thread already holds
// and aborts, naming both, on an inversion: before it spins or blocks, so a
// wrong order fails at once instead of deadlocking one run in a thousand.
// Go's runtime does the same with GOEXPERIMENT=staticlockranking
// (runtime/lockrank.go).
//
// GOFER_LOCK_RANKING is a compile definition of the gofer target (CMake
// option GOFER_LOCK_RANKING, on in debug and sanitizer builds), PUBLIC so
// that code inlined into its users takes and releases locks exactly as the
// library does: a lock taken by inline code and released in the library
// (or the other way round) is tracked on both sides or on neither.
//
// The rule: a thread holding a lock of rank r may take only a lock of a
// rank above r. Two exceptions, both written down in locks.md: channel locks
// nest among themselves in ascending address order (select's `sellock`),
// and `leaf` locks take nothing while held, so nothing ranks above them.
// Locks are tracked per thread, which is sound because no ranked lock is
// held across a goroutine switch (park asserts it): a goroutine that
// migrates takes no held lock with it.
#pragma once

#include <cstdint>

#ifndef GOFER_LOCK_RANKING
#define GOFER_LOCK_RANKING 0
#endif

namespace gofer::detail {

enum class lock_rank : std::uint8_t {
  unranked = 0,       // not checked: locks outside the library's order
  dump_registry = 5,  // the list of running runtimes (lib/dump.cpp)
  timer_send = 10,    // timer_state::send_lock
  context_node = 20,  // a context node's mutex (one at a time)
  channel = 30,       // chan_base::lock_ (several: ascending address)
  goroutines = 40,    // runtime::goroutines_lock_
  pool = 50,          // scheduler_pool::mutex
  worker_queue = 60,  // gofer_algorithm::lock_ (one at a time)
  global_queue = 70,  // scheduler_pool::global_lock_
  wake = 80,          // gofer_algorithm::wake_mutex_
  leaf = 255,         // takes nothing while held
};

const char* to_string(lock_rank rank) noexcept;

// Checks that this thread may take `lock` of `rank` now (aborting if not),
// then records it as held. Out of line, in lib/lock_rank.cpp, always built:
// whether a caller calls it depends on GOFER_LOCK_RANKING.
void lock_rank_acquire(lock_rank rank, const void* lock) noexcept;
// Records that a lock taken without waiting (try_lock) is held: no check,
// since it cannot deadlock, but what is taken under it is checked.
void lock_rank_acquired(lock_rank rank, const void* lock) noexcept;
void lock_rank_release(lock_rank rank, const void* lock) noexcept;
// Aborts if this thread holds any ranked lock; `where` names the caller.
void assert_no_lock_held(const char* where) noexcept;

}  // namespace gofer::detail
