// gofer/sync.hpp - Go's sync package: wait_group, mutex, once.
//
// They block on gofer's own channels rather than on Boost.Fiber's
// primitives, so a goroutine blocked in them is unwound at shutdown and is
// seen by deadlock detection like any other, which names the call it is in
// ([sync.WaitGroup.Wait], [sync.Mutex.Lock], [sync.Once.Do]). (Boost.Fiber's
// mutex would block just as well, but gofer could neither unwind nor report
// a goroutine stuck in it.)
//
// Handle or object? wait_group is a handle: copies share one counter, as
// chan<T> copies share one channel, so `wg.go(f)` and a goroutine given `wg`
// by value keep the counter alive however long they run (Go passes
// *WaitGroup; C++ has no collector to keep a pointer's target alive). mutex
// and once stay objects, as Go's are: copying a mutex would copy its state,
// which Go's vet forbids too, and a lock guards data that lives next to it
// (in the same object), so it lives as long as that data. Share them by
// reference, or put them in a shared_ptr with the data they guard.
//
// wait_group (Go: sync.WaitGroup): add(n) before starting work, done() when
// each piece ends, wait() until the counter is zero. go(f) does all three
// for one function (Go 1.25 WaitGroup.Go). A default-constructed wait_group
// is ready to use (Go's zero value), with a counter of its own.
//   counter | add(n > 0)                   | done()           | wait()
//   0       | -> n; throws wait_group_     | throws negative_ | returns at once
//           | misuse if a wait() of the    | wait_group_      |
//           | last round has not returned  | counter          |
//   k > 0   | -> k + n                     | -> k - 1; at 0,  | blocks until 0
//           |                              | wakes every wait |
// Go panics in both misuse cases; gofer throws (errors.hpp). Go detects
// "Add called concurrently with Wait" only when it happens to see the race;
// gofer counts a wait() as waiting until it returns, so it always does.
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
#include <memory>
#include <mutex>
#include <utility>

#include "gofer/chan.hpp"
#include "gofer/defer.hpp"
#include "gofer/detail/waiter.hpp"
#include "gofer/errors.hpp"
#include "gofer/runtime.hpp"

namespace gofer {

namespace detail {
struct wait_group_state;
}

class wait_group {
 public:
  wait_group();

  // const, as chan's operations are: they act on the shared counter, so a
  // goroutine that captured the handle by value needs no `mutable`.
  void add(std::ptrdiff_t delta) const;
  void done() const { add(-1); }
  void wait() const;

  // Go 1.25: WaitGroup.Go. add(1), then f() in a new goroutine, and done()
  // when f returns or throws (an exception escaping f is still a panic: it
  // ends the program, as in Go). The goroutine holds a copy of this handle.
  template <class F>
  void go(F&& f) const {
    add(1);
    try {
      gofer::go([wg = *this, f = std::forward<F>(f)]() mutable {
        gofer::defer finished{[&wg] { wg.done(); }};
        std::invoke(f);
      });
    } catch (...) {
      done();  // no goroutine was started
      throw;
    }
  }

  // Copies share one counter.
  friend bool operator==(const wait_group&, const wait_group&) = default;

 private:
  std::shared_ptr<detail::wait_group_state> state_;
};

class mutex {
 public:
  mutex() : token_(make_chan<signal>(1)) {}
  mutex(const mutex&) = delete;
  mutex& operator=(const mutex&) = delete;

  // Holding the lock = the token sits in the one-slot channel.
  void lock() {
    if (token_.try_send(signal{})) return;
    detail::blocking_as reason{"sync.Mutex.Lock"};
    token_.send();
  }
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
    std::unique_lock lock{mutex_, std::defer_lock};
    {
      detail::blocking_as reason{"sync.Once.Do"};  // not f's own blocking calls
      lock.lock();
    }
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
