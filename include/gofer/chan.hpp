// gofer/chan.hpp - Go's channels: chan<T>, send_chan<T>, recv_chan<T>.
//
// A chan<T> is a handle: copies share one channel, as Go's reference types
// do; the channel (and any values still buffered) is destroyed with the last
// handle. A default-constructed chan<T> is Go's nil channel.
//
//          | send             | recv                          | close
//  nil     | blocks forever   | blocks forever                | throws close_of_nil_channel
//  open    | delivers/blocks  | delivers/blocks               | -> closed, wakes everyone
//  closed  | throws           | drains the buffer, then       | throws close_of_closed_channel
//          | send_on_closed_  | reports {T{}, ok = false}     |
//          | channel          |                               |
//
// Unbuffered (make_chan<T>()): a send completes only when a receiver has
// taken the value. Buffered (make_chan<T>(n)): holds exactly n values, FIFO.
// A value passed to send as an rvalue is moved from only if the send
// succeeds: if it throws (closed channel), the caller still has it.
//
// Where C++ differs from Go (see docs/differences.md): panics are exceptions
// derived from gofer::error; T must have a noexcept move constructor (values
// are moved under a lock, never copied); recv() needs a default-constructible
// T for Go's zero value, recv_optional() works for every T.
#pragma once

#include <compare>
#include <concepts>
#include <cstddef>
#include <iterator>
#include <memory>
#include <optional>
#include <utility>

#include "gofer/detail/chan_state.hpp"
#include "gofer/errors.hpp"

namespace gofer {

// The element of a pure signal channel, Go's `chan struct{}`: stop, done and
// cancel channels carry no data, only the event (or the close).
struct signal {
  friend constexpr bool operator==(signal, signal) noexcept { return true; }
};

// What a receive reports: Go's `v, ok := <-ch`. ok is false once the channel
// is closed and drained; value is then T{}, Go's zero value.
template <class T>
struct received {
  T value;
  bool ok;
  explicit operator bool() const noexcept { return ok; }
};

template <class T>
class chan;
template <class T>
class send_chan;
template <class T>
class recv_chan;

namespace detail {

// A handle to an existing state (for the library's own channels: a tick()
// channel whose state shares ownership with its ticker).
template <class T>
chan<T> adopt_chan(std::shared_ptr<chan_state<T>> state) noexcept;

// Enqueues `w` (slot set) on `queue` of `chan`, whose lock `chan_lock` holds,
// releases the lock and parks until a peer or close() completes it. Throws
// goroutine_exit if the runtime shuts down meanwhile.
void park_single(chan_base& chan, wait_queue& queue, waiter& w, spinlock_lock& chan_lock,
                 const char* reason);

template <class T>
void send(chan_state<T>* state, T& value) {
  if (state == nullptr) block_forever("chan send (nil chan)");
  spinlock_lock lock{state->lock_};
  const op_result result = state->try_send_locked(value);
  if (result.status == op_status::not_ready) {
    waiter self;
    self.slot = &value;
    park_single(*state, state->sendq_, self, lock, "chan send");
    if (!self.success) throw send_on_closed_channel();
    return;
  }
  lock.unlock();
  if (result.status == op_status::closed) throw send_on_closed_channel();
  if (result.to_wake != nullptr) wake(*result.to_wake->owner);
}

template <class T>
bool try_send(chan_state<T>* state, T& value) {
  if (state == nullptr) return false;
  if (state->send_would_block()) return false;  // lock-free: see chan_base
  spinlock_lock lock{state->lock_};
  const op_result result = state->try_send_locked(value);
  lock.unlock();
  if (result.status == op_status::closed) throw send_on_closed_channel();
  if (result.to_wake != nullptr) wake(*result.to_wake->owner);
  return result.status == op_status::done;
}

template <class T>
std::optional<T> recv(chan_state<T>* state) {
  if (state == nullptr) block_forever("chan receive (nil chan)");
  if (state->reports_unbuffered_) run_timer_if_due(*state);
  std::optional<T> out;
  spinlock_lock lock{state->lock_};
  const op_result result = state->try_recv_locked(out);
  if (result.status == op_status::not_ready) {
    waiter self;
    self.slot = &out;
    park_single(*state, state->recvq_, self, lock, "chan receive");
    return out;
  }
  lock.unlock();
  if (result.to_wake != nullptr) wake(*result.to_wake->owner);
  return out;
}

// Returns false if the receive would block; otherwise `out` holds the value,
// or is empty if the channel is closed and drained.
template <class T>
bool try_recv(chan_state<T>* state, std::optional<T>& out) {
  if (state == nullptr) return false;
  if (state->reports_unbuffered_) run_timer_if_due(*state);
  if (state->recv_would_block()) return false;  // lock-free: see chan_base
  spinlock_lock lock{state->lock_};
  const op_result result = state->try_recv_locked(out);
  lock.unlock();
  if (result.to_wake != nullptr) wake(*result.to_wake->owner);
  return result.status == op_status::done;
}

template <class T>
received<T> to_received(std::optional<T>&& value) {
  if (value.has_value()) return {std::move(*value), true};
  return {T{}, false};
}

// Operations every direction shares: len, cap, comparison with nil.
template <class T>
class chan_handle {
 public:
  chan_handle() noexcept = default;

