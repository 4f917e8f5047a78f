// lib/timer_service.hpp - the timers of one runtime (private to the library).
//
// One indexed binary min-heap, ordered by (deadline, creation order) so that
// timers due at the same instant fire in the order they were set, every run.
// It is not a thread or a fiber per timer: dispatchers fire what is due when
// they run (at least every 61st switch of their worker, and before parking,
// when they sleep until the next deadline); on a virtual clock, the last
// worker to run out of work advances the clock to the next deadline.
//
// Firing has two steps (Go 1.23: runtime/time.go unlockAndRun). Under
// mutex_, a due timer leaves the heap (a ticker is re-armed) and is noted
// with its `seq`; after mutex_ is released, its value is sent (or its func
// spawned), so nothing that wakes goroutines runs under the timer lock. A
// channel send happens under the timer's own send_lock and only if `seq` is
// unchanged. stop() and reset() (quiesce) bump `seq` under mutex_, then take
// send_lock once, then drain the channel: a firing in flight has either sent
// already (and its value is drained) or will see the new seq and send
// nothing. That is "no stale value after Stop/Reset"; `sending` counts the
// firings in flight so that Stop reports one it cancelled as stopped.
//
// A receive or select on a timer's channel first runs that timer if it is
// overdue (run_if_due), as Go 1.23's chanrecv and selectgo call
// maybeRunChan: an expired timer is visible to `select { case <-t.C:
// default: }` at once, not only after a dispatcher's next pass.
//
// Deadlines saturate (add_saturating in time.hpp): time_point::max() means
// "never". Such a timer stays armed, so a real-time program blocked on it
// waits forever as Go's does, but it never fires, and the virtual clock never
// advances to it (advance() treats a heap whose earliest deadline is "never"
// as empty, so deadlock detection can report what would otherwise hang).
// Invariant: a ticker re-armed at firing moves strictly forward
// (when > due), so collect_locked ends.
//
// Lock order: a timer's send_lock -> channel locks -> parker and scheduler
// locks (firing sends on the channel). mutex_ is a leaf: nothing else is
// taken while it is held, and it is never taken under send_lock.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <mutex>
#include <vector>

#include "gofer/chan.hpp"
#include "gofer/detail/waiter.hpp"
#include "gofer/time.hpp"
#include "ranked_mutex.hpp"

namespace gofer::detail {

class timer_service;

struct timer_state {
  enum class kind : std::uint8_t { channel, ticker, func };
  static constexpr std::size_t not_armed = std::numeric_limits<std::size_t>::max();

  timer_state(std::shared_ptr<timer_service> owner, kind what) noexcept
      : service(std::move(owner)), type(what) {}

  const std::shared_ptr<timer_service> service;
  const kind type;
  // Channel and ticker kinds: the channel fired into (capacity 1, reports 0).
  // `channel` owns it, except for tick()'s, which owns this timer instead
  // (the ticker runs as long as its channel has a handle): then `channel` is
  // nil and the channel's destruction disarms the timer first.
  chan_state<time_point>* channel_state = nullptr;
  chan<time_point> channel;
  std::function<void()> func;  // func kind

  // Held while a firing sends on the channel; see the file comment.
  spinlock send_lock{lock_rank::timer_send};
  // Bumped (under the service's mutex) by every stop and reset: a firing
  // noted before sends nothing. Read by the firing under send_lock.
  std::atomic<std::uint64_t> seq{0};
  // Firings noted but not yet finished (written under the service's mutex
  // when noted; decremented by the firing when done).
  std::atomic<std::uint32_t> sending{0};

  // Guarded by the service's mutex.
  std::size_t heap_index = not_armed;
  time_point when{};
  std::uint64_t order = 0;
  duration period{};
};

class timer_service {
 public:
  explicit timer_service(bool virtual_clock) noexcept;

  time_point now() const noexcept;
  bool virtual_clock() const noexcept { return virtual_clock_; }

  // Arms (or re-arms) `timer` to fire at `when` (then every `period`, for a
  // ticker); returns whether it was armed.
  bool arm(const std::shared_ptr<timer_state>& timer, time_point when, duration period = {});
  // Takes `timer` out of the heap; returns whether it was armed.
  bool disarm(timer_state& timer) noexcept;
  // For stop and reset of a channel timer or ticker: disarms it and cancels
  // a firing in flight, waiting out one that is sending. Afterwards nothing
  // fired before this call can arrive; drain the channel for what already
  // did. Returns whether the timer was armed or a firing was cancelled.
  bool quiesce(timer_state& timer) noexcept;

  // Fires every timer due now. Returns the real time the next one is due
  // (time_point::max() if none, and always on a virtual clock).
  time_point fire_due() noexcept;
  // Virtual clock, all goroutines blocked: jumps to the next deadline and
  // fires what is due then. False if no timer is armed.
  bool advance() noexcept;
  bool empty() const noexcept;
  // Fires `timer` now if it is armed and due (Go: timer.maybeRunChan).
  void run_if_due(timer_state& timer) noexcept;
  // At the end of run: drop every armed timer (they hold the service).
  void clear() noexcept;

 private:
  bool before(std::size_t a, std::size_t b) const noexcept;
  void swap_entries(std::size_t a, std::size_t b) noexcept;
  void sift_up(std::size_t i) noexcept;
  void sift_down(std::size_t i) noexcept;
  void remove_at(std::size_t i) noexcept;
  // A firing noted under mutex_, run after it is released.
  struct firing {
    std::shared_ptr<timer_state> timer;
    time_point value;   // Go sends the time the timer was due
    std::uint64_t seq;  // the timer's seq when noted
  };
  using firings = std::vector<firing>;
  // Notes every timer due at `now` (with mutex_ held).
  void collect_locked(time_point now, firings& due);
  // Notes the armed timer at heap_[index], due at or before `now`.
  void collect_one_locked(std::size_t index, time_point now, firings& due);
  // Sends or spawns what was noted (with no lock held).
  static void run(firings& due) noexcept;
  void publish_next_deadline() noexcept;

  const bool virtual_clock_;
  mutable ranked_mutex mutex_{
      lock_rank::leaf};  // guards heap_, next_order_ and the timers' heap fields
  std::vector<std::shared_ptr<timer_state>> heap_;
  std::uint64_t next_order_ = 0;
  std::atomic<std::int64_t> virtual_now_{0};  // ns since the virtual epoch
  // The earliest deadline (ns since steady_clock's epoch), for a lock-free
  // "nothing is due" check on the dispatcher's path.
  std::atomic<std::int64_t> next_deadline_{std::numeric_limits<std::int64_t>::max()};
};

// The current runtime's timer service; throws runtime_misuse outside run.
const std::shared_ptr<timer_service>& timers_for(const char* what);

}  // namespace gofer::detail
