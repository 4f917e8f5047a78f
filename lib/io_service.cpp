// lib/io_service.cpp - see io_service.hpp.
#include "io_service.hpp"

#include <algorithm>
#include <thread>

#include <boost/asio/ip/tcp.hpp>

#include <boost/asio/post.hpp>

#include "foreign_threads.hpp"
#include "gofer/detail/assert.hpp"
#include "signal_relay.hpp"

namespace gofer::detail {

io_service::io_service() : work_(boost::asio::make_work_guard(context_)) {}

io_service::~io_service() {
  GOFER_ASSERT(!running_.load());
  signals_.reset();
  work_.reset();
  // Handlers still queued (operations that never completed) are destroyed
  // with the io_context, without running.
}

// Runs `f` (which runs handlers) as the holder of running_, and gives it
// back. A handler of the user's own that throws (gofer's never do) ends the
// program, as an exception out of a goroutine would.
template <class F>
auto io_service::holding_running(F f) noexcept {
  try {
    auto result = f();
    stop_running();
    return result;
  } catch (...) {
    stop_running();
    std::terminate();
  }
}

std::size_t io_service::poll(bool all) noexcept {
  if (!try_run()) return 0;
  return holding_running([this, all] { return all ? context_.poll() : context_.poll_one(); });
}

bool io_service::wait(time_point deadline) noexcept {
  if (!try_run()) return false;
  return holding_running([this, deadline] {
    if (interrupted_.exchange(false, std::memory_order_acq_rel)) {
      // Interrupted before we held running_: its handler may have run in
      // another worker's poll(). Do not block; run what is ready.
      context_.poll();
      return true;
    }
    deadline_reached_ = false;
    if (deadline != time_point::max()) {
      // Re-arming cancels the previous wait, whose handler then runs as
      // one of our own: the loop below does not count it.
      deadline_timer_.expires_at(deadline);
      deadline_timer_.async_wait([this](const boost::system::error_code& ec) {
        ++own_handlers_;
        if (!ec) deadline_reached_ = true;
      });
    }
    for (;;) {
      const std::size_t own_before = own_handlers_;
      context_.run_one();
      if (own_handlers_ == own_before || deadline_reached_) break;  // a completion, or time
    }
    // Whatever else is ready now runs too, before the worker looks for
    // goroutines: a burst of completions readies a burst of goroutines.
    context_.poll();
    return true;
  });
}

signal_relay& io_service::signals() {
  if (!signals_) signals_ = std::make_unique<signal_relay>(*this);
  return *signals_;
}

io_service::internal_threads::~internal_threads() {
  forget_internal_threads(tids);
}

void io_service::start_resolver_thread() {
  std::lock_guard lock{resolver_mutex_};
  if (resolver_started_) return;
  resolver_started_ = true;
  // Asio starts the thread in the first async_resolve's initiation: start
  // one on a numeric address (no lookup) and note which thread appeared.
  // A thread that the program starts at this very moment would be set
  // aside too: a window of microseconds, once per run that resolves.
  const std::vector<pid_t> before = list_threads();
  auto resolver = std::make_shared<boost::asio::ip::tcp::resolver>(context_);
  resolver->async_resolve("127.0.0.1", "",
                          [resolver](const boost::system::error_code&,
                                     const boost::asio::ip::tcp::resolver::results_type&) {});
  std::vector<pid_t> started;
  for (const pid_t tid : list_threads()) {
    if (std::find(before.begin(), before.end(), tid) == before.end()) started.push_back(tid);
  }
  set_aside_internal_threads(started);
  internal_threads_.tids.insert(internal_threads_.tids.end(), started.begin(), started.end());
}

void io_service::interrupt() {
  interrupted_.store(true, std::memory_order_release);
  boost::asio::post(context_, [] {});
}

void io_service::run_until(const std::atomic<bool>& done) noexcept {
  while (!done.load(std::memory_order_acquire)) {
    if (try_run()) {
      holding_running([this] { return context_.run_one_for(std::chrono::milliseconds(10)); });
    } else {
      std::this_thread::yield();  // the poller runs it; it will set `done`
    }
  }
}

}  // namespace gofer::detail

// The entry points of gofer/asio.hpp.
#include "gofer/asio.hpp"
#include "gofer/errors.hpp"
#include "runtime_state.hpp"

namespace gofer::detail {

io_service& current_io_service() {
  runtime* const rt = current_runtime();
  if (rt == nullptr) throw runtime_misuse("gofer I/O used outside gofer::run");
  return rt->io();
}

boost::asio::io_context& io_context_of(io_service& io) noexcept {
  return io.context();
}

void io_operation_started(io_service& io) noexcept {
  io.operation_started();
}

void io_operation_finished(io_service& io) noexcept {
  io.operation_finished();
}

void io_run_until(io_service& io, const std::atomic<bool>& done) noexcept {
  io.run_until(done);
}

}  // namespace gofer::detail
