// lib/stack_pool.hpp - goroutine stacks without an mmap/munmap per spawn
// (private to the library).
//
// Stacks are carved from slabs of anonymous memory (MAP_NORESERVE: a page
// costs memory only once a goroutine touches it) and recycled through a free
// list, so spawning reuses a warm stack and a million goroutines need only
// about a million / 64 mappings, well under the kernel's vm.max_map_count.
// With guard pages, each stack gets a PROT_NONE page below it, so an overflow
// faults instead of corrupting a neighbour; every guard splits the mapping,
// which is why this is a debug option: each guarded stack is two mappings,
// so about 32k of them reach the default vm.max_map_count (65530).
//
// ThreadSanitizer builds recycle stacks too. A recycled stack still carries
// the last goroutine's accesses in TSan's shadow, but they happen before the
// next goroutine's: the last one's final switch away synchronises (as every
// switch lib/scheduler.cpp announces does), the stack comes back and goes
// out again on one thread or across threads under lock_ (a thread cache's
// batches), and the next goroutine's first switch in comes
// after that, through the run queues. Mapping and unmapping a stack per
// goroutine instead made TSan remap shadow and meta memory at ever new
// addresses: slow, and kernel mappings towards vm.max_map_count.
//
// Each worker thread keeps a small cache of free stacks (Go: the per-P stack
// cache, stackcache), so spawning and exiting goroutines on several threads
// do not meet on lock_ for every stack: a thread takes and gives back
// `cache_batch` stacks at a time. A thread uses its cache only between
// open_thread_cache() and close_thread_cache() (a worker's lifetime);
// elsewhere stacks go straight to the shared list.
//
// One pool per stack configuration serves the whole process (shared()), as
// Go's stacks serve every goroutine: a second gofer::run reuses the first
// one's warm stacks.
//
// Resident memory follows live goroutines, not the most there ever were:
// scavenge() gives the pages of whole free slabs back to the kernel
// (madvise MADV_DONTNEED, one call per slab of 64 stacks), and they fault in
// again, zeroed, when reused. Not on every free: a page fault costs
// microseconds (13-19 on the VM this was measured on, bench/page_fault_cost;
// a madvise of one page 7-10), and a program that
// spawns and joins in a loop would pay it for every goroutine (Go's
// scavenger, too, returns memory in the background, paced, not as it is
// freed). Two callers:
//   - a runtime that goes idle (its last awake worker parks) calls
//     scavenge(keep::recent_demand): it keeps warm as many free stacks as
//     were in use at once since the last scavenge (at least `warm_stacks`).
//     A program that runs bursts of goroutines and idles between them - a
//     spawn-join loop on two threads idles after every batch - keeps its
//     burst's stacks warm, instead of giving back everything beyond
//     warm_stacks and faulting it in again in the next burst (that cost a
//     spawn-join on two threads about 1 us per goroutine here); once a quieter
//     stretch follows, the next idle gives the rest back.
//   - a runtime that ends calls scavenge(keep::baseline): warm_stacks (8192:
//     at most 64 MiB resident, at two pages each).
// Warm free stacks go out before cold (given back) ones.
//
// Free stacks go out lowest address first (Go's stacks are carved small and
// packed from spans; gofer's are 64 KiB apart, each on a page of its own).
// A program touches its goroutines' stacks in the order it made them: a
// close() walks its waiters, which live on their goroutines' stacks, and the
// woken goroutines run in that order. When consecutive goroutines have
// consecutive stacks, that walk is a constant stride the hardware prefetches;
// when they are scattered, each step is a TLB miss and a cache miss (bench/
// stack_order: 20 ns against 320 a step on the VM it was measured on). A
// LIFO free list scattered them within a few rounds of spawn and exit, and
// CancelFanout10k's close() spent 0.8-1.2 us a waiter; taking the lowest
// free stack keeps them in order (0.1-0.25 us). It also keeps the stacks in
// use packed at the low end, so the slabs wholly free, the ones scavenge
// can give back, are the high ones. The free stacks are one bitmap per slab.
// The mappings (address space only, once scavenged) stay for the life of
// the process.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

#include <boost/context/stack_context.hpp>

#include "gofer/detail/spinlock.hpp"

namespace gofer::detail {

class stack_pool {
 public:
  stack_pool(std::size_t stack_size, bool guard_pages);
  // The process's pool for these options, shared by every runtime (Go's
  // stacks outlive nothing but are reused by every goroutine of the
  // process): a program that calls gofer::run again, or runs several at
  // once, reuses warm stacks instead of faulting in new ones.
  static std::shared_ptr<stack_pool> shared(std::size_t stack_size, bool guard_pages);
  ~stack_pool();
  stack_pool(const stack_pool&) = delete;
  stack_pool& operator=(const stack_pool&) = delete;

  boost::context::stack_context allocate();
  void deallocate(boost::context::stack_context& stack) noexcept;

