// lib/goroutine.cpp - goroutine records: what gofer knows of each goroutine
// (lib/runtime_state.hpp), from go() to its last step, and under
// ThreadSanitizer the TSan fiber each one runs on.
#include <algorithm>
#include <cstddef>
#include <memory>
#include <mutex>
#include <new>
#include <string>
#include <typeinfo>
#include <utility>
#include <vector>

#include "gofer/detail/assert.hpp"
#include "gofer/detail/sanitizer.hpp"
#include "ranked_mutex.hpp"
#include "runtime_state.hpp"

namespace gofer::detail {

namespace {

#ifdef GOFER_TSAN
// Goroutines' TSan fibers, reused (Go keeps dead Gs for reuse the same way:
// runtime/proc.go gfput, gfget). Creating one is most of what a goroutine
// costs under TSan: __tsan_create_fiber maps and zeroes a ThreadState of
// about 770 KiB and registers a new TSan thread, about 3 ms here, so 50,000
// goroutines took minutes. Reuse hides no race TSan would report between two
// goroutines: a fiber goes back after its goroutine's last switch away
// (every switch gofer announces synchronises) and comes out under the same
// mutex, so the old goroutine happens before the new one, as it would with
// fresh fibers. The new one gets its creator's history at its first switch
// in, which follows go() through the run queues, where a fresh fiber gets it
// at creation. A race report names a fiber after the goroutine now using it;
// its "created at" stack is that of the first goroutine that used it.
// Idle fibers are kept, at most as many as goroutines were ever alive at once
// (and TSan allows 8128 of those).
class tsan_fiber_pool {
 public:
  static tsan_fiber_pool& instance() {
    // Never destroyed: a record can outlive static destructors' turn.
    static auto* const pool = new tsan_fiber_pool;
    return *pool;
  }

  void* take() {
    {
      std::lock_guard lock{mutex_};
      if (!idle_.empty()) {
        void* const fiber = idle_.back();
        idle_.pop_back();
        return fiber;
      }
    }
    return __tsan_create_fiber(0);
  }

  void give(void* fiber) noexcept {
    try {
      std::lock_guard lock{mutex_};
      idle_.push_back(fiber);
    } catch (const std::bad_alloc&) {
      __tsan_destroy_fiber(fiber);
    }
  }

 private:
  ranked_mutex mutex_{lock_rank::leaf};  // guards idle_
  std::vector<void*> idle_;              // TSan fibers of ended goroutines
};
#endif

// Free goroutine records, recycled (Go: gfput/gfget, a free list per P and
// one shared, sched.gFree). A goroutine started on one worker usually ends
// on another at two threads or more, and Boost.Fiber deletes its record
// there; through malloc, that free lands in the starting thread's arena
// under its lock, against the starter's next malloc (8% of a spawn-join on
// two threads was malloc and free). Each thread keeps up to `limit` free
// records and trades `batch` at a time with a shared list of at most
// `shared_limit` (the rest go back to malloc), like the stack caches
// (lib/stack_pool.hpp).
//
// AddressSanitizer builds do not recycle: a record used after its goroutine
// ended must stay a use-after-free that ASan reports.
#if defined(__SANITIZE_ADDRESS__)
#define GOFER_RECYCLE_RECORDS 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define GOFER_RECYCLE_RECORDS 0
#endif
#endif
#ifndef GOFER_RECYCLE_RECORDS
#define GOFER_RECYCLE_RECORDS 1
#endif

#if GOFER_RECYCLE_RECORDS
constexpr std::size_t batch = 32;
constexpr std::size_t limit = 2 * batch;
constexpr std::size_t shared_limit = 8192;

struct shared_records {
  ranked_mutex mutex{lock_rank::leaf};  // guards free
  std::vector<void*> free;              // capacity shared_limit, reserved once

  static shared_records& instance() {
    // Never destroyed: threads may end after static destructors ran.
    static auto* const shared = [] {
      auto* created = new shared_records;
      created->free.reserve(shared_limit);
      return created;
    }();
    return *shared;
  }

