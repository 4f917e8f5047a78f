// lib/runtime.cpp - gofer::run, goroutine bookkeeping, parking and shutdown.
#include <cxxabi.h>

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <memory>
#include <string>
#include <typeinfo>

#include <boost/fiber/algo/round_robin.hpp>
#include <boost/fiber/operations.hpp>

#include "gofer/detail/assert.hpp"
#include "gofer/runtime.hpp"
#include "runtime_state.hpp"

namespace gofer::detail {

namespace {

// The runtime this thread works for: the thread that called run, and its
// workers. Goroutines migrate only between threads of one runtime, so this is
// also the runtime of whichever goroutine runs on the thread.
thread_local runtime* this_thread_runtime = nullptr;

std::string demangle(const char* mangled) {
  int status = 0;
  std::unique_ptr<char, decltype(&std::free)> name{
      abi::__cxa_demangle(mangled, nullptr, nullptr, &status), &std::free};
  return status == 0 && name ? std::string(name.get()) : std::string(mangled);
}

}  // namespace

void assert_failed(const char* condition, const char* file, int line) noexcept {
  std::fprintf(stderr, "gofer: internal invariant broken: %s (%s:%d)\n", condition, file, line);
  std::abort();
}

runtime* current_runtime() noexcept { return this_thread_runtime; }

runtime& runtime_for_go() {
  if (this_thread_runtime == nullptr) {
    throw runtime_misuse("gofer::go called outside gofer::run");
  }
  return *this_thread_runtime;
}

boost::fibers::fixedsize_stack goroutine_stack_allocator(runtime& rt) noexcept {
  return rt.stack_allocator();
}
void goroutine_started(runtime& rt) noexcept { rt.goroutine_started(); }
void goroutine_finished(runtime& rt) noexcept { rt.goroutine_finished(); }

void panic(std::exception_ptr exception) noexcept {
  std::string type = "unknown exception";
  std::string what;
  try {
    std::rethrow_exception(exception);
  } catch (const std::exception& e) {
    type = demangle(typeid(e).name());
    what = e.what();
  } catch (...) {
    if (const std::type_info* info = abi::__cxa_current_exception_type()) {
      type = demangle(info->name());
    }
  }
  // Keep what the program printed before the panic, as Go's unbuffered
  // stdout would; then end at once, as Go does (no destructors, exit 2).
  std::fflush(stdout);
  std::fprintf(stderr, "panic: %s%s%s\n\n(an exception escaped a goroutine started by gofer::go)\n",
               type.c_str(), what.empty() ? "" : ": ", what.c_str());
  std::fflush(stderr);
  std::_Exit(2);
}

runtime::runtime(const run_options& options)
    : options_(options), stack_allocator_(options.stack_size) {}

bool runtime::register_parker(parker& p) noexcept {
  spinlock_lock lock{registry_lock_};
  if (shutting_down_) return false;
  p.registry = this;
  p.registry_prev = nullptr;
  p.registry_next = parked_;
  if (parked_ != nullptr) parked_->registry_prev = &p;
  parked_ = &p;
  return true;
}

void runtime::unregister_parker(parker& p) noexcept {
  spinlock_lock lock{registry_lock_};
  (p.registry_prev != nullptr ? p.registry_prev->registry_next : parked_) = p.registry_next;
  if (p.registry_next != nullptr) p.registry_next->registry_prev = p.registry_prev;
  p.registry = nullptr;
}

void runtime::goroutine_finished() noexcept {
  if (live_goroutines_.fetch_sub(1, std::memory_order_acq_rel) == 1) {
    // Taking the mutex orders this notify after main's check of the count.
    std::unique_lock lock{exit_mutex_};
    exit_cv_.notify_all();
  }
}

void runtime::start() {
  this_thread_runtime = this;
  if (options_.threads <= 1) {
    boost::fibers::use_scheduling_algorithm<boost::fibers::algo::round_robin>();
    return;
  }
  pool_ = std::make_shared<shared_pool>();
  boost::fibers::use_scheduling_algorithm<shared_queue_algorithm>(pool_);
  workers_.reserve(options_.threads - 1);
  for (std::size_t i = 1; i < options_.threads; ++i) {
    workers_.emplace_back([this] { worker_main(); });
  }
}

void runtime::worker_main() {
  this_thread_runtime = this;
  boost::fibers::use_scheduling_algorithm<shared_queue_algorithm>(pool_);
  // While this thread's main context waits here, its dispatcher runs
  // goroutines from the shared queue.
  std::unique_lock lock{stop_mutex_};
  stop_cv_.wait(lock, [this] { return stop_workers_; });
  this_thread_runtime = nullptr;
}

void runtime::begin_shutdown() noexcept {
  parker* to_unwind = nullptr;
  {
    spinlock_lock lock{registry_lock_};
    shutting_down_ = true;
    shutting_down_flag_.store(true, std::memory_order_release);
    for (parker* p = parked_; p != nullptr; p = p->registry_next) {
      // A peer may have claimed it first; then it resumes normally and
      // unwinds at its next block, which begin_park refuses.
      if (p->try_claim()) {
        p->unwound = true;
        p->winner = nullptr;
        p->unwind_next = to_unwind;
        to_unwind = p;
      }
    }
  }
  // Claimed parkers stay registered until they resume, which needs our wake.
  while (to_unwind != nullptr) {
    parker* const p = to_unwind;
    to_unwind = p->unwind_next;
    wake(*p);
  }
}

void runtime::shutdown() {
  begin_shutdown();
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
    for (std::thread& worker : workers_) worker.join();
  }
  // Leave the thread as we found it: Boost's default single-thread scheduler.
  boost::fibers::use_scheduling_algorithm<boost::fibers::algo::round_robin>();
  this_thread_runtime = nullptr;
}

void run(void (*main)(void*), void* main_arg, const run_options& options) {
  if (this_thread_runtime != nullptr) {
    throw runtime_misuse("gofer::run called inside gofer::run");
  }
  if (options.threads == 0) throw std::invalid_argument("gofer::run: threads must be at least 1");
  runtime rt{options};
  rt.start();
  std::exception_ptr main_failed;
  try {
    main(main_arg);
  } catch (...) {
    main_failed = std::current_exception();
  }
  rt.shutdown();
  if (main_failed) std::rethrow_exception(main_failed);
}

bool begin_park(parker& p, spinlock_lock& park_lock) noexcept {
  p.context = boost::fibers::context::active();
  park_lock = spinlock_lock{p.park_lock};
  runtime* const rt = this_thread_runtime;
  if (rt != nullptr && !rt->register_parker(p)) {
    park_lock.unlock();
    return false;
  }
  return true;
}

void suspend(parker& p, spinlock_lock& park_lock) noexcept {
  p.context->suspend(park_lock);
  GOFER_ASSERT(p.state.load(std::memory_order_acquire) == parker::completed);
  if (p.registry != nullptr) p.registry->unregister_parker(p);
}

void block_forever() {
  parker p;
  spinlock_lock park_lock;
  if (begin_park(p, park_lock)) suspend(p, park_lock);
  // Nothing but shutdown claims a parker with no waiters.
  throw goroutine_exit{};
}

}  // namespace gofer::detail

namespace gofer {

void yield() {
  boost::this_fiber::yield();
  const detail::runtime* const rt = detail::current_runtime();
  if (rt != nullptr && rt->shutting_down()) throw detail::goroutine_exit{};
}

}  // namespace gofer
