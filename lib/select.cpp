// lib/select.cpp - the select engine. Go: runtime/select.go selectgo.
//
// Pass 1: lock every channel (ascending address, each once), poll the cases
//         in a random order and run the first that is ready.
// Default: if none was ready and there is a default case, unlock and run it.
// Pass 2: enqueue a waiter on every channel, unlock the channels, and park.
//         The first peer (or close, or shutdown) to claim the parker
//         completes its case and wakes us.
// Pass 3: relock each channel and unlink the waiters that did not win, then
//         report the winner.
// Invariant: a case's value moves only in the attempt or claim that completes
// it, so no case that did not run ever takes or gives a value.
#include <algorithm>
#include <cstdint>
#include <functional>
#include <limits>
#include <random>

#include "gofer/detail/assert.hpp"
#include "gofer/errors.hpp"
#include "gofer/select.hpp"
#include "park.hpp"

namespace gofer::detail {

namespace {

// wyrand: a fast, good-quality per-thread generator for the poll order
// (uniformity is what makes select fair; unpredictability is not needed).
std::uint64_t next_random() noexcept {
  thread_local std::uint64_t state = [] {
    std::random_device device;
    return (std::uint64_t{device()} << 32) ^ device();
  }();
  state += 0xa0761d6478bd642fULL;
  const __uint128_t product = static_cast<__uint128_t>(state) * (state ^ 0xe7037ed1a0b428dbULL);
  return static_cast<std::uint64_t>(product >> 64) ^ static_cast<std::uint64_t>(product);
}

// Uniform in [0, bound), by Lemire's multiply-shift (bias < bound / 2^32).
std::uint16_t random_below(std::uint32_t bound) noexcept {
  return static_cast<std::uint16_t>(((next_random() & 0xffffffffULL) * bound) >> 32);
}

class channel_locks {
 public:
  channel_locks(select_case* const* cases, const std::uint16_t* order, std::uint16_t count)
      : cases_(cases), order_(order), count_(count) {}

  void lock() noexcept {
    chan_base* previous = nullptr;
    for (std::uint16_t k = 0; k < count_; ++k) {
      chan_base* const chan = cases_[order_[k]]->chan;
      if (chan != previous) chan->lock_.lock();  // equal channels are adjacent
      previous = chan;
    }
  }
  void unlock() noexcept {
    chan_base* previous = nullptr;
    for (std::uint16_t k = 0; k < count_; ++k) {
      chan_base* const chan = cases_[order_[k]]->chan;
      if (chan != previous) chan->lock_.unlock();
      previous = chan;
    }
  }