  // Takes `n` blocks; those beyond the shared list's room go back to malloc.
  void give(void* const* blocks, std::size_t n) noexcept {
    std::lock_guard lock{mutex};
    std::size_t k = 0;
    for (; k < n && free.size() < free.capacity(); ++k)
      free.push_back(blocks[k]);
    for (; k < n; ++k)
      ::operator delete(blocks[k]);
  }
};

// This thread's free records, touched only by its own thread. Trivially
// destructible, so that it stays usable while the thread ends: Boost.Fiber
// may still free records then, from its own thread-local scheduler's
// destructor. `closing` (set by the flusher below) sends those to malloc.
struct thread_records {
  void* free[limit + 1];
  std::size_t count;
  bool closing;
};
thread_local thread_records this_thread_records{};

// At thread exit, hands this thread's free records to the shared list.
struct thread_records_flusher {
  thread_records_flusher() = default;
  thread_records_flusher(const thread_records_flusher&) = delete;
  thread_records_flusher& operator=(const thread_records_flusher&) = delete;
  ~thread_records_flusher() {
    thread_records& own = this_thread_records;
    own.closing = true;
    shared_records::instance().give(own.free, own.count);
    own.count = 0;
  }
};
thread_local thread_records_flusher this_thread_records_flusher;
#endif

}  // namespace

void* goroutine::operator new(std::size_t size) {
  GOFER_ASSERT(size == sizeof(goroutine));
#if GOFER_RECYCLE_RECORDS
  thread_records& own = this_thread_records;
  if (own.count == 0 && !own.closing) {
    shared_records& shared = shared_records::instance();
    std::lock_guard lock{shared.mutex};
    const std::size_t n = std::min(batch, shared.free.size());
    std::copy(shared.free.end() - static_cast<std::ptrdiff_t>(n), shared.free.end(), own.free);
    shared.free.resize(shared.free.size() - n);
    own.count = n;
  }
  if (own.count > 0) return own.free[--own.count];
#endif
  return ::operator new(size);
}

void goroutine::operator delete(void* block) noexcept {
#if GOFER_RECYCLE_RECORDS
  thread_records& own = this_thread_records;
  if (!own.closing) {
    // The first use on this thread registers the flusher for its exit.
    static_cast<void>(&this_thread_records_flusher);
    own.free[own.count++] = block;
    if (own.count <= limit) return;
    // Over the limit: the oldest `batch` (least likely still in this core's
    // cache) go to the shared list.
    shared_records::instance().give(own.free, batch);
    std::copy(own.free + batch, own.free + own.count, own.free);
    own.count -= batch;
    return;
  }
#endif
  ::operator delete(block);
}

goroutine::goroutine(runtime* rt, std::uint64_t id, std::string name, void* tsan_fiber)
    : boost::fibers::fiber_properties(nullptr),
      id(id),
      name(std::move(name)),
      owns_tsan_fiber(tsan_fiber == nullptr) {
  parker.owner_runtime = rt;
#ifdef GOFER_TSAN
  if (owns_tsan_fiber) {
    this->tsan_fiber = tsan_fiber_pool::instance().take();
    const std::string fiber_name = "goroutine " + std::to_string(id);
    __tsan_set_fiber_name(this->tsan_fiber, fiber_name.c_str());
  } else {
    this->tsan_fiber = tsan_fiber;
  }
#endif
}

goroutine::~goroutine() {
#ifdef GOFER_TSAN
  // The goroutine's last step released the record (goroutine_finished); the
  // deleting thread may be another, reached through Boost's uninstrumented
  // reference count.
  GOFER_TSAN_ACQUIRE(this);
  give_back_tsan_fiber(*this);
#endif
}

void give_back_tsan_fiber([[maybe_unused]] goroutine& g) noexcept {
#ifdef GOFER_TSAN
  if (!g.owns_tsan_fiber || g.tsan_fiber == nullptr) return;
  // Called after the goroutine's last switch away (or without one, if its
  // fiber was never created), so its TSan fiber is not the current one. What
  // is left of its frames runs later, when Boost frees the fiber, on the
  // freeing fiber's account: only Boost's code in lib/spawn.cpp, whose
  // frames TSan does not track, so no switch needs announcing there.
  GOFER_ASSERT(g.tsan_fiber != __tsan_get_current_fiber());
  tsan_fiber_pool::instance().give(std::exchange(g.tsan_fiber, nullptr));
#endif
}

goroutine* goroutine_of(boost::fibers::context* context) noexcept {
  boost::fibers::fiber_properties* const properties = context->get_properties();
  if (properties == nullptr || typeid(*properties) != typeid(goroutine)) return nullptr;
  return static_cast<goroutine*>(properties);
}

goroutine* running_goroutine() noexcept {
  return goroutine_of(boost::fibers::context::active());
}

goroutine* goroutine_started(runtime& rt, std::string name) {
  auto* const record = new goroutine(&rt, rt.next_goroutine_id(), std::move(name));
  // A new goroutine runs next where it was started (Go: newproc's runqput).
  record->parker.handoff_to.store(gofer_algorithm::current(), std::memory_order_relaxed);
  rt.add(*record);
  return record;
}

void goroutine_not_started(goroutine* record) noexcept {
  record->parker.owner_runtime->remove(*record);
  delete record;
}

void goroutine_finished() noexcept {
  goroutine* const g = running_goroutine();
  GOFER_ASSERT(g != nullptr);
  g->parker.owner_runtime->remove(*g);
  g->finished = true;     // its next switch away is its last
  GOFER_TSAN_RELEASE(g);  // acquired by ~goroutine
}

}  // namespace gofer::detail
