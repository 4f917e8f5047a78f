// gofer/sync.hpp - Go's sync package: wait_group, mutex, once.
//
// They block on gofer's own channels rather than on Boost.Fiber's
// primitives, so a goroutine blocked in them is unwound at shutdown and is
// seen by deadlock detection like any other. (Boost.Fiber's mutex would
// block just as well, but gofer could neither unwind nor report a goroutine
// stuck in it.) Like Go's, these are objects, not handles: share them by
// reference (or put them in a shared_ptr), never copy them.
//
// wait_group (Go: sync.WaitGroup): add(n) before starting work, done() when
// each piece ends, wait() until the counter is zero. A negative counter
// throws negative_wait_group_counter, as Go panics.
// mutex (Go: sync.Mutex): not recursive; unlock() of an unlocked mutex
// throws unlock_of_unlocked_mutex. Works with std::lock_guard/unique_lock.
// once (Go: sync.Once): call(f) runs f the first time only; later callers
// wait until that first call has returned. If f throws, the exception
// reaches the first caller and the once counts as done (as Go's Do, which
// treats a panicking f as having returned).
#pragma once

#include <atomic>
#include <cstddef>
#include <functional>

#include "gofer/chan.hpp"
#include "gofer/errors.hpp"

namespace gofer {

class wait_group {
 public:
  wait_group() = default;
  wait_group(const wait_group&) = delete;
  wait_group& operator=(const wait_group&) = delete;

  void add(std::ptrdiff_t delta);
  void done() { add(-1); }
  void wait();

 private:
  detail::spinlock lock_;  // guards the two members below
  std::ptrdiff_t count_ = 0;
  // Closed (and replaced) each time count_ returns to zero: wait() receives
  // from the one current when it found count_ > 0.
  chan<signal> zero_;
};

class mutex {
 public:
  mutex() : token_(make_chan<signal>(1)) {}
  mutex(const mutex&) = delete;
  mutex& operator=(const mutex&) = delete;

  // Holding the lock = the token sits in the one-slot channel.
  void lock() { token_.send(); }
  bool try_lock() { return token_.try_send(signal{}); }
  void unlock() {
    if (!token_.try_recv().has_value()) throw unlock_of_unlocked_mutex();
  }

 private:
  chan<signal> token_;
};

class once {
 public:
  once() = default;
  once(const once&) = delete;
  once& operator=(const once&) = delete;

  template <class F>
  void call(F&& f) {
    if (done_.load(std::memory_order_acquire)) return;  // fast path, as Go's
    std::lock_guard lock{mutex_};
    if (done_.load(std::memory_order_relaxed)) return;
    struct mark_done {
      std::atomic<bool>& done;
      ~mark_done() { done.store(true, std::memory_order_release); }
    } marker{done_};
    std::invoke(std::forward<F>(f));
  }

 private:
  std::atomic<bool> done_{false};
  mutex mutex_;
};

}  // namespace gofer
