// lib/context.cpp - the context tree. Go: context/context.go.
//
// Node kinds (what Go's context types become here; `kind` is for to_string):
//   todo           - the one node of todo(); background() has no node
//   value          - with_value: key and value, nothing else (Go: valueCtx)
//   cancel         - with_cancel(_cause), and with_deadline when the parent's
//                    deadline comes first (Go: cancelCtx)
//   deadline       - with_deadline(_cause)/with_timeout(_cause) (Go: timerCtx)
//   without_cancel - without_cancel: owner null, so never cancelled
// A value or without_cancel node has no state of its own: `owner` points to
// its nearest cancellable ancestor (null: never cancelled).
//
// Invariants (under a node's mutex):
//   - err is empty until the node is cancelled, then set once, together with
//     cause. done is made on first use (Go makes Done lazily too: most
//     contexts are cancelled without anyone waiting); the canceller closes it,
//     outside the lock, if it exists, and one made after cancellation is
//     made closed.
//   - children holds the live cancellable descendants registered with this
//     node (nearest cancellable ancestor); a cancelled node has none.
//   - after_funcs holds the after_func registrations not yet started nor
//     stopped; a cancelled node has none. A registration's `claimed` flag
//     (Go: afterFuncCtx.once) is set exactly once, by the cancel that starts
//     f or by the stop that unregisters it, whichever comes first; only that
//     one touches f afterwards.
// Lock order (docs/design/locks.md): a node's mutex (rank context_node) sits
// above channel locks and is never nested with another node's. Cancellation
// walks down the tree holding one node's mutex at a time, and closes `done`
// and stops timers after releasing it. The one channel closed under the
// mutex: context::done() closes a `done` it has just made for a node
// already cancelled; nobody can be waiting on it yet, so that close wakes
// no one.
#include "gofer/context.hpp"

#include <cxxabi.h>

#include <atomic>
#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "gofer/detail/spinlock.hpp"
#include "gofer/runtime.hpp"

namespace gofer {

namespace detail {

enum class context_kind : std::uint8_t { todo, value, cancel, deadline, without_cancel };

// One after_func registration. Go: afterFuncCtx.
struct after_func_state {
  std::function<void()> f;
  std::atomic<bool> claimed{false};  // Go: afterFuncCtx.once
};

struct context_node {
  // Every member has an initializer: a constructor of our own only keeps
  // make_shared's value-initialization from zeroing the whole node first.
  context_node() {}

  std::shared_ptr<context_node> parent;
  context_kind kind = context_kind::cancel;
  // A value node (key != null) only carries a value; everything else comes
  // from `owner`, its nearest cancellable ancestor (self for cancellable ones).
  const void* key = nullptr;
  std::shared_ptr<const void> value;
  const value_printer* printer = nullptr;  // value nodes: how to_string shows them
  context_node* owner = nullptr;           // null: never cancelled below this node
  std::optional<time_point> deadline;

  // Cancellable nodes only.
  // A spinlock, as a channel's: its critical sections are a few field
  // updates and a hash-map insert or erase (a std::mutex's lock and unlock
  // were a fifth of ContextCancel).
  mutable detail::spinlock mutex{lock_rank::context_node};
  std::error_code err;
  std::exception_ptr cause;
  chan<signal> done;  // made by context::done() on first use
  std::unordered_map<context_node*, std::weak_ptr<context_node>> children;
  context_node* registered_with = nullptr;  // the owner of our parent
  std::optional<timer> deadline_timer;
  std::unordered_map<after_func_state*, std::shared_ptr<after_func_state>> after_funcs;