 private:
  select_case* const* cases_;
  const std::uint16_t* order_;
  std::uint16_t count_;
};

wait_queue& queue_of(select_case& c) noexcept {
  return c.is_send ? c.chan->sendq_ : c.chan->recvq_;
}

// One case and a default: Go compiles this select into a plain non-blocking
// send or receive (selectnbsend, selectnbrecv), with no poll order to draw
// and no lock order to sort, and so does this. The outcome is the one the
// general path would give: the case if it is ready, else the default.
std::size_t select_nonblocking(select_case* const* cases) {
  const std::size_t case_index = cases[0] == nullptr ? 1 : 0;
  const std::size_t default_index = 1 - case_index;
  select_case& c = *cases[case_index];
  if (c.chan == nullptr) return default_index;  // a nil channel is never ready
  if (c.chan->reports_unbuffered_) run_timer_if_due(*c.chan);
  // Lock-free "would block", as selectnbsend/selectnbrecv get from chansend
  // and chanrecv's fast paths (chan_base explains why it is sound).
  if (c.is_send ? c.chan->send_would_block() : c.chan->recv_would_block()) return default_index;
  spinlock_lock lock{c.chan->lock_};
  const op_result result = c.try_locked(c);
  lock.unlock();
  if (result.status == op_status::not_ready) return default_index;
  if (result.to_wake != nullptr) wake(*result.to_wake->owner);
  if (result.status == op_status::closed) throw send_on_closed_channel();
  return case_index;
}

}  // namespace

std::size_t select(select_case* const* cases, std::uint16_t count, std::uint16_t* scratch) {
  constexpr std::size_t no_default = std::numeric_limits<std::size_t>::max();
  if (count == 2 && (cases[0] == nullptr) != (cases[1] == nullptr)) {
    return select_nonblocking(cases);
  }
  std::uint16_t* const poll_order = scratch;
  std::uint16_t* const lock_order = scratch + count;

  // A random permutation of the cases on non-nil channels (Fisher-Yates,
  // inside out). Nil channels are never polled nor enqueued, as in Go.
  std::size_t default_index = no_default;
  std::uint16_t polled = 0;
  for (std::uint16_t i = 0; i < count; ++i) {
    if (cases[i] == nullptr) {
      default_index = i;
      continue;
    }
    if (cases[i]->chan == nullptr) continue;
    // Go: selectgo runs overdue timers of its cases first (maybeRunChan).
    if (cases[i]->chan->reports_unbuffered_) run_timer_if_due(*cases[i]->chan);
    const std::uint16_t j = random_below(polled + 1u);
    poll_order[polled] = poll_order[j];
    poll_order[j] = i;
    ++polled;
  }
  // The lock order: the polled cases by channel address. Selects have a few
  // cases, so an insertion sort, element by element: std::copy and
  // std::sort of two or three indices cost a memmove call and the sort's
  // set-up, a fifth of an uncontended select's samples.
  const auto chan_less = [cases](std::uint16_t a, std::uint16_t b) {
    return std::less<chan_base*>{}(cases[a]->chan, cases[b]->chan);
  };
  if (polled <= 8) {
    for (std::uint16_t k = 0; k < polled; ++k) {
      const std::uint16_t i = poll_order[k];
      std::uint16_t at = k;
      for (; at > 0 && chan_less(i, lock_order[at - 1]); --at)
        lock_order[at] = lock_order[at - 1];
      lock_order[at] = i;
    }
  } else {
    for (std::uint16_t k = 0; k < polled; ++k)
      lock_order[k] = poll_order[k];
    std::sort(lock_order, lock_order + polled, chan_less);
  }
  channel_locks locks{cases, lock_order, polled};

  // Pass 1: is any case ready now?
  locks.lock();
  for (std::uint16_t k = 0; k < polled; ++k) {
    const std::uint16_t i = poll_order[k];
    select_case& c = *cases[i];
    const op_result result = c.try_locked(c);
    if (result.status == op_status::not_ready) continue;
    locks.unlock();
    if (result.to_wake != nullptr) wake(*result.to_wake->owner);
    if (result.status == op_status::closed) throw send_on_closed_channel();
    return i;
  }
  if (default_index != no_default) {
    locks.unlock();
    return default_index;
  }

  // Pass 2: wait on every channel at once.
  parker_impl fallback;
  parker_impl& p = current_parker(fallback);
  p.wait_reason = polled == 0 ? "select (no cases)" : "select";
  const park_start start = begin_park(p);
  if (start != park_start::enqueue) {
    locks.unlock();
    unwind_parked(p, start);
  }
  for (std::uint16_t k = 0; k < polled; ++k) {
    const std::uint16_t i = lock_order[k];
    select_case& c = *cases[i];
    c.self.owner = &p;
    c.self.case_index = i;
    c.self.success = false;
    queue_of(c).push_back(c.self);
  }
  // A peer may claim us as soon as one channel unlocks; its wake() waits
  // for our switch out (park.hpp).
  locks.unlock();
  suspend(p);

  // Pass 3: unlink the losers. The winner's claimer already unlinked it.
  for (std::uint16_t k = 0; k < polled; ++k) {
    select_case& c = *cases[lock_order[k]];
    if (&c.self == p.winner) continue;
    spinlock_lock lock{c.chan->lock_};
    queue_of(c).remove(c.self);
  }
  throw_if_interrupted(p);
  GOFER_ASSERT(p.winner != nullptr);
  const std::uint32_t chosen = p.winner->case_index;
  if (cases[chosen]->is_send && !p.winner->success) throw send_on_closed_channel();
  return chosen;
}

}  // namespace gofer::detail
