// lib/goroutine.cpp - goroutine records: what gofer knows of each goroutine
// (lib/runtime_state.hpp), from go() to its last step, and under
// ThreadSanitizer the TSan fiber each one runs on.
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

}  // namespace

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
