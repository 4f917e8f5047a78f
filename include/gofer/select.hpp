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
#pragma once

#include <array>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <optional>
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
  void commit() {
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

template <class C>
concept receivable = std::same_as<C, chan<typename C::value_type>> ||
    std::same_as<C, recv_chan<typename C::value_type>>;
template <class C>
concept sendable = std::same_as<C, chan<typename C::value_type>> ||
    std::same_as<C, send_chan<typename C::value_type>>;

template <class Case>
select_case* engine_view(Case& c) noexcept {
  if constexpr (std::is_same_v<std::remove_cvref_t<Case>, default_case_of>) {
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

// Runs exactly one of `cases` (see the top of this file) and returns its index.
template <class... Cases>
std::size_t select(Cases&&... cases) {
  constexpr std::size_t count = sizeof...(Cases);
  static_assert(count < 0x8000, "too many select cases");
  static_assert(
      (std::size_t{0} + ... +
       std::size_t{std::is_same_v<std::remove_cvref_t<Cases>, detail::default_case_of>}) <= 1,
      "a select has at most one default_case()");
  std::array<detail::select_case*, count> views{detail::engine_view(cases)...};
  std::array<std::uint16_t, 2 * count> scratch;
  const std::size_t chosen =
      detail::select(views.data(), static_cast<std::uint16_t>(count), scratch.data());
  std::size_t index = 0;
  ((index++ == chosen ? cases.commit() : void()), ...);
  return chosen;
}

}  // namespace gofer
