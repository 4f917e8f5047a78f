#include "scheduler.hpp"

#include <algorithm>
#include <thread>
#include <utility>

#include <boost/fiber/type.hpp>

#include "futex.hpp"
#include "gofer/detail/assert.hpp"
#include "gofer/detail/sanitizer.hpp"
#include "runtime_state.hpp"

namespace gofer::detail {

thread_local int spawn_without_yield::depth = 0;

namespace {

thread_local gofer_algorithm* this_thread_worker = nullptr;

// How long an idle worker looks for work before it parks: long enough to
// catch a goroutine made runnable a moment later, short next to the cost of
// parking and waking a thread (microseconds).
constexpr int spin_rounds = 200;

// How long a spinning worker backs off, still spinning, when the only work
// in sight is another worker's runnext that keeps changing (Go: runqgrab's
// usleep(3)).
constexpr auto runnext_backoff = std::chrono::microseconds(3);

// Go's local run queue holds 256: beyond that, the older half moves to the
// global queue, and the newest goroutines run first.
constexpr std::size_t local_queue_limit = 256;
static_assert(gofer_algorithm::take_limit == local_queue_limit / 2);

// The most one steal takes from a victim's queue.
constexpr std::size_t max_steal = 32;
static_assert(max_steal <= gofer_algorithm::take_limit);

// How soon a parked worker looks again while another worker's runnext is
// occupied (see suspend_until): rare enough to cost nothing measurable,
// soon enough that a stranded goroutine waits well under a millisecond.
constexpr auto runnext_recheck = std::chrono::microseconds(100);

// The worker a runnable goroutine should run on next, if whoever made it
// runnable said so (wake() and go() do); consumed here.
gofer_algorithm* take_handoff(boost::fibers::context* context) noexcept {
  goroutine* const g = goroutine_of(context);
  if (g == nullptr) return nullptr;
  // Only the one awakened() call for this wake-up reads it: no exchange needed.
  gofer_algorithm* const handoff = g->parker.handoff_to.load(std::memory_order_acquire);
  if (handoff != nullptr) g->parker.handoff_to.store(nullptr, std::memory_order_relaxed);
  return handoff;
}

// The algorithm's thread-confined state is touched by whichever fiber runs
// on its thread, and Boost calls in here between gofer's announcement of a
// switch and the switch itself. Under TSan, every entry into the algorithm
// acquires (and every exit releases) one sync object, so those accesses are
// ordered as the single thread really orders them.
class thread_confined {
 public:
  explicit thread_confined(void* state) noexcept : state_(state) { GOFER_TSAN_ACQUIRE(state_); }
  ~thread_confined() { GOFER_TSAN_RELEASE(state_); }
  thread_confined(const thread_confined&) = delete;
  thread_confined& operator=(const thread_confined&) = delete;

