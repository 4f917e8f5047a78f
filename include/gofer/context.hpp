// gofer/context.hpp - Go's context package: cancellation, deadlines and
// request-scoped values, propagated down a tree of contexts.
//
//   auto [ctx, cancel] = gofer::with_timeout(gofer::background(), 2s);
//   switch (gofer::select(gofer::recv_case(results, r), gofer::recv_case(ctx.done()))) {
//     case 0: use(r); break;
//     case 1: return ctx.err();  // gofer::canceled or gofer::deadline_exceeded
//   }
//
// As in Go:
//   - background() is never cancelled: its done() is a nil channel, so a
//     select case on it is never chosen, and err() is empty. todo() is the
//     same, and prints as context.TODO.
//   - done() is a receive-only signal channel closed when the context is
//     cancelled; every receive from it then succeeds at once.
//   - err() is empty until cancellation, then canceled or deadline_exceeded,
//     and never changes again. It is a std::error_code: `if (ctx.err())`.
//     is_timeout(ctx.err()) tells a deadline from a cancel (Go's
//     DeadlineExceeded.Timeout()): deadline_exceeded compares equal to
//     std::errc::timed_out.
//   - Cancelling a context cancels all its descendants. Calling cancel is
//     idempotent and detaches the child from its parent, so a cancelled
//     child costs its parent nothing (always call it: Go's vet rule).
//   - A deadline is the earlier of the parent's and the one asked for;
//     deadlines follow gofer's clock, so run_options::virtual_time applies.
//     A timeout too large to add to now() (duration::max()) saturates to
//     time_point::max(), which never expires and needs no timer (Go's
//     when() does the same).
//   - with_cancel_cause / with_deadline_cause / with_timeout_cause /
//     cause(ctx): why a context was cancelled, as a gofer::failure (an
//     exception_ptr, C++'s "error value"); cause() falls back to err().
//   - with_value(parent, key, value): typed keys instead of Go's any-typed
//     ones: `static const gofer::context_key<std::string> request_id{"request_id"};`.
//   - without_cancel(parent) keeps parent's values and nothing else: never
//     cancelled, no deadline (Go 1.21).
//   - after_func(ctx, f) runs f in a new goroutine once ctx is done; its stop
//     handle unregisters f (Go 1.21 context.AfterFunc).
//   - to_string(ctx) is Go's String() of the chain (see to_string below).
// A context is a cheap handle (copies share one node); the tree is safe to
// use and cancel from any goroutine or thread. Contexts with deadlines need
// a running gofer::run (their timer lives in the runtime).
//
// Where C++ differs (docs/differences.md): Go returns two values, gofer a
// struct: `auto [ctx, cancel] = with_cancel(parent);`, or, to assign to
// variables that exist already (Go's `ctx, cancel = ...`),
// `gofer::tie(ctx, cancel) = with_timeout(parent, 1s);`.
#pragma once

#include <chrono>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <typeinfo>
#include <utility>

#include "gofer/chan.hpp"
#include "gofer/errors.hpp"
#include "gofer/time.hpp"

namespace gofer {

// Go: context.Canceled and context.DeadlineExceeded, as error codes.
// deadline_exceeded is equivalent to std::errc::timed_out (`err ==
// std::errc::timed_out`, is_timeout(err)); canceled is equivalent to nothing
// but itself.
enum class context_errc { canceled = 1, deadline_exceeded = 2 };
const std::error_category& context_category() noexcept;
inline std::error_code make_error_code(context_errc e) noexcept {
  return {static_cast<int>(e), context_category()};
}
inline const std::error_code canceled = make_error_code(context_errc::canceled);
inline const std::error_code deadline_exceeded = make_error_code(context_errc::deadline_exceeded);

namespace detail {
struct context_node;
struct after_func_state;
}  // namespace detail

// A key for with_value / context::value. Each key object is its own key. The
// name, if given, is what to_string prints for it (Go prints the key's type
// or, for a string key, the string).
template <class T>
class context_key {
 public:
  constexpr context_key() noexcept = default;
  constexpr explicit context_key(const char* name) noexcept : name_(name) {}
  context_key(const context_key&) = delete;
  context_key& operator=(const context_key&) = delete;

  // Null for an unnamed key.
  constexpr const char* name() const noexcept { return name_; }

