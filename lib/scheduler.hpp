// lib/scheduler.hpp - gofer's Boost.Fiber scheduling algorithm: one instance
// per worker thread of a runtime (private to the library).
//
// Go's scheduler, in the small:
//   - Each worker has a `runnext` slot and a FIFO queue of at most 256; the
//     older half of a full queue moves to the pool's global queue. A goroutine woken by
//     a channel operation, or just spawned, goes into the *waker's* runnext
//     (Go: runqput(next=true)), so a ping-pong stays on one thread and pays no
//     cross-thread wake; whatever it displaces goes to the queue's tail.
//   - A worker with nothing to run spins briefly, stealing half of another
//     worker's queue, and a runnext that stayed put through its whole spin
//     (its worker is busy: Go's stealRunNextG), then parks on a condition
//     variable and uses no CPU. Making a goroutine runnable wakes one parked
//     worker, unless one is already spinning (Go: wakep in ready/newproc).
//   - Boost's dispatcher context is held aside rather than queued (Boost makes
//     it runnable before every switch, so a plain queue would route each
//     switch through it). It runs when its worker has nothing else to do and
//     on every 61st pick unless the thread's main context is waiting then
//     (Go polls its global queue as often), to take in wake-ups from other
//     threads, fire due timers and free finished fibers.
//   - When a worker would park and every other worker is parked too, every
//     goroutine is blocked: the runtime's hooks then advance a virtual clock
//     or report a deadlock.
//
// Boost.Fiber lets only a context's own thread detach it from its scheduler,
// so runnable contexts are always kept detached (awakened() detaches on the
// thread that made them runnable; pick_next() attaches on the thread that
// runs them), and a goroutine woken from another thread arrives through its
// old thread's remote queue, whose awakened() forwards it to the waker.
//
// Lock order: scheduler_pool::mutex -> a worker's lock_ ->
// scheduler_pool::global_lock_ -> a worker's wake_mutex_. Contexts are never resumed with any of
// them held.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <vector>

#include <boost/fiber/algo/algorithm.hpp>
#include <boost/fiber/context.hpp>
#include <boost/fiber/scheduler.hpp>
#include <boost/intrusive_ptr.hpp>

#include "gofer/detail/assert.hpp"
#include "gofer/detail/spinlock.hpp"
#include "ranked_mutex.hpp"

namespace gofer::detail {

class gofer_algorithm;
class goroutine;  // lib/runtime_state.hpp

// A goroutine go() made has no fiber until it first runs (Go allocates a G's
// stack in newproc; here a stack is a 4 KiB page touched at least, so a
// program that makes goroutines faster than they start - Skynet's tree -
// would hold a page for each one waiting). Until then the run queues hold
// its record in a context's place, tagged by the low bit (records are
// aligned), and the worker that takes it from a queue makes the fiber
// there, on its own thread (attach, start_fiber in lib/spawn.cpp). Only
// attach() looks behind an entry; everything else moves entries around or
// compares them (runnext_), which the tag does not disturb.
inline boost::fibers::context* unstarted_entry(goroutine* g) noexcept {
  const auto bits = reinterpret_cast<std::uintptr_t>(g);
  GOFER_ASSERT((bits & 1u) == 0);
  return reinterpret_cast<boost::fibers::context*>(bits | 1u);
}
inline goroutine* unstarted_of(boost::fibers::context* entry) noexcept {
  const auto bits = reinterpret_cast<std::uintptr_t>(entry);
  return (bits & 1u) != 0 ? reinterpret_cast<goroutine*>(bits & ~std::uintptr_t{1}) : nullptr;
}
// lib/spawn.cpp: the fiber of `g`, an unstarted entry just taken from a run
// queue, with the reference the scheduler keeps until it ends; not yet
// attached. Ends the program (Go: "fatal error: out of memory") if no stack
// can be had.
boost::fibers::context* start_fiber(goroutine& g) noexcept;

// go() yields once more goroutines than this wait to run on its worker (four
// local queues' worth, about 4 MiB of stack pages), if its caller has started
// at least spawn_run_limit of them since it last switched in: a loop that
// only spawns, not a goroutine that starts a few and blocks (lib/spawn.cpp).
inline constexpr std::size_t spawn_backlog_limit = 1024;
inline constexpr std::uint32_t spawn_run_limit = 64;

// While one is alive on a thread, go() on that thread does not yield. The
// timer service delivers a batch of firings with no lock held, and a
// goroutine that wants one of them spins until it has landed; starting a
// timer's function (go) in the middle of the batch must not switch away
// from it, or on one thread the spinner would wait for a firing that cannot
// go on.
class spawn_without_yield {
 public:
  spawn_without_yield() noexcept { ++depth; }
  ~spawn_without_yield() { --depth; }
  spawn_without_yield(const spawn_without_yield&) = delete;
  spawn_without_yield& operator=(const spawn_without_yield&) = delete;
  static bool allowed() noexcept { return depth == 0; }

