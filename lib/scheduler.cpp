#include "scheduler.hpp"

#include <algorithm>

#include <boost/fiber/type.hpp>

namespace gofer::detail {

void gofer_algorithm::awakened(boost::fibers::context* context) noexcept {
  if (context->is_context(boost::fibers::type::dispatcher_context)) {
    dispatcher_ = context;
    return;
  }
  if (pool_ == nullptr || context->is_context(boost::fibers::type::pinned_context)) {
    local_.push_back(*context);
    return;
  }
  // Detached, a context may be attached to (and resumed by) any worker.
  context->detach();
  std::lock_guard lock{pool_->mutex};
  pool_->runnable.push_back(context);
  if (!pool_->idle.empty()) {
    // Notified under the pool lock: a worker leaves `idle` (and may be
    // destroyed) only under that lock, so it is still alive here.
    pool_->idle.back()->notify();
    pool_->idle.pop_back();
  }
}

gofer_algorithm::~gofer_algorithm() {
  if (pool_ != nullptr) {
    std::lock_guard lock{pool_->mutex};
    auto& idle = pool_->idle;
    idle.erase(std::remove(idle.begin(), idle.end(), this), idle.end());
  }
  // Wait out a notify() still in flight from another thread.
  std::lock_guard lock{wake_mutex_};
}

boost::fibers::context* gofer_algorithm::take_dispatcher() noexcept {
  return std::exchange(dispatcher_, nullptr);
}

boost::fibers::context* gofer_algorithm::pick_shared() noexcept {
  if (pool_ == nullptr) return nullptr;
  boost::fibers::context* context = nullptr;
  {
    std::lock_guard lock{pool_->mutex};
    if (pool_->runnable.empty()) return nullptr;
    context = pool_->runnable.front();
    pool_->runnable.pop_front();
  }
  boost::fibers::context::active()->attach(context);
  return context;
}

boost::fibers::context* gofer_algorithm::pick_next() noexcept {
  if (++picks_ % 61 == 0 && dispatcher_ != nullptr) return take_dispatcher();
  if (!local_.empty()) {
    boost::fibers::context* context = &local_.front();
    local_.pop_front();
    return context;
  }
  if (boost::fibers::context* context = pick_shared()) return context;
  // Nothing else to run: the dispatcher polls for remote wake-ups and, if
  // there are none, parks the thread in suspend_until.
  return take_dispatcher();
}

bool gofer_algorithm::has_ready_fibers() const noexcept {
  if (!local_.empty() || dispatcher_ != nullptr) return true;
  if (pool_ == nullptr) return false;
  std::lock_guard lock{pool_->mutex};
  return !pool_->runnable.empty();
}

void gofer_algorithm::suspend_until(
    const std::chrono::steady_clock::time_point& deadline) noexcept {
  if (pool_ != nullptr) {
    // Registering as idle under the pool lock closes the race with
    // awakened(): work pushed after this point finds us in `idle`.
    std::lock_guard lock{pool_->mutex};
    if (!pool_->runnable.empty()) return;
    pool_->idle.push_back(this);
  }
  {
    std::unique_lock lock{wake_mutex_};
    if (deadline == std::chrono::steady_clock::time_point::max()) {
      wake_.wait(lock, [this] { return woken_; });
    } else {
      wake_.wait_until(lock, deadline, [this] { return woken_; });
    }
    woken_ = false;
  }
  if (pool_ != nullptr) {
    std::lock_guard lock{pool_->mutex};
    auto& idle = pool_->idle;
    idle.erase(std::remove(idle.begin(), idle.end(), this), idle.end());
  }
}

void gofer_algorithm::notify() noexcept {
  // Signalled under the lock: once this worker has seen woken_, it may end
  // and destroy wake_, so the signal must not come after the unlock.
  std::lock_guard lock{wake_mutex_};
  woken_ = true;
  wake_.notify_one();
}

}  // namespace gofer::detail
