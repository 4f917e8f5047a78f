// lib/runtime_state.hpp - the state of one gofer::run (private to the library).
//
// Invariants:
//   - Every goroutine started by go() has a `goroutine` record in
//     goroutines_ from go() until its last step; its parker lives as long.
//   - Once shutting_down_ is set, a goroutine that starts a park unwinds
//     instead (begin_park). shutdown() sets it, then claims the parker of
//     every goroutine in goroutines_ that is waiting: together (both sides
//     use sequentially consistent operations) no goroutine can park and be
//     missed.
//   - live_goroutines_ counts the records in goroutines_.
// Lock order: channel locks -> goroutines_lock_ (park.hpp);
// the timer service's lock comes before channel locks (timer_service.hpp).
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <boost/fiber/condition_variable.hpp>
#include <boost/fiber/mutex.hpp>
#include <boost/fiber/properties.hpp>

#include "gofer/runtime.hpp"
#include "park.hpp"
#include "scheduler.hpp"
#include "stack_pool.hpp"
#include "timer_service.hpp"

namespace gofer::detail {

// What gofer knows of one goroutine, attached to its fiber as Boost.Fiber
// properties so that the running goroutine finds it in O(1).
class goroutine final : public boost::fibers::fiber_properties {
 public:
  // `tsan_fiber`: under ThreadSanitizer, the TSan fiber of this goroutine's
  // context (main's is its thread's own); null means "take a pooled one".
  goroutine(runtime* rt, std::uint64_t id, std::string name, void* tsan_fiber = nullptr);
  ~goroutine() override;
  // Records are recycled through per-thread caches (lib/goroutine.cpp), as
  // Go keeps dead Gs for reuse: Boost.Fiber deletes a goroutine's record on
  // the thread its fiber ended on, often not the one that started it, and
  // malloc's free of another thread's block takes that arena's lock.
  static void* operator new(std::size_t size);
  static void operator delete(void* block) noexcept;
  parker_impl parker;          // reused by every block of this goroutine
  void* tsan_fiber = nullptr;  // null again once given back (TSan builds)
  const std::uint64_t id;      // 1 for main, then in order of go()
  const std::string name;
  const bool owns_tsan_fiber;
  bool finished = false;  // its last step is done (goroutine_finished)
  // Made by go() and not yet run: its function, which the fiber made when a
  // worker first picks it takes over (lib/spawn.cpp start_fiber). Null once
  // it has a fiber, and for one started with a fiber at once. Atomic only
  // for dump(), which reads it from any thread to say "runnable".
  std::atomic<goroutine_body*> unstarted_body{nullptr};
  goroutine* prev = nullptr;  // links in runtime::goroutines_, under its lock
  goroutine* next = nullptr;
};

// The record of `context`'s goroutine, or null if gofer did not start it.
goroutine* goroutine_of(boost::fibers::context* context) noexcept;
// The record of the running goroutine (main included), or null.
goroutine* running_goroutine() noexcept;
// TSan builds: `g` has ended and switched away for the last time; its TSan
// fiber goes back for reuse (lib/runtime.cpp), if it has not already.
void give_back_tsan_fiber(goroutine& g) noexcept;

// spawn's steps (lib/spawn.cpp). A new goroutine's record (its parker, its
// place in the runtime's list), to hand to the fiber as its properties;
// Boost.Fiber deletes it with the fiber.
goroutine* goroutine_started(runtime& rt, std::string name);
// The fiber could not be created: undo goroutine_started.
void goroutine_not_started(goroutine* record) noexcept;
// Called by the goroutine itself as its last step.
void goroutine_finished() noexcept;

// Installs (once per process) the terminate handler that ends a program on
// an uncaught exception as Go ends one on a panic (lib/panic.cpp).
void install_terminate_handler();

class io_service;  // lib/io_service.hpp

class runtime final : public scheduler_hooks {
 public:
  explicit runtime(const run_options& options);
  ~runtime();
  runtime(const runtime&) = delete;
  runtime& operator=(const runtime&) = delete;

