// gofer/select.hpp - Go's select statement.
//
//   int value;
//   switch (gofer::select(gofer::recv_case(jobs, value),
//                         gofer::send_case(results, answer),
//                         gofer::recv_case(stop))) {
//     case 0: ...use value...; break;
//     case 1: ...answer was sent...; break;
//     case 2: return;
//   }
//
// select runs exactly one case and returns its index (its position among the
// arguments). As in Go:
//   - it blocks until some case can proceed; among several ready cases it
//     picks one uniformly at random;
//   - a default_case() makes it non-blocking: it runs only if no other case is
//     ready (at most one default per select);
//   - a case on a nil channel is never chosen; select() with no cases, or only
//     nil ones and no default, blocks forever;
//   - a receive on a closed channel is ready and reports closed (ok = false);
//     a send case on a closed channel throws send_on_closed_channel when chosen
//     for polling, as Go panics;
//   - the same channel may appear in several cases, as sender and receiver.
// A case commits at most once: no value leaves a channel for a case that did
// not run, and a send case's value is moved from only if that case ran.
//
// The case objects live for the full expression, so they may refer to the
// caller's variables; build them inside the select call.
//
// A second form gives each case its handler, so nothing is declared before
// the select and nothing is written for a case that did not run:
//
//   gofer::select(
//       gofer::on_recv(jobs, [&](int job, bool ok) { ... }),   // case job, ok := <-jobs
//       gofer::on_recv(quit, [&] { done = true; }),            // case <-quit
//       gofer::on_send(results, answer, [&] { ++sent; }),      // case results <- answer
//       gofer::on_default([&] { idle(); }));                   // default
//
// The handler of the case that ran is called after the select has completed
// (no lock held); it may block, throw, or select again. A receive handler
// takes (T value, bool ok), (T value) or nothing; on_recv_optional's takes a
// std::optional<T> (for a T with no default constructor). The two forms mix
// freely, and select returns the chosen index in both.
//
// Evaluation order (where C++ differs from Go): select is a function, so its
// arguments (channels, values to send, receive targets) are evaluated in an
// unspecified order - GCC goes right to left - and all of them, where Go
// evaluates the channel and send operands once each, top to bottom, and a
// receive's left-hand side only for the case chosen. When operands have side
// effects that must happen in order, evaluate them into locals before the
// select; to write a target only for the chosen case, use the handler form
// (or a std::optional target). See docs/differences.md.
#pragma once

#include <array>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <tuple>
#include <type_traits>
#include <utility>

#include "gofer/chan.hpp"

namespace gofer {

namespace detail {

// What the select engine sees of a case: its channel, its direction, how to
// attempt it under the channel's lock, and the waiter it enqueues if it blocks.
struct select_case {
  select_case() = default;
  select_case(const select_case&) = delete;
  select_case& operator=(const select_case&) = delete;

  chan_base* chan = nullptr;  // null: a nil channel, never ready
  bool is_send = false;
  op_result (*try_locked)(select_case&) noexcept = nullptr;
  waiter self;  // self.slot is set by the typed case
};

// Go: runtime/select.go selectgo. `cases` has `count` entries; the default
// case, if any, is a null entry. `scratch` holds 2 * count entries. Returns
// the index of the case that ran.
std::size_t select(select_case* const* cases, std::uint16_t count, std::uint16_t* scratch);

template <class T>
class recv_case_of : public select_case {
 public:
  explicit recv_case_of(chan_state<T>* state) noexcept {
    chan = state;
    try_locked = &attempt;
    self.slot = &received_;
  }
  recv_case_of(chan_state<T>* state, T* out, bool* ok) noexcept : recv_case_of(state) {
    out_ = out;
    ok_ = ok;
  }
  recv_case_of(chan_state<T>* state, std::optional<T>* out_optional) noexcept
      : recv_case_of(state) {
    out_optional_ = out_optional;
  }

  // Called once, on the case that ran.
  void commit() { deliver(); }

 protected:
  // The value the case took, or empty if the channel was closed.
  std::optional<T>& received() noexcept { return received_; }

 private:
  void deliver() {
    if (ok_ != nullptr) *ok_ = received_.has_value();
    if (out_optional_ != nullptr) *out_optional_ = std::move(received_);
    if (out_ != nullptr) {
      if (received_.has_value()) {
        *out_ = std::move(*received_);
      } else if constexpr (std::default_initializable<T>) {
        *out_ = T{};  // Go's zero value from a closed channel
      }
    }
  }

 private:
  static op_result attempt(select_case& c) noexcept {
    auto& self = static_cast<recv_case_of&>(c);
    return static_cast<chan_state<T>*>(c.chan)->try_recv_locked(self.received_);
  }