 private:
  [[maybe_unused]] void* state_;
};

}  // namespace

scheduler_pool::scheduler_pool(std::size_t workers, scheduler_hooks& hooks)
    : size_(workers), hooks_(hooks), workers_(workers) {
  idle_.reserve(workers);
}

void scheduler_pool::add_worker(gofer_algorithm& worker) {
  intrusive_ptr_add_ref(&worker);
  const std::size_t index = started_.fetch_add(1, std::memory_order_relaxed);
  workers_[index].store(&worker, std::memory_order_release);
}

void scheduler_pool::release_workers() noexcept {
  for (auto& slot : workers_) {
    if (gofer_algorithm* worker = slot.exchange(nullptr)) intrusive_ptr_release(worker);
  }
}

gofer_algorithm::gofer_algorithm(std::shared_ptr<scheduler_pool> pool)
    : pool_(std::move(pool)), seen_runnext_(pool_->size(), nullptr) {
  this_thread_worker = this;
  pool_->add_worker(*this);
#ifdef GOFER_TSAN
  // Installed from the thread's main context (gofer::run, worker_main).
  main_tsan_fiber_ = __tsan_get_current_fiber();
#endif
  // Other threads reach this object through Boost's (uninstrumented) remote
  // wake-ups: see notify().
  GOFER_TSAN_RELEASE(this);
}

gofer_algorithm::~gofer_algorithm() {
  if (this_thread_worker == this) this_thread_worker = nullptr;
#ifdef GOFER_TSAN
  if (dispatcher_tsan_fiber_ != nullptr) __tsan_destroy_fiber(dispatcher_tsan_fiber_);
#endif
  // Wait out a notify() still in flight from another thread.
  std::lock_guard lock{wake_mutex_};
}

gofer_algorithm* gofer_algorithm::current() noexcept {
  return this_thread_worker;
}

bool gofer_algorithm::push(boost::fibers::context* context, bool as_next) noexcept {
  if (as_next) {
    // Go: runqput(next=true). What was there moves to the queue's tail.
    if (shared()) {
      // seq_cst: with the seq_cst loads in wake_an_idle_worker, this is one
      // side of the Dekker pattern whose other is suspend_until's fence.
      context = runnext_.exchange(context, std::memory_order_seq_cst);
    } else {
      // With one worker there are no thieves: runnext is this thread's alone.
      boost::fibers::context* const displaced = runnext_.load(std::memory_order_relaxed);
      runnext_.store(context, std::memory_order_relaxed);
      context = displaced;
    }
    if (context == nullptr) return false;
  }
  spinlock_lock lock{lock_, std::defer_lock};
  if (shared()) lock.lock();
  queue_.push_back(context);
  if (queue_.size() > local_queue_limit) overflow_locked();
  publish();
  return true;
}

void gofer_algorithm::overflow_locked() noexcept {
  // Go: runqputslow. The older half goes to the global queue, in order; the
  // newer half stays and runs first.
  const auto half = static_cast<std::ptrdiff_t>(queue_.size() / 2);
  {
    spinlock_lock global{pool_->global_lock_};
    pool_->global_.insert(pool_->global_.end(), queue_.begin(), queue_.begin() + half);
    pool_->global_count_.store(pool_->global_.size(), std::memory_order_relaxed);
  }
  queue_.erase(queue_.begin(), queue_.begin() + half);
}

boost::fibers::context* gofer_algorithm::pop_global(bool batch) noexcept {
  if (pool_->global_count_.load(std::memory_order_relaxed) == 0) return nullptr;
  boost::fibers::context** const taken = taken_.data();
  std::size_t count = 0;
  {
    spinlock_lock global{pool_->global_lock_};
    auto& queue = pool_->global_;
    // Go: globrunqget, a share for each worker, at most half a local queue.
    const std::size_t share = batch ? queue.size() / pool_->size() + 1 : 1;
    count = std::min({share, queue.size(), take_limit});
    for (std::size_t k = 0; k < count; ++k) {
      taken[k] = queue.front();
      queue.pop_front();
    }
    pool_->global_count_.store(queue.size(), std::memory_order_relaxed);
  }
  if (count == 0) return nullptr;
  if (count > 1) {
    spinlock_lock lock{lock_, std::defer_lock};
    if (shared()) lock.lock();
    queue_.insert(queue_.end(), taken + 1, taken + count);
    publish();
  }
  return attach(taken[0]);
}

void gofer_algorithm::awakened(boost::fibers::context* context) noexcept {
  const thread_confined confined{&picks_};
  GOFER_TSAN_ACQUIRE(context);  // pairs with wake()'s release
  if (context->is_context(boost::fibers::type::dispatcher_context)) {
    dispatcher_ = home_ = context;
    return;
  }
  if (context->is_context(boost::fibers::type::pinned_context)) {
    pinned_.push_back(*context);
    return;
  }
  // Kept detached while runnable so that any worker may take it; with one
  // worker it never moves, and stays attached.
  if (shared()) context->detach();
  gofer_algorithm* handoff = take_handoff(context);
  if (handoff != nullptr && handoff->pool_ != pool_) handoff = nullptr;  // another runtime's
  if (handoff == nullptr || handoff == this) {
    // Made runnable here: by a spawn on this thread (runnext), or by yield,
    // a Boost primitive or a sleeper (the tail).
    make_runnable(context, handoff == this);
    return;
  }
  // Woken from another worker's thread through Boost's remote queue (a
  // context that stays attached while blocked: main, or one blocked in a
  // Boost primitive). Hand it to the waker, as Go's goready does.
  handoff->push(context, true);
  std::lock_guard lock{pool_->mutex};
  handoff->notify_locked();
}

void gofer_algorithm::ready(boost::fibers::context* context) noexcept {
  const thread_confined confined{&picks_};
  GOFER_ASSERT(gofer_algorithm::current() == this);
  GOFER_ASSERT(shared() && context->get_scheduler() == nullptr);
  GOFER_ASSERT(!context->is_context(boost::fibers::type::pinned_context));
  make_runnable(context, true);
}

void gofer_algorithm::ready_all(boost::fibers::context* const* contexts,
                                std::size_t count) noexcept {
  if (count == 0) return;
  const thread_confined confined{&picks_};
  GOFER_ASSERT(gofer_algorithm::current() == this && shared());
  {
    spinlock_lock lock{lock_};
    for (std::size_t k = 0; k < count; ++k) {
      GOFER_ASSERT(contexts[k]->get_scheduler() == nullptr);
      queue_.push_back(contexts[k]);
    }
    while (queue_.size() > local_queue_limit)
      overflow_locked();
    publish();
  }
  wake_idle_workers(count);
}

void gofer_algorithm::wake_idle_workers(std::size_t wanted) noexcept {
  // Go's injectglist: start as many idle workers as there are goroutines
  // for them (each steals half of what it finds), not one per goroutine.
  std::atomic_thread_fence(std::memory_order_seq_cst);  // see wake_an_idle_worker
  if (pool_->idle_count_.load(std::memory_order_acquire) == 0) return;
  std::lock_guard lock{pool_->mutex};
  auto& idle = pool_->idle_;
  for (; wanted > 0 && !idle.empty(); --wanted)
    idle.back()->notify_locked();  // removes it from idle
}

void gofer_algorithm::make_runnable(boost::fibers::context* context, bool as_next) noexcept {
  // A goroutine's wake or spawn goes to runnext; anything else to the tail.
  // Either way an idle worker may have to take it, should this one stay
  // busy (Go: wakep). A wake or spawn by the dispatcher itself - a timer
  // firing - joins the tail too: there is no waker about to block whose
  // turn it could take, and in the tail the goroutines of timers due at the
  // same instant run in the order the timers were set (where Go's runnext
  // would run the last one first), which keeps virtual-time schedules
  // exactly in deadline order.
  const bool woken_by_goroutine =
      !boost::fibers::context::active()->is_context(boost::fibers::type::dispatcher_context);
  // The dispatcher is about to pick: when what it readied is this worker's
  // only work, this worker runs it next and another would wake only to
  // find nothing (a futex wake and a spin per timer: that made every
  // virtual-clock advance cost microseconds on 2 threads). Go's wakep
  // avoids the same waste with its spinning-M count.
  const bool queued = push(context, as_next && woken_by_goroutine);
  const bool only_work = !woken_by_goroutine &&
                         runnext_.load(std::memory_order_relaxed) == nullptr &&
                         queued_mirror_.load(std::memory_order_relaxed) == 1;
  if (shared() && !only_work) wake_an_idle_worker(/*ordered=*/!queued);
}

void scheduler_pool::inject(boost::fibers::context* context) noexcept {
  GOFER_ASSERT(size_ > 1 && context->get_scheduler() == nullptr);
  {
    spinlock_lock global{global_lock_};
    global_.push_back(context);
    global_count_.store(global_.size(), std::memory_order_relaxed);
  }
  // Go's injectglist: wake a parked worker unless one is spinning, and it
  // will find the goroutine in the global queue. The fence: as in
  // wake_an_idle_worker.
  std::atomic_thread_fence(std::memory_order_seq_cst);
  if (spinning_.load(std::memory_order_acquire) != 0 ||
      idle_count_.load(std::memory_order_seq_cst) == 0) {
    return;
  }
  std::lock_guard lock{mutex};
  if (!idle_.empty()) idle_.back()->notify_locked();
}

boost::fibers::context* gofer_algorithm::attach(boost::fibers::context* context) noexcept {
  if (goroutine* const g = unstarted_of(context)) {
    // Its first run: its fiber is made here, and belongs to this thread's
    // scheduler from birth, whatever the number of workers. No lock held:
    // making it may map a new slab of stacks.
    context = start_fiber(*g);
  } else if (!shared()) {
    return context;  // with one worker, runnable contexts stay attached
  }
  (home_ != nullptr ? home_ : boost::fibers::context::active())->attach(context);
  return context;
}

void gofer_algorithm::schedule(boost::fibers::context* context) noexcept {
  (home_ != nullptr ? home_ : boost::fibers::context::active())->schedule(context);
}

void gofer_algorithm::spawn(goroutine& g) noexcept {
  const thread_confined confined{&picks_};
  GOFER_ASSERT(gofer_algorithm::current() == this &&
               g.unstarted_body.load(std::memory_order_relaxed) != nullptr);
  make_runnable(unstarted_entry(&g), true);
}

boost::fibers::context* gofer_algorithm::take_runnext() noexcept {
  if (!shared()) {
    boost::fibers::context* const context = runnext_.load(std::memory_order_relaxed);
    if (context != nullptr) runnext_.store(nullptr, std::memory_order_relaxed);
    return context;
  }
  // Go: runqget's CAS on runnext. Load first: an exchange of an empty slot
  // would take the line from a thief's reads for nothing.
  if (runnext_.load(std::memory_order_relaxed) == nullptr) return nullptr;
  return runnext_.exchange(nullptr, std::memory_order_acq_rel);
}

boost::fibers::context* gofer_algorithm::pop_own(bool runnext_first) noexcept {
  boost::fibers::context* context = runnext_first ? take_runnext() : nullptr;
  if (context == nullptr) {
    spinlock_lock lock{lock_, std::defer_lock};
    if (shared()) lock.lock();
    if (!queue_.empty()) {
      context = queue_.front();
      queue_.pop_front();
      publish();
    }
  }
  if (context == nullptr && !runnext_first) context = take_runnext();
  if (context == nullptr) return nullptr;
  return attach(context);  // no lock held: it may make a fiber
}

boost::fibers::context* gofer_algorithm::peek_runnext() noexcept {
  return runnext_.load(std::memory_order_relaxed);
}

boost::fibers::context* gofer_algorithm::steal(bool runnext_too) noexcept {
  if (!shared()) return nullptr;
  const std::size_t started = pool_->started_.load(std::memory_order_acquire);
  for (std::size_t i = 0; i < started; ++i) {
    gofer_algorithm* const victim = pool_->workers_[i].load(std::memory_order_acquire);
    if (victim == nullptr || victim == this) continue;
    // Take the older half of the victim's queue (Go: runqsteal). Its runnext
    // is about to run where its waker runs, unless that worker has stayed
    // busy all through our spin: then take it too.
    boost::fibers::context** const taken = taken_.data();
    std::size_t count = 0;
    {
      spinlock_lock lock{victim->lock_};
      const std::size_t half = (victim->queue_.size() + 1) / 2;
      count = std::min<std::size_t>(half, max_steal);
      for (std::size_t k = 0; k < count; ++k) {
        taken[k] = victim->queue_.front();
        victim->queue_.pop_front();
      }
      victim->publish();
    }
    // Its runnext only if it is still the one seen all through our spin
    // (Go: runqsteal's stealRunNextG, a CAS as here).
    boost::fibers::context* seen = seen_runnext_[i];
    if (count == 0 && runnext_too && seen != nullptr &&
        victim->runnext_.compare_exchange_strong(seen, nullptr, std::memory_order_acq_rel,
                                                 std::memory_order_relaxed)) {
      taken[count++] = seen;
    }
    if (count == 0) continue;
    if (count > 1) {
      spinlock_lock lock{lock_};
      queue_.insert(queue_.end(), taken + 1, taken + count);
      publish();
    }
    return attach(taken[0]);
  }
  return nullptr;
}

// Uninstrumented, as is pick_next: both return after the announced switch,
// on the next fiber's account, and an instrumented exit there would pop the
// next fiber's TSan call stack instead of this one's.
GOFER_TSAN_UNINSTRUMENTED
boost::fibers::context* gofer_algorithm::switching_to(boost::fibers::context* context) noexcept {
#ifdef GOFER_TSAN
  if (context == nullptr || !announce_switches_) return context;
  void* fiber = nullptr;
  if (context == home_) {
    if (dispatcher_tsan_fiber_ == nullptr) dispatcher_tsan_fiber_ = __tsan_create_fiber(0);
    fiber = dispatcher_tsan_fiber_;
  } else if (goroutine* g = goroutine_of(context)) {
    fiber = g->tsan_fiber;
  } else if (context->is_context(boost::fibers::type::pinned_context)) {
    fiber = main_tsan_fiber_;  // the only other pinned context: the thread's main
  }
  if (fiber != nullptr) __tsan_switch_to_fiber(fiber, 0);
  // A goroutine that ended has just switched away for the last time: its
  // TSan fiber can serve the next goroutine now, not only once Boost frees
  // the record (on the dispatcher's next turn, which may be many goroutines
  // later).
  goroutine* const from = running_goroutine();
  // What this switch read of the goroutine that switched out (its record's
  // type, `finished`) is announced after its TSan release for the next
  // switch lock, which Boost releases after this point, uninstrumented:
  // wake() acquires this once it holds (or was found under) that lock.
  if (from != nullptr) GOFER_TSAN_RELEASE(&from->parker);
  if (from != nullptr && from->finished) {
    give_back_tsan_fiber(*from);
    // The record may be deleted on another thread, which reaches it through
    // Boost's uninstrumented reference count: a goroutine that ends on one
    // worker and whose spawner drops the fiber's last reference on another
    // (a goroutine stolen and finished before go() returned). ~goroutine
    // acquires this, so it is ordered after what this switch read and wrote.
    GOFER_TSAN_RELEASE(from);
  }
#endif
  return context;
}

GOFER_TSAN_UNINSTRUMENTED
boost::fibers::context* gofer_algorithm::pick_next() noexcept {
  boost::fibers::context* next = nullptr;
  {
    const thread_confined confined{&picks_};
    next = choose_next();
  }
  return switching_to(next);
}

boost::fibers::context* gofer_algorithm::pop_pinned() noexcept {
  if (pinned_.empty()) return nullptr;
  boost::fibers::context* const context = &pinned_.front();
  pinned_.pop_front();
  return context;
}

boost::fibers::context* gofer_algorithm::choose_next() noexcept {
  // The dispatcher is the one asking exactly when it is not waiting aside.
  const bool from_dispatcher = dispatcher_ == nullptr;
  if (from_dispatcher) pool_->hooks().poll_timers(drain_io());
  // Now and then, something other than the usual order (Go: schedtick % 61).
  // Two goroutines that hand a value back and forth put each other in
  // runnext forever, and with it busy the queue and the global queue would
  // never run; Go ends such a pair's shared time slice by preemption, gofer
  // (which cannot preempt) by these turns.
  switch (++picks_ % 61) {
    case 0:
      // Main and the dispatcher take these turns in alternation when both
      // wait, so that neither starves the other: a main that yields in a
      // loop while goroutines stay busy would otherwise have every one, and
      // the dispatcher - which fires timers (poll_timers above) and frees
      // ended goroutines' stacks (Boost's release_terminated_) - none.
      if (picks_ / 61 % 2 == 0) {
        if (boost::fibers::context* context = pop_pinned()) return context;
        if (dispatcher_ != nullptr) return std::exchange(dispatcher_, nullptr);
      } else {
        if (dispatcher_ != nullptr) return std::exchange(dispatcher_, nullptr);
        if (boost::fibers::context* context = pop_pinned()) return context;
      }
      break;
    case 20:
      if (boost::fibers::context* context = pop_global(false)) return context;
      break;
    case 40:
      if (boost::fibers::context* context = pop_own(/*runnext_first=*/false)) return context;
      break;
    default:
      break;
  }
  if (boost::fibers::context* context = pop_own()) return context;
  if (boost::fibers::context* context = pop_pinned()) return context;
  if (boost::fibers::context* context = pop_global(true)) return context;
  if (from_dispatcher) return steal(std::exchange(steal_runnext_, false));
  // Nothing else to run: the dispatcher polls for remote wake-ups and, if
  // there are none, parks the thread in suspend_until.
  return std::exchange(dispatcher_, nullptr);
}

bool gofer_algorithm::drain_io() noexcept {
  // A lone worker with nothing queued takes in one I/O completion at a time
  // and runs the goroutine it readies: draining would end every poll with a
  // second epoll_wait that finds nothing (Asio's poll() runs its reactor
  // until a pass harvests nothing), two system calls per wake where Go's
  // netpoll makes one. A busy worker, or one with idle workers beside it,
  // takes every completion that is ready, so that a burst is readied at once
  // and spread over the idle workers.
  return has_own_work() || pool_->idle_count_.load(std::memory_order_relaxed) != 0;
}

bool gofer_algorithm::has_own_work() noexcept {
  if (!pinned_.empty()) return true;
  if (pool_->global_count_.load(std::memory_order_relaxed) != 0) return true;
  // The mirrors, not lock_: a spinning worker calls this in a loop, and must
  // not bounce its lock against a thief or a forwarding waker. A hint only:
  // the pick that follows takes the lock.
  return runnext_.load(std::memory_order_relaxed) != nullptr ||
         queued_mirror_.load(std::memory_order_relaxed) != 0;
}

bool gofer_algorithm::has_ready_fibers() const noexcept {
  auto& self = const_cast<gofer_algorithm&>(*this);
  const thread_confined confined{&self.picks_};
  return dispatcher_ != nullptr || self.has_own_work();
}

bool gofer_algorithm::any_work_anywhere() noexcept {
  if (has_own_work()) return true;
  const std::size_t started = pool_->started_.load(std::memory_order_acquire);
  for (std::size_t i = 0; i < started; ++i) {
    gofer_algorithm* const worker = pool_->workers_[i].load(std::memory_order_acquire);
    if (worker == nullptr || worker == this) continue;
    if (worker->queued_mirror_.load(std::memory_order_relaxed) != 0) return true;
  }
  return false;
}

bool gofer_algorithm::runnext_elsewhere() noexcept {
  const std::size_t started = pool_->started_.load(std::memory_order_acquire);
  for (std::size_t i = 0; i < started; ++i) {
    gofer_algorithm* const worker = pool_->workers_[i].load(std::memory_order_acquire);
    if (worker != nullptr && worker != this && worker->peek_runnext() != nullptr) return true;
  }
  return false;
}

bool gofer_algorithm::spin_for_work() noexcept {
  pool_->spinning_.fetch_add(1, std::memory_order_acq_rel);
  const std::size_t started = pool_->started_.load(std::memory_order_acquire);
  auto runnext_of = [this](std::size_t i) -> boost::fibers::context* {
    gofer_algorithm* const worker = pool_->workers_[i].load(std::memory_order_acquire);
    return worker == nullptr || worker == this ? nullptr : worker->peek_runnext();
  };
  for (std::size_t i = 0; i < started; ++i)
    seen_runnext_[i] = runnext_of(i);
  bool found = false;
  for (int round = 0; round < spin_rounds && !found; ++round) {
    found = any_work_anywhere();
    if (!found) cpu_pause();
  }
  // A runnext that has not moved since we last looked belongs to a worker
  // that is busy running something else: it may be stolen. Where one is
  // found, seen_runnext_ keeps what steal() must find there.
  auto steal_unmoved_runnext = [&]() {
    for (std::size_t i = 0; i < started; ++i) {
      if (seen_runnext_[i] != nullptr && runnext_of(i) == seen_runnext_[i]) {
        steal_runnext_ = true;
        return true;
      }
    }
    return false;
  };
  found = found || steal_unmoved_runnext();
  bool runnext_moving = false;
  for (std::size_t i = 0; i < started && !found; ++i) {
    boost::fibers::context* const now = runnext_of(i);
    runnext_moving = runnext_moving || now != nullptr || seen_runnext_[i] != nullptr;
    seen_runnext_[i] = now;
  }
  if (runnext_moving) {
    // Another worker's runnext is occupied but keeps changing: goroutines
    // hand off to each other there, one runnable at a time (a chain, a
    // ping-pong), and there is nothing for this worker to do. Go's
    // runqgrab sleeps 3 µs here, still counted as spinning, before it
    // looks at that runnext once more; so do we. While we count as
    // spinning, a waker does not wake a parked worker (wake_an_idle_worker).
    // Without the sleep each spin of ours ended in a park a few µs later,
    // and the next hand-off paid a futex wake on the busy thread: a chain
    // of goroutines on 2 threads took 150-250 ns a hop (1 thread: 65), with
    // a futex call every 22 hops; with it, 84-128 ns and one every 175.
    // Polling instead of sleeping, for 50 or 200 µs, measured no better than
    // not backing off at all: the spinner slows the busy thread. A queue
    // filling meanwhile waits out the sleep (50-100 µs, with the kernel's
    // timer slack), as in Go.
    std::this_thread::sleep_for(runnext_backoff);
    found = any_work_anywhere() || steal_unmoved_runnext();
  }
  pool_->spinning_.fetch_sub(1, std::memory_order_acq_rel);
  return found;
}

void gofer_algorithm::wake_an_idle_worker(bool ordered) noexcept {
  // Pairs with the fence in suspend_until (Dekker): either we see the idle
  // worker's count, or it sees the work we just published (runnext, or the
  // queue's mirror). A runnext exchange (seq_cst) does a fence's work for
  // these seq_cst loads (plain loads on x86, as acquire ones are).
  if (!ordered) std::atomic_thread_fence(std::memory_order_seq_cst);
  // Go's wakep: a spinning worker will find the work by itself.
  if (pool_->spinning_.load(std::memory_order_seq_cst) != 0 ||
      pool_->idle_count_.load(std::memory_order_seq_cst) == 0) {
    return;
  }
  std::lock_guard lock{pool_->mutex};
  if (!pool_->idle_.empty()) pool_->idle_.back()->notify_locked();
}

void gofer_algorithm::suspend_until(
    const std::chrono::steady_clock::time_point& boost_deadline) noexcept {
  const thread_confined confined{&picks_};
  // Fire due timers first: what they make runnable on this thread notifies
  // nobody, so it must be seen by the checks for work below.
  auto deadline = std::min(boost_deadline, pool_->hooks().poll_timers(drain_io()));
  // Spin only while another worker is awake: with all others parked no
  // goroutine runs anywhere, so nothing can become runnable for a spin to
  // catch (timers are ours to fire, and a foreign thread's wake notifies).
  // Go limits spinning Ms by the same count of busy Ps. Without this, every
  // virtual-clock advance on 2 threads paid a full spin.
  const bool others_awake = pool_->idle_count_.load(std::memory_order_acquire) + 1 < pool_->size();
  if (shared() && others_awake && spin_for_work()) return;
  std::unique_lock pool_lock{pool_->mutex};
  if (any_work_anywhere()) return;
  {
    std::lock_guard lock{wake_mutex_};
    if (woken_.exchange(not_woken, std::memory_order_relaxed) == woken) return;
  }
  auto& idle = pool_->idle_;
  const bool timed = boost_deadline != std::chrono::steady_clock::time_point::max();
  // Are we the last worker to run out of work, with no parked one notified
  // or waiting with a deadline of its own? (Every worker idle with a
  // goroutine waiting on I/O is not a deadlock: all_asleep says so
  // (io_pending), and one idle worker waits in the poller.)
  const bool last_to_idle = idle.size() + 1 == pool_->size() && pool_->timed_idle_ == 0 && !timed;
  if (last_to_idle && pool_->poller_ != nullptr) {
    // Every other worker is idle, but one of them is the poller, which is
    // not asleep: a completion wakes it by itself, and it may be running
    // the goroutine it readied by the time we would look (Go's checkdead
    // does not count an M blocked in netpoll as idle). Counting it as idle
    // once reported a false deadlock (net_test, TSan, 4 threads): we read
    // "no I/O pending" after its completion, and "no work anywhere" after
    // it had taken the goroutine and left the idle list. The poller makes
    // this check itself when it next runs out of work. Unless no
    // operation is pending: then no completion will wake it, and it would
    // never make the check. Either it has nothing left to wait for (the last
    // operation or listener ended on a goroutine, not in the poller), or
    // only a signal registration (io_service::listening), which must not
    // stop the virtual clock: all_asleep advances it, and a poller blocked
    // in epoll_wait with no real deadline never would (signal_test, "a
    // registered signal keeps the virtual clock moving", on 2 threads). So
    // we wake it. It needs the pool's mutex to leave suspend_until, which we
    // hold until we are in the idle list: it then finds us idle there, and
    // is the last to idle itself.
    if (!pool_->hooks().io_pending()) pool_->poller_->notify_locked();
  } else if (last_to_idle) {
    // And none polls: every goroutine is blocked, unless one waits on I/O.
    pool_lock.unlock();
    // No worker runs completions now (all others are parked, none polls),
    // but a thread outside the workers may (io_service::run_until). A completion
    // readies its goroutine before it stops counting as pending I/O, so
    // reading "no I/O pending" first, then finding no work anywhere, is
    // safe.
    if (pool_->hooks().io_pending()) {
      // Not asleep: we wait in the poller below (or another worker does).
    } else if (any_work_anywhere() || runnext_elsewhere()) {
      return;
    } else if (pool_->hooks().all_asleep()) {
      return;
    } else {
      // Not reported (a thread outside gofer may still send, or a timer is
      // due): all_asleep may have asked to be called again by a deadline.
      deadline = std::min(deadline, pool_->hooks().poll_timers(drain_io()));
    }
    pool_lock.lock();
    if (any_work_anywhere()) return;
  }
  idle.push_back(this);
  pool_->idle_count_.store(idle.size(), std::memory_order_seq_cst);
  if (timed) ++pool_->timed_idle_;
  // Checked after publishing as idle, under the pool's mutex: an operation
  // started from here on is started by a goroutine on a worker that will
  // itself look here before it parks.
  const bool polls = pool_->poller_ == nullptr && pool_->hooks().io_needs_poller();
  if (polls) pool_->poller_ = this;
  const bool last_awake = idle.size() == pool_->size();
  pool_lock.unlock();
  if (last_awake) pool_->hooks().all_idle();
  // Published as idle; look once more (Go does too): a pusher that read
  // idle_count_ before our store did not wake anyone. The fence pairs with
  // wake_an_idle_worker's: the mirrors read below are not older than that.
  std::atomic_thread_fence(std::memory_order_seq_cst);
  if (any_work_anywhere()) {
    pool_lock.lock();
    if (pool_->poller_ == this) pool_->poller_ = nullptr;
    if (timed) --pool_->timed_idle_;
    idle.erase(std::remove(idle.begin(), idle.end(), this), idle.end());
    pool_->idle_count_.store(idle.size(), std::memory_order_release);
    return;
  }

  // Another worker's runnext may be stranded behind a goroutine that never
  // blocks; our spin only takes one that stayed put through the whole spin.
  // While any is occupied, look again shortly instead of sleeping for good.
  auto wait_until = deadline;
  if (shared() && runnext_elsewhere()) {
    wait_until = std::min(wait_until, std::chrono::steady_clock::now() + runnext_recheck);
  }
  if (polls) {
    // Blocks in the reactor. A notify_locked meanwhile sets woken_ and
    // interrupts the wait (or the next one, if it comes first).
    bool was_woken = false;
    {
      std::lock_guard lock{wake_mutex_};
      was_woken = woken_.exchange(not_woken, std::memory_order_relaxed) == woken;
    }
    if (!was_woken) pool_->hooks().wait_io(wait_until);
    std::lock_guard lock{wake_mutex_};
    woken_.store(not_woken, std::memory_order_relaxed);
  } else {
    // Sleep on the futex word, without wake_mutex_. Claiming `sleeping`
    // fails if a notify came first (woken); a notify that comes after sees
    // `sleeping` and makes the futex wake. Either way no wake is lost.
    std::uint32_t expected = not_woken;
    if (woken_.compare_exchange_strong(expected, sleeping, std::memory_order_acquire)) {
      bool in_time = true;
      while (in_time && woken_.load(std::memory_order_acquire) == sleeping)
        in_time = futex_wait_until(woken_, sleeping, wait_until);
      if (!in_time) {
        // Take the claim back, unless a notify came meanwhile (then woken).
        expected = sleeping;
        woken_.compare_exchange_strong(expected, not_woken, std::memory_order_acquire);
      }
    }
    // Waits out a notify_locked still in its futex wake, as the destructor
    // does, and orders what it published before our look for work.
    std::lock_guard lock{wake_mutex_};
    GOFER_ASSERT(woken_.load(std::memory_order_relaxed) != sleeping);
    woken_.store(not_woken, std::memory_order_relaxed);
  }
  pool_lock.lock();
  if (pool_->poller_ == this) pool_->poller_ = nullptr;
  if (timed) --pool_->timed_idle_;
  idle.erase(std::remove(idle.begin(), idle.end(), this), idle.end());
  pool_->idle_count_.store(idle.size(), std::memory_order_release);
}

void gofer_algorithm::notify_locked() noexcept {
  auto& idle = pool_->idle_;
  idle.erase(std::remove(idle.begin(), idle.end(), this), idle.end());
  pool_->idle_count_.store(idle.size(), std::memory_order_release);
  // Woken under the lock: once this worker has seen woken_, it may end and
  // be destroyed, and both its wake-up path and its destructor take the
  // lock first.
  std::lock_guard lock{wake_mutex_};
  const std::uint32_t before = woken_.exchange(woken, std::memory_order_release);
  if (pool_->poller_ == this) {
    pool_->hooks().interrupt_io();
  } else if (before == sleeping) {
    futex_wake_one(woken_);
  }
}

void gofer_algorithm::notify() noexcept {
  GOFER_TSAN_ACQUIRE(this);  // pairs with the constructor's release
  std::lock_guard lock{pool_->mutex};
  notify_locked();
}

}  // namespace gofer::detail
