// gofer/detail/chan_state.hpp - the shared state behind every chan<T> handle.
// Go: runtime/chan.go hchan, chansend, chanrecv, closechan.
//
// Invariants (under chan_base::lock_):
//   - count_ <= capacity_; the buffered values sit at head_, head_+1, ...
//     (mod capacity_), oldest first.
//   - count_ > 0 implies recvq_ is empty (a receiver would have taken one);
//     count_ < capacity_ implies sendq_ is empty (a sender would have buffered).
//   - At most one of sendq_ / recvq_ holds live waiters, except when one
//     select waits to send and receive on the same unbuffered channel.
//   - Once closed_, nothing is ever enqueued again: close() claimed and woke
//     every waiter, and send/recv on a closed channel never block.
// Lock order: channels by ascending address (select), then parkers (see
// waiter.hpp). A goroutine is never woken while a channel lock is held.
#pragma once

#include <atomic>
#include <cstddef>
#include <memory>
#include <new>
#include <optional>
#include <type_traits>
#include <utility>

#include "gofer/detail/waiter.hpp"

namespace gofer::detail {

struct timer_state;

// The outcome of one attempt at a channel operation, made under the lock.
enum class op_status : unsigned char {
  not_ready,  // would block
  done,       // completed (for recv: a value, or "closed" if none came)
  closed,     // send on a closed channel: the caller throws
};

struct op_result {
  op_status status;
  waiter* to_wake = nullptr;  // a claimed peer to wake once the lock is released
};

// The part of a channel that does not depend on the element type: what the
// select engine needs to lock and enqueue.
class chan_base {
 public:
  explicit chan_base(std::size_t capacity) noexcept : capacity_(capacity) {}
  chan_base(const chan_base&) = delete;
  chan_base& operator=(const chan_base&) = delete;

  // Go: chan.go's full() and empty(), and the first check of chansend and
  // chanrecv with block == false: a non-blocking operation that would block
  // reports so without taking the lock. Each is a snapshot of single words
  // read without the lock (hence those words are atomics, written only under
  // the lock), and Go's argument carries over:
  //  - send: having seen the channel not closed, then not ready for
  //    sending: a closed channel cannot go from "ready for sending" to "not
  //    ready", so even if it closed between the two reads there was a moment
  //    between them when it was both open and not ready (and reads in the
  //    other order imply the same). We behave as if the send was tried then.
  //  - receive: having seen it not ready for receiving, and *then* not
  //    closed (in this order: emptying and closing happen in separate
  //    critical sections), it was open and empty at the first read, because
  //    a channel is never reopened. A closed one takes the locked path.
  // Neither promises progress: a spinning try_recv sees new values through
  // the senders' lock releases, as Go's does.
  bool send_would_block() const noexcept {
    if (closed_.load(std::memory_order_seq_cst)) return false;
    return capacity_ == 0 ? recvq_.empty_unlocked()
                          : count_.load(std::memory_order_seq_cst) == capacity_;
  }
  bool recv_would_block() const noexcept {
    const bool empty =
        capacity_ == 0 ? sendq_.empty_unlocked() : count_.load(std::memory_order_seq_cst) == 0;
    return empty && !closed_.load(std::memory_order_seq_cst);
  }

  // Under the lock (the atomics are for the fast paths above only).
  std::size_t count() const noexcept { return count_.load(std::memory_order_relaxed); }
  void set_count(std::size_t n) noexcept { count_.store(n, std::memory_order_relaxed); }
  bool closed() const noexcept { return closed_.load(std::memory_order_relaxed); }
  void set_closed() noexcept { closed_.store(true, std::memory_order_relaxed); }