  // Go: len(ch): values buffered now (a snapshot).
  std::size_t len() const noexcept {
    if (!state_ || state_->reports_unbuffered_) return 0;
    spinlock_lock lock{state_->lock_};
    return state_->count();
  }
  // Go: cap(ch): the buffer's capacity; 0 for unbuffered and nil channels
  // (and for timer channels, as in Go 1.23).
  std::size_t cap() const noexcept {
    return state_ && !state_->reports_unbuffered_ ? state_->capacity_ : 0;
  }

  // Handles are equal when they refer to the same channel (or both are nil).
  friend bool operator==(const chan_handle& a, const chan_handle& b) noexcept {
    return a.state_ == b.state_;
  }
  friend bool operator==(const chan_handle& a, std::nullptr_t) noexcept {
    return a.state_ == nullptr;
  }

  // For the select engine and conversions between directions.
  chan_state<T>* state() const noexcept { return state_.get(); }

 protected:
  explicit chan_handle(std::shared_ptr<chan_state<T>> state) noexcept : state_(std::move(state)) {}
  const std::shared_ptr<chan_state<T>>& shared_state() const noexcept { return state_; }

 private:
  std::shared_ptr<chan_state<T>> state_;
};

// The sending half of the API, shared by chan<T> and send_chan<T>.
template <class Derived, class T>
class send_ops {
 public:
  // Go: ch <- v. Blocks until delivered (unbuffered: until a receiver took
  // it). Throws send_on_closed_channel; a nil channel blocks forever. Moves
  // from `value` only if the send succeeds.
  void send(T&& value) const { detail::send(self().state(), value); }
  void send(const T& value) const requires std::copy_constructible<T> {
    T copy(value);
    detail::send(self().state(), copy);
  }
  // For signal channels: stop.send().
  void send() const requires std::same_as<T, signal> {
    signal value;
    detail::send(self().state(), value);
  }

  // Go: select { case ch <- v: ...; default: }. Returns false instead of
  // blocking (a nil channel never accepts); throws send_on_closed_channel.
  // Moves from `value` only if it returns true.
  bool try_send(T&& value) const { return detail::try_send(self().state(), value); }
  bool try_send(const T& value) const requires std::copy_constructible<T> {
    T copy(value);
    return detail::try_send(self().state(), copy);
  }

  // Go: close(ch). Blocked receivers wake and see "closed" (after the buffer
  // drains); blocked senders wake and throw send_on_closed_channel.
  void close() const {
    chan_state<T>* const state = self().state();
    if (state == nullptr) throw close_of_nil_channel();
    if (!close_channel(*state)) throw close_of_closed_channel();
  }

