#include "timer_service.hpp"

#include <thread>
#include <utility>

#include <boost/fiber/detail/cpu_relax.hpp>

#include "gofer/detail/assert.hpp"
#include "gofer/runtime.hpp"
#include "scheduler.hpp"

namespace gofer::detail {

namespace {

std::int64_t to_ns(time_point t) noexcept {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
}

}  // namespace

timer_service::timer_service(bool virtual_clock) noexcept : virtual_clock_(virtual_clock) {}

time_point timer_service::now() const noexcept {
  if (!virtual_clock_) return std::chrono::steady_clock::now();
  return time_point(std::chrono::nanoseconds(virtual_now_.load(std::memory_order_acquire)));
}

bool timer_service::before(std::size_t a, std::size_t b) const noexcept {
  const timer_state& x = *heap_[a];
  const timer_state& y = *heap_[b];
  return x.when != y.when ? x.when < y.when : x.order < y.order;
}

void timer_service::swap_entries(std::size_t a, std::size_t b) noexcept {
  std::swap(heap_[a], heap_[b]);
  heap_[a]->heap_index = a;
  heap_[b]->heap_index = b;
}

void timer_service::sift_up(std::size_t i) noexcept {
  while (i > 0) {
    const std::size_t parent = (i - 1) / 2;
    if (!before(i, parent)) break;
    swap_entries(i, parent);
    i = parent;
  }
}

void timer_service::sift_down(std::size_t i) noexcept {
  for (;;) {
    const std::size_t left = 2 * i + 1;
    const std::size_t right = left + 1;
    std::size_t least = i;
    if (left < heap_.size() && before(left, least)) least = left;
    if (right < heap_.size() && before(right, least)) least = right;
    if (least == i) return;
    swap_entries(i, least);
    i = least;
  }
}

void timer_service::remove_at(std::size_t i) noexcept {
  const std::size_t last = heap_.size() - 1;
  if (i != last) swap_entries(i, last);
  heap_.back()->heap_index = timer_state::not_armed;
  heap_.pop_back();
  if (i < heap_.size()) {
    sift_down(i);
    sift_up(i);
  }
}

void timer_service::publish_next_deadline() noexcept {
  next_deadline_.store(
      heap_.empty() ? std::numeric_limits<std::int64_t>::max() : to_ns(heap_.front()->when),
      std::memory_order_release);
}

bool timer_service::arm(const std::shared_ptr<timer_state>& timer, time_point when,
                        duration period) {
  std::lock_guard lock{mutex_};
  const bool was_armed = timer->heap_index != timer_state::not_armed;
  timer->when = when;
  timer->period = period;
  timer->order = next_order_++;
  if (was_armed) {
    sift_down(timer->heap_index);
    sift_up(timer->heap_index);
  } else {
    timer->heap_index = heap_.size();
    heap_.push_back(timer);
    sift_up(timer->heap_index);
  }
  publish_next_deadline();
  return was_armed;
}

bool timer_service::disarm(timer_state& timer) noexcept {
  std::lock_guard lock{mutex_};
  if (timer.heap_index == timer_state::not_armed) return false;
  remove_at(timer.heap_index);
  publish_next_deadline();
  return true;
}

bool timer_service::quiesce(timer_state& timer) noexcept {
  bool stopped = false;
  {
    std::lock_guard lock{mutex_};
    if (timer.heap_index != timer_state::not_armed) {
      remove_at(timer.heap_index);
      publish_next_deadline();
      stopped = true;
    }
    // A firing still in flight counts as stopped: it either sends nothing
    // (it reads the bumped seq) or sends before we take its send_lock, and
    // the caller drains the value. Read before the bump (see run).
    if (timer.sending.load(std::memory_order_seq_cst) != 0) stopped = true;
    timer.seq.fetch_add(1, std::memory_order_seq_cst);
  }
  // Wait out a firing that is sending right now, with the old seq: its value
  // is in the channel once we hold the lock, for the caller to drain.
  spinlock_lock wait_out{timer.send_lock};
  return stopped;
}

void timer_service::collect_one_locked(std::size_t index, time_point now, firings& due) {
  std::shared_ptr<timer_state> timer = heap_[index];
  const time_point when = timer->when;
  GOFER_ASSERT(when <= now && when != time_point::max());
  if (timer->type == timer_state::kind::ticker) {
    // Tick k is due at start + k * period. Ticks missed while nobody polled
    // (a stalled worker) are skipped, not fired in a burst; a tick nobody
    // received yet is kept and later ones are dropped (buffer 1).
    const auto behind = (now - when) / timer->period;
    // Saturating: a period near duration::max() would overflow the sum and
    // re-arm the ticker in the past forever (Go: when()).
    const duration ahead = behind >= duration::max() / timer->period - 1
                               ? duration::max()
                               : (behind + 1) * timer->period;
    timer->when = add_saturating(when, ahead);
    GOFER_ASSERT(timer->when > when);  // what makes collect_locked end
    timer->order = next_order_++;
    sift_down(index);
    sift_up(timer->heap_index);
  } else {
    remove_at(index);
  }
  timer->sending.fetch_add(1, std::memory_order_relaxed);
  const std::uint64_t seq = timer->seq.load(std::memory_order_relaxed);
  due.push_back({std::move(timer), when, seq});
}

void timer_service::collect_locked(time_point now, firings& due) {
  while (!heap_.empty() && heap_.front()->when <= now)
    collect_one_locked(0, now, due);
  publish_next_deadline();
}

void timer_service::run(firings& due) noexcept {
  const spawn_without_yield not_here;  // see run_if_due's wait for `sending`
  for (firing& f : due) {
    timer_state& timer = *f.timer;
    if (timer.type == timer_state::kind::func) {
      timer.sending.fetch_sub(1, std::memory_order_relaxed);
      go(timer.func);
      continue;
    }
    spinlock_lock lock{timer.send_lock};
    // Decide, then stop counting as "in flight", then send. Sequentially
    // consistent with quiesce, which reads `sending` before it bumps `seq`:
    // if it saw this firing finished, we read the old seq and send, and it
    // drains the value (it waits for this lock first); if it saw us in
    // flight, it reports the timer stopped whether or not we send. The
    // decrement comes before the send because the receiver the send wakes
    // may call stop() at once, and must not count this firing.
    const bool current = timer.seq.load(std::memory_order_seq_cst) == f.seq;
    timer.sending.fetch_sub(1, std::memory_order_seq_cst);
    if (current) {
      // A channel timer's buffer is empty (arm's callers drain it), so this
      // delivers; a ticker's tick is dropped if the last one is unreceived.
      try_send(timer.channel_state, f.value);
    }
  }
  due.clear();
}

void timer_service::run_if_due(timer_state& timer) noexcept {
  // A firing of this timer noted but not yet finished (on another thread:
  // a firing never blocks) must land before this receive looks at the
  // channel, as it did when timers fired under the service's lock: a tick
  // due at the same instant as the timer that woke the receiver is sent (or
  // dropped) first, every run, at any thread count.
  for (int spins = 0; timer.sending.load(std::memory_order_acquire) != 0; ++spins) {
    if (spins < 64) {
      cpu_relax();
    } else {
      std::this_thread::yield();
    }
  }
  // Lock-free "nothing is due yet": the earliest deadline is in the future.
  const time_point current = now();
  if (next_deadline_.load(std::memory_order_acquire) > to_ns(current)) return;
  firings due;
  {
    std::lock_guard lock{mutex_};
    if (timer.heap_index == timer_state::not_armed || timer.when > current) return;
    collect_one_locked(timer.heap_index, current, due);
    publish_next_deadline();
  }
  run(due);
}

time_point timer_service::fire_due() noexcept {
  firings due;
  if (virtual_clock_) {
    if (next_deadline_.load(std::memory_order_acquire) <= virtual_now_.load()) {
      std::lock_guard lock{mutex_};
      collect_locked(now(), due);
    }
    run(due);
    return time_point::max();
  }
  const time_point current = std::chrono::steady_clock::now();
  const std::int64_t next = next_deadline_.load(std::memory_order_acquire);
  if (next > to_ns(current)) {
    return next == std::numeric_limits<std::int64_t>::max()
               ? time_point::max()
               : time_point(std::chrono::nanoseconds(next));
  }
  {
    std::lock_guard lock{mutex_};
    collect_locked(current, due);
  }
  run(due);
  const std::int64_t after = next_deadline_.load(std::memory_order_acquire);
  return after == std::numeric_limits<std::int64_t>::max()
             ? time_point::max()
             : time_point(std::chrono::nanoseconds(after));
}

bool timer_service::advance() noexcept {
  firings due;
  {
    std::lock_guard lock{mutex_};
    // A timer due "never" (a saturated deadline) cannot wake anyone.
    if (heap_.empty() || heap_.front()->when == time_point::max()) return false;
    const time_point next = heap_.front()->when;
    if (next > now()) virtual_now_.store(to_ns(next), std::memory_order_release);
    collect_locked(now(), due);
  }
  run(due);
  return true;
}

bool timer_service::empty() const noexcept {
  std::lock_guard lock{mutex_};
  return heap_.empty();
}

void timer_service::clear() noexcept {
  std::vector<std::shared_ptr<timer_state>> dropped;
  {
    std::lock_guard lock{mutex_};
    for (auto& timer : heap_)
      timer->heap_index = timer_state::not_armed;
    dropped.swap(heap_);
    publish_next_deadline();
  }
  // Destroyed outside the lock: a timer's last reference may hold this service.
}

}  // namespace gofer::detail
