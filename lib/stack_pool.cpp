#include "stack_pool.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <mutex>
#include <new>

#include "gofer/detail/assert.hpp"
#include "ranked_mutex.hpp"

namespace gofer::detail {

namespace {

constexpr std::size_t slab_bytes = std::size_t{4} << 20;  // aim: 4 MiB per mapping

std::size_t round_up(std::size_t n, std::size_t multiple) {
  return (n + multiple - 1) / multiple * multiple;
}

}  // namespace

stack_pool::stack_pool(std::size_t stack_size, bool guard_pages)
    : requested_size_(stack_size),
      page_size_(static_cast<std::size_t>(::sysconf(_SC_PAGESIZE))),
      stack_size_(round_up(std::max<std::size_t>(stack_size, 4 * page_size_), page_size_)),
      guard_pages_(guard_pages),
      stride_(stack_size_ + (guard_pages ? page_size_ : 0)),
      stacks_per_slab_(std::max<std::size_t>(1, slab_bytes / stride_)) {}

namespace {

// A worker thread's cache of free stacks of one pool (Go: p.mcache's
// stackcache). Touched only by its own thread.
struct thread_cache {
  stack_pool* pool = nullptr;  // null: closed, stacks go to the shared list
  std::vector<void*> stacks;   // lowest usable address of each
};
thread_local thread_cache this_thread_cache;

}  // namespace

std::shared_ptr<stack_pool> stack_pool::shared(std::size_t stack_size, bool guard_pages) {
  // Never destroyed (no exit-time ordering with threads still running):
  // reachable until the end, so not a leak to LeakSanitizer either.
  static ranked_mutex& registry_mutex = *new ranked_mutex{lock_rank::leaf};
  static auto& registry = *new std::vector<std::shared_ptr<stack_pool>>;
  std::lock_guard lock{registry_mutex};
  for (const std::shared_ptr<stack_pool>& pool : registry) {
    if (pool->requested_size_ == stack_size && pool->guard_pages_ == guard_pages) return pool;
  }
  registry.push_back(std::make_shared<stack_pool>(stack_size, guard_pages));
  return registry.back();
}

stack_pool::~stack_pool() {
  for (const slab& s : slabs_)
    ::munmap(s.base, stride_ * stacks_per_slab_);
}

void stack_pool::add_slab() {
  const std::size_t bytes = stride_ * stacks_per_slab_;
  void* const mapping = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE,
                               MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (mapping == MAP_FAILED) throw std::bad_alloc();
  auto* const base = static_cast<char*>(mapping);
  // Room for every stack there is, so that give_locked never allocates. On
  // failure nothing has changed but the mapping.
  try {
    free_.reserve((slabs_.size() + 1) * stacks_per_slab_);
    slabs_.reserve(slabs_.size() + 1);
  } catch (...) {
    ::munmap(mapping, bytes);
    throw;
  }
  const auto at = std::upper_bound(slabs_.begin(), slabs_.end(), base,
                                   [](char* b, const slab& s) { return b < s.base; });
  slabs_.insert(at, slab{base});
  // Only when nothing is free (take_locked), so the new stacks, cold, are
  // all there is. Hand out the lowest first (taken from the back, so pushed
  // in reverse). The guard page, when there is one, is the lowest page of
  // each stride: stacks grow down into it.
  GOFER_ASSERT(free_.empty() && cold_count_ == 0);
  for (std::size_t i = stacks_per_slab_; i-- > 0;) {
    char* const stride = base + i * stride_;
    if (guard_pages_ && ::mprotect(stride, page_size_, PROT_NONE) != 0) throw std::bad_alloc();
    free_.push_back(stride + (guard_pages_ ? page_size_ : 0));
  }
  cold_count_ = free_.size();
}

stack_pool::slab& stack_pool::slab_of(void* bottom) noexcept {
  auto* const address = static_cast<char*>(bottom);
  auto at = std::upper_bound(slabs_.begin(), slabs_.end(), address,
                             [](char* b, const slab& s) { return b < s.base; });
  GOFER_ASSERT(at != slabs_.begin());
  --at;
  GOFER_ASSERT(address < at->base + stride_ * stacks_per_slab_);
  return *at;
}

void* stack_pool::take_locked() {
  if (free_.empty()) add_slab();
  void* const bottom = free_.back();
  free_.pop_back();
  cold_count_ = std::min(cold_count_, free_.size());  // it was cold if no warm one was left
  peak_in_use_ = std::max(peak_in_use_, in_use_locked());
  return bottom;
}

void stack_pool::give_locked(void* bottom) noexcept {
  // free_ has had room for every stack since add_slab reserved it, so this
  // never allocates (and so cannot throw).
  GOFER_ASSERT(free_.size() < free_.capacity());
  free_.push_back(bottom);
}

void stack_pool::scavenge(keep what) noexcept {
  spinlock_lock lock{lock_};
  const std::size_t keep_warm =
      what == keep::recent_demand ? std::max(warm_stacks, peak_in_use_) : warm_stacks;
  peak_in_use_ = in_use_locked();  // the next interval's demand starts from here
  std::size_t warm_left = free_.size() - cold_count_;
  // The common case, a runtime that idles between bursts of the same size,
  // stops here, in constant time.
  if (warm_left <= keep_warm) return;
  // Which slabs are wholly free, and how many warm stacks each has.
  for (slab& s : slabs_) {
    s.free = 0;
    s.warm = 0;
  }
  for (std::size_t k = 0; k < free_.size(); ++k) {
    slab& s = slab_of(free_[k]);
    ++s.free;
    s.warm += k >= cold_count_ ? 1 : 0;
  }
  bool released = false;
  for (slab& s : slabs_) {
    if (warm_left <= keep_warm) break;
    if (s.warm == 0 || s.free != stacks_per_slab_) continue;
    // Every stack of this slab is free, and enough others are warm: give its
    // pages back. Under lock_: no stack of it can be handed out meanwhile.
    // MADV_DONTNEED on private anonymous memory reads back as zeroes, which
    // a new fiber does not mind. A failure only leaves the pages resident.
    (void)::madvise(s.base, stride_ * stacks_per_slab_, MADV_DONTNEED);
    warm_left -= s.warm;
    s.free = 0;  // marks it as given back, for the partition below
    released = true;
  }
  if (!released) return;
  // The given-back slabs' warm stacks join the cold ones at the front. In
  // place, no allocation (this is noexcept); the order within each part
  // does not matter.
  const auto warm_begin = free_.begin() + static_cast<std::ptrdiff_t>(cold_count_);
  const auto now_warm = std::partition(warm_begin, free_.end(),
                                       [this](void* bottom) { return slab_of(bottom).free == 0; });
  cold_count_ = static_cast<std::size_t>(now_warm - free_.begin());
}

boost::context::stack_context stack_pool::allocate() {
  void* bottom = nullptr;
  thread_cache& cache = this_thread_cache;
  if (cache.pool == this) {
    if (cache.stacks.empty()) {
      spinlock_lock lock{lock_};
      for (std::size_t k = 0; k < cache_batch; ++k)
        cache.stacks.push_back(take_locked());
    }
    bottom = cache.stacks.back();
    cache.stacks.pop_back();
  } else {
    spinlock_lock lock{lock_};
    bottom = take_locked();
  }
  boost::context::stack_context stack;
  stack.size = stack_size_;
  stack.sp = static_cast<char*>(bottom) + stack_size_;  // stacks grow down from sp
  return stack;
}

void stack_pool::deallocate(boost::context::stack_context& stack) noexcept {
  void* const bottom = static_cast<char*>(stack.sp) - stack.size;
  thread_cache& cache = this_thread_cache;
  if (cache.pool != this) {
    spinlock_lock lock{lock_};
    give_locked(bottom);
    return;
  }
  // open_thread_cache reserved room for cache_limit + 1.
  GOFER_ASSERT(cache.stacks.size() < cache.stacks.capacity());
  cache.stacks.push_back(bottom);
  if (cache.stacks.size() > cache_limit) {
    // Give back the least recently freed half (the front): the stacks whose
    // pages are least likely to be in this core's cache.
    spinlock_lock lock{lock_};
    for (std::size_t k = 0; k < cache_batch; ++k)
      give_locked(cache.stacks[k]);
    lock.unlock();
    cache.stacks.erase(cache.stacks.begin(),
                       cache.stacks.begin() + static_cast<std::ptrdiff_t>(cache_batch));
  }
}

void stack_pool::open_thread_cache() {
  thread_cache& cache = this_thread_cache;
  // Already caching for another pool (a run inside a run's thread, which
  // gofer::run refuses anyway): leave that one be; this pool goes uncached.
  if (cache.pool != nullptr) return;
  GOFER_ASSERT(cache.stacks.empty());
  cache.stacks.reserve(cache_limit + 1);
  cache.pool = this;
}

void stack_pool::close_thread_cache() noexcept {
  thread_cache& cache = this_thread_cache;
  if (cache.pool != this) return;
  cache.pool = nullptr;
  spinlock_lock lock{lock_};
  for (void* bottom : cache.stacks)
    give_locked(bottom);
  cache.stacks.clear();
}

boost::context::stack_context pooled_stack_allocator::allocate() {
  return pool_->allocate();
}

void pooled_stack_allocator::deallocate(boost::context::stack_context& stack) noexcept {
  pool_->deallocate(stack);
}

}  // namespace gofer::detail
