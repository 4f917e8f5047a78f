// gofer/group.hpp - groups of goroutines: Go's errgroup, tasks with results,
// and asyncio's gather and wait, for the side-by-side teaching material.
//
// error_group (Go: golang.org/x/sync/errgroup):
//   error_group g{parent_ctx};            // Go: errgroup.WithContext
//   g.go([&](const gofer::context& ctx) { ... throw or return an error ... });
//   if (gofer::failure err = g.wait()) std::puts(err.message().c_str());
// A function fails by throwing, or by returning a non-empty std::error_code
// or a non-null std::exception_ptr. wait() waits for every function and
// returns the first failure as a gofer::failure (errors.hpp: empty if none;
// it converts to std::exception_ptr, so std::rethrow_exception(g.wait())
// works, and `err == gofer::canceled` is Go's errors.Is). The group's context (g.ctx()) is
// cancelled, with that failure as its cause, when the first function fails,
// and in any case when wait() returns. set_limit(n) bounds the functions
// running at once (go() then blocks, try_go() returns false); n < 0 removes
// the bound. As in Go, set_limit while functions run is a misuse (throws).
//
// task<T> (asyncio's Task, a future in C++ terms): spawn(f) runs f in a new
// goroutine with its own cancellable context and returns a handle.
// get() waits and returns f's result or rethrows its exception; done() is a
// signal channel closed when f has finished, usable in select; cancel()
// cancels f's context: cancellation is cooperative, as it is in Go (f must
// look at ctx.done()/ctx.err()). When the last handle of a task that is still
// running goes away, its context is cancelled and the goroutine finishes on
// its own, at a point f chose. (A forgotten asyncio task usually stays
// pending, reachable through what it awaits, like a leaked goroutine; only
// one unreachable with what it awaits is collected, its coroutine closed
// mid-way and "Task was destroyed but it is pending!" logged.)
//
// gather(t1, t2, ...) waits for every task and returns a tuple of results,
// rethrowing the first failure in argument order (asyncio.gather with
// return_exceptions=False). Tasks of void: if all are task<void>, gather
// returns void (asyncio.gather(worker(1), worker(2)) as a statement);
// otherwise each void task holds its place in the tuple with a
// std::monostate, as asyncio's list holds None, so positions match the
// arguments. gather(vector<task<void>>) returns void.
//
// Deadlock reports name these calls: [errgroup.Group.Wait],
// [errgroup.Group.Go] (blocked at the limit), [task.get], [task.wait]. wait(tasks, when) returns
// the done and pending tasks when the condition holds (asyncio.wait's FIRST_COMPLETED,
// FIRST_EXCEPTION, ALL_COMPLETED); pending ones can be cancelled.
#pragma once

#include <cstddef>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <system_error>
#include <tuple>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "gofer/chan.hpp"
#include "gofer/context.hpp"
#include "gofer/detail/waiter.hpp"
#include "gofer/errors.hpp"
#include "gofer/runtime.hpp"
#include "gofer/select.hpp"
#include "gofer/sync.hpp"

namespace gofer {

namespace detail {

// Calls f(ctx) or f(), whichever it accepts.
template <class F>
decltype(auto) invoke_with_context(F& f, const context& ctx) {
  if constexpr (std::is_invocable_v<F&, const context&>) {
    return std::invoke(f, ctx);
  } else {
    return std::invoke(f);
  }
}

// Runs f and turns every way it can fail into an exception_ptr.
template <class F>
std::exception_ptr run_capturing_failure(F& f, const context& ctx) {
  try {
    using result = decltype(invoke_with_context(f, ctx));
    if constexpr (std::is_same_v<result, void>) {
      invoke_with_context(f, ctx);
    } else if constexpr (std::is_convertible_v<result, std::error_code>) {
      const std::error_code err = invoke_with_context(f, ctx);
      if (err) return std::make_exception_ptr(std::system_error(err));
    } else if constexpr (std::is_convertible_v<result, std::exception_ptr>) {
      return invoke_with_context(f, ctx);
    } else {
      static_assert(sizeof(F) == 0,
                    "an error_group function returns void, std::error_code or "
                    "std::exception_ptr");
    }
  } catch (const goroutine_exit&) {
    throw;  // runtime shutdown: not a failure of f
  } catch (...) {
    return std::current_exception();
  }
  return nullptr;
}

struct error_group_state {
  context ctx;
  cancel_cause_func cancel;
  wait_group running;
  chan<signal> slots;  // nil: no limit; else one token per running function
  std::atomic<std::ptrdiff_t> active{0};
  spinlock lock{lock_rank::leaf};  // guards first_failure
  std::exception_ptr first_failure;

