// lib/scheduler.hpp - gofer's Boost.Fiber scheduling algorithm (private to
// the library), for one worker thread or several.
//
// One thread: a FIFO of runnable goroutines, like Boost's round_robin, but
// Boost's dispatcher context is held aside instead of queued. Boost makes the
// dispatcher runnable before every switch it performs, so with round_robin
// each goroutine switch goes through the dispatcher (and its clock read);
// here the dispatcher runs only when nothing else is runnable, and at least
// every 61st pick so that wake-ups from other threads, sleepers and finished
// fibers are still handled promptly (Go polls its global queue every 61st
// schedule likewise).
//
// Several threads: every worker of one runtime also shares one FIFO of
// migratable goroutines. A worker with nothing to run parks on its own
// condition variable and costs no CPU; making a goroutine runnable wakes one
// parked worker, if any. Boost's shared_work and work_stealing are not used:
// they keep their queues in statics (one pool per process; work_stealing
// supports a single thread count per process) and, with suspend=true, do not
// wake an idle worker when work arrives (boostorg/fiber #327).
//
// Contexts pinned to their thread (each thread's main context) never enter
// the shared queue; they wait in the worker's local queue.
//
// Lock order: shared_pool::mutex, then a worker's wake_mutex_ (awakened()
// notifies an idle worker while holding the pool lock).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <vector>

#include <boost/fiber/algo/algorithm.hpp>
#include <boost/fiber/context.hpp>
#include <boost/fiber/scheduler.hpp>

namespace gofer::detail {

class gofer_algorithm;

// The state all workers of one multi-thread runtime share.
struct shared_pool {
  std::mutex mutex;                              // guards the two members below
  std::deque<boost::fibers::context*> runnable;  // FIFO of migratable goroutines
  std::vector<gofer_algorithm*> idle;            // parked workers, most recent last
};

class gofer_algorithm final : public boost::fibers::algo::algorithm {
 public:
  // A null pool means a single-thread runtime.
  explicit gofer_algorithm(std::shared_ptr<shared_pool> pool) noexcept : pool_(std::move(pool)) {}
  ~gofer_algorithm() override;

  void awakened(boost::fibers::context* context) noexcept override;
  boost::fibers::context* pick_next() noexcept override;
  bool has_ready_fibers() const noexcept override;
  void suspend_until(const std::chrono::steady_clock::time_point& deadline) noexcept override;
  void notify() noexcept override;

 private:
  boost::fibers::context* take_dispatcher() noexcept;
  boost::fibers::context* pick_shared() noexcept;

  const std::shared_ptr<shared_pool> pool_;
  // Touched only by this worker's thread: the contexts that stay on it (all
  // of them for a single thread), the dispatcher when it is runnable, and a
  // count of picks.
  boost::fibers::scheduler::ready_queue_type local_;
  boost::fibers::context* dispatcher_ = nullptr;
  std::uint32_t picks_ = 0;

  std::mutex wake_mutex_;  // guards woken_
  std::condition_variable wake_;
  bool woken_ = false;
};

}  // namespace gofer::detail
