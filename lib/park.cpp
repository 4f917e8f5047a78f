// lib/park.cpp - how a goroutine parks and is woken (lib/park.hpp,
// gofer/detail/waiter.hpp): the switched_out latch, a parked goroutine that
// belongs to no thread (detached from its scheduler) and runs where it is
// woken, batches of wakes, and unwinding at shutdown.
#include <cstdlib>

#include <boost/fiber/detail/cpu_relax.hpp>
#include <boost/fiber/operations.hpp>
#include <boost/fiber/type.hpp>

#include "backoff.hpp"
#include "foreign_threads.hpp"
#include "gofer/detail/assert.hpp"
#include "gofer/detail/sanitizer.hpp"
#include "park.hpp"
#include "runtime_state.hpp"

namespace gofer::detail {

parker_impl& current_parker(parker_impl& fallback) noexcept {
  goroutine* const g = running_goroutine();
  if (g == nullptr) {
    fallback.context = boost::fibers::context::active();
    return fallback;
  }
  if (g->parker.context == nullptr) {
    g->parker.context = boost::fibers::context::active();
    // Main's context is its thread's own (pinned by Boost): it stays there.
    g->parker.migrates = g->parker.owner_runtime->workers() > 1 &&
                         !g->parker.context->is_context(boost::fibers::type::pinned_context);
  }
  return g->parker;
}

blocking_as::blocking_as(const char* reason) noexcept {
  goroutine* const g = running_goroutine();
  if (g == nullptr || g->parker.called_as != nullptr) return;  // the outermost wins
  g->parker.called_as = reason;
  parker_ = &g->parker;
}

blocking_as::~blocking_as() {
  if (parker_ != nullptr) parker_impl::of(*parker_).called_as = nullptr;
}

park_start begin_park(parker_impl& p) noexcept {
  if (p.called_as != nullptr) p.wait_reason = p.called_as;  // before `waiting` publishes it
  p.winner = nullptr;
  p.interrupted = parker_impl::interrupt::none;
  // Up until Boost lowers it after our switch; ordered before any claim by
  // the store below.
  p.switched_out.raise();
  // Sequentially consistent with shutdown's flag store and claims: either we
  // see the flag here, or shutdown's claim sees us waiting.
  p.state.store(parker::waiting, std::memory_order_seq_cst);
  const runtime* const rt = p.owner_runtime;
  if (rt == nullptr || !rt->shutting_down()) return park_start::enqueue;
  // Nothing is enqueued yet, so only shutdown can have claimed us.
  if (p.try_claim()) {
    p.interrupted = parker_impl::interrupt::shutdown;
    return park_start::unwind;
  }
  return park_start::suspend_then_unwind;
}

void suspend(parker_impl& p) noexcept {
#if GOFER_LOCK_RANKING
  // Held locks are tracked per thread: none may travel with a goroutine
  // that may resume on another thread (gofer/detail/lock_rank.hpp).
  assert_no_lock_held("a goroutine parks");
#endif
  if (p.owner_runtime == nullptr) note_foreign_thread();  // see foreign_threads.hpp
  GOFER_ASSERT(p.context == boost::fibers::context::active());
  GOFER_ASSERT(p.switched_out.raised());  // by begin_park; only Boost lowers it
  // wake() publishes `completed` only once the latch is down, after our
  // switch: a claimer may have claimed us already, but not woken us.
  GOFER_ASSERT(p.state.load(std::memory_order_relaxed) != parker::completed);
  // Boost lowers the latch after the switch, where TSan cannot see it.
  GOFER_TSAN_RELEASE(&p.switched_out);
  // The lock object Boost unlocks after the switch lives in this *thread's*
  // storage, not on the goroutine's stack: Boost's unlock() releases the
  // latch and only then writes the object's owns-flag, so a waker on another
  // thread may resume us (and we may park again, on our stack) before that
  // write lands. It lands, on this thread, before this thread can start
  // another park. (On the stack it corrupted the next park's lock object:
  // an EPERM from unlock() about once in 200 runs of ChanProdCons10 at 2
  // threads.)
  static thread_local boost::fibers::detail::spinlock_lock switch_lock_of_this_thread;
  GOFER_ASSERT(!switch_lock_of_this_thread.owns_lock());  // the last park's is released
  switch_lock_of_this_thread =
      boost::fibers::detail::spinlock_lock{p.switched_out.boost_lock(), std::adopt_lock};
  boost::fibers::detail::spinlock_lock& latch = switch_lock_of_this_thread;
  if (p.migrates) {
    // Leave this thread's scheduler before switching out, so that the
    // goroutine belongs to no thread while it is parked: whichever worker
    // wakes it attaches it (see wake). Only this thread may detach a context
    // from its scheduler, and no claimer touches the context before the
    // latch is lowered, after the switch.
    boost::fibers::scheduler* const home = p.context->get_scheduler();
    GOFER_ASSERT(home != nullptr);
    home->detach_worker_context(p.context);
    home->suspend(latch);
    // Resumed by the worker that attached us, perhaps on another thread.
    GOFER_ASSERT(p.context->get_scheduler() != nullptr);
  } else {
    p.context->suspend(latch);
  }
  if (p.owner_runtime == nullptr) {
    // A plain thread's parker: wait until the waker is done with our thread's
    // scheduler (see wake()). A few instructions at most.
    while (p.state.load(std::memory_order_acquire) != parker::completed)
      cpu_relax();
  }
  GOFER_ASSERT(p.state.load(std::memory_order_acquire) == parker::completed);
}

namespace {

// Waits out the owner's switch (park.hpp): from then on it is off its stack.
// Only reads: with the owner on another thread, a moment at most.
void wait_until_switched_out(parker_impl& p) noexcept {
  for (backoff wait; p.switched_out.raised();)
    wait();
  // The owner's switch out is over (see switching_to in lib/scheduler.cpp).
  GOFER_TSAN_ACQUIRE(&p);
}

// wake() of a goroutine parked detached (p.migrates), up to making it
// runnable: publishes the claimer's writes and returns its context, which
// belongs to no thread and is not runnable until the caller queues it.
boost::fibers::context* complete_detached(parker_impl& p) noexcept {
  GOFER_ASSERT(p.migrates && p.state.load(std::memory_order_relaxed) == parker::claimed);
  boost::fibers::context* const owner = p.context;
  wait_until_switched_out(p);
  p.state.store(parker::completed, std::memory_order_release);
  // Acquired where the context is picked to run (awakened / ready).
  GOFER_TSAN_RELEASE(owner);
  GOFER_ASSERT(owner->get_scheduler() == nullptr);
  return owner;
}

// Whether `worker` (the caller's, or null) may queue p's goroutine itself.
bool queues_here(const gofer_algorithm* worker, const parker_impl& p) noexcept {
  return worker != nullptr && p.migrates && &worker->pool() == &p.owner_runtime->scheduler();
}

}  // namespace

void wake(parker& claimed) noexcept {
  parker_impl& p = parker_impl::of(claimed);
  gofer_algorithm* const worker = gofer_algorithm::current();
  if (worker == nullptr) note_foreign_thread();  // may send again: see foreign_threads.hpp
  if (p.migrates) {
    // The owner has switched out and belongs to no thread (suspend): it runs
    // next on the waker's worker, as Go's goready puts it in runnext. From a
    // thread that is not one of its runtime's workers, it joins the global
    // queue and an idle worker is woken for it.
    const bool here = queues_here(worker, p);
    scheduler_pool& pool = p.owner_runtime->scheduler();
    boost::fibers::context* const owner = complete_detached(p);
    if (here) {
      worker->ready(owner);
    } else {
      pool.inject(owner);
    }
    return;
  }
  // Attached to its thread's scheduler (main, or a thread outside any
  // runtime). Read everything needed from `p` before the owner can run.
  GOFER_ASSERT(p.state.load(std::memory_order_relaxed) == parker::claimed);
  boost::fibers::context* const owner = p.context;
  const bool outsider = p.owner_runtime == nullptr;
  wait_until_switched_out(p);
  p.handoff_to.store(worker, std::memory_order_relaxed);
  // A parker outside any runtime (a plain thread's) is published complete
  // only after its owner is scheduled, below: see suspend().
  if (!outsider) p.state.store(parker::completed, std::memory_order_release);
  // The owner may be handed over through Boost's remote queue, which TSan
  // cannot see; awakened() acquires this on the other side.
  GOFER_TSAN_RELEASE(owner);
  if (worker != nullptr) {
    worker->schedule(owner);
  } else {
    boost::fibers::context::active()->schedule(owner);
  }
  // The owner waits for this (suspend) before it goes on: Boost's default
  // scheduler on a plain thread notifies its condition variable after
  // unlocking its mutex, so without the wait the thread could wake on the
  // flag, end, and destroy that condition variable while schedule() above
  // is still notifying it (a use after free ThreadSanitizer reported).
  if (outsider) p.state.store(parker::completed, std::memory_order_release);
}

void wake_all(waiter* first, waiter* last) noexcept {
  gofer_algorithm* const worker = gofer_algorithm::current();
  // Made runnable together: small enough for the closer's stack.
  constexpr std::size_t chunk = 32;
  boost::fibers::context* batch[chunk];
  std::size_t count = 0;
  auto flush = [&] {
    if (count == 1) {
      worker->ready(batch[0]);  // one woken: runnext, as a single wake()
    } else {
      worker->ready_all(batch, count);
    }
    count = 0;
  };
  for (waiter* w = first; w != nullptr;) {
    // Read `next` before waking: a woken goroutine may return and end its waiter.
    waiter* const next = w == last ? nullptr : w->next;
    parker_impl& p = parker_impl::of(*w->owner);
    if (queues_here(worker, p)) {
      batch[count++] = complete_detached(p);  // runnable only once flushed
      if (count == chunk) flush();
    } else {
      wake(p);  // main, a plain thread's, another runtime's
    }
    w = next;
  }
  if (count != 0) flush();
}

void unwind_parked(parker_impl& p, park_start start) {
  if (start == park_start::suspend_then_unwind) {
    suspend(p);  // shutdown's wake is on its way
  } else {
    p.state.store(parker::completed, std::memory_order_relaxed);
  }
  throw goroutine_exit{};
}

void throw_if_interrupted(const parker_impl& p) {
  switch (p.interrupted) {
    case parker_impl::interrupt::none:
      return;
    case parker_impl::interrupt::shutdown:
      throw goroutine_exit{};
    case parker_impl::interrupt::deadlock:
      throw gofer::deadlock(p.owner_runtime->deadlock_report());
  }
}

void park_until_claimed(parker_impl& p, const char* reason) {
  p.wait_reason = reason;
  const park_start start = begin_park(p);
  if (start != park_start::enqueue) unwind_parked(p, start);
  suspend(p);
  throw_if_interrupted(p);
}

void block_forever(const char* reason) {
  parker_impl fallback;
  park_until_claimed(current_parker(fallback), reason);
  // Nothing but shutdown or deadlock detection claims a parker with no
  // waiters, and both make park_until_claimed throw.
  GOFER_ASSERT(false);
  std::abort();
}

}  // namespace gofer::detail
