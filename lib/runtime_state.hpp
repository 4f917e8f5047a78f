// lib/runtime_state.hpp - the state of one gofer::run (private to the library).
//
// Invariants:
//   - Every goroutine parked on a gofer channel operation, a select or a nil
//     channel is in `parked_` from before it can be claimed until after it
//     resumed (begin_park .. suspend in waiter.hpp).
//   - Once shutting_down_ is set (under registry_lock_), no parker is
//     registered again: begin_park fails and the goroutine unwinds. So after
//     begin_shutdown() has claimed every registered parker, each blocked
//     goroutine either was woken by a peer first or is being unwound, and
//     every goroutine that blocks later unwinds at once.
//   - live_goroutines_ counts goroutines started by go() and not yet returned.
// Lock order: channel locks -> park_lock -> registry_lock_ (waiter.hpp).
#pragma once

#include <atomic>
#include <cstddef>
#include <memory>
#include <thread>
#include <vector>

#include <boost/fiber/condition_variable.hpp>
#include <boost/fiber/fixedsize_stack.hpp>
#include <boost/fiber/mutex.hpp>

#include "gofer/detail/waiter.hpp"
#include "gofer/runtime.hpp"
#include "scheduler.hpp"

namespace gofer::detail {

class runtime {
 public:
  explicit runtime(const run_options& options);
  runtime(const runtime&) = delete;
  runtime& operator=(const runtime&) = delete;

  const run_options& options() const noexcept { return options_; }
  boost::fibers::fixedsize_stack stack_allocator() const noexcept { return stack_allocator_; }

  // Returns false once shutdown has begun (the caller unwinds instead).
  bool register_parker(parker& p) noexcept;
  void unregister_parker(parker& p) noexcept;
  bool shutting_down() const noexcept { return shutting_down_flag_.load(std::memory_order_acquire); }

  void goroutine_started() noexcept { live_goroutines_.fetch_add(1, std::memory_order_relaxed); }
  void goroutine_finished() noexcept;

  // Starts the extra worker threads (threads > 1) and installs the scheduler
  // on the calling thread.
  void start();
  // After main returned: unwinds blocked goroutines, waits for every
  // goroutine to end, stops the workers.
  void shutdown();

 private:
  void worker_main();
  void begin_shutdown() noexcept;

  const run_options options_;
  const boost::fibers::fixedsize_stack stack_allocator_;

  spinlock registry_lock_;       // guards parked_ and shutting_down_
  parker* parked_ = nullptr;     // intrusive list through registry_prev/next
  bool shutting_down_ = false;
  std::atomic<bool> shutting_down_flag_{false};  // the same, for lock-free reads

  std::atomic<std::size_t> live_goroutines_{0};
  boost::fibers::mutex exit_mutex_;  // with exit_cv_: main waits for live_goroutines_ == 0
  boost::fibers::condition_variable exit_cv_;

  std::shared_ptr<shared_pool> pool_;  // threads > 1 only
  std::vector<std::thread> workers_;
  boost::fibers::mutex stop_mutex_;  // guards stop_workers_
  boost::fibers::condition_variable stop_cv_;
  bool stop_workers_ = false;
};

}  // namespace gofer::detail
