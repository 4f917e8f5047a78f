// lib/runtime.cpp - gofer::run and one runtime's life: starting its workers,
// the scheduler's hooks (timers, everyone asleep: virtual time, synctest,
// deadlock detection), shutdown. The park/wake protocol is in lib/park.cpp,
// goroutine records in lib/goroutine.cpp, panics and the terminate handler
// in lib/panic.cpp.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/fiber/algo/round_robin.hpp>
#include <boost/fiber/operations.hpp>

#include "dump.hpp"
#include "foreign_threads.hpp"
#include "gofer/defer.hpp"
#include "gofer/detail/assert.hpp"
#include "gofer/detail/sanitizer.hpp"
#include "gofer/runtime.hpp"
#include "gofer/synctest.hpp"
#include "io_service.hpp"
#include "park.hpp"
#include "runtime_state.hpp"

namespace gofer::detail {

namespace {

// The runtime this thread works for: the thread that called run, and its
// workers. Goroutines migrate only between threads of one runtime.
thread_local runtime* this_thread_runtime = nullptr;

}  // namespace

runtime* current_runtime() noexcept {
  return this_thread_runtime;
}

runtime& runtime_for_go() {
  if (this_thread_runtime == nullptr) {
    throw runtime_misuse("gofer::go called outside gofer::run");
  }
  return *this_thread_runtime;
}

runtime::runtime(const run_options& options)
    : options_(options),
      stacks_(stack_pool::shared(options.stack_size, options.guard_pages)),
      timers_(std::make_shared<timer_service>(options.virtual_time)),
      io_(std::make_unique<io_service>()) {}

runtime::~runtime() = default;

void runtime::add(goroutine& g) noexcept {
  live_goroutines_.fetch_add(1, std::memory_order_relaxed);
  spinlock_lock lock{goroutines_lock_};
  g.prev = nullptr;
  g.next = goroutines_;
  if (goroutines_ != nullptr) goroutines_->prev = &g;
  goroutines_ = &g;
}

void runtime::remove(goroutine& g) noexcept {
  {
    spinlock_lock lock{goroutines_lock_};
    (g.prev != nullptr ? g.prev->next : goroutines_) = g.next;
    if (g.next != nullptr) g.next->prev = g.prev;
  }
  if (live_goroutines_.fetch_sub(1, std::memory_order_acq_rel) == 1) {
    // Taking the mutex orders this notify after main's check of the count.
    std::unique_lock lock{exit_mutex_};
    exit_cv_.notify_all();
  }
}

void runtime::start(goroutine& main_record) {
  gofer_thread_started();
  main_ = &main_record;
  this_thread_runtime = this;
  pool_ = std::make_shared<scheduler_pool>(options_.threads, *this);
  stacks_->open_thread_cache();
  boost::fibers::use_scheduling_algorithm<gofer_algorithm>(pool_);
  workers_.reserve(options_.threads - 1);
  for (std::size_t i = 1; i < options_.threads; ++i) {
    workers_.emplace_back([this] { worker_main(); });
  }
}

void runtime::worker_main() {
  gofer_thread_started();
  this_thread_runtime = this;
  stacks_->open_thread_cache();
  boost::fibers::use_scheduling_algorithm<gofer_algorithm>(pool_);
  // While this thread's main context waits here, its dispatcher runs
  // goroutines.
  {
    std::unique_lock lock{stop_mutex_};
    stop_cv_.wait(lock, [this] { return stop_workers_.load(); });
  }
  // Boost's switches at thread exit do not go through the algorithm.
  gofer_algorithm::current()->retire();
  stacks_->close_thread_cache();
  this_thread_runtime = nullptr;
}

scheduler_hooks::time_point runtime::poll_timers(bool drain_io) noexcept {
  // The dispatcher's poll, also that of busy workers: I/O completions are
  // taken in without blocking (Go's findrunnable polls netpoll too).
  if (io_->pending()) io_->poll(drain_io);
  return std::min(timers_->fire_due(), foreign_recheck());
}

scheduler_hooks::time_point runtime::foreign_recheck() noexcept {
  time_point recheck = foreign_recheck_.load(std::memory_order_relaxed);
  if (recheck == time_point::max()) return recheck;
  // Due: the worker that waits for it wakes now and, if everything is still
  // blocked, asks all_asleep again (which sets the next one). Cleared, so
  // that a program that went on running does not keep waking idle workers
  // for a deadline in the past.
  if (std::chrono::steady_clock::now() >= recheck) {
    foreign_recheck_.compare_exchange_strong(recheck, time_point::max(), std::memory_order_relaxed);
  }
  return recheck;
}

bool runtime::io_pending() noexcept {
  return io_->pending();
}

bool runtime::io_needs_poller() noexcept {
  return io_->pending() || io_->listening();
}

bool runtime::wait_io(time_point deadline) noexcept {
  return io_->wait(deadline);
}

void runtime::interrupt_io() noexcept {
  io_->interrupt();
}

bool runtime::all_asleep() noexcept {
  if (shutting_down()) return false;
  // A goroutine waiting on I/O (a socket, a process, a signal) is not
  // deadlocked: the outside world may complete its operation. An idle
  // worker waits in the poller for that (scheduler.cpp suspend_until).
  if (io_->pending()) return false;
  // Go: synctest.Wait returns once every other goroutine is durably blocked,
  // before the bubble's clock moves.
  if (parker_impl* const waiter = synctest_waiter_.load(std::memory_order_acquire)) {
    if (waiter->try_claim()) {
      waiter->winner = nullptr;
      waiter->interrupted = parker_impl::interrupt::none;
      wake(*waiter);
      return true;
    }
  }
  if (timers_->virtual_clock()) {
    if (timers_->advance()) return true;  // the next timer's instant has come
  } else if (!timers_->empty()) {
    return false;  // a timer will wake someone: sleep until it is due
  }
  if (!options_.detect_deadlock) return false;
  // A signal may still come (gofer::signals): not a deadlock; an idle
  // worker waits in the poller for it.
  if (io_->listening()) return false;
  // A thread outside gofer may still send: not a deadlock yet. Look again
  // a little later (poll_timers makes the idle worker wake for it).
  if (foreign_threads_may_send()) {
    foreign_recheck_.store(std::chrono::steady_clock::now() + foreign_recheck_interval,
                           std::memory_order_relaxed);
    return false;
  }
  foreign_recheck_.store(time_point::max(), std::memory_order_relaxed);
  // Only main's blocking call can carry the report out of run, so only a
  // main parked in a gofer operation (still claimable) is a deadlock we
  // report. If the claim fails, someone is waking main right now.
  std::string report = describe_blocked_goroutines();
  parker_impl& main_parker = main_->parker;
  if (!main_parker.try_claim()) return false;
  deadlock_report_ = std::move(report);
  main_parker.interrupted = parker_impl::interrupt::deadlock;
  main_parker.winner = nullptr;
  wake(main_parker);
  return true;
}

void runtime::wait_until_others_blocked(parker_impl& p) {
  parker_impl* expected = nullptr;
  if (!synctest_waiter_.compare_exchange_strong(expected, &p, std::memory_order_acq_rel)) {
    throw runtime_misuse("synctest::wait called by two goroutines at once");
  }
  const gofer::defer clear{[this] { synctest_waiter_.store(nullptr, std::memory_order_release); }};
  // Only all_asleep claims us (or shutdown, which unwinds: deadlock detection
  // never claims a waiter, since all_asleep wakes it first).
  park_until_claimed(p, "synctest.Wait");
}

std::string runtime::describe_blocked_goroutines() {
  return "all goroutines are asleep - deadlock!\n\n" + describe_goroutines(report_kind::deadlock);
}

void runtime::unwind_parked_goroutines() noexcept {
  shutting_down_.store(true, std::memory_order_seq_cst);
  parker_impl* to_unwind = nullptr;
  {
    spinlock_lock lock{goroutines_lock_};
    for (goroutine* g = goroutines_; g != nullptr; g = g->next) {
      parker_impl& p = g->parker;
      // Fails if the goroutine is running, or a peer claimed it first: then
      // it unwinds at its next park, which begin_park refuses.
      if (p.try_claim()) {
        p.interrupted = parker_impl::interrupt::shutdown;
        p.winner = nullptr;
        p.unwind_next = to_unwind;
        to_unwind = &p;
      }
    }
  }
  // A claimed goroutine cannot end (and free its record) before our wake.
  while (to_unwind != nullptr) {
    parker_impl* const p = to_unwind;
    to_unwind = p->unwind_next;
    wake(*p);
  }
}

void runtime::shutdown() {
  unwind_parked_goroutines();
  // No timer fires from here on (poll_timers checks shutting_down); drop
  // them now so they release what they hold.
  timers_->clear();
  {
    std::unique_lock lock{exit_mutex_};
    exit_cv_.wait(lock, [this] { return live_goroutines_.load(std::memory_order_acquire) == 0; });
  }
  if (!workers_.empty()) {
    {
      std::unique_lock lock{stop_mutex_};
      stop_workers_ = true;
    }
    stop_cv_.notify_all();
    for (std::thread& worker : workers_)
      worker.join();
  }
  // Goroutines that ended on this thread wait in Boost's terminated queue;
  // one pass of the dispatcher frees their stacks now rather than whenever
  // this thread next runs fibers.
  boost::this_fiber::yield();
  stacks_->close_thread_cache();
  // The pool outlives this run: keep only warm_stacks resident.
  stacks_->scavenge(stack_pool::keep::baseline);
  // Leave the thread as we found it: Boost's default single-thread scheduler.
  gofer_algorithm::current()->retire();
  boost::fibers::use_scheduling_algorithm<boost::fibers::algo::round_robin>();
  pool_->release_workers();
  timers_->clear();  // any set by goroutines while they were being unwound
  this_thread_runtime = nullptr;
  gofer_thread_ended();
}

// GOFER_VIRTUAL_TIME=1 in the environment turns the virtual clock on for a
// whole program without changing its code, as GODEBUG tunes a Go program: the
// tests run the teaching examples and demos this way, so a program that
// sleeps for seconds finishes at once and prints the same thing every time.
namespace {
run_options with_environment(run_options options) {
  const char* virtual_time = std::getenv("GOFER_VIRTUAL_TIME");
  if (virtual_time != nullptr && std::string_view{virtual_time} == "1") options.virtual_time = true;
  const char* dump_on_sigquit = std::getenv("GOFER_DUMP_ON_SIGQUIT");
  if (dump_on_sigquit != nullptr && std::string_view{dump_on_sigquit} == "1") {
    options.dump_on_sigquit = true;
  }
  return options;
}
}  // namespace

void run(void (*main)(void*), void* main_arg, const run_options& options) {
  install_terminate_handler();
  if (this_thread_runtime != nullptr) {
    throw runtime_misuse("gofer::run called inside gofer::run");
  }
  if (options.threads == 0) throw invalid_argument("gofer::run: threads must be at least 1");
  const run_options effective = with_environment(options);
  runtime rt{effective};
  const sigquit_dump quit_dumps{effective.dump_on_sigquit};  // may throw: nothing to undo yet
  // main is a goroutine too: give this thread's context a record for the
  // duration (Boost deletes the record when it is replaced).
  boost::fibers::context* const main_context = boost::fibers::context::active();
  if (main_context->get_properties() != nullptr) {
    throw runtime_misuse("gofer::run called from a fiber that has Boost properties");
  }
  void* main_tsan_fiber = nullptr;
#ifdef GOFER_TSAN
  main_tsan_fiber = __tsan_get_current_fiber();
#endif
  auto* const main_record = new goroutine(&rt, 1, "", main_tsan_fiber);
  main_context->set_properties(main_record);
  rt.start(*main_record);
  std::exception_ptr main_failed;
  {
    // gofer::dump from other threads, and SIGQUIT, see rt until it is done.
    const listed_run listed{rt};
    try {
      main(main_arg);
    } catch (...) {
      main_failed = std::current_exception();
    }
    rt.shutdown();
  }
  main_context->set_properties(nullptr);
  if (main_failed) std::rethrow_exception(main_failed);
}

}  // namespace gofer::detail

namespace gofer {

void synctest::wait() {
  detail::runtime* const rt = detail::current_runtime();
  detail::parker_impl fallback;
  detail::parker_impl& p = detail::current_parker(fallback);
  if (rt == nullptr || &p == &fallback || p.owner_runtime != rt) {
    throw runtime_misuse("synctest::wait called outside a goroutine of gofer::run");
  }
  rt->wait_until_others_blocked(p);
}

void yield() {
  boost::this_fiber::yield();
  // Main has returned once shutdown begins, so this is a spawned goroutine.
  const detail::goroutine* const g = detail::running_goroutine();
  if (g != nullptr && g->parker.owner_runtime->shutting_down()) throw detail::goroutine_exit{};
}

}  // namespace gofer
