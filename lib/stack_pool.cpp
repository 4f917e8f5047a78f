#include "stack_pool.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
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
      stacks_per_slab_(std::clamp<std::size_t>(slab_bytes / stride_, 1, max_stacks_per_slab)) {}

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

namespace {

// Sets bits [0, count) of `bits`.
template <std::size_t Words>
void set_first(std::array<std::uint64_t, Words>& bits, std::size_t count) noexcept {
  for (std::size_t w = 0; w < Words; ++w) {
    const std::size_t in_word = std::min<std::size_t>(count - std::min(count, w * 64), 64);
    bits[w] = in_word == 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << in_word) - 1;
  }
}

// Clears and returns the lowest set bit of `bits`, which has one.
template <std::size_t Words>
std::size_t take_lowest(std::array<std::uint64_t, Words>& bits) noexcept {
  for (std::size_t w = 0; w < Words; ++w) {
    if (bits[w] != 0) {
      const auto bit = static_cast<std::size_t>(std::countr_zero(bits[w]));
      bits[w] &= bits[w] - 1;
      return w * 64 + bit;
    }
  }
  GOFER_ASSERT(false);
  return 0;
}

template <std::size_t Words>
bool test(const std::array<std::uint64_t, Words>& bits, std::size_t k) noexcept {
  return (bits[k / 64] >> (k % 64) & 1) != 0;
}

}  // namespace

void stack_pool::add_slab() {
  const std::size_t bytes = stride_ * stacks_per_slab_;
  void* const mapping = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE,
                               MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (mapping == MAP_FAILED) throw std::bad_alloc();
  auto* const base = static_cast<char*>(mapping);
  // The guard page, when there is one, is the lowest page of each stride:
  // stacks grow down into it.
  for (std::size_t k = 0; guard_pages_ && k < stacks_per_slab_; ++k) {
    if (::mprotect(base + k * stride_, page_size_, PROT_NONE) != 0) {
      ::munmap(mapping, bytes);
      throw std::bad_alloc();
    }
  }
  try {
    slabs_.reserve(slabs_.size() + 1);
    slab_bases_.reserve(slabs_.size() + 1);
  } catch (...) {
    ::munmap(mapping, bytes);
    throw;
  }
  // Nothing below throws. Every stack of the new slab is free and cold.
  const auto at = std::upper_bound(slab_bases_.begin(), slab_bases_.end(), base);
  const auto index = at - slab_bases_.begin();
  slab_bases_.insert(at, base);
  slab fresh{base};
  set_first(fresh.free, stacks_per_slab_);
  fresh.free_count = stacks_per_slab_;
  slabs_.insert(slabs_.begin() + index, fresh);
  free_count_ += stacks_per_slab_;
  // Indices at or above the new one moved up by one.
  const auto new_index = static_cast<std::size_t>(index);
  if (lowest_warm_slab_ >= new_index && warm_count_ != 0) ++lowest_warm_slab_;
  lowest_free_slab_ = std::min(lowest_free_slab_, new_index);
}

std::size_t stack_pool::slab_index_of(void* bottom) const noexcept {
  auto* const address = static_cast<char*>(bottom);
  const auto at = std::upper_bound(slab_bases_.begin(), slab_bases_.end(), address);
  GOFER_ASSERT(at != slab_bases_.begin());
  const auto index = static_cast<std::size_t>(at - slab_bases_.begin()) - 1;
  GOFER_ASSERT(address < slab_bases_[index] + stride_ * stacks_per_slab_);
  return index;
}

void* stack_pool::take_locked() {
  if (free_count_ == 0) add_slab();
  void* bottom = nullptr;
  if (warm_count_ != 0) {
    // The lowest warm free stack: lowest_warm_slab_ moves up past slabs
    // with none, and give_locked moves it down again.
    while (slabs_[lowest_warm_slab_].warm_count == 0)
      ++lowest_warm_slab_;
    slab& s = slabs_[lowest_warm_slab_];
    const std::size_t k = take_lowest(s.warm);
    s.free[k / 64] &= ~(std::uint64_t{1} << (k % 64));
    --s.warm_count;
    --warm_count_;
    --s.free_count;
    bottom = stack_at(s, k);
  } else {
    // Only cold ones are left (their first touch is a page fault, which
    // dwarfs this search): the lowest.
    while (slabs_[lowest_free_slab_].free_count == 0)
      ++lowest_free_slab_;
    slab& s = slabs_[lowest_free_slab_];
    const std::size_t k = take_lowest(s.free);
    --s.free_count;
    bottom = stack_at(s, k);
  }
  --free_count_;
  GOFER_ASSERT(warm_count_ <= free_count_);
  peak_in_use_ = std::max(peak_in_use_, in_use_locked());
  return bottom;
}

void stack_pool::give_locked(void* bottom) noexcept {
  const std::size_t index = slab_index_of(bottom);
  slab& s = slabs_[index];
  const std::size_t offset = static_cast<std::size_t>(static_cast<char*>(bottom) - s.base) -
                             (guard_pages_ ? page_size_ : 0);
  GOFER_ASSERT(offset % stride_ == 0);
  const std::size_t k = offset / stride_;
  GOFER_ASSERT(k < stacks_per_slab_ && !test(s.free, k));
  const std::uint64_t bit = std::uint64_t{1} << (k % 64);
  s.free[k / 64] |= bit;
  s.warm[k / 64] |= bit;  // a goroutine ran on it
  ++s.free_count;
  ++s.warm_count;
  ++free_count_;
  ++warm_count_;
  lowest_warm_slab_ = std::min(lowest_warm_slab_, index);
  lowest_free_slab_ = std::min(lowest_free_slab_, index);
}

std::size_t stack_pool::in_use() const noexcept {
  spinlock_lock lock{lock_};
  return in_use_locked();
}

void stack_pool::scavenge(keep what) noexcept {
  spinlock_lock lock{lock_};
  const std::size_t keep_warm =
      what == keep::recent_demand ? std::max(warm_stacks, peak_in_use_) : warm_stacks;
  peak_in_use_ = in_use_locked();  // the next interval's demand starts from here
  // The common case, a runtime that idles between bursts of the same size,
  // stops here, in constant time.
  if (warm_count_ <= keep_warm) return;
  // Give back the pages of wholly free slabs, the highest first: stacks go
  // out lowest first, so the high ones are the least likely to be wanted
  // soon. Under lock_: no stack of a slab can be handed out meanwhile.
  // MADV_DONTNEED on private anonymous memory reads back as zeroes, which a
  // new fiber does not mind. A failure only leaves the pages resident.
  for (std::size_t i = slabs_.size(); i-- > 0 && warm_count_ > keep_warm;) {
    slab& s = slabs_[i];
    if (s.warm_count == 0 || s.free_count != stacks_per_slab_) continue;
    (void)::madvise(s.base, stride_ * stacks_per_slab_, MADV_DONTNEED);
    warm_count_ -= s.warm_count;
    s.warm_count = 0;
    s.warm = bitmap{};
  }
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