  // The calling thread caches stacks of this pool until it closes the cache
  // (which gives them back). One pool per thread at a time.
  void open_thread_cache();
  void close_thread_cache() noexcept;

  // How many free stacks scavenge keeps warm: warm_stacks (baseline), or
  // the most in use at once since the last scavenge, if that is more
  // (recent_demand).
  enum class keep { baseline, recent_demand };
  // Gives back to the kernel the pages of whole free slabs beyond those.
  // Constant time when no more stacks are warm than it keeps (a runtime
  // that idles between bursts of one size); else one pass over the free
  // stacks.
  void scavenge(keep what) noexcept;

  // Stacks out of the free lists: in goroutines, or in threads' caches.
  std::size_t in_use() const noexcept;

  // How many stacks a thread's cache moves to or from the shared list at
  // once, and the most it holds.
  static constexpr std::size_t cache_batch = 32;
  static constexpr std::size_t cache_limit = 2 * cache_batch;
  // Free stacks kept warm (pages resident) before whole free slabs are
  // given back to the kernel.
  static constexpr std::size_t warm_stacks = 8192;

 private:
  // The most stacks one slab holds: 4 MiB of the smallest stride (four
  // 4 KiB pages).
  static constexpr std::size_t max_stacks_per_slab = 256;
  static constexpr std::size_t bitmap_words = max_stacks_per_slab / 64;
  using bitmap = std::array<std::uint64_t, bitmap_words>;

  // One mapping of stacks_per_slab_ stacks, stack k at base + k * stride_.
  // Invariants (with lock_ held): warm ⊆ free; free_count and warm_count
  // are the popcounts of free and warm.
  struct slab {
    char* base;
    bitmap free{};  // stack k is in no goroutine and no thread cache
    bitmap warm{};  // free, and its pages were touched since the slab was
                    // mapped or last given back (resident, most likely)
    std::size_t free_count = 0;
    std::size_t warm_count = 0;
  };
  void add_slab();                                         // with lock_ held
  void* take_locked();                                     // with lock_ held
  void give_locked(void* bottom) noexcept;                 // with lock_ held
  std::size_t slab_index_of(void* bottom) const noexcept;  // with lock_ held
  void* stack_at(const slab& s, std::size_t k) const noexcept {
    return s.base + k * stride_ + (guard_pages_ ? page_size_ : 0);
  }
  // Stacks out of the free bitmaps (in goroutines or thread caches); with
  // lock_ held.
  std::size_t in_use_locked() const noexcept {
    return slabs_.size() * stacks_per_slab_ - free_count_;
  }

  const std::size_t requested_size_;  // run_options::stack_size
  const std::size_t page_size_;
  const std::size_t stack_size_;  // usable bytes, a multiple of the page size
  const bool guard_pages_;
  const std::size_t stride_;  // stack_size_ plus the guard page, if any
  const std::size_t stacks_per_slab_;

  // Guards the members below. A spinlock: taking or giving a thread cache's
  // batch is a few dozen bit operations, with no per-stack allocation
  // (scavenge, which runs when a runtime idles, holds it longer), so a
  // worker that finds it held waits a few hundred nanoseconds at most.
  // A mutex here put the spawning thread and the one ending goroutines to
  // sleep on a futex against each other (12% of a spawn-join on two
  // threads, in the kernel).
  mutable spinlock lock_{lock_rank::leaf};
  // Every mapping, by ascending base (slab_bases_ is the same bases, packed
  // for slab_index_of's search); unmapped by the destructor.
  std::vector<slab> slabs_;
  std::vector<char*> slab_bases_;
  // Free stacks go out warm before cold (a cold stack's first touch is a
  // page fault), and among those the lowest address first: see the top.
  std::size_t free_count_ = 0;  // free stacks, all slabs
  std::size_t warm_count_ = 0;  // warm free stacks, all slabs
  // No slab below these indices has a warm (resp. any) free stack: where
  // take_locked starts looking.
  std::size_t lowest_warm_slab_ = 0;
  std::size_t lowest_free_slab_ = 0;
  // The most stacks out of the free lists at once (in goroutines or thread
  // caches) since the last scavenge.
  std::size_t peak_in_use_ = 0;
};

// The Boost.Context StackAllocator each goroutine's fiber gets (lib/
// spawn.cpp), kept in the fiber until its stack is back. A plain pointer:
// a runtime's pool comes from shared(), which keeps it for the life of the
// process, so a finished fiber released after its runtime ended still finds
// it. (It was a shared_ptr: a locked increment where go() ran and a locked
// decrement where the goroutine ended, on one count both threads wrote, for
// every goroutine.)
class pooled_stack_allocator {
 public:
  explicit pooled_stack_allocator(stack_pool& pool) noexcept : pool_(&pool) {}
  boost::context::stack_context allocate();
  void deallocate(boost::context::stack_context& stack) noexcept;

 private:
  stack_pool* pool_;
};

}  // namespace gofer::detail
