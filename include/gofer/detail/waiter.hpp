// gofer/detail/waiter.hpp - how a goroutine blocks on channels and is woken.
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
// Parker states (the only transitions):
//   completed --begin_park (owner)--> waiting
//   waiting --claim (CAS, by exactly one claimer)--> claimed
//   claimed --wake() (by that claimer)--> completed
//
// Invariants:
//   - A waiter is linked into at most one queue, and only while its `queued`
//     flag is set; both are guarded by that channel's lock.
//   - Only the claimer writes `winner`, `interrupted` and the winning waiter's
//     `success` and slot, and it does so before wake() publishes `completed`
//     (release); the owner reads them after it resumes (acquire).
//   - The owner holds its `switch_lock` from before it publishes `waiting`
//     until after it has switched out (Boost.Fiber releases that lock after
//     the context switch). A single send or recv uses its channel's lock as
//     the switch lock; a select or a forever-block uses the parker's own
//     park_lock. wake() takes the switch lock before scheduling the owner,
//     unless the claimer found the waiter under that very lock, so a
//     goroutine is never scheduled while it is still running.
//   - wake() does not touch the parker after scheduling its owner.
//   - After it resumes, the owner unlinks its other waiters, relocking each
//     channel, before its stack frame (and the waiters) go away.
//
// Lock order: channel locks (ascending address) -> a parker's park_lock ->
// the runtime's goroutine list lock -> scheduler locks. A claimer never wakes
// a goroutine while holding a channel lock.
#pragma once

#include <atomic>
#include <cstdint>

#include <boost/fiber/context.hpp>
#include <boost/fiber/detail/spinlock.hpp>

namespace gofer::detail {

using spinlock = boost::fibers::detail::spinlock;
using spinlock_lock = boost::fibers::detail::spinlock_lock;

struct parker;
class runtime;
class gofer_algorithm;

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

// Why a goroutine waits, for reports: always a string literal. Written only
// by the goroutine itself (before begin_park publishes `waiting`); read by
// deadlock reports and by gofer::dump from any thread, possibly while the
// owner is already parking again, hence an atomic. Relaxed is enough: a
// reader loads parker::state with acquire first, so it sees this park's
// reason or a later one, and every value is a valid string.
class wait_reason_slot {
 public:
  explicit wait_reason_slot(const char* reason) noexcept : reason_(reason) {}
  wait_reason_slot& operator=(const char* reason) noexcept {
    reason_.store(reason, std::memory_order_relaxed);
    return *this;
  }
  const char* get() const noexcept { return reason_.load(std::memory_order_relaxed); }

 private:
  std::atomic<const char*> reason_;
};

// The blocked goroutine itself: one per blocking send, recv or select.
struct parker {
  enum : std::uint32_t { waiting = 0, claimed = 1, completed = 2 };
  // Why a claimer other than a channel peer ended the park.
  enum class interrupt : std::uint8_t { none, shutdown, deadlock };

  std::atomic<std::uint32_t> state{completed};
  waiter* winner = nullptr;  // the case that ran; null when interrupted
  interrupt interrupted = interrupt::none;
  boost::fibers::context* context = nullptr;
  spinlock* switch_lock = nullptr;   // held by the owner until it has switched out
  spinlock park_lock;                // the switch lock of selects and forever-blocks
  runtime* owner_runtime = nullptr;  // null for a thread outside gofer::run
  parker* unwind_next = nullptr;     // shutdown's list of parkers to unwind
  // What the goroutine waits for, for reports (set before begin_park).
  wait_reason_slot wait_reason{""};
  // Set by blocking_as while the goroutine is inside a gofer call that blocks
  // on channels of its own (sync.Mutex.Lock); begin_park reports it instead
  // of wait_reason. Only the owner touches it.
  const char* called_as = nullptr;
  // The worker that spawned it (or, for a context that stays attached to its
  // thread, woke it): where it should run next.
  std::atomic<gofer_algorithm*> handoff_to{nullptr};
  // Set once by the owner before its first park: its context leaves its
  // thread's scheduler while parked (a goroutine of a runtime with more than
  // one worker; not main, whose context is its thread's own and pinned), so
  // that any worker can run it when it is woken. Read by the claimer after a
  // successful try_claim, which orders it after the owner's write.
  bool migrates = false;

