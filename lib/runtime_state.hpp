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
// Lock order: channel locks -> park_lock -> goroutines_lock_ (waiter.hpp).
#pragma once

#include <atomic>
#include <cstddef>
#include <memory>
#include <thread>
#include <vector>

#include <boost/fiber/condition_variable.hpp>
#include <boost/fiber/fixedsize_stack.hpp>
#include <boost/fiber/mutex.hpp>
#include <boost/fiber/properties.hpp>

#include "gofer/detail/waiter.hpp"
#include "gofer/runtime.hpp"
#include "scheduler.hpp"

namespace gofer::detail {

// What gofer knows of one goroutine, attached to its fiber as Boost.Fiber
// properties so that the running goroutine finds it in O(1).
class goroutine final : public boost::fibers::fiber_properties {
 public:
  explicit goroutine(runtime* rt) noexcept : boost::fibers::fiber_properties(nullptr) {
    parker.owner_runtime = rt;
  }
  struct parker parker;       // reused by every block of this goroutine
  goroutine* prev = nullptr;  // links in runtime::goroutines_, under its lock
  goroutine* next = nullptr;
};

// The record of the running goroutine (main included), or null if the
// running fiber is not one gofer started (a plain thread, a dispatcher, a
// user's own Boost fiber).
goroutine* running_goroutine() noexcept;

class runtime {
 public:
  explicit runtime(const run_options& options);
  runtime(const runtime&) = delete;
  runtime& operator=(const runtime&) = delete;

  boost::fibers::fixedsize_stack stack_allocator() const noexcept { return stack_allocator_; }
  bool shutting_down() const noexcept { return shutting_down_.load(std::memory_order_seq_cst); }

  void add(goroutine& g) noexcept;
  void remove(goroutine& g) noexcept;

  // Starts the extra worker threads (threads > 1) and installs gofer's
  // scheduler on the calling thread.
  void start();
  // After main returned: unwinds blocked goroutines, waits for every
  // goroutine to end, stops the workers.
  void shutdown();

 private:
  void worker_main();
  void unwind_parked_goroutines() noexcept;

  const run_options options_;
  const boost::fibers::fixedsize_stack stack_allocator_;
  std::atomic<bool> shutting_down_{false};

  spinlock goroutines_lock_;  // guards goroutines_ and the records' links
  goroutine* goroutines_ = nullptr;
  std::atomic<std::size_t> live_goroutines_{0};
  // With exit_cv_: main waits for live_goroutines_ == 0.
  boost::fibers::mutex exit_mutex_;
  boost::fibers::condition_variable exit_cv_;

  std::shared_ptr<shared_pool> pool_;  // threads > 1 only
  std::vector<std::thread> workers_;
  boost::fibers::mutex stop_mutex_;  // with stop_cv_: workers wait for stop_workers_
  boost::fibers::condition_variable stop_cv_;
  std::atomic<bool> stop_workers_{false};
};

}  // namespace gofer::detail
