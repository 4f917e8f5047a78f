// lib/park.hpp - how a goroutine parks and is woken (private to the library).
// The claim and the queues are in gofer/detail/waiter.hpp.
//
// The owner must not be made runnable before it has actually switched out,
// or two threads would run the same fiber. Boost.Fiber's answer is
// unlock-after-switch: context::suspend(lock) switches to the next fiber and
// releases a Boost spinlock on the other side of the switch. It releases no
// other lock type, and channel locks are gofer's own (they are in the public
// headers, which include no Boost header), so each parker keeps one Boost
// spinlock for this alone, its `switched_out` latch:
//   - begin_park raises it (stores "locked") before it publishes `waiting`;
//   - suspend() hands it to Boost, which lowers it (unlock, release) after
//     the switch, once the owner is off its stack;
//   - wake() waits until it is lowered (acquire) before it makes the owner
//     runnable.
// Only the owner raises it and only Boost lowers it: nobody contends for it
// as a lock, and the claimer only reads it, so gofer uses it as a flag
// (switch_latch, below) and a park costs no atomic read-modify-write beyond
// the claim. The claimer cannot read a lowering from an earlier park: the
// owner raised the latch before it stored `waiting`, and the claim's CAS
// read that `waiting` (acquire), so the claimer sees the raise or a later
// value - and the next raise comes only when the owner runs again, after
// this wake(). The owner releases its channel locks itself before it switches;
// a claimer may find its waiter, claim it and move the value in between,
// and then waits in wake(). At most one thread waits on a latch (the one
// claimer of the park), and what it waits for, the owner's switch, takes
// only scheduler locks, which no claimer holds in wake().
//
// Lock order: channel locks (ascending address) -> the runtime's
// goroutines_lock_ -> scheduler locks. The latch is not a lock anyone waits
// to take: wake() waits for it with no channel or scheduler lock held.
#pragma once

#include <atomic>
#include <cstdint>
#include <type_traits>

#include <boost/fiber/context.hpp>
#include <boost/fiber/detail/spinlock.hpp>
#include <boost/fiber/detail/spinlock_status.hpp>

#include "gofer/detail/waiter.hpp"

namespace gofer::detail {

class runtime;
class gofer_algorithm;

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

// A Boost spinlock used as the flag "the owner has not switched out yet"
// (see the top). gofer never locks it: the owner raises it with a plain
// store, Boost lowers it with unlock() after the switch, and a claimer reads
// it. That is Boost.Fiber's default spinlock, spinlock_ttas: a
// standard-layout class whose one member is its std::atomic state word, so a
// pointer to it is a pointer to that word (they are pointer-interconvertible).
class switch_latch {
 public:
  using boost_spinlock = boost::fibers::detail::spinlock;

  // By the owner, before it publishes `waiting`.
  void raise() noexcept { word().store(status::locked, std::memory_order_relaxed); }
  // By the claimer, after its claim; acquire pairs with Boost's unlock.
  bool raised() noexcept { return word().load(std::memory_order_acquire) == status::locked; }
  // What suspend() hands to Boost (std::adopt_lock: it is raised, "locked").
  boost_spinlock& boost_lock() noexcept { return lock_; }

 private:
  using status = boost::fibers::detail::spinlock_status;
  static_assert(std::is_same_v<boost_spinlock, boost::fibers::detail::spinlock_ttas>,
                "gofer reads the latch's state word: it needs Boost.Fiber built with its "
                "default spinlock (spinlock_ttas)");
  static_assert(std::is_standard_layout_v<boost_spinlock> &&
                    sizeof(boost_spinlock) == sizeof(std::atomic<status>),
                "spinlock_ttas is no longer one atomic state word");

  std::atomic<status>& word() noexcept { return *reinterpret_cast<std::atomic<status>*>(&lock_); }

  boost_spinlock lock_;
};

// The blocked goroutine itself: one per goroutine (in its record), or one on
// the stack of a blocking call from a thread that is not a goroutine.
struct parker_impl final : parker {
  // Why a claimer other than a channel peer ended the park.
  enum class interrupt : std::uint8_t { none, shutdown, deadlock };

  parker_impl() = default;
  parker_impl(const parker_impl&) = delete;
  parker_impl& operator=(const parker_impl&) = delete;

  // Every parker is a parker_impl.
  static parker_impl& of(parker& p) noexcept { return static_cast<parker_impl&>(p); }

  interrupt interrupted = interrupt::none;
  boost::fibers::context* context = nullptr;
  // Raised from begin_park until Boost lowers it after the switch out.
  switch_latch switched_out;
  runtime* owner_runtime = nullptr;    // null for a thread outside gofer::run
  parker_impl* unwind_next = nullptr;  // shutdown's list of parkers to unwind
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
};

// The parker of the calling goroutine, or `fallback` when the caller is not a
// goroutine of gofer::run (a plain thread, or a fiber gofer did not start).
parker_impl& current_parker(parker_impl& fallback) noexcept;

enum class park_start {
  enqueue,              // parked: enqueue the waiters, unlock, then suspend()
  unwind,               // the runtime is shutting down: unlock and unwind now
  suspend_then_unwind,  // shutdown claimed us already: unlock, suspend(),
                        // then unwind
};

// Starts a park of `p`. The caller holds every channel lock it is about to
// enqueue on. Raises the latch and publishes `waiting`; from here on `p` can
// be claimed by whoever finds it.
park_start begin_park(parker_impl& p) noexcept;

// Switches away; Boost lowers the latch after the switch. Returns once a
// claimer has woken `p`. Call with no channel lock held.
void suspend(parker_impl& p) noexcept;

// For park_start::unwind and ::suspend_then_unwind, with no channel lock
// held: suspends if the start requires it, then throws goroutine_exit.
[[noreturn]] void unwind_parked(parker_impl& p, park_start start);

// Parks `p` with no waiters until someone claims it directly: the runtime's
// shutdown or deadlock detection (which make it throw, as
// throw_if_interrupted), or synctest::wait's waker. `reason` is for reports.
void park_until_claimed(parker_impl& p, const char* reason);

// Wakes every waiter of the list first..last (linked by `next`, each one's
// parker claimed by the caller), as wake() each, but puts the goroutines on
// the caller's worker in batches, waking idle workers to share them (Go:
// closechan's goready of its list). Call with no channel lock held.
void wake_all(waiter* first, waiter* last) noexcept;

// After a park ended: throws if it was interrupted (goroutine_exit for
// shutdown, gofer::deadlock for main in a deadlock), after the caller has
// unlinked its waiters.
void throw_if_interrupted(const parker_impl& p);

}  // namespace gofer::detail