  bool unwound() const noexcept { return interrupted != interrupt::none; }

  // The first caller wins; every later one gets false. Go: selectDone CAS.
  bool try_claim() noexcept {
    std::uint32_t expected = waiting;
    return state.compare_exchange_strong(expected, claimed, std::memory_order_acq_rel,
                                         std::memory_order_relaxed);
  }
};

// A FIFO of waiters. Go: runtime/chan.go waitq. Guarded by its channel's lock.
class wait_queue {
 public:
  bool empty() const noexcept { return first_ == nullptr; }

  void push_back(waiter& w) noexcept {
    w.prev = last_;
    w.next = nullptr;
    if (last_ != nullptr) {
      last_->next = &w;
    } else {
      first_ = &w;
    }
    last_ = &w;
    w.queued = true;
  }

  void remove(waiter& w) noexcept {
    if (!w.queued) return;
    (w.prev != nullptr ? w.prev->next : first_) = w.next;
    (w.next != nullptr ? w.next->prev : last_) = w.prev;
    w.prev = w.next = nullptr;
    w.queued = false;
  }

  // Unlinks waiters from the front until one whose parker this call claims;
  // returns it (its parker's winner set), or null when none is left. Waiters
  // whose select another case already won are dropped on the way, as Go's
  // dequeue does.
  waiter* claim_first() noexcept {
    while (waiter* w = first_) {
      remove(*w);
      if (w->owner->try_claim()) {
        w->owner->winner = w;
        return w;
      }
    }
    return nullptr;
  }

 private:
  waiter* first_ = nullptr;
  waiter* last_ = nullptr;
};

// Publishes the claimer's writes and schedules the parked owner. Call with no
// channel lock held, after try_claim() succeeded. `found_under` is the lock
// under which the claimer found the waiter (null for shutdown): if it is the
// owner's switch lock, the owner has already switched out. Never touches `p`
// after scheduling (see the invariants above). The woken goroutine runs next
// on the caller's worker, as Go's goready puts it in runnext.
void wake(parker& p, const spinlock* found_under) noexcept;

// Thrown into a goroutine that is blocked when gofer::run's main returns, so
// that its stack unwinds and its destructors run. Deliberately not derived
// from std::exception: user code must not catch and swallow it.
struct goroutine_exit {};

// The parker of the calling goroutine, or `fallback` when the caller is not a
// goroutine of gofer::run (a plain thread, or a fiber gofer did not start).
parker& current_parker(parker& fallback) noexcept;

enum class park_start {
  enqueue,              // parked: enqueue the waiters, unlock, then suspend()
  unwind,               // the runtime is shutting down: unlock and unwind now
  suspend_then_unwind,  // shutdown claimed us already: unlock all but the
                        // switch lock, suspend(), then unwind
};

// Starts a park of `p`. The caller holds `switch_lock` (and every channel lock
// it is about to enqueue on). Publishes `waiting`; from here on `p` can be
// claimed by whoever finds it.
park_start begin_park(parker& p, spinlock& switch_lock) noexcept;

// Switches away, releasing the switch lock after the switch; returns once a
// claimer has woken `p`.
void suspend(parker& p, spinlock_lock& switch_lock) noexcept;

// For park_start::unwind and ::suspend_then_unwind: releases or suspends on
// the switch lock as the start requires, then throws goroutine_exit.
[[noreturn]] void unwind_parked(parker& p, park_start start, spinlock_lock& switch_lock);

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

// Parks `p` with no waiters until someone claims it directly: the runtime's
// shutdown or deadlock detection (which make it throw, as
// throw_if_interrupted), or synctest::wait's waker. `reason` is for reports.
void park_until_claimed(parker& p, const char* reason);

// Blocks forever (a nil channel, an empty select): only runtime shutdown or
// deadlock detection can end it, by throwing. `reason` is for reports.
[[noreturn]] void block_forever(const char* reason);

// After a park ended: throws if it was interrupted (goroutine_exit for
// shutdown, gofer::deadlock for main in a deadlock), after the caller has
// unlinked its waiters.
void throw_if_interrupted(const parker& p);

}  // namespace gofer::detail
