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
// out again under mutex_, and the next goroutine's first switch in comes
// after that, through the run queues. Mapping and unmapping a stack per
// goroutine instead made TSan remap shadow and meta memory at ever new
// addresses: slow, and kernel mappings towards vm.max_map_count.
//
// Memory is returned to the kernel only when the pool dies (with the runtime
// and the last fiber that used it): a runtime that once ran a million
// goroutines keeps their touched pages until gofer::run returns.
#pragma once

#include <cstddef>
#include <memory>
#include <mutex>
#include <utility>
#include <vector>

#include <boost/context/stack_context.hpp>

namespace gofer::detail {

class stack_pool {
 public:
  stack_pool(std::size_t stack_size, bool guard_pages);
  ~stack_pool();
  stack_pool(const stack_pool&) = delete;
  stack_pool& operator=(const stack_pool&) = delete;

  boost::context::stack_context allocate();
  void deallocate(boost::context::stack_context& stack) noexcept;

 private:
  void add_slab();  // with mutex_ held

  const std::size_t page_size_;
  const std::size_t stack_size_;  // usable bytes, a multiple of the page size
  const bool guard_pages_;
  const std::size_t stride_;  // stack_size_ plus the guard page, if any
  const std::size_t stacks_per_slab_;

  std::mutex mutex_;          // guards the two members below
  std::vector<void*> free_;   // lowest usable address of each free stack
  std::vector<void*> slabs_;  // every mapping, unmapped by the destructor
};

// The Boost.Context StackAllocator each goroutine's fiber gets (lib/
// spawn.cpp): a handle on the runtime's pool, which it keeps alive until the
// last stack is back, even if a finished fiber is released after its
// runtime ended.
class pooled_stack_allocator {
 public:
  explicit pooled_stack_allocator(std::shared_ptr<stack_pool> pool) noexcept
      : pool_(std::move(pool)) {}
  boost::context::stack_context allocate();
  void deallocate(boost::context::stack_context& stack) noexcept;

 private:
  std::shared_ptr<stack_pool> pool_;
};

}  // namespace gofer::detail
