// gofer/detail/waiter.hpp - how a blocked goroutine is found and claimed.
//
// A goroutine that must block in send, recv or select uses its `parker` (one
// per goroutine, reused for each block) and one `waiter` per channel case
// (Go: sudog), linking each waiter into its channel's send or receive queue.
// Whoever completes one of those operations for it - a peer on the other side
// of a channel, close(), or the runtime's shutdown - first *claims* the parker
// (Go: the selectDone CAS in runtime/chan.go dequeue), so exactly one case of
// a select ever runs. The claimer then moves the value, records the winning
// waiter, and wakes the goroutine.
//
// This header holds what the inline channel code needs: the waiter, the
// queue, and the claim. How a goroutine parks and is woken (its context, the
// latch that tells a claimer it has switched out, shutdown and reports) is
// the library's: lib/park.hpp.
//
// Parker states (the only transitions):
//   completed --begin_park (owner)--> waiting
//   waiting --claim (CAS, by exactly one claimer)--> claimed
//   claimed --wake() (by that claimer)--> completed
//
// Invariants:
//   - A waiter is linked into at most one queue, and only while its `queued`
//     flag is set; both are guarded by that channel's lock.
//   - Only the claimer writes `winner`, the reason for an interrupted park,
//     and the winning waiter's `success` and slot, and it does so before
//     wake() publishes `completed` (release); the owner reads them after it
//     resumes (acquire).
//   - wake() makes the owner runnable only once the owner has switched out
//     (lib/park.hpp says how), so a goroutine is never scheduled while it is
//     still running, and wake() does not touch the parker after that.
//   - After it resumes, the owner unlinks its other waiters, relocking each
//     channel, before its stack frame (and the waiters) go away.
//
// Lock order: channel locks (ascending address) -> the runtime's goroutine
// list lock -> scheduler locks. A claimer never wakes a goroutine while
// holding a channel lock.
#pragma once

#include <atomic>
#include <cstdint>

#include "gofer/detail/spinlock.hpp"

namespace gofer::detail {

struct parker;

// One case of a blocked operation, linked into one channel's queue.
// Go: runtime/runtime2.go sudog.
struct waiter {
  waiter* prev = nullptr;
  waiter* next = nullptr;  // also links claimed waiters in close()'s wake list
  bool queued = false;     // guarded by the channel's lock
  parker* owner = nullptr;
  // send: the T to move from; recv: the std::optional<T> to emplace into.
  void* slot = nullptr;
  std::uint32_t case_index = 0;
  // Written by the claimer: true if the value moved, false if the channel closed.
  bool success = false;
};

// The blocked goroutine, as a claimer sees it. Every parker is the library's
// parker_impl (lib/park.hpp), which adds what parking and waking need.
struct parker {
  enum : std::uint32_t { waiting = 0, claimed = 1, completed = 2 };

  std::atomic<std::uint32_t> state{completed};
  waiter* winner = nullptr;  // the case that ran; null when interrupted

  // The first caller wins; every later one gets false. Go: selectDone CAS.
  bool try_claim() noexcept {
    std::uint32_t expected = waiting;
    return state.compare_exchange_strong(expected, claimed, std::memory_order_acq_rel,
                                         std::memory_order_relaxed);
  }

 protected:
  parker() = default;  // only as part of a parker_impl
  ~parker() = default;
};

// A FIFO of waiters. Go: runtime/chan.go waitq. Guarded by its channel's lock.
// `first_` is atomic only so that a non-blocking operation may look at it
// without the lock (empty_unlocked, see chan_base): every write is under the
// lock, relaxed.
class wait_queue {
 public:
  bool empty() const noexcept { return first() == nullptr; }
  // Without the lock: a snapshot, for the "would block" fast paths.
  bool empty_unlocked() const noexcept { return first_.load(std::memory_order_seq_cst) == nullptr; }

  void push_back(waiter& w) noexcept {
    w.prev = last_;
    w.next = nullptr;
    if (last_ != nullptr) {
      last_->next = &w;
    } else {
      set_first(&w);
    }
    last_ = &w;
    w.queued = true;
  }

  void remove(waiter& w) noexcept {
    if (!w.queued) return;
    if (w.prev != nullptr) {
      w.prev->next = w.next;
    } else {
      set_first(w.next);
    }
    (w.next != nullptr ? w.next->prev : last_) = w.prev;
    w.prev = w.next = nullptr;
    w.queued = false;
  }

  // Unlinks waiters from the front until one whose parker this call claims;
  // returns it (its parker's winner set), or null when none is left. Waiters
  // whose select another case already won are dropped on the way, as Go's
  // dequeue does.
  waiter* claim_first() noexcept {
    while (waiter* w = first()) {
      remove(*w);
      if (w->owner->try_claim()) {
        w->owner->winner = w;
        return w;
      }
    }
    return nullptr;
  }

 private:
  waiter* first() const noexcept { return first_.load(std::memory_order_relaxed); }
  void set_first(waiter* w) noexcept { first_.store(w, std::memory_order_relaxed); }

  std::atomic<waiter*> first_{nullptr};
  waiter* last_ = nullptr;
};

// Publishes the claimer's writes and makes the parked owner runnable, once
// it has switched out. Call with no channel lock held, after try_claim()
// succeeded. Never touches `p` after scheduling (see the invariants above).
// The woken goroutine runs next on the caller's worker, as Go's goready puts
// it in runnext.
void wake(parker& p) noexcept;

// Thrown into a goroutine that is blocked when gofer::run's main returns, so
// that its stack unwinds and its destructors run. Deliberately not derived
// from std::exception: user code must not catch and swallow it.
struct goroutine_exit {};

// Names, for deadlock reports, the gofer call a goroutine blocks in when that
// call blocks on channels of its own: Go reports [sync.Mutex.Lock], not the
// runtime's inner [semacquire] (Go 1.20+: waitReasonSyncMutexLock and kin).
//   void mutex::lock() { detail::blocking_as reason{"sync.Mutex.Lock"}; token_.send(); }
// While one is alive, every park of the calling goroutine reports `reason`.
// The outermost one wins, so the report names what the user called
// (error_group::wait, not the wait_group::wait inside it). Scope it to the
// blocking step only, never around user code. Does nothing outside a
// goroutine of gofer::run. `reason` must outlive the guard (a literal).
class blocking_as {
 public:
  explicit blocking_as(const char* reason) noexcept;
  ~blocking_as();
  blocking_as(const blocking_as&) = delete;
  blocking_as& operator=(const blocking_as&) = delete;

 private:
  parker* parker_ = nullptr;  // null: nothing to undo
};

// Blocks forever (a nil channel, an empty select): only runtime shutdown or
// deadlock detection can end it, by throwing. `reason` is for reports.
[[noreturn]] void block_forever(const char* reason);

}  // namespace gofer::detail
