// lib/runtime.cpp - gofer::run, goroutine records, parking and shutdown.
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
#include "gofer/detail/sanitizer.hpp"
#include "gofer/runtime.hpp"
#include "runtime_state.hpp"

namespace gofer::detail {

namespace {

// The runtime this thread works for: the thread that called run, and its
// workers. Goroutines migrate only between threads of one runtime.
thread_local runtime* this_thread_runtime = nullptr;

std::string demangle(const char* mangled) {
  int status = 0;
  std::unique_ptr<char, decltype(&std::free)> name{
      abi::__cxa_demangle(mangled, nullptr, nullptr, &status), &std::free};
  return status == 0 && name ? std::string(name.get()) : std::string(mangled);
}

}  // namespace

goroutine* running_goroutine() noexcept {
  boost::fibers::fiber_properties* const properties =
      boost::fibers::context::active()->get_properties();
  if (properties == nullptr || typeid(*properties) != typeid(goroutine)) return nullptr;
  return static_cast<goroutine*>(properties);
}

void assert_failed(const char* condition, const char* file, int line) noexcept {
  std::fprintf(stderr, "gofer: internal invariant broken: %s (%s:%d)\n", condition, file, line);
  std::abort();
}

runtime* current_runtime() noexcept {
  return this_thread_runtime;
}

runtime& runtime_for_go() {
  if (this_thread_runtime == nullptr) {
    throw runtime_misuse("gofer::go called outside gofer::run");
  }
  return *this_thread_runtime;
}

boost::fibers::fixedsize_stack goroutine_stack_allocator(runtime& rt) noexcept {
  return rt.stack_allocator();
}

boost::fibers::fiber_properties* goroutine_started(runtime& rt) {
  auto* const record = new goroutine(&rt);
  rt.add(*record);
  return record;
}

void goroutine_not_started(boost::fibers::fiber_properties* record) noexcept {
  auto* const g = static_cast<goroutine*>(record);
  g->parker.owner_runtime->remove(*g);
  delete g;
}

void goroutine_finished() noexcept {
  goroutine* const g = running_goroutine();
  GOFER_ASSERT(g != nullptr);
  g->parker.owner_runtime->remove(*g);
}

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

void runtime::start() {
  this_thread_runtime = this;
  if (options_.threads > 1) pool_ = std::make_shared<shared_pool>();
  boost::fibers::use_scheduling_algorithm<gofer_algorithm>(pool_);
  workers_.reserve(options_.threads - 1);
  for (std::size_t i = 1; i < options_.threads; ++i) {
    workers_.emplace_back([this] { worker_main(); });
  }
}

void runtime::worker_main() {
  this_thread_runtime = this;
  boost::fibers::use_scheduling_algorithm<gofer_algorithm>(pool_);
  // While this thread's main context waits here, its dispatcher runs
  // goroutines from the shared queue.
  std::unique_lock lock{stop_mutex_};
  stop_cv_.wait(lock, [this] { return stop_workers_.load(); });
  this_thread_runtime = nullptr;
}

void runtime::unwind_parked_goroutines() noexcept {
  shutting_down_.store(true, std::memory_order_seq_cst);
  parker* to_unwind = nullptr;
  {
    spinlock_lock lock{goroutines_lock_};
    for (goroutine* g = goroutines_; g != nullptr; g = g->next) {
      parker& p = g->parker;
      // Fails if the goroutine is running, or a peer claimed it first: then
      // it unwinds at its next park, which begin_park refuses.
      if (p.try_claim()) {
        p.unwound = true;
        p.winner = nullptr;
        p.unwind_next = to_unwind;
        to_unwind = &p;
      }
    }
  }
  // A claimed goroutine cannot end (and free its record) before our wake.
  while (to_unwind != nullptr) {
    parker* const p = to_unwind;
    to_unwind = p->unwind_next;
    wake(*p, nullptr);
  }
}

void runtime::shutdown() {
  unwind_parked_goroutines();
  {
    std::unique_lock lock{exit_mutex_};
    exit_cv_.wait(lock, [this] { return live_goroutines_.load(std::memory_order_acquire) == 0; });
  }
  // Goroutines that ended on this thread wait in Boost's terminated queue;
  // one pass of the dispatcher frees their stacks now rather than whenever
  // this thread next runs fibers.
  boost::this_fiber::yield();
  if (!workers_.empty()) {
    {
      std::unique_lock lock{stop_mutex_};
      stop_workers_ = true;
    }
    stop_cv_.notify_all();
    for (std::thread& worker : workers_)
      worker.join();
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
  // main is a goroutine too: give this thread's context a record for the
  // duration (Boost deletes the record when it is replaced).
  boost::fibers::context* const main_context = boost::fibers::context::active();
  const bool gave_main_a_record = main_context->get_properties() == nullptr;
  if (gave_main_a_record) main_context->set_properties(new goroutine(&rt));
  std::exception_ptr main_failed;
  try {
    main(main_arg);
  } catch (...) {
    main_failed = std::current_exception();
  }
  rt.shutdown();
  if (gave_main_a_record) main_context->set_properties(nullptr);
  if (main_failed) std::rethrow_exception(main_failed);
}

parker& current_parker(parker& fallback) noexcept {
  goroutine* const g = running_goroutine();
  if (g == nullptr) {
    fallback.context = boost::fibers::context::active();
    return fallback;
  }
  if (g->parker.context == nullptr) g->parker.context = boost::fibers::context::active();
  return g->parker;
}

park_start begin_park(parker& p, spinlock& switch_lock) noexcept {
  p.switch_lock = &switch_lock;
  p.winner = nullptr;
  p.unwound = false;
  // Sequentially consistent with shutdown's flag store and claims: either we
  // see the flag here, or shutdown's claim sees us waiting.
  p.state.store(parker::waiting, std::memory_order_seq_cst);
  const runtime* const rt = p.owner_runtime;
  if (rt == nullptr || !rt->shutting_down()) return park_start::enqueue;
  // Nothing is enqueued yet, so only shutdown can have claimed us.
  return p.try_claim() ? park_start::unwind : park_start::suspend_then_unwind;
}

void suspend(parker& p, spinlock_lock& switch_lock) noexcept {
  // Boost unlocks the switch lock after the switch, where TSan cannot see it.
  GOFER_TSAN_RELEASE(switch_lock.mutex());
  p.context->suspend(switch_lock);
  GOFER_ASSERT(p.state.load(std::memory_order_acquire) == parker::completed);
}

void unwind_parked(parker& p, park_start start, spinlock_lock& switch_lock) {
  if (start == park_start::suspend_then_unwind) {
    suspend(p, switch_lock);  // shutdown's wake is on its way
  } else {
    p.state.store(parker::completed, std::memory_order_relaxed);
    switch_lock.unlock();
  }
  throw goroutine_exit{};
}

void block_forever() {
  parker fallback;
  parker& p = current_parker(fallback);
  spinlock_lock park_lock{p.park_lock};
  const park_start start = begin_park(p, p.park_lock);
  if (start != park_start::enqueue) unwind_parked(p, start, park_lock);
  suspend(p, park_lock);
  // Nothing but shutdown claims a parker with no waiters.
  throw goroutine_exit{};
}

}  // namespace gofer::detail

namespace gofer {

void yield() {
  boost::this_fiber::yield();
  // Main has returned once shutdown begins, so this is a spawned goroutine.
  const detail::goroutine* const g = detail::running_goroutine();
  if (g != nullptr && g->parker.owner_runtime->shutting_down()) throw detail::goroutine_exit{};
}

}  // namespace gofer