 private:
  static thread_local int depth;
};

// What the scheduler asks of the runtime when workers run out of work.
class scheduler_hooks {
 public:
  using time_point = std::chrono::steady_clock::time_point;
  // From a dispatcher, holding no lock: fire what is due and take in I/O
  // completions; returns the real time at which the next timer is due
  // (time_point::max() if none, or on a virtual clock). `drain_io`: every
  // completion that is ready, for a worker that has goroutines queued or
  // idle workers beside it to share a burst with; else at most one, for a
  // lone worker that will run the goroutine it readies next
  // (io_service::poll).
  virtual time_point poll_timers(bool drain_io) noexcept = 0;
  // Every worker is parked and nothing is runnable: every goroutine is
  // blocked. Returns true if that changed (virtual time advanced and fired
  // timers, or a deadlock was reported to main).
  virtual bool all_asleep() noexcept = 0;
  // The last awake worker is about to park (no lock held): nothing runs
  // anywhere, a moment to give memory back.
  virtual void all_idle() noexcept = 0;
  // True while some goroutine waits on an I/O operation of the runtime's
  // poller (lib/io_service.hpp): nothing is asleep then, and the virtual
  // clock stands still.
  virtual bool io_pending() noexcept = 0;
  // True while the poller must be waited in: I/O pending, or something
  // registered that the outside world may trigger (a signal relay), which
  // keeps a deadlock from being reported but lets the virtual clock move.
  virtual bool io_needs_poller() noexcept = 0;
  // Blocks the calling worker in the poller until an I/O completion ran,
  // interrupt_io(), or `deadline`. Returns false at once if another thread
  // is running the poller. No lock held.
  virtual bool wait_io(time_point deadline) noexcept = 0;
  // Makes a wait_io in progress return (called with the pool's mutex held).
  virtual void interrupt_io() noexcept = 0;

 protected:
  ~scheduler_hooks() = default;
};

// What the workers of one runtime share.
class scheduler_pool {
 public:
  scheduler_pool(std::size_t workers, scheduler_hooks& hooks);

  // Called by each worker's thread as its algorithm is installed.
  void add_worker(gofer_algorithm& worker);
  // After every worker thread has ended: drops the references add_worker took.
  void release_workers() noexcept;

  std::size_t size() const noexcept { return size_; }
  // From a thread that is not one of this pool's workers: makes a detached
  // goroutine runnable through the global queue and wakes a worker for it.
  void inject(boost::fibers::context* context) noexcept;
  scheduler_hooks& hooks() const noexcept { return hooks_; }

 private:
  friend class gofer_algorithm;

  const std::size_t size_;
  scheduler_hooks& hooks_;
  // Workers in the order they started; each kept alive (Boost's intrusive
  // count) until release_workers, so a thief may look at any of them.
  std::vector<std::atomic<gofer_algorithm*>> workers_;
  std::atomic<std::size_t> started_{0};

  ranked_mutex mutex{lock_rank::pool};  // guards idle_ and timed_idle_
  std::vector<gofer_algorithm*> idle_;  // parked workers
  // Parked workers that wait for a deadline of Boost's own (a fiber in
  // boost::this_fiber::sleep_for): while any does, not all is asleep.
  std::size_t timed_idle_ = 0;
  std::atomic<std::size_t> idle_count_{0};
  std::atomic<std::size_t> spinning_{0};
  // The parked worker that waits in the I/O poller instead of on its
  // condition variable, if any (at most one: Go's netpoll has one blocked
  // poller too). Guarded by mutex; notify_locked interrupts its wait.
  gofer_algorithm* poller_ = nullptr;

