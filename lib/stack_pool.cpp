#include "stack_pool.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <new>

namespace gofer::detail {

namespace {

constexpr std::size_t slab_bytes = std::size_t{4} << 20;  // aim: 4 MiB per mapping

std::size_t round_up(std::size_t n, std::size_t multiple) {
  return (n + multiple - 1) / multiple * multiple;
}

}  // namespace

stack_pool::stack_pool(std::size_t stack_size, bool guard_pages)
    : page_size_(static_cast<std::size_t>(::sysconf(_SC_PAGESIZE))),
      stack_size_(round_up(std::max<std::size_t>(stack_size, 4 * page_size_), page_size_)),
      guard_pages_(guard_pages),
      stride_(stack_size_ + (guard_pages ? page_size_ : 0)),
      stacks_per_slab_(std::max<std::size_t>(1, slab_bytes / stride_)) {}

stack_pool::~stack_pool() {
  for (void* slab : slabs_)
    ::munmap(slab, stride_ * stacks_per_slab_);
}

void stack_pool::add_slab() {
  const std::size_t bytes = stride_ * stacks_per_slab_;
  void* const slab = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE,
                            MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (slab == MAP_FAILED) throw std::bad_alloc();
  slabs_.push_back(slab);
  auto* const base = static_cast<char*>(slab);
  // Hand out the lowest stacks first: free_ is a stack (LIFO), so push in
  // reverse. The guard page, when there is one, is the lowest page of each
  // stride: stacks grow down into it.
  for (std::size_t i = stacks_per_slab_; i-- > 0;) {
    char* const stride = base + i * stride_;
    if (guard_pages_ && ::mprotect(stride, page_size_, PROT_NONE) != 0) throw std::bad_alloc();
    free_.push_back(stride + (guard_pages_ ? page_size_ : 0));
  }
}

boost::context::stack_context stack_pool::allocate() {
  void* bottom = nullptr;
  {
    std::lock_guard lock{mutex_};
    if (free_.empty()) add_slab();
    bottom = free_.back();
    free_.pop_back();
  }
  boost::context::stack_context stack;
  stack.size = stack_size_;
  stack.sp = static_cast<char*>(bottom) + stack_size_;  // stacks grow down from sp
  return stack;
}

void stack_pool::deallocate(boost::context::stack_context& stack) noexcept {
  void* const bottom = static_cast<char*>(stack.sp) - stack.size;
  std::lock_guard lock{mutex_};
  // free_ has had room for every stack since add_slab pushed them all, so
  // this never allocates (and so cannot throw).
  free_.push_back(bottom);
}

boost::context::stack_context pooled_stack_allocator::allocate() {
  return pool_->allocate();
}

void pooled_stack_allocator::deallocate(boost::context::stack_context& stack) noexcept {
  pool_->deallocate(stack);
}

}  // namespace gofer::detail