  std::optional<T> received_;
  T* out_ = nullptr;
  bool* ok_ = nullptr;
  std::optional<T>* out_optional_ = nullptr;
};

template <class T>
class send_case_of : public select_case {
 public:
  // Sends *value, moving from it only if this case runs.
  send_case_of(chan_state<T>* state, T* value) noexcept {
    chan = state;
    is_send = true;
    try_locked = &attempt;
    self.slot = value;
  }
  // Sends a copy made now, as Go evaluates the send expression on entry.
  send_case_of(chan_state<T>* state, const T& value) requires std::copy_constructible<T>
      : copy_(value) {
    chan = state;
    is_send = true;
    try_locked = &attempt;
    self.slot = &*copy_;
  }
  void commit() noexcept {}

 private:
  static op_result attempt(select_case& c) noexcept {
    return static_cast<chan_state<T>*>(c.chan)->try_send_locked(*static_cast<T*>(c.self.slot));
  }
  std::optional<T> copy_;
};

struct default_case_of {
  void commit() noexcept {}
};

// The handler form (see the top of this file).
template <class T, class F>
class on_recv_case : public recv_case_of<T> {
 public:
  on_recv_case(chan_state<T>* state, F handler)
      : recv_case_of<T>(state), handler_(std::move(handler)) {}
  void commit() {
    std::optional<T>& value = this->received();
    if constexpr (std::is_invocable_v<F&, T&&, bool>) {
      const bool ok = value.has_value();
      std::invoke(handler_, ok ? std::move(*value) : T{}, ok);
    } else if constexpr (std::is_invocable_v<F&, T&&>) {
      std::invoke(handler_, value.has_value() ? std::move(*value) : T{});
    } else {
      std::invoke(handler_);
    }
  }

 private:
  F handler_;
};

template <class T, class F>
class on_recv_optional_case : public recv_case_of<T> {
 public:
  on_recv_optional_case(chan_state<T>* state, F handler)
      : recv_case_of<T>(state), handler_(std::move(handler)) {}
  void commit() { std::invoke(handler_, std::move(this->received())); }

 private:
  F handler_;
};

template <class T, class F>
class on_send_case : public send_case_of<T> {
 public:
  on_send_case(chan_state<T>* state, T* value, F handler)
      : send_case_of<T>(state, value), handler_(std::move(handler)) {}
  on_send_case(chan_state<T>* state, const T& value, F handler)
      : send_case_of<T>(state, value), handler_(std::move(handler)) {}
  void commit() { std::invoke(handler_); }

 private:
  F handler_;
};

template <class F>
class on_default_case : public default_case_of {
 public:
  explicit on_default_case(F handler) : handler_(std::move(handler)) {}
  void commit() { std::invoke(handler_); }