  mutable spinlock lock_{lock_rank::channel};  // guards every member below except capacity_
  wait_queue sendq_;                           // blocked senders, FIFO
  wait_queue recvq_;                           // blocked receivers, FIFO
  std::atomic<std::size_t> count_{0};          // values in the buffer
  std::size_t head_ = 0;                       // index of the oldest buffered value
  std::atomic<bool> closed_{false};
  // A timer's channel: buffers one value but reports len and cap 0, as Go
  // 1.23's timer channels do, and a receive first runs the timer if it is
  // overdue (run_timer_if_due). Both set before the channel is shared.
  bool reports_unbuffered_ = false;
  std::weak_ptr<timer_state> timer_;
  const std::size_t capacity_;
};

template <class T>
class chan_state final : public chan_base {
  // A channel moves values while holding its lock and between goroutines; a
  // move that could throw halfway would lose or duplicate a value.
  static_assert(std::is_nothrow_move_constructible_v<T>,
                "gofer::chan<T> needs a T whose move constructor is noexcept");
  static_assert(std::is_nothrow_destructible_v<T>, "gofer::chan<T> needs a noexcept ~T()");
  static_assert(!std::is_reference_v<T> && !std::is_const_v<T> && !std::is_void_v<T>,
                "gofer::chan<T> holds values: use a plain object type");

 public:
  explicit chan_state(std::size_t capacity)
      : chan_base(capacity), buffer_(capacity > 0 ? allocator().allocate(capacity) : nullptr) {}

  // The last handle is gone, so no goroutine can be blocked here: destroy
  // what is still buffered ("value destroyed with the last handle").
  ~chan_state() {
    for (std::size_t left = count(); left > 0; --left) {
      std::destroy_at(&buffer_[head_]);
      head_ = next_index(head_);
    }
    if (buffer_ != nullptr) allocator().deallocate(buffer_, capacity_);
  }

  // Go: chansend, the part under the lock. Moves from `value` only on done.
  op_result try_send_locked(T& value) noexcept {
    if (closed()) return {op_status::closed};
    if (waiter* receiver = recvq_.claim_first()) {
      // A receiver waits, so the buffer is empty: hand the value straight over.
      static_cast<std::optional<T>*>(receiver->slot)->emplace(std::move(value));
      receiver->success = true;
      return {op_status::done, receiver};
    }
    if (count() < capacity_) {
      std::construct_at(&buffer_[tail_index()], std::move(value));
      set_count(count() + 1);
      return {op_status::done};
    }
    return {op_status::not_ready};
  }

  // Go: chanrecv, the part under the lock. On done, `out` holds the value, or
  // stays empty if the channel is closed and drained.
  op_result try_recv_locked(std::optional<T>& out) noexcept {
    if (waiter* sender = sendq_.claim_first()) {
      T& sent = *static_cast<T*>(sender->slot);
      if (capacity_ == 0) {
        out.emplace(std::move(sent));
      } else {
        // A sender waits, so the buffer is full: take the oldest value and put
        // the sender's in the slot it frees, which is now the tail. FIFO holds.
        out.emplace(std::move(buffer_[head_]));
        std::destroy_at(&buffer_[head_]);
        std::construct_at(&buffer_[head_], std::move(sent));
        head_ = next_index(head_);
      }
      sender->success = true;
      return {op_status::done, sender};
    }
    if (count() > 0) {
      out.emplace(std::move(buffer_[head_]));
      std::destroy_at(&buffer_[head_]);
      head_ = next_index(head_);
      set_count(count() - 1);
      return {op_status::done};
    }
    if (closed()) return {op_status::done};
    return {op_status::not_ready};
  }

 private:
  static std::allocator<T> allocator() noexcept { return {}; }
  std::size_t next_index(std::size_t i) const noexcept { return i + 1 == capacity_ ? 0 : i + 1; }
  std::size_t tail_index() const noexcept {
    std::size_t tail = head_ + count();
    return tail >= capacity_ ? tail - capacity_ : tail;
  }

  T* const buffer_;  // capacity_ slots; only [head_, head_+count_) hold live values
};

// For a timer's channel (reports_unbuffered_): fires the timer now if it is
// due, so the receive or select that follows sees its value. Go 1.23:
// chanrecv and selectgo call timer.maybeRunChan. Call with no lock held.
void run_timer_if_due(chan_base& chan) noexcept;

// Go: closechan. Throws close_of_closed_channel via the caller. Wakes every
// blocked receiver (they see "closed": the buffer is empty when any waits) and
// every blocked sender (they throw send_on_closed_channel).
// Returns false if already closed.
bool close_channel(chan_base& chan) noexcept;

}  // namespace gofer::detail