 private:
  const char* name_ = nullptr;
};

class context {
 public:
  // The background context (Go: context.Background()).
  context() noexcept = default;

  // Closed when this context is cancelled; nil for background().
  recv_chan<signal> done() const;
  // Empty, canceled or deadline_exceeded; never changes once set.
  std::error_code err() const;
  // Go: ctx.Deadline().
  std::optional<time_point> deadline() const noexcept;
  // Go: ctx.Value(key). Null if no context on the way up holds `key`.
  template <class T>
  const T* value(const context_key<T>& key) const noexcept {
    return static_cast<const T*>(find_value(&key));
  }

  friend bool operator==(const context&, const context&) = default;

 private:
  friend struct context_access;
  explicit context(std::shared_ptr<detail::context_node> node) noexcept : node_(std::move(node)) {}
  const void* find_value(const void* key) const noexcept;

  std::shared_ptr<detail::context_node> node_;
};

// Go: context.CancelFunc. Cancels its context (with canceled); idempotent.
class cancel_func {
 public:
  cancel_func() = default;
  void operator()() const;

 private:
  friend struct context_access;
  explicit cancel_func(std::shared_ptr<detail::context_node> node) noexcept
      : node_(std::move(node)) {}
  std::shared_ptr<detail::context_node> node_;
};

// Go: context.CancelCauseFunc.
class cancel_cause_func {
 public:
  cancel_cause_func() = default;
  void operator()(std::exception_ptr cause) const;

 private:
  friend struct context_access;
  explicit cancel_cause_func(std::shared_ptr<detail::context_node> node) noexcept
      : node_(std::move(node)) {}
  std::shared_ptr<detail::context_node> node_;
};

// The stop function of after_func (Go: the `stop func() bool` that
// context.AfterFunc returns). Returns true if this call kept f from being
// started: f had not been started and now never will be. False if f was
// started already (ctx was done) or stopped before. A default-constructed
// one returns false.
class stop_func {
 public:
  stop_func() = default;
  bool operator()() const;

 private:
  friend struct context_access;
  stop_func(std::shared_ptr<detail::context_node> node,
            std::shared_ptr<detail::after_func_state> state) noexcept
      : node_(std::move(node)), state_(std::move(state)) {}
  std::shared_ptr<detail::context_node> node_;  // keeps the owner of the registration alive
  std::shared_ptr<detail::after_func_state> state_;
};

// What with_cancel and its siblings return: Go's two results, as a struct
// that structured bindings unpack (`auto [ctx, cancel] = ...`).
template <class Cancel>
struct context_with {
  context ctx;
  Cancel cancel;
};

// Go: `ctx, cancel = context.WithTimeout(...)`, assigning to variables that
// exist already: `gofer::tie(ctx, cancel) = gofer::with_timeout(parent, 1s);`.
// (std::tie cannot take a context_with: C++20's tuple assigns only from tuples
// and pairs.)
template <class Cancel>
class context_tie {
 public:
  context_tie(context& ctx, Cancel& cancel) noexcept : ctx_(ctx), cancel_(cancel) {}
  void operator=(context_with<Cancel> result) && noexcept {
    ctx_ = std::move(result.ctx);
    cancel_ = std::move(result.cancel);
  }

