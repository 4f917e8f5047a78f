// lib/scheduler.hpp - the Boost.Fiber scheduling algorithm gofer uses for
// run_options::threads > 1 (private to the library).
//
// Every worker thread of one runtime shares one FIFO of runnable goroutines.
// A worker with nothing to run parks on its own condition variable and costs
// no CPU; making a goroutine runnable wakes one parked worker, if any.
// Boost's shared_work and work_stealing are not used because they keep their
// queues in statics (one pool per process, and work_stealing supports only
// one thread count per process) and, with suspend=true, do not wake idle
// workers when work arrives (boostorg/fiber #327).
//
// Contexts pinned to their thread (each thread's main context and Boost's
// dispatcher) never enter the shared queue; they wait in the worker's local
// queue.
//
// Lock order: shared_pool::mutex_, then a worker's wake_mutex_ (never the
// other way round: notify() is called after the pool lock is released).
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

class shared_queue_algorithm;

// The state all workers of one runtime share.
struct shared_pool {
  std::mutex mutex;                                 // guards the two members below
  std::deque<boost::fibers::context*> runnable;     // FIFO of migratable goroutines
  std::vector<shared_queue_algorithm*> idle;        // parked workers, most recent last
};

class shared_queue_algorithm final : public boost::fibers::algo::algorithm {
 public:
  explicit shared_queue_algorithm(std::shared_ptr<shared_pool> pool) noexcept
      : pool_(std::move(pool)) {}

  void awakened(boost::fibers::context* context) noexcept override;
  boost::fibers::context* pick_next() noexcept override;
  bool has_ready_fibers() const noexcept override;
  void suspend_until(const std::chrono::steady_clock::time_point& deadline) noexcept override;
  void notify() noexcept override;

 private:
  boost::fibers::context* pick_local() noexcept;

  std::shared_ptr<shared_pool> pool_;
  // Pinned contexts; touched only by this worker's thread.
  boost::fibers::scheduler::ready_queue_type local_;
  // Counts picks, so pinned contexts run at least every 61st pick even while
  // the shared queue never drains (Go checks its global queue likewise).
  std::uint32_t picks_ = 0;

  std::mutex wake_mutex_;  // guards woken_
  std::condition_variable wake_;
  bool woken_ = false;
};

}  // namespace gofer::detail