 private:
  const Derived& self() const noexcept { return static_cast<const Derived&>(*this); }
};

// The receiving half of the API, shared by chan<T> and recv_chan<T>.
template <class Derived, class T>
class recv_ops {
 public:
  // Go: v, ok := <-ch. Blocks until a value or the close; a nil channel
  // blocks forever. `auto [v, ok] = ch.recv();`
  received<T> recv() const requires std::default_initializable<T> {
    return to_received(detail::recv(self().state()));
  }
  // Go: v := <-ch, the common case spelled short: the value, or T{} once
  // the channel is closed and drained (use recv() to tell the two apart).
  T get() const requires std::default_initializable<T> {
    std::optional<T> value = detail::recv(self().state());
    return value.has_value() ? std::move(*value) : T{};
  }
  // The same for any T: empty once the channel is closed and drained.
  std::optional<T> recv_optional() const { return detail::recv(self().state()); }

  // Go: select { case v, ok := <-ch: ...; default: }. Empty if the receive
  // would block; otherwise what recv() would have returned.
  std::optional<received<T>> try_recv() const requires std::default_initializable<T> {
    std::optional<T> value;
    if (!detail::try_recv(self().state(), value)) return std::nullopt;
    return to_received(std::move(value));
  }

  // Go: for v := range ch. Receives until the channel is closed and drained.
  class iterator {
   public:
    using value_type = T;
    using difference_type = std::ptrdiff_t;
    iterator() noexcept = default;
    explicit iterator(chan_state<T>* state) : state_(state) { ++*this; }
    T& operator*() noexcept { return *current_; }
    iterator& operator++() {
      current_ = detail::recv(state_);
      return *this;
    }
    void operator++(int) { ++*this; }
    friend bool operator==(const iterator& it, std::default_sentinel_t) noexcept {
      return !it.current_.has_value();
    }

   private:
    chan_state<T>* state_ = nullptr;
    std::optional<T> current_;
  };
  iterator begin() const { return iterator(self().state()); }
  std::default_sentinel_t end() const noexcept { return {}; }

 private:
  const Derived& self() const noexcept { return static_cast<const Derived&>(*this); }
};

}  // namespace detail

// A bidirectional channel. Go: chan T.
template <class T>
class chan : public detail::chan_handle<T>,
             public detail::send_ops<chan<T>, T>,
             public detail::recv_ops<chan<T>, T> {
 public:
  using value_type = T;

  // The nil channel: sends and receives block forever, close throws.
  chan() noexcept = default;

  operator send_chan<T>() const noexcept { return send_chan<T>(this->shared_state()); }
  operator recv_chan<T>() const noexcept { return recv_chan<T>(this->shared_state()); }

 private:
  template <class U>
  friend chan<U> make_chan(std::ptrdiff_t);
  template <class U>
  friend chan<U> detail::adopt_chan(std::shared_ptr<detail::chan_state<U>>) noexcept;
  explicit chan(std::shared_ptr<detail::chan_state<T>> state) noexcept
      : detail::chan_handle<T>(std::move(state)) {}
};

// The send-only view of a channel. Go: chan<- T.
template <class T>
class send_chan : public detail::chan_handle<T>, public detail::send_ops<send_chan<T>, T> {
 public:
  using value_type = T;
  send_chan() noexcept = default;

 private:
  friend class chan<T>;
  explicit send_chan(const std::shared_ptr<detail::chan_state<T>>& state) noexcept
      : detail::chan_handle<T>(state) {}
};

// The receive-only view of a channel. Go: <-chan T.
template <class T>
class recv_chan : public detail::chan_handle<T>, public detail::recv_ops<recv_chan<T>, T> {
 public:
  using value_type = T;
  recv_chan() noexcept = default;

 private:
  friend class chan<T>;
  explicit recv_chan(const std::shared_ptr<detail::chan_state<T>>& state) noexcept
      : detail::chan_handle<T>(state) {}
};

// Go: make(chan T, capacity). 0 (the default) makes an unbuffered channel;
// n > 0 one that buffers exactly n values. A negative capacity throws
// gofer::invalid_argument, as Go panics "makechan: size out of range".
template <class T>
chan<T> make_chan(std::ptrdiff_t capacity = 0) {
  if (capacity < 0) throw invalid_argument("makechan: size out of range");
  return chan<T>(std::make_shared<detail::chan_state<T>>(static_cast<std::size_t>(capacity)));
}

namespace detail {
template <class T>
chan<T> adopt_chan(std::shared_ptr<chan_state<T>> state) noexcept {
  return chan<T>(std::move(state));
}
}  // namespace detail

}  // namespace gofer