  // Go's global run queue. A worker whose queue grows past
  // local_queue_limit moves the older half here (Go: runqputslow), and
  // takes from here when its own queue is empty and on every 61st pick
  // (Go: globrunqget). So a goroutine that spawns many keeps running the
  // newest ones, nearly depth first, instead of walking a tree of
  // goroutines breadth first with all of a level alive at once.
  // Lock order: a worker's lock_ -> global_lock_.
  spinlock global_lock_{lock_rank::global_queue};  // guards global_
  std::deque<boost::fibers::context*> global_;     // detached when size_ > 1
  std::atomic<std::size_t> global_count_{0};       // global_.size(), read without the lock
};

class gofer_algorithm final : public boost::fibers::algo::algorithm {
  friend class scheduler_pool;  // inject() wakes a parked worker

 public:
  explicit gofer_algorithm(std::shared_ptr<scheduler_pool> pool);
  ~gofer_algorithm() override;

  // The worker of the calling thread; null if it runs no gofer runtime.
  static gofer_algorithm* current() noexcept;

  // Before Boost switches contexts on its own (thread exit, or replacing this
  // algorithm): stop announcing switches to ThreadSanitizer, since from here
  // on pick_next's choice may not be the next context to run.
  void retire() noexcept { announce_switches_ = false; }

  // Makes `context` runnable from this worker's thread (what
  // context::active()->schedule does, without Boost's thread-local lookup).
  void schedule(boost::fibers::context* context) noexcept;
  // From this worker's thread: makes a goroutine go() just made, with no
  // fiber yet, runnable in this worker's runnext (Go: newproc's runqput).
  void spawn(goroutine& g) noexcept;

  // From this worker's thread: makes runnable in this worker's runnext a
  // goroutine woken here that was parked detached (it belongs to no thread;
  // see suspend in lib/runtime.cpp). Go: goready.
  void ready(boost::fibers::context* context) noexcept;
  // The same for many at once (closing a channel, cancelling a context):
  // they join this worker's queue in order, in one step, and as many idle
  // workers as there are goroutines are woken to share them. Go: goready
  // of each of closechan's list; injectglist.
  void ready_all(boost::fibers::context* const* contexts, std::size_t count) noexcept;
  scheduler_pool& pool() const noexcept { return *pool_; }
  // How many goroutines wait to run in this worker's queue (runnext aside)
  // and the global queue: the mirrors, which publish() keeps with one
  // worker too. From this worker's thread; a snapshot when it is shared.
  std::size_t backlog() const noexcept {
    return queued_mirror_.load(std::memory_order_relaxed) +
           pool_->global_count_.load(std::memory_order_relaxed);
  }
  // How many times this worker has picked a goroutine to run (wrapping):
  // unchanged between two calls from one goroutine if it did not switch out
  // in between. From this worker's thread.
  std::uint32_t picks() const noexcept { return picks_; }

  void awakened(boost::fibers::context* context) noexcept override;
  boost::fibers::context* pick_next() noexcept override;
  bool has_ready_fibers() const noexcept override;
  void suspend_until(const std::chrono::steady_clock::time_point& deadline) noexcept override;
  void notify() noexcept override;

