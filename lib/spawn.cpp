// lib/spawn.cpp - gofer::go's fiber: the one place where the Boost.Fiber and
// Boost.Context templates that start and end a goroutine's fiber are
// instantiated.
//
// Built without ThreadSanitizer's function entry/exit hooks (CMakeLists.txt:
// --param=tsan-instrument-func-entry-exit=0); its memory accesses and
// atomics are still checked. Why: TSan keeps a call stack per TSan fiber,
// pushed by each instrumented function's entry and popped by its exit on
// whichever fiber TSan thinks is running. gofer announces only the switches
// Boost makes through pick_next (lib/scheduler.cpp); these templates run
// across other stack switches:
//   - Boost.Context starts a fiber by jumping into fiber_entry<> on the new
//     stack and straight back (the bootstrap), so fiber_entry is entered on
//     the creator's account and never leaves it;
//   - a finished fiber's last frames (fiber_record::run, worker_context::run_)
//     return only when Boost releases the fiber, on the releasing fiber's
//     account, after which fiber_exit<> frees the stack.
// Instrumented (as they were when go() built the fiber in the caller's
// file), each go() left one frame on the creating goroutine's TSan stack and
// each release left one on the releasing dispatcher's: those stacks grew
// with every goroutine ever started, and every allocation or fiber creation
// stored its ever longer, never repeated stack trace in TSan's stack depot,
// which is never freed (about 0.4 MB per goroutine, and "ThreadSanitizer
// failed to allocate" near 10,000 goroutines). And since pick_next returned
// after its announced switch, a new goroutine started below its empty TSan
// stack, overwriting TSan's own memory (see GOFER_TSAN_UNINSTRUMENTED).
// Without the hooks here, a goroutine's TSan stack holds exactly the
// instrumented frames that run on its own account: those of its body.
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <functional>
#include <memory>
#include <string>
#include <utility>

#include <boost/context/detail/exception.hpp>
#include <boost/fiber/detail/cpu_relax.hpp>
#include <boost/fiber/fiber.hpp>
#include <boost/fiber/policy.hpp>
#include <boost/version.hpp>

#include "gofer/detail/assert.hpp"
#include "gofer/detail/sanitizer.hpp"
#include "gofer/runtime.hpp"
#include "runtime_state.hpp"
#include "scheduler.hpp"
#include "stack_pool.hpp"

namespace gofer::detail {

namespace {

// The fiber's function.
struct goroutine_entry {
  goroutine_body* body;

  void operator()() const {
    try {
      body->run();
    } catch (const goroutine_exit&) {
      // Unwound at shutdown: the normal end of a blocked goroutine.
    } catch (const boost::context::detail::forced_unwind&) {
      throw;  // Boost.Context's own unwinding: let it through
    } catch (...) {
      panic(std::current_exception());
    }
    // The function and its arguments die with the goroutine, as a Go
    // closure's captures do, not later when Boost frees the fiber.
    delete body;
    goroutine_finished();
  }
};

}  // namespace

}  // namespace gofer::detail

// Boost's worker_context for gofer's goroutines: Boost's own (boost/fiber/
// context.hpp, 1.81) with one change, at the end. A goroutine's last step
// is Boost's context::terminate(), which takes the context's spinlock
// through the library's out-of-line spinlock_ttas::lock(). That function
// reserves a 5,048-byte frame (the std::random_device that seeds its
// thread_local backoff generator, built once per thread but reserved at
// every call), so the return address its first call pushes lands 5 KB
// below the goroutine's deepest frame: on a second page of a stack that
// otherwise fits in one. Every goroutine that ever ended faulted in that
// page (1.5-13 us) and kept it resident in the pool, as a cache and TLB
// miss at each exit; MemBlocked100k counted it as 4 KB per goroutine.
//
// finish() does what terminate() does for a goroutine, taking the same lock
// with try_lock (inline, no frame), and leaves the rest to Boost's
// scheduler::terminate as terminate() does. A goroutine's fiber is detached
// at birth, so nothing joins it (its wait queue is empty) and gofer keeps
// no fiber-specific data; if either is ever not so, it calls Boost's own
// terminate(). worker_context<Fn> is a friend of context (every
// specialization is), which is what lets this one set terminated_.
//
// It copies Boost's private protocol, so it is compiled only for the Boost
// whose terminate() it was checked against (1.81); with another, Boost's
// own worker_context runs, correct but a page heavier per ended goroutine,
// until someone checks that version's context::terminate() and widens the
// test (tests/unit/stack_pool_test.cpp checks the page).
#if BOOST_VERSION / 100 == 1081 && !defined(BOOST_USE_UCONTEXT) && !defined(BOOST_USE_WINFIB)

namespace boost::fibers {

template <>
class worker_context<gofer::detail::goroutine_entry> final : public context {
 public:
  template <typename StackAlloc>
  worker_context(launch policy, fiber_properties* properties,
                 boost::context::preallocated const& palloc, StackAlloc&& salloc,
                 gofer::detail::goroutine_entry&& entry)
      : context{1, type::worker_context, policy}, entry_(entry) {
    if (properties != nullptr) {
      set_properties(properties);
      properties->set_context(this);
    }
    c_ = boost::context::fiber{std::allocator_arg, palloc, std::forward<StackAlloc>(salloc),
                               std::bind(&worker_context::run_, this, std::placeholders::_1)};
  }