  pooled_stack_allocator stack_allocator() const noexcept {
    return pooled_stack_allocator(*stacks_);
  }
  const std::shared_ptr<timer_service>& timers() const noexcept { return timers_; }
  io_service& io() const noexcept { return *io_; }
  bool shutting_down() const noexcept { return shutting_down_.load(std::memory_order_seq_cst); }
  std::uint64_t next_goroutine_id() noexcept { return next_id_.fetch_add(1); }
  std::size_t workers() const noexcept { return options_.threads; }
  // Valid from start() until the runtime is destroyed.
  scheduler_pool& scheduler() const noexcept { return *pool_; }

  void add(goroutine& g) noexcept;
  void remove(goroutine& g) noexcept;

  // Starts the extra worker threads and installs gofer's scheduler on the
  // calling thread, whose context becomes main's (`main_record`).
  void start(goroutine& main_record);
  // After main returned: unwinds blocked goroutines, waits for every
  // goroutine to end, stops the workers.
  void shutdown();
  // What main's blocking call throws when a deadlock was detected.
  const std::string& deadlock_report() const noexcept { return deadlock_report_; }
  // synctest::wait: parks the calling goroutine `p` until all others are
  // blocked (all_asleep wakes it first, before any clock advance).
  void wait_until_others_blocked(parker_impl& p);

  // One "goroutine N [reason]:" line per goroutine, in order of id (lib/dump.cpp).
  // A goroutine parked in gofer shows what it waits for. One that is not:
  // for a deadlock report, where every goroutine is asleep, it is "blocked
  // outside gofer"; for gofer::dump it is "running" (executing, queued to
  // run, or blocked in something gofer does not own: gofer cannot tell
  // these apart), or "runnable" if woken but not yet resumed.
  enum class report_kind { deadlock, dump };
  std::string describe_goroutines(report_kind kind);

  // scheduler_hooks
  time_point poll_timers(bool drain_io) noexcept override;
  bool all_asleep() noexcept override;
  void all_idle() noexcept override { stacks_->scavenge(stack_pool::keep::recent_demand); }
  bool io_pending() noexcept override;
  bool io_needs_poller() noexcept override;
  bool wait_io(time_point deadline) noexcept override;
  void interrupt_io() noexcept override;

 private:
  void worker_main();
  void unwind_parked_goroutines() noexcept;
  std::string describe_blocked_goroutines();

  const run_options options_;
  const std::shared_ptr<stack_pool> stacks_;
  const std::shared_ptr<timer_service> timers_;
  const std::unique_ptr<io_service> io_;
  std::shared_ptr<scheduler_pool> pool_;
  std::atomic<bool> shutting_down_{false};
  std::atomic<std::uint64_t> next_id_{2};  // 1 is main

  spinlock goroutines_lock_{lock_rank::goroutines};  // guards goroutines_ and the records' links
  goroutine* goroutines_ = nullptr;
  goroutine* main_ = nullptr;  // not in goroutines_: it is never unwound
  std::atomic<std::size_t> live_goroutines_{0};
  // With exit_cv_: main waits for live_goroutines_ == 0.
  boost::fibers::mutex exit_mutex_;
  boost::fibers::condition_variable exit_cv_;
  std::string deadlock_report_;  // written before main is woken with it
  // The goroutine in synctest::wait, if any. Set by that goroutine before it
  // parks and cleared by it after it resumes; all_asleep only claims it.
  std::atomic<parker_impl*> synctest_waiter_{nullptr};
  // When to look again for threads outside gofer that may send, while one
  // postponed a deadlock report (foreign_threads.hpp); max() if none did.
  static constexpr std::chrono::milliseconds foreign_recheck_interval{50};
  std::atomic<time_point> foreign_recheck_{time_point::max()};
  // foreign_recheck_, or max() once it has passed (clearing it).
  time_point foreign_recheck() noexcept;

  std::vector<std::thread> workers_;
  boost::fibers::mutex stop_mutex_;  // with stop_cv_: workers wait for stop_workers_
  boost::fibers::condition_variable stop_cv_;
  std::atomic<bool> stop_workers_{false};
};

}  // namespace gofer::detail
