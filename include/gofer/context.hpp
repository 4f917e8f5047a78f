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
//     select case on it is never chosen, and err() is empty.
//   - done() is a receive-only signal channel closed when the context is
//     cancelled; every receive from it then succeeds at once.
//   - err() is empty until cancellation, then canceled or deadline_exceeded,
//     and never changes again. It is a std::error_code: `if (ctx.err())`.
//   - Cancelling a context cancels all its descendants. Calling cancel is
//     idempotent and detaches the child from its parent, so a cancelled
//     child costs its parent nothing (always call it: Go's vet rule).
//   - A deadline is the earlier of the parent's and the one asked for;
//     deadlines follow gofer's clock, so run_options::virtual_time applies.
//   - with_cancel_cause / cause(ctx): why a context was cancelled (an
//     exception_ptr, C++'s "error value"); cause() falls back to err().
//   - with_value(parent, key, value): typed keys instead of Go's any-typed
//     ones: `static const gofer::context_key<std::string> request_id;`.
// A context is a cheap handle (copies share one node); the tree is safe to
// use and cancel from any goroutine or thread. Contexts with deadlines need
// a running gofer::run (their timer lives in the runtime).
#pragma once

#include <chrono>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <system_error>
#include <type_traits>
#include <utility>

#include "gofer/chan.hpp"
#include "gofer/time.hpp"

namespace gofer {

// Go: context.Canceled and context.DeadlineExceeded, as error codes.
enum class context_errc { canceled = 1, deadline_exceeded = 2 };
const std::error_category& context_category() noexcept;
inline std::error_code make_error_code(context_errc e) noexcept {
  return {static_cast<int>(e), context_category()};
}
inline const std::error_code canceled = make_error_code(context_errc::canceled);
inline const std::error_code deadline_exceeded = make_error_code(context_errc::deadline_exceeded);

namespace detail {
struct context_node;
}

// A key for with_value / context::value. Each key object is its own key.
template <class T>
class context_key {
 public:
  context_key() = default;
  context_key(const context_key&) = delete;
  context_key& operator=(const context_key&) = delete;
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
  friend class cancel_func;
  friend class cancel_cause_func;
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

template <class Cancel>
struct context_with {
  context ctx;
  Cancel cancel;
};

// Go: context.Background() and context.TODO().
inline context background() noexcept {
  return {};
}
inline context todo() noexcept {
  return {};
}

// Go: context.WithCancel.
context_with<cancel_func> with_cancel(const context& parent);
// Go: context.WithCancelCause.
context_with<cancel_cause_func> with_cancel_cause(const context& parent);
// Go: context.WithDeadline / WithTimeout.
context_with<cancel_func> with_deadline(const context& parent, time_point deadline);
context_with<cancel_func> with_timeout(const context& parent, duration timeout);
// Go: context.Cause. Null if not cancelled; err() as a std::system_error if
// cancelled without a cause.
std::exception_ptr cause(const context& ctx);

namespace detail {
context with_value(const context& parent, const void* key, std::shared_ptr<const void> value);
}

// Go: context.WithValue, with a typed key.
template <class T, class V>
context with_value(const context& parent, const context_key<T>& key, V&& value) {
  return detail::with_value(parent, &key, std::make_shared<const T>(std::forward<V>(value)));
}

}  // namespace gofer

template <>
struct std::is_error_code_enum<gofer::context_errc> : std::true_type {};
