// gofer/detail/stack_allocator.hpp - the Boost.Context StackAllocator gofer
// gives each goroutine. A handle on the runtime's stack pool (lib/
// stack_pool.hpp), which it keeps alive until the last stack is back, even
// if a finished fiber is released after its runtime ended.
#pragma once

#include <memory>

#include <boost/context/stack_context.hpp>

namespace gofer::detail {

class stack_pool;

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