 private:
  F handler_;
};

template <class Case>
inline constexpr bool is_default_case =
    std::is_base_of_v<default_case_of, std::remove_cvref_t<Case>>;

template <class C>
concept receivable = std::same_as<C, chan<typename C::value_type>> ||
    std::same_as<C, recv_chan<typename C::value_type>>;
template <class C>
concept sendable = std::same_as<C, chan<typename C::value_type>> ||
    std::same_as<C, send_chan<typename C::value_type>>;

// One case and a default: Go compiles this select into selectnbsend or
// selectnbrecv, whose first step is chan.go's lock-free "would block"
// check. select makes that check here, inline, so that a poll that finds
// nothing ready (a poll's usual outcome) costs no call into the library:
// true, with the default's index in `chosen`, if the case is on a nil
// channel or would block now (the snapshot chan_base explains). Otherwise,
// and for every other shape of select, false: detail::select decides,
// under the channel's lock. A timer's channel always goes there, since its
// receive may first have to fire the timer (run_timer_if_due).
template <class... Cases>
bool polls_not_ready(const std::array<select_case*, sizeof...(Cases)>& views,
                     std::size_t& chosen) noexcept {
  if constexpr (sizeof...(Cases) == 2) {
    using first = std::tuple_element_t<0, std::tuple<Cases...>>;
    using second = std::tuple_element_t<1, std::tuple<Cases...>>;
    if constexpr (is_default_case<first> != is_default_case<second>) {
      constexpr std::size_t case_index = is_default_case<first> ? 1 : 0;
      const select_case& c = *views[case_index];
      if (c.chan != nullptr) {
        if (c.chan->reports_unbuffered_) return false;
        if (!(c.is_send ? c.chan->send_would_block() : c.chan->recv_would_block())) return false;
      }
      chosen = 1 - case_index;
      return true;
    }
  }
  return false;
}

template <class Case>
select_case* engine_view(Case& c) noexcept {
  if constexpr (is_default_case<Case>) {
    return nullptr;
  } else {
    return &c;
  }
}

}  // namespace detail

// case v, ok := <-ch (the value discarded: Go's `case <-ch:`).
template <detail::receivable C>
auto recv_case(const C& ch) noexcept {
  return detail::recv_case_of<typename C::value_type>(ch.state());
}
// case v = <-ch: assigns the value; if the channel is closed, Go's zero value
// T{} (left unchanged when T is not default-constructible: use the
// std::optional overload for those).
template <detail::receivable C>
auto recv_case(const C& ch, typename C::value_type& out) noexcept {
  return detail::recv_case_of<typename C::value_type>(ch.state(), &out, nullptr);
}
// case v, ok = <-ch.
template <detail::receivable C>
auto recv_case(const C& ch, typename C::value_type& out, bool& ok) noexcept {
  return detail::recv_case_of<typename C::value_type>(ch.state(), &out, &ok);
}
// For any T: out is empty if the channel is closed and drained.
template <detail::receivable C>
auto recv_case(const C& ch, std::optional<typename C::value_type>& out) noexcept {
  return detail::recv_case_of<typename C::value_type>(ch.state(), &out);
}

// case ch <- value: moves from an rvalue only if this case runs.
template <detail::sendable C>
auto send_case(const C& ch, typename C::value_type&& value) noexcept {
  return detail::send_case_of<typename C::value_type>(ch.state(), &value);
}
// case ch <- value, with a copy of an lvalue taken on entry.
template <detail::sendable C>
auto send_case(const C& ch, const typename C::value_type& value) {
  return detail::send_case_of<typename C::value_type>(ch.state(), value);
}
// For signal channels: case stop <- struct{}{}.
template <detail::sendable C>
requires std::same_as<typename C::value_type, signal>
auto send_case(const C& ch) {
  return detail::send_case_of<signal>(ch.state(), signal{});
}

// default: makes the select non-blocking.
inline detail::default_case_of default_case() noexcept {
  return {};
}

// The handler form. case v, ok := <-ch: handler(T v, bool ok); case v :=
// <-ch: handler(T v); case <-ch: handler(). v is T{} once ch is closed.
template <detail::receivable C, class F>
requires std::default_initializable<typename C::value_type>
auto on_recv(const C& ch, F handler) {
  using T = typename C::value_type;
  static_assert(
      std::is_invocable_v<F&, T&&, bool> || std::is_invocable_v<F&, T&&> || std::is_invocable_v<F&>,
      "on_recv's handler takes (T value, bool ok), (T value) or nothing");
  return detail::on_recv_case<T, F>(ch.state(), std::move(handler));
}
// For any T: handler(std::optional<T>), empty once ch is closed and drained.
template <detail::receivable C, class F>
auto on_recv_optional(const C& ch, F handler) {
  using T = typename C::value_type;
  static_assert(std::is_invocable_v<F&, std::optional<T>&&>,
                "on_recv_optional's handler takes a std::optional<T>");
  return detail::on_recv_optional_case<T, F>(ch.state(), std::move(handler));
}
// case ch <- value: handler() once sent; an rvalue is moved from only then.
template <detail::sendable C, class F>
auto on_send(const C& ch, typename C::value_type&& value, F handler) {
  static_assert(std::is_invocable_v<F&>, "on_send's handler takes nothing");
  return detail::on_send_case<typename C::value_type, F>(ch.state(), &value, std::move(handler));
}
template <detail::sendable C, class F>
auto on_send(const C& ch, const typename C::value_type& value, F handler) {
  static_assert(std::is_invocable_v<F&>, "on_send's handler takes nothing");
  return detail::on_send_case<typename C::value_type, F>(ch.state(), value, std::move(handler));
}
// default: handler() when no other case is ready.
template <class F>
auto on_default(F handler) {
  static_assert(std::is_invocable_v<F&>, "on_default's handler takes nothing");
  return detail::on_default_case<F>(std::move(handler));
}

// Runs exactly one of `cases` (see the top of this file) and returns its index.
template <class... Cases>
std::size_t select(Cases&&... cases) {
  constexpr std::size_t count = sizeof...(Cases);
  static_assert(count < 0x8000, "too many select cases");
  static_assert((std::size_t{0} + ... + std::size_t{detail::is_default_case<Cases>}) <= 1,
                "a select has at most one default_case()");
  std::array<detail::select_case*, count> views{detail::engine_view(cases)...};
  std::size_t chosen = 0;
  if (!detail::polls_not_ready<Cases...>(views, chosen)) {
    std::array<std::uint16_t, 2 * count> scratch;
    chosen = detail::select(views.data(), static_cast<std::uint16_t>(count), scratch.data());
  }
  std::size_t index = 0;
  ((index++ == chosen ? cases.commit() : void()), ...);
  return chosen;
}

}  // namespace gofer