  void finished(std::exception_ptr failure) {
    if (failure) {
      bool first = false;
      {
        spinlock_lock guard{lock};
        if (!first_failure) {
          first_failure = failure;
          first = true;
        }
      }
      if (first) cancel(failure);
    }
    if (slots != nullptr) slots.try_recv();
    active.fetch_sub(1, std::memory_order_acq_rel);
    running.done();
  }
};

}  // namespace detail

class error_group {
 public:
  error_group() : error_group(background()) {}
  explicit error_group(const context& parent)
      : state_(std::make_shared<detail::error_group_state>()) {
    auto [ctx, cancel] = with_cancel_cause(parent);
    state_->ctx = ctx;
    state_->cancel = cancel;
  }
  error_group(const error_group&) = delete;
  error_group& operator=(const error_group&) = delete;

  // The context the group's functions receive.
  const context& ctx() const noexcept { return state_->ctx; }

  template <class F>
  void go(F&& f) {
    if (state_->slots != nullptr) {
      detail::blocking_as reason{"errgroup.Group.Go"};
      state_->slots.send();
    }
    start(std::forward<F>(f));
  }

  template <class F>
  bool try_go(F&& f) {
    if (state_->slots != nullptr && !state_->slots.try_send(signal{})) return false;
    start(std::forward<F>(f));
    return true;
  }

  void set_limit(std::ptrdiff_t limit) {
    if (state_->active.load(std::memory_order_acquire) != 0) {
      throw error("errgroup: modify limit while goroutines in the group are still active");
    }
    state_->slots = limit < 0 ? chan<signal>{} : make_chan<signal>(limit);
  }

  // Go: Group.Wait. The first failure, or an empty one.
  failure wait() {
    {
      detail::blocking_as reason{"errgroup.Group.Wait"};
      state_->running.wait();
    }
    state_->cancel(nullptr);
    detail::spinlock_lock guard{state_->lock};
    return state_->first_failure;
  }

 private:
  template <class F>
  void start(F&& f) {
    state_->active.fetch_add(1, std::memory_order_acq_rel);
    state_->running.add(1);
    gofer::go([state = state_, f = std::forward<F>(f)]() mutable {
      state->finished(detail::run_capturing_failure(f, state->ctx));
    });
  }

  std::shared_ptr<detail::error_group_state> state_;
};

namespace detail {

template <class T>
struct task_state {
  context ctx;
  cancel_func cancel;
  chan<signal> finished = make_chan<signal>();  // closed when result/failure is set
  std::optional<T> result;
  std::exception_ptr failure;
};

template <>
struct task_state<void> {
  context ctx;
  cancel_func cancel;
  chan<signal> finished = make_chan<signal>();
  std::exception_ptr failure;
};

// The handles' shared part: cancels the task when the last handle goes.
template <class T>
struct task_owner {
  std::shared_ptr<task_state<T>> state;
  ~task_owner() {
    if (state) state->cancel();
  }
};

}  // namespace detail

template <class T>
class task {
 public:
  using value_type = T;
  task() = default;

  // Waits for f and returns its result (a copy), or rethrows its exception.
  T get() const {
    {
      detail::blocking_as reason{"task.get"};
      wait();
    }
    if (state().failure) std::rethrow_exception(state().failure);
    if constexpr (!std::is_void_v<T>) return *state().result;
  }
  void wait() const {
    detail::blocking_as reason{"task.wait"};
    state().finished.recv();
  }
  // Closed once the task has finished: select on it.
  recv_chan<signal> done() const noexcept { return state().finished; }
  bool finished() const { return state().finished.try_recv().has_value(); }
  // Finished with an exception (false while running).
  bool failed() const { return finished() && state().failure != nullptr; }
  void cancel() const { state().cancel(); }
  const context& ctx() const noexcept { return state().ctx; }

  friend bool operator==(const task& a, const task& b) noexcept { return a.owner_ == b.owner_; }

 private:
  template <class U>
  friend task<U> detail_make_task(std::shared_ptr<detail::task_owner<U>> owner);
  explicit task(std::shared_ptr<detail::task_owner<T>> owner) : owner_(std::move(owner)) {}
  detail::task_state<T>& state() const { return *owner_->state; }

