// lib/io_service.hpp - the runtime's I/O poller: one Asio io_context per
// gofer::run, driven by the workers themselves (Go's netpoll, which
// findrunnable polls), not by an I/O thread.
//
// Who runs the io_context: exactly one thread at a time, the holder of
// `running_`. A worker that runs out of goroutines while some goroutine
// waits on I/O becomes the poller: it blocks in the reactor (epoll) until a
// completion, the next timer's deadline, or interrupt() (scheduler.cpp
// suspend_until). Busy workers poll without blocking from their dispatcher
// (every 61st pick, and whenever their queue runs dry), if nobody else is
// running it. So completion handlers run one at a time, on a worker, outside
// any goroutine: a handler that completes a goroutine's operation readies it
// on that worker (the waker's runnext), as a channel send would.
//
// Because handlers never run concurrently, posting a function to the
// io_context is how another thread touches an operation in flight (emitting
// its cancellation signal): it runs serialized with every handler. Posting
// also interrupts a poller blocked in the reactor.
//
// pending() counts operations that goroutines wait on (use_go, gofer/asio.hpp,
// and the facades built on it): while it is non-zero, the runtime is not
// deadlocked, and an idle worker waits in the reactor rather than on its
// condition variable. An idle runtime with an open listener thus sleeps in
// epoll_wait and uses no CPU.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

namespace gofer::detail {

class signal_relay;  // lib/signal_relay.hpp

class io_service {
 public:
  using time_point = std::chrono::steady_clock::time_point;

  io_service();
  ~io_service();
  io_service(const io_service&) = delete;
  io_service& operator=(const io_service&) = delete;

  boost::asio::io_context& context() noexcept { return context_; }
  // The relay of gofer::signal, made when first needed. Inside the poller only.
  signal_relay& signals();

  void operation_started() noexcept { pending_.fetch_add(1, std::memory_order_acq_rel); }
  void operation_finished() noexcept { pending_.fetch_sub(1, std::memory_order_acq_rel); }
  bool pending() const noexcept { return pending_.load(std::memory_order_acquire) != 0; }
  // Registrations the outside world may trigger at any time (the signal
  // relay while a channel is registered): not an operation a goroutine
  // waits on, so the virtual clock may move, but no deadlock is reported.
  void listening_started() noexcept { listeners_.fetch_add(1, std::memory_order_acq_rel); }
  void listening_finished() noexcept { listeners_.fetch_sub(1, std::memory_order_acq_rel); }
  bool listening() const noexcept { return listeners_.load(std::memory_order_acquire) != 0; }

  // Runs the handlers that are ready, without blocking, unless another
  // thread is running the io_context. Returns how many ran. `all`: every
  // one (Asio's poll(): reactor passes until one harvests nothing, so at
  // least two epoll_waits when a completion was ready); else at most one
  // (poll_one(): one handler a pass harvested earlier, with no system call,
  // or one pass and the first handler it harvested).
  std::size_t poll(bool all) noexcept;
  // Blocks in the reactor until one handler ran, interrupt(), or `deadline`
  // (time_point::max(): no deadline). Returns false at once, running
  // nothing, if another thread is running the io_context.
  bool wait(time_point deadline) noexcept;
  // Makes a wait() in progress (or the next one) return.
  void interrupt();
  // Starts Asio's resolver thread of this io_context, if not started yet,
  // and sets it aside from the threads that may send to a goroutine
  // (foreign_threads.hpp): it only ever runs getaddrinfo. Without this, a
  // run that had resolved a host name never reported a deadlock (it kept
  // looking again, since a thread it did not know was alive). Call before
  // the first async_resolve on io_executor().
  void start_resolver_thread();
  // Runs handlers, blocking, until `done` is set: for a goroutine that
  // unwinds (or a thread that is not a worker) and must see its operation
  // end before its buffers go. Shares running with the poller.
  void run_until(const std::atomic<bool>& done) noexcept;

 private:
  bool try_run() noexcept {
    return !running_.load(std::memory_order_relaxed) &&
           !running_.exchange(true, std::memory_order_acquire);
  }
  void stop_running() noexcept { running_.store(false, std::memory_order_release); }
  template <class F>
  auto holding_running(F f) noexcept;

  // The resolver thread's id, forgotten (foreign_threads.hpp) once the
  // io_context below has joined it: declared before it, destroyed after.
  struct internal_threads {
    std::vector<pid_t> tids;
    ~internal_threads();
  } internal_threads_;
  std::mutex resolver_mutex_;  // unranked: taken with nothing else held
  bool resolver_started_ = false;
  // Hint 1: one thread at a time runs it (running_); posting from any
  // thread stays safe.
  boost::asio::io_context context_{1};
  // The io_context must never run out of work: run_one would then return at
  // once and leave it stopped.
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_;
  std::atomic<std::size_t> pending_{0};
  std::atomic<std::size_t> listeners_{0};
  std::atomic<bool> running_{false};
  // Set by interrupt() before it posts its empty handler. A busy worker's
  // poll() may run that handler before the poller has taken running_, which
  // would leave the poller blocked in the reactor with the wake-up gone (a
  // goroutine readied for it never ran: http_test hung at 4 threads). So
  // wait() checks this flag once it holds running_; after that, only it
  // runs handlers, and the post reaches its run_one.
  std::atomic<bool> interrupted_{false};
  // The next timer's deadline, for a blocking wait: an Asio timer (a
  // timerfd in the epoll set) rather than epoll_wait's own timeout, which
  // counts in whole milliseconds (docs/design/io.md has the figures). Its
  // handlers are the poller's own, counted apart from real completions.
  // Touched only by the thread running the io_context.
  boost::asio::steady_timer deadline_timer_{context_};
  std::size_t own_handlers_ = 0;
  bool deadline_reached_ = false;
  // After context_: destroyed first, while the io_context still exists.
  std::unique_ptr<signal_relay> signals_;
};

}  // namespace gofer::detail