 private:
  boost::context::fiber run_(boost::context::fiber&& caller) {
    boost::ignore_unused(caller);
    const gofer::detail::goroutine_entry entry = entry_;
    entry();
    return finish();
  }

  boost::context::fiber finish() noexcept {
    while (!splk_.try_lock())
      cpu_relax();  // Boost's pause macro
    detail::spinlock_lock lock{splk_, std::adopt_lock};
    if (!wait_queue_.empty() || !fss_data_.empty()) {
      lock.unlock();
      return terminate();  // Boost's whole path
    }
    terminated_ = true;
    return get_scheduler()->terminate(lock, this);
  }

  gofer::detail::goroutine_entry entry_;
};

}  // namespace boost::fibers

#endif  // Boost 1.81 with fcontext

namespace gofer::detail {

namespace {

// The goroutines the one running on this thread has started since it last
// switched in (it has not if the worker's picks are unchanged).
struct spawn_run {
  std::uint32_t picks = 0;
  std::uint32_t count = 0;
};
thread_local spawn_run this_thread_spawn_run;

}  // namespace

boost::fibers::context* start_fiber(goroutine& g) noexcept {
  goroutine_body* const body = g.unstarted_body.exchange(nullptr, std::memory_order_relaxed);
  GOFER_ASSERT(body != nullptr);
  boost::intrusive_ptr<boost::fibers::context> fiber;
  try {
    // What boost::fibers::fiber's constructor makes; the scheduler then
    // holds the reference it starts with (fiber::detach drops the other,
    // as `fiber` going out of scope does here).
    boost::fibers::fiber_properties* const properties = &g;
    fiber = boost::fibers::make_worker_context_with_properties(
        boost::fibers::launch::post, properties, g.parker.owner_runtime->stack_allocator(),
        goroutine_entry{body});
  } catch (...) {
    // Only allocating the stack can throw. go() returned long ago, so there
    // is nobody to throw to: Go's "fatal error: out of memory" instead.
    std::fprintf(stderr,
                 "fatal error: gofer: no stack for goroutine %" PRIu64
                 " (out of memory, or vm.max_map_count reached with guard pages)\n",
                 g.id);
    std::fflush(stderr);
    std::_Exit(2);
  }
  return fiber.get();
}

void spawn(runtime& rt, std::string name, std::unique_ptr<goroutine_body> body) {
  goroutine* const record = goroutine_started(rt, std::move(name));
  gofer_algorithm* const here = gofer_algorithm::current();
  if (here != nullptr && &here->pool() == &rt.scheduler()) {
    // The usual case: queued with no fiber; the worker that first picks it
    // makes one (start_fiber).
    record->parker.handoff_to.store(nullptr, std::memory_order_relaxed);
    // Relaxed: the run queue's lock (or the one thread) orders it before
    // the pick that makes the fiber.
    record->unstarted_body.store(body.release(), std::memory_order_relaxed);
    here->spawn(*record);
  } else {
    // A thread of no worker of this runtime (not in practice: go() needs
    // the runtime of its thread): a fiber now, run where Boost puts it.
    try {
      boost::fibers::fiber_properties* const properties = record;
      boost::fibers::fiber(boost::fibers::launch::post, properties, std::allocator_arg,
                           rt.stack_allocator(), goroutine_entry{body.get()})
          .detach();
    } catch (...) {
      // Only allocating the stack can throw, before Boost takes the record.
      goroutine_not_started(record);
      throw;
    }
    body.release();  // the fiber owns it now
  }
  // A loop that only spawns (SpawnJoin100k's main) would otherwise queue
  // every goroutine it makes before any of them runs: 100k records and
  // functions, and the stacks they then run on come cold (32 MB and 535 ns a
  // goroutine on one thread, against 5.5 MB and 245 ns with this yield; when
  // go() still made the fiber, a stack page each, 420 MiB). Go's sysmon preempts
  // such a loop after 10 ms and the goroutines queued so far run; gofer
  // cannot preempt, so go() is the preemption point: a caller that has
  // started spawn_run_limit goroutines since it last switched in, with more
  // than spawn_backlog_limit waiting to run on its worker (its queue and the
  // global one), yields to the tail, and they run first, on stacks still in
  // the cache. A goroutine that starts a few and blocks (Skynet's nodes
  // start ten) never yields here: sent to the tail of a long queue, it
  // would keep its stack and its children's alive that much longer. Not
  // from the dispatcher (a timer's function started by poll_timers), nor
  // where the runtime forbids it (spawn_without_yield).
  gofer_algorithm* const worker = gofer_algorithm::current();
  if (worker == nullptr) return;
  spawn_run& run = this_thread_spawn_run;
  if (run.picks != worker->picks()) run = {worker->picks(), 0};
  if (++run.count >= spawn_run_limit && worker->backlog() > spawn_backlog_limit &&
      spawn_without_yield::allowed() &&
      !boost::fibers::context::active()->is_context(boost::fibers::type::dispatcher_context)) {
    assert_no_lock_held("go() yielding to its backlog");
    boost::this_fiber::yield();
  }
}

}  // namespace gofer::detail