  std::shared_ptr<detail::task_owner<T>> owner_;
};

template <class U>
task<U> detail_make_task(std::shared_ptr<detail::task_owner<U>> owner) {
  return task<U>(std::move(owner));
}

// Runs f (taking a const context& or nothing) in a new goroutine; returns its
// task. asyncio: asyncio.create_task.
template <class F>
auto spawn(F&& f, const context& parent = background()) {
  using result = std::remove_cvref_t<decltype(detail::invoke_with_context(f, parent))>;
  auto state = std::make_shared<detail::task_state<result>>();
  auto [ctx, cancel] = with_cancel(parent);
  state->ctx = ctx;
  state->cancel = cancel;
  gofer::go([state, f = std::forward<F>(f)]() mutable {
    try {
      if constexpr (std::is_void_v<result>) {
        detail::invoke_with_context(f, state->ctx);
      } else {
        state->result.emplace(detail::invoke_with_context(f, state->ctx));
      }
    } catch (const detail::goroutine_exit&) {
      throw;
    } catch (...) {
      state->failure = std::current_exception();
    }
    state->cancel();  // releases its context from the parent
    state->finished.close();
  });
  auto owner = std::make_shared<detail::task_owner<result>>();
  owner->state = std::move(state);
  return detail_make_task(std::move(owner));
}

// asyncio.gather(*tasks): results in argument order; the first failure (in
// argument order) is rethrown after all have finished.
namespace detail {

// What a task<T> contributes to gather's tuple: its result, or a
// std::monostate for a task<void> (asyncio's None).
template <class T>
using gathered = std::conditional_t<std::is_void_v<T>, std::monostate, T>;

template <class T>
gathered<T> gather_one(const task<T>& t) {
  if constexpr (std::is_void_v<T>) {
    t.get();
    return {};
  } else {
    return t.get();
  }
}

}  // namespace detail

template <class... T>
auto gather(const task<T>&... tasks) {
  (tasks.wait(), ...);
  if constexpr ((std::is_void_v<T> && ...)) {
    (tasks.get(), ...);  // rethrows the first failure in argument order
  } else {
    // A braced list evaluates left to right: the first failure in order wins.
    return std::tuple<detail::gathered<T>...>{detail::gather_one(tasks)...};
  }
}

inline void gather(const std::vector<task<void>>& tasks) {
  for (const task<void>& t : tasks)
    t.wait();
  for (const task<void>& t : tasks)
    t.get();
}

template <class T>
std::vector<T> gather(const std::vector<task<T>>& tasks) {
  for (const task<T>& t : tasks)
    t.wait();
  std::vector<T> results;
  results.reserve(tasks.size());
  for (const task<T>& t : tasks)
    results.push_back(t.get());
  return results;
}

// asyncio.wait's return_when.
enum class return_when { first_completed, first_exception, all_completed };

template <class T>
struct wait_result {
  std::vector<task<T>> done;
  std::vector<task<T>> pending;
};

// asyncio.wait(tasks, return_when=...): no task is cancelled by it.
template <class T>
wait_result<T> wait(const std::vector<task<T>>& tasks,
                    return_when when = return_when::all_completed) {
  // One watcher goroutine per task reports its index when it finishes (the
  // channel holds them all, so a report never blocks); the watchers of tasks
  // still pending leave when we return and close `returned`.
  auto finished = make_chan<std::size_t>(static_cast<std::ptrdiff_t>(tasks.size()));
  auto returned = make_chan<signal>();
  struct close_on_exit {
    chan<signal> c;
    ~close_on_exit() { c.close(); }
  } closer{returned};
  for (std::size_t i = 0; i < tasks.size(); ++i) {
    gofer::go([finished, returned, done = tasks[i].done(), i] {
      if (gofer::select(recv_case(done), recv_case(returned)) == 0) finished.send(i);
    });
  }
  std::vector<bool> is_done(tasks.size(), false);
  for (std::size_t count = 0; count < tasks.size(); ++count) {
    const std::size_t i = finished.recv().value;
    is_done[i] = true;
    if (when == return_when::first_completed) break;
    if (when == return_when::first_exception && tasks[i].failed()) break;
  }
  wait_result<T> result;
  for (std::size_t i = 0; i < tasks.size(); ++i) {
    (is_done[i] ? result.done : result.pending).push_back(tasks[i]);
  }
  return result;
}

}  // namespace gofer