 private:
  bool shared() const noexcept { return pool_->size() > 1; }
  // Puts a detached context in runnext (handoff) or at the queue's tail;
  // returns true if it put something in the queue (a displaced runnext, or
  // the context itself), false if only runnext changed (by an exchange,
  // which ordered it before any later load when shared).
  bool push(boost::fibers::context* context, bool as_next) noexcept;
  // Takes what is in runnext, if anything.
  boost::fibers::context* take_runnext() noexcept;
  void make_runnable(boost::fibers::context* context, bool as_next) noexcept;
  boost::fibers::context* choose_next() noexcept;
  // runnext, then the queue's front; or the front first.
  boost::fibers::context* pop_own(bool runnext_first = true) noexcept;
  // Takes from the global queue: one goroutine, or with `batch` a fair share
  // (moving all but the first into this worker's queue).
  boost::fibers::context* pop_global(bool batch) noexcept;
  void overflow_locked() noexcept;  // with lock_ held (when shared)
  boost::fibers::context* pop_pinned() noexcept;
  // Steals half of another worker's queue; with `runnext_too`, also a
  // runnext that has waited there (Go: runqsteal with stealRunNextG).
  boost::fibers::context* steal(bool runnext_too) noexcept;
  boost::fibers::context* peek_runnext() noexcept;
  bool runnext_elsewhere() noexcept;
  bool has_own_work() noexcept;
  bool drain_io() noexcept;  // see poll_timers
  bool any_work_anywhere() noexcept;
  boost::fibers::context* attach(boost::fibers::context* context) noexcept;
  // `ordered`: the work was published by a locked instruction (push's
  // runnext exchange), so no fence is needed before looking.
  void wake_an_idle_worker(bool ordered = false) noexcept;
  void wake_idle_workers(std::size_t wanted) noexcept;
  void notify_locked() noexcept;  // with pool_->mutex held
  bool spin_for_work() noexcept;
  // Returns `context`, telling ThreadSanitizer (in TSan builds) that the
  // thread is about to switch to it: Boost resumes what pick_next returns.
  boost::fibers::context* switching_to(boost::fibers::context* context) noexcept;

  const std::shared_ptr<scheduler_pool> pool_;

  spinlock lock_{lock_rank::worker_queue};  // guards queue_: the owner pops, thieves steal
  std::deque<boost::fibers::context*> queue_;
  // Go's runnext, with no lock: the owner (and a waker forwarding to this
  // worker, awakened()) exchanges a goroutine in and out, a thief takes one
  // with a compare-exchange. With one worker only its thread touches it,
  // with plain loads and stores. The exchange that publishes a goroutine is
  // a locked instruction, so it is also the barrier wake_an_idle_worker
  // needs before it looks for idle workers (Dekker with suspend_until), as
  // the CAS on runnext is in Go's runqput. On its own cache line: it
  // changes twice per hop of a chain of goroutines.
  alignas(64) std::atomic<boost::fibers::context*> runnext_{nullptr};
  // queue_.size(), written under lock_ and read without it by spinning
  // workers, so that looking for work does not bounce this worker's lock
  // between cores. On its own cache line, and stored only when it changes:
  // a spinning worker reads it in a loop.
  alignas(64) std::atomic<std::size_t> queued_mirror_{0};
  void publish() noexcept {  // with lock_ held (or by the only worker)
    if (queued_mirror_.load(std::memory_order_relaxed) != queue_.size()) {
      queued_mirror_.store(queue_.size(), std::memory_order_relaxed);
    }
  }

  // Touched only by this worker's thread.
 public:
  static constexpr std::size_t take_limit = 128;  // half a local queue

 private:
  // What pop_global and steal take, before it is queued: here rather than on
  // the stack, since they run on the stack of the goroutine that is parking
  // or ending, and 1 KiB there would cost it a second resident page.
  alignas(64) std::array<boost::fibers::context*, take_limit> taken_{};
  boost::fibers::scheduler::ready_queue_type pinned_;  // main contexts
  boost::fibers::context* dispatcher_ = nullptr;       // set while it is runnable
  boost::fibers::context* home_ = nullptr;             // this thread's dispatcher, once known
  std::uint32_t picks_ = 0;
  // Set when spinning saw another worker's runnext wait through the whole
  // spin: the dispatcher's next pick may take it.
  bool steal_runnext_ = false;
  std::vector<boost::fibers::context*> seen_runnext_;  // one per worker, while spinning
  bool announce_switches_ = true;
  void* main_tsan_fiber_ = nullptr;        // this thread's own (TSan builds)
  void* dispatcher_tsan_fiber_ = nullptr;  // created when first needed

  // A notify's mark, and the futex word a parked worker sleeps on
  // (lib/futex.hpp): not_woken, woken (notify_locked sets it under
  // wake_mutex_), or sleeping (the parked worker's own claim, made without
  // the mutex, so that a notify knows a futex wake is needed). Only the
  // worker itself clears it, under wake_mutex_.
  enum : std::uint32_t { not_woken = 0, woken = 1, sleeping = 2 };
  // Guards woken_, but for the worker's own claim of `sleeping` and its
  // taking that claim back.
  ranked_mutex wake_mutex_{lock_rank::wake};
  std::atomic<std::uint32_t> woken_{not_woken};
};

}  // namespace gofer::detail
