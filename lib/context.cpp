// lib/context.cpp - the context tree. Go: context/context.go.
//
// Invariants (under a node's mutex):
//   - err is empty until the node is cancelled, then set once, together with
//     cause. done is made on first use (Go makes Done lazily too: most
//     contexts are cancelled without anyone waiting); the canceller closes it,
//     outside the lock, if it exists, and one made after cancellation is
//     made closed.
//   - children holds the live cancellable descendants registered with this
//     node (nearest cancellable ancestor); a cancelled node has none.
// Lock order: a child's lock is never held while taking its parent's, and
// cancellation walks down the tree holding one node's lock at a time. No
// lock is held while closing a channel or stopping a timer.
#include "gofer/context.hpp"

#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace gofer {

namespace detail {

struct context_node {
  std::shared_ptr<context_node> parent;
  // A value node (key != null) only carries a value; everything else comes
  // from `owner`, its nearest cancellable ancestor (self for cancellable ones).
  const void* key = nullptr;
  std::shared_ptr<const void> value;
  context_node* owner = nullptr;  // null: background below this node
  std::optional<time_point> deadline;

  // Cancellable nodes only.
  mutable std::mutex mutex;
  std::error_code err;
  std::exception_ptr cause;
  chan<signal> done;  // made by context::done() on first use
  std::unordered_map<context_node*, std::weak_ptr<context_node>> children;
  context_node* registered_with = nullptr;  // the owner of our parent
  std::optional<timer> deadline_timer;

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

// Cancels `root` and its descendants, iteratively (trees may be deep).
void cancel(const std::shared_ptr<context_node>& root, std::error_code err,
            std::exception_ptr cause, bool detach_from_parent) {
  std::vector<std::shared_ptr<context_node>> pending{root};
  while (!pending.empty()) {
    std::shared_ptr<context_node> node = std::move(pending.back());
    pending.pop_back();
    std::unordered_map<context_node*, std::weak_ptr<context_node>> children;
    std::optional<timer> deadline_timer;
    chan<signal> done;
    {
      std::lock_guard lock{node->mutex};
      if (node->err) continue;  // cancelled already: idempotent
      node->err = err;
      node->cause = cause;
      children.swap(node->children);
      deadline_timer.swap(node->deadline_timer);
      done = node->done;
    }
    if (done != nullptr) done.close();
    if (deadline_timer) deadline_timer->stop();
    for (auto& [raw, weak] : children) {
      if (auto child = weak.lock()) pending.push_back(std::move(child));
    }
  }
  if (detach_from_parent && root->registered_with != nullptr) {
    std::lock_guard lock{root->registered_with->mutex};
    root->registered_with->children.erase(root.get());
  }
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

context_with<cancel_func> with_cancel(const context& parent) {
  auto node = detail::new_cancellable(context_access::node(parent));
  return {context_access::make(node), context_access::make_cancel(node)};
}

context_with<cancel_cause_func> with_cancel_cause(const context& parent) {
  auto node = detail::new_cancellable(context_access::node(parent));
  return {context_access::make(node), context_access::make_cancel_cause(node)};
}

context_with<cancel_func> with_deadline(const context& parent, time_point deadline) {
  const std::optional<time_point> inherited = parent.deadline();
  if (inherited && *inherited <= deadline) return with_cancel(parent);  // Go does the same
  auto node = detail::new_cancellable(context_access::node(parent));
  node->deadline = deadline;
  const duration left = deadline - now();
  if (left <= duration::zero()) {
    detail::cancel(node, deadline_exceeded, nullptr, true);
  } else {
    std::weak_ptr<detail::context_node> weak = node;
    timer expiry = after_func(left, [weak] {
      if (auto expired = weak.lock()) detail::cancel(expired, deadline_exceeded, nullptr, true);
    });
    std::unique_lock lock{node->mutex};
    if (node->err) {
      lock.unlock();
      expiry.stop();  // cancelled meanwhile (by its parent): no timer to keep
    } else {
      node->deadline_timer.emplace(std::move(expiry));
    }
  }
  return {context_access::make(node), context_access::make_cancel(node)};
}

context_with<cancel_func> with_timeout(const context& parent, duration timeout) {
  return with_deadline(parent, now() + timeout);
}

std::exception_ptr cause(const context& ctx) {
  const auto& node = context_access::node(ctx);
  if (node == nullptr || node->owner == nullptr) return nullptr;
  std::lock_guard lock{node->owner->mutex};
  if (!node->owner->err) return nullptr;
  if (node->owner->cause) return node->owner->cause;
  return std::make_exception_ptr(std::system_error(node->owner->err));
}

namespace detail {

context with_value(const context& parent, const void* key, std::shared_ptr<const void> value) {
  auto node = std::make_shared<context_node>();
  node->parent = context_access::node(parent);
  node->key = key;
  node->value = std::move(value);
  node->owner = node->parent != nullptr ? node->parent->owner : nullptr;
  node->deadline = node->parent != nullptr ? node->parent->deadline : std::nullopt;
  return context_access::make(node);
}

}  // namespace detail

}  // namespace gofer