  ~context_node() {
    if (registered_with != nullptr) {
      std::lock_guard lock{registered_with->mutex};
      registered_with->children.erase(this);
    }
    // Release the ancestors one by one rather than recursively, or a long
    // chain (thousands of with_value calls) overflows a goroutine's stack.
    // Safe: a node nobody else owns (use_count 1) cannot be read through a
    // context; the weak references to it (children maps, deadline timers)
    // never read `parent`.
    std::shared_ptr<context_node> ancestor = std::move(parent);
    while (ancestor != nullptr && ancestor.use_count() == 1) {
      std::shared_ptr<context_node> next = std::move(ancestor->parent);
      ancestor.reset();
      ancestor = std::move(next);
    }
  }
};

namespace {

// Starts each f in its own goroutine. If one cannot be started (no runtime
// on this thread), the others still are, and the first failure is rethrown.
void start_after_funcs(std::vector<std::function<void()>>& fs) {
  std::exception_ptr first_failure;
  for (std::function<void()>& f : fs) {
    try {
      gofer::go(std::move(f));
    } catch (...) {
      if (!first_failure) first_failure = std::current_exception();
    }
  }
  if (first_failure) std::rethrow_exception(first_failure);
}

// Cancels `root` and its descendants, iteratively (trees may be deep), then
// starts the after_funcs registered with them.
void cancel(const std::shared_ptr<context_node>& root, std::error_code err,
            std::exception_ptr cause, bool detach_from_parent) {
  // `pending` allocates only once a node has children: most contexts
  // cancelled have none (a with_cancel or with_timeout around one call).
  std::vector<std::shared_ptr<context_node>> pending;
  std::vector<std::function<void()>> to_start;
  auto cancel_one = [&](context_node& node) {
    // Taken out only when there is something to take: most nodes cancelled
    // have no children and no after_funcs, and building and destroying two
    // empty hash maps here was a few percent of ContextCancel.
    std::optional<std::unordered_map<context_node*, std::weak_ptr<context_node>>> children;
    std::optional<std::unordered_map<after_func_state*, std::shared_ptr<after_func_state>>>
        after_funcs;
    std::optional<timer> deadline_timer;
    chan<signal> done;
    {
      std::lock_guard lock{node.mutex};
      if (node.err) return;  // cancelled already: idempotent
      node.err = err;
      node.cause = cause;
      if (!node.children.empty()) children.emplace().swap(node.children);
      if (!node.after_funcs.empty()) after_funcs.emplace().swap(node.after_funcs);
      deadline_timer.swap(node.deadline_timer);
      done = node.done;
    }
    if (done != nullptr) done.close();
    if (deadline_timer) deadline_timer->stop();
    if (children) {
      for (auto& [raw, weak] : *children) {
        if (auto child = weak.lock()) pending.push_back(std::move(child));
      }
    }
    if (after_funcs) {
      for (auto& [raw, registration] : *after_funcs) {
        if (!registration->claimed.exchange(true, std::memory_order_acq_rel)) {
          to_start.push_back(std::move(registration->f));
        }
      }
    }
  };
  cancel_one(*root);
  while (!pending.empty()) {
    const std::shared_ptr<context_node> node = std::move(pending.back());
    pending.pop_back();
    cancel_one(*node);
  }
  if (detach_from_parent && root->registered_with != nullptr) {
    std::lock_guard lock{root->registered_with->mutex};
    root->registered_with->children.erase(root.get());
  }
  if (!to_start.empty()) start_after_funcs(to_start);
}

std::shared_ptr<context_node> new_cancellable(const std::shared_ptr<context_node>& parent) {
  auto node = std::make_shared<context_node>();
  node->parent = parent;
  node->owner = node.get();
  if (parent != nullptr) node->deadline = parent->deadline;
  context_node* const ancestor = parent != nullptr ? parent->owner : nullptr;
  if (ancestor == nullptr) return node;  // under background: nothing to inherit
  std::error_code ancestor_err;
  std::exception_ptr ancestor_cause;
  {
    std::lock_guard lock{ancestor->mutex};
    if (ancestor->err) {
      ancestor_err = ancestor->err;
      ancestor_cause = ancestor->cause;
    } else {
      ancestor->children.emplace(node.get(), node);
      node->registered_with = ancestor;
    }
  }
  if (ancestor_err) cancel(node, ancestor_err, ancestor_cause, false);
  return node;
}

class context_error_category final : public std::error_category {
 public:
  const char* name() const noexcept override { return "gofer.context"; }
  // Go: DeadlineExceeded.Timeout() is true: deadline_exceeded is a timeout.
  bool equivalent(int code, const std::error_condition& condition) const noexcept override {
    if (condition == std::errc::timed_out) {
      return code == static_cast<int>(context_errc::deadline_exceeded);
    }
    return std::error_category::equivalent(code, condition);
  }
  std::string message(int code) const override {
    switch (static_cast<context_errc>(code)) {
      case context_errc::canceled:
        return "context canceled";
      case context_errc::deadline_exceeded:
        return "context deadline exceeded";
    }
    return "unknown context error";
  }
};

}  // namespace

}  // namespace detail

struct context_access {
  static const std::shared_ptr<detail::context_node>& node(const context& ctx) { return ctx.node_; }
  static context make(std::shared_ptr<detail::context_node> node) {
    return context(std::move(node));
  }
  static cancel_func make_cancel(std::shared_ptr<detail::context_node> node) {
    return cancel_func(std::move(node));
  }
  static cancel_cause_func make_cancel_cause(std::shared_ptr<detail::context_node> node) {
    return cancel_cause_func(std::move(node));
  }
  static stop_func make_stop(std::shared_ptr<detail::context_node> node,
                             std::shared_ptr<detail::after_func_state> state) {
    return stop_func(std::move(node), std::move(state));
  }
};

const std::error_category& context_category() noexcept {
  static const detail::context_error_category category;
  return category;
}

recv_chan<signal> context::done() const {
  if (node_ == nullptr || node_->owner == nullptr) return {};
  detail::context_node& owner = *node_->owner;
  std::lock_guard lock{owner.mutex};
  if (owner.done == nullptr) {
    owner.done = make_chan<signal>();
    if (owner.err) owner.done.close();  // cancelled before anyone asked
  }
  return owner.done;
}

std::error_code context::err() const {
  if (node_ == nullptr || node_->owner == nullptr) return {};
  std::lock_guard lock{node_->owner->mutex};
  return node_->owner->err;
}

std::optional<time_point> context::deadline() const noexcept {
  return node_ != nullptr ? node_->deadline : std::nullopt;
}

const void* context::find_value(const void* key) const noexcept {
  for (const detail::context_node* node = node_.get(); node != nullptr; node = node->parent.get()) {
    if (node->key == key) return node->value.get();
  }
  return nullptr;
}

void cancel_func::operator()() const {
  if (node_ != nullptr) detail::cancel(node_, canceled, nullptr, true);
}

void cancel_cause_func::operator()(std::exception_ptr cause) const {
  if (node_ != nullptr) detail::cancel(node_, canceled, std::move(cause), true);
}

// The node is copied into the context and moved into the cancel function
// (the elements of a braced list are evaluated in order): each copy of a
// shared_ptr is a locked increment, and its end a locked decrement, which on
// a node just written waits for those writes to drain. Three of them were
// half of with_cancel's time.
context_with<cancel_func> with_cancel(const context& parent) {
  auto node = detail::new_cancellable(context_access::node(parent));
  return {context_access::make(node), context_access::make_cancel(std::move(node))};
}

context_with<cancel_cause_func> with_cancel_cause(const context& parent) {
  auto node = detail::new_cancellable(context_access::node(parent));
  return {context_access::make(node), context_access::make_cancel_cause(std::move(node))};
}

namespace detail {
namespace {

context_with<cancel_func> with_deadline(const context& parent, time_point deadline,
                                        std::exception_ptr cause) {
  const std::optional<time_point> inherited = parent.deadline();
  if (inherited && *inherited <= deadline) return with_cancel(parent);  // Go does the same
  auto node = new_cancellable(context_access::node(parent));
  node->kind = context_kind::deadline;
  node->deadline = deadline;
  if (deadline == time_point::max()) {
    // Never: no timer (Go: a timer at maxWhen would never fire either).
    return {context_access::make(node), context_access::make_cancel(std::move(node))};
  }
  const time_point current = now();
  if (deadline <= current) {
    cancel(node, deadline_exceeded, std::move(cause), true);
  } else {
    std::weak_ptr<context_node> weak = node;
    // deadline > current >= the clock's epoch, so the difference cannot overflow.
    timer expiry = after_func(deadline - current, [weak, cause] {
      if (auto expired = weak.lock()) cancel(expired, deadline_exceeded, cause, true);
    });
    std::unique_lock lock{node->mutex};
    if (node->err) {
      lock.unlock();
      expiry.stop();  // cancelled meanwhile (by its parent): no timer to keep
    } else {
      node->deadline_timer.emplace(std::move(expiry));
    }
  }
  return {context_access::make(node), context_access::make_cancel(std::move(node))};
}

// deadline - now without overflow: Go prints time.Until(deadline).
duration until(time_point deadline, time_point now) noexcept {
  const std::int64_t d = deadline.time_since_epoch().count();
  const std::int64_t n = now.time_since_epoch().count();
  std::int64_t difference = 0;
  if (__builtin_sub_overflow(d, n, &difference)) {
    return d < n ? duration::min() : duration::max();
  }
  return duration(difference);
}

// Go: the monotonic part of Time.String(), "m=+5.000000001".
std::string monotonic_reading(time_point t) {
  const std::int64_t ns = std::chrono::duration_cast<duration>(t.time_since_epoch()).count();
  const bool negative = ns < 0;
  const std::uint64_t magnitude =
      negative ? std::uint64_t{0} - static_cast<std::uint64_t>(ns) : static_cast<std::uint64_t>(ns);
  char text[48];
  std::snprintf(text, sizeof text, "m=%c%" PRIu64 ".%09" PRIu64, negative ? '-' : '+',
                magnitude / 1000000000u, magnitude % 1000000000u);
  return text;
}

}  // namespace

std::string type_name(const std::type_info& type) {
  int status = 0;
  std::unique_ptr<char, decltype(&std::free)> name{
      abi::__cxa_demangle(type.name(), nullptr, nullptr, &status), &std::free};
  return status == 0 && name ? std::string(name.get()) : std::string(type.name());
}

}  // namespace detail

context_with<cancel_func> with_deadline(const context& parent, time_point deadline) {
  return detail::with_deadline(parent, deadline, nullptr);
}

context_with<cancel_func> with_timeout(const context& parent, duration timeout) {
  return detail::with_deadline(parent, add_saturating(now(), timeout), nullptr);
}

context_with<cancel_func> with_deadline_cause(const context& parent, time_point deadline,
                                              std::exception_ptr cause) {
  return detail::with_deadline(parent, deadline, std::move(cause));
}

context_with<cancel_func> with_timeout_cause(const context& parent, duration timeout,
                                             std::exception_ptr cause) {
  return detail::with_deadline(parent, add_saturating(now(), timeout), std::move(cause));
}

context without_cancel(const context& parent) {
  auto node = std::make_shared<detail::context_node>();
  node->parent = context_access::node(parent);
  node->kind = detail::context_kind::without_cancel;
  // owner stays null (never cancelled) and deadline empty: Go's
  // withoutCancelCtx answers Done, Err and Deadline itself, and only Value
  // from its parent.
  return context_access::make(node);
}

context todo() noexcept {
  // One node for every todo(), never freed (contexts may outlive statics);
  // the shared_ptr owns nothing.
  static detail::context_node* const node = [] {
    auto* n = new detail::context_node;
    n->kind = detail::context_kind::todo;
    return n;
  }();
  return context_access::make(
      std::shared_ptr<detail::context_node>(std::shared_ptr<detail::context_node>(), node));
}

failure cause(const context& ctx) {
  const auto& node = context_access::node(ctx);
  if (node == nullptr || node->owner == nullptr) return nullptr;
  std::lock_guard lock{node->owner->mutex};
  if (!node->owner->err) return nullptr;
  if (node->owner->cause) return node->owner->cause;
  return std::make_exception_ptr(std::system_error(node->owner->err));
}

stop_func after_func(const context& ctx, std::function<void()> f) {
  auto state = std::make_shared<detail::after_func_state>();
  state->f = std::move(f);
  const std::shared_ptr<detail::context_node>& node = context_access::node(ctx);
  detail::context_node* const owner = node != nullptr ? node->owner : nullptr;
  if (owner != nullptr) {
    bool done_already = false;
    {
      std::lock_guard lock{owner->mutex};
      done_already = static_cast<bool>(owner->err);
      if (!done_already) owner->after_funcs.emplace(state.get(), state);
    }
    // Go: propagateCancel finds the parent done and cancels the child, which
    // starts f at once.
    if (done_already && !state->claimed.exchange(true, std::memory_order_acq_rel)) {
      gofer::go(std::move(state->f));
    }
  }
  return context_access::make_stop(node, std::move(state));
}

bool stop_func::operator()() const {
  if (state_ == nullptr || state_->claimed.exchange(true, std::memory_order_acq_rel)) return false;
  detail::context_node* const owner = node_ != nullptr ? node_->owner : nullptr;
  if (owner != nullptr) {
    std::lock_guard lock{owner->mutex};
    owner->after_funcs.erase(state_.get());
  }
  std::function<void()> unregistered = std::move(state_->f);  // destroyed outside the lock
  return true;
}

std::string to_string(const context& ctx) {
  std::vector<const detail::context_node*> chain;
  for (const detail::context_node* node = context_access::node(ctx).get(); node != nullptr;
       node = node->parent.get()) {
    chain.push_back(node);
  }
  std::string text;
  if (chain.empty() || chain.back()->kind != detail::context_kind::todo) {
    text = "context.Background";
  }
  for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
    const detail::context_node& node = **it;
    switch (node.kind) {
      case detail::context_kind::todo:
        text += "context.TODO";
        break;
      case detail::context_kind::value:
        text += ".WithValue(";
        text += node.printer->key(node.key);
        text += ", ";
        text += node.printer->value(node.value.get());
        text += ")";
        break;
      case detail::context_kind::cancel:
        text += ".WithCancel";
        break;
      case detail::context_kind::deadline:
        text += ".WithDeadline(";
        text += detail::monotonic_reading(*node.deadline);
        text += " [";
        text += format_duration(detail::until(*node.deadline, now()));
        text += "])";
        break;
      case detail::context_kind::without_cancel:
        text += ".WithoutCancel";
        break;
    }
  }
  return text;
}

namespace detail {

context with_value(const context& parent, const void* key, std::shared_ptr<const void> value,
                   const value_printer& printer) {
  auto node = std::make_shared<context_node>();
  node->parent = context_access::node(parent);
  node->kind = context_kind::value;
  node->key = key;
  node->value = std::move(value);
  node->printer = &printer;
  node->owner = node->parent != nullptr ? node->parent->owner : nullptr;
  node->deadline = node->parent != nullptr ? node->parent->deadline : std::nullopt;
  return context_access::make(node);
}

}  // namespace detail

}  // namespace gofer
