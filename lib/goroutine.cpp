// lib/goroutine.cpp - goroutine records: what gofer knows of each goroutine
// (lib/runtime_state.hpp), from go() to its last step, and under
// ThreadSanitizer the TSan fiber each one runs on.
#include <algorithm>
#include <array>
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
#include "recycler.hpp"
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

// Free goroutine records are recycled (lib/recycler.hpp), as Go keeps dead
// Gs for reuse: Boost.Fiber deletes a goroutine's record on the thread its
// fiber ended on, often not the one that started it.
struct record_tag;
using record_recycler = recycler<record_tag, sizeof(goroutine)>;

// What goroutine_body's operator new serves from a recycler: bodies of up
// to 264 bytes, in sizes of 16k + 8 bytes, each exactly what glibc's malloc
// would give the same request (a 16k + 16-byte chunk), so that recycling
// costs no memory: with coarser sizes, MemBlocked100k's 72-byte bodies took
// 64 bytes more each. Most closures passed to go() capture a few pointers
// or handles; a larger one goes to malloc.
struct body_tag;
constexpr std::size_t body_size_classes = 16;
constexpr std::size_t body_size(std::size_t k) {
  return 16 * k + 8;
}
constexpr std::size_t body_largest = body_size(body_size_classes);

template <std::size_t K>
using body_recycler = recycler<body_tag, body_size(K)>;

struct body_size_class {
  void* (*allocate)();
  void (*deallocate)(void*) noexcept;
};

template <std::size_t... K>
constexpr std::array<body_size_class, sizeof...(K)> make_body_size_classes(
    std::index_sequence<K...>) {
  return {body_size_class{&body_recycler<K + 1>::allocate, &body_recycler<K + 1>::deallocate}...};
}
constexpr auto body_size_class_table =
    make_body_size_classes(std::make_index_sequence<body_size_classes>{});

// The smallest size class that holds `size` bytes (size <= body_largest).
const body_size_class& body_size_class_of(std::size_t size) noexcept {
  const std::size_t k = size <= body_size(1) ? 1 : (size - 8 + 15) / 16;
  return body_size_class_table[k - 1];
}

}  // namespace

void* goroutine::operator new(std::size_t size) {
  GOFER_ASSERT(size == sizeof(goroutine));
  return record_recycler::allocate();
}

void goroutine::operator delete(void* block) noexcept {
  record_recycler::deallocate(block);
}

void* goroutine_body::operator new(std::size_t size) {
  if (size > body_largest) return ::operator new(size);
  return body_size_class_of(size).allocate();
}

void goroutine_body::operator delete(void* block, std::size_t size) noexcept {
  if (size > body_largest) return ::operator delete(block);
  body_size_class_of(size).deallocate(block);
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