 private:
  context& ctx_;
  Cancel& cancel_;
};

template <class Cancel>
context_tie<Cancel> tie(context& ctx, Cancel& cancel) noexcept {
  return {ctx, cancel};
}

// Go: context.Background() and context.TODO(). Both are never cancelled and
// hold nothing; they differ only in how to_string prints them, and todo() is
// not == background() (as in Go, where they are distinct values).
inline context background() noexcept {
  return {};
}
context todo() noexcept;

// Go: context.WithCancel.
context_with<cancel_func> with_cancel(const context& parent);
// Go: context.WithCancelCause.
context_with<cancel_cause_func> with_cancel_cause(const context& parent);
// Go: context.WithDeadline / WithTimeout. now() + timeout saturates: a
// timeout of duration::max() (or a deadline of time_point::max()) never
// expires, whatever the clock reads.
context_with<cancel_func> with_deadline(const context& parent, time_point deadline);
context_with<cancel_func> with_timeout(const context& parent, duration timeout);
// Go 1.21: context.WithDeadlineCause / WithTimeoutCause. When the deadline
// passes, err() is deadline_exceeded and cause(ctx) is `cause`; the returned
// cancel_func cancels with canceled and no cause, as Go's does. If the
// parent's deadline comes first, this is with_cancel(parent), as in Go.
context_with<cancel_func> with_deadline_cause(const context& parent, time_point deadline,
                                              std::exception_ptr cause);
context_with<cancel_func> with_timeout_cause(const context& parent, duration timeout,
                                             std::exception_ptr cause);
// Go 1.21: context.WithoutCancel. A child that keeps parent's values but is
// never cancelled: done() is nil, err() empty, no deadline, even after parent
// is cancelled.
context without_cancel(const context& parent);
// Go: context.Cause. Empty if not cancelled; err() as a std::system_error if
// cancelled without a cause (so `cause(ctx) == gofer::canceled` works).
failure cause(const context& ctx);

// Go 1.21: context.AfterFunc. Once ctx is done, runs f in a new goroutine
// (started by whatever cancelled ctx: its cancel call or its deadline). If
// ctx is done already, f is started at once. A context that is never
// cancelled (background, without_cancel) never runs f. Several after_funcs on
// one context run independently. The returned stop_func unregisters f; see
// there.
// Unlike Go: cancelling from a thread outside gofer::run cannot start a
// goroutine, so that cancel call throws runtime_misuse (after cancelling
// everything). The registration holds f until ctx is cancelled or stop is
// called: an f that holds ctx (by value) and a ctx that is never cancelled
// keep each other alive (Go's collector would free both).
stop_func after_func(const context& ctx, std::function<void()> f);

// Go: the String() method of every context, for a chain:
//   context.Background
//   context.TODO.WithCancel
//   context.Background.WithDeadline(m=+5.000000000 [2s]).WithValue(request_id, abc)
//   context.Background.WithoutCancel
// A deadline prints as Go prints the monotonic reading of a time.Time
// ("m=+<seconds since the clock's epoch, 9 decimals>"; gofer's clock has no
// wall-clock part, and its epoch is steady_clock's, or zero on the virtual
// clock) and, in brackets, the time left at the call (Go: time.Until), with
// format_duration. with_cancel_cause prints as .WithCancel, and
// with_deadline whose parent's deadline is earlier as .WithCancel, as in Go.
// A value prints as Go's stringify does: a key prints its name, or
// gofer::context_key<T> when unnamed (Go prints the key's type); a value that
// is a string prints as itself, one with a to_string(const T&) found by
// argument-dependent lookup (Go's Stringer) as that, and any other value as
// its type's name (Go prints "int" for an int too, not its value).
std::string to_string(const context& ctx);

namespace detail {

std::string type_name(const std::type_info& type);

// The ADL-only lookup of a user's to_string(const T&), Go's Stringer. The
// deleted declaration hides gofer::to_string(const context&) and anything
// else an ordinary lookup would find from here.
namespace stringify {
void to_string() = delete;
template <class T>
concept has_to_string = requires(const T& value) {
  { to_string(value) } -> std::convertible_to<std::string>;
};
template <class T>
std::string value(const void* value) {
  const T& v = *static_cast<const T*>(value);
  if constexpr (std::is_convertible_v<const T&, std::string_view>) {
    return std::string(std::string_view(v));
  } else if constexpr (has_to_string<T>) {
    return to_string(v);
  } else {
    return type_name(typeid(T));
  }
}
template <class T>
std::string key(const void* key) {
  const char* const name = static_cast<const context_key<T>*>(key)->name();
  return name != nullptr ? std::string(name) : "gofer::context_key<" + type_name(typeid(T)) + ">";
}
}  // namespace stringify

// How to_string prints one with_value node.
struct value_printer {
  std::string (*key)(const void* key);
  std::string (*value)(const void* value);
};
template <class T>
inline constexpr value_printer value_printer_for{&stringify::key<T>, &stringify::value<T>};

context with_value(const context& parent, const void* key, std::shared_ptr<const void> value,
                   const value_printer& printer);

}  // namespace detail

// Go: context.WithValue, with a typed key.
template <class T, class V>
context with_value(const context& parent, const context_key<T>& key, V&& value) {
  return detail::with_value(parent, &key, std::make_shared<const T>(std::forward<V>(value)),
                            detail::value_printer_for<T>);
}

}  // namespace gofer

template <>
struct std::is_error_code_enum<gofer::context_errc> : std::true_type {};
