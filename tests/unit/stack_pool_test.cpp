// Tests for the goroutine stack pool (lib/stack_pool.hpp, private to the
// library): which free stacks scavenge() gives back to the kernel, and that
// warm stacks go out before cold ones. Residency is read with mincore(2), so
// the test sees what the kernel holds, not the pool's own bookkeeping.
#include <doctest/doctest.h>

#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <vector>

#include "../../lib/stack_pool.hpp"

using gofer::detail::stack_pool;

namespace {

constexpr std::size_t stack_bytes = 16 << 10;  // the pool's smallest: four pages
// One slab holds 4 MiB of stacks: 256 of these.
constexpr std::size_t per_slab = (std::size_t{4} << 20) / stack_bytes;

// Whether the page just below a stack's top (the one every goroutine
// touches first) is resident.
bool top_page_resident(const boost::context::stack_context& stack) {
  const auto page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
  auto* const top_page = static_cast<char*>(stack.sp) - page;
  unsigned char resident = 0;
  REQUIRE(::mincore(top_page, page, &resident) == 0);
  return (resident & 1) != 0;
}

// Takes n stacks, and counts how many were resident when they came out;
// then touches each, as a goroutine's start does.
std::vector<boost::context::stack_context> take(stack_pool& pool, std::size_t n,
                                                std::size_t& resident) {
  std::vector<boost::context::stack_context> stacks;
  resident = 0;
  for (std::size_t i = 0; i < n; ++i) {
    stacks.push_back(pool.allocate());
    resident += top_page_resident(stacks.back()) ? 1 : 0;
  }
  for (boost::context::stack_context& stack : stacks)
    static_cast<volatile char*>(stack.sp)[-1] = 1;
  return stacks;
}

void give_back(stack_pool& pool, std::vector<boost::context::stack_context>& stacks) {
  for (boost::context::stack_context& stack : stacks)
    pool.deallocate(stack);
  stacks.clear();
}

}  // namespace

TEST_CASE("an idle runtime keeps its last burst warm, and gives it back at the next idle") {
  // A burst of warm_stacks + 3 slabs, all given back: what a spawn-join
  // batch leaves when its runtime goes idle.
  stack_pool pool{stack_bytes, false};
  const std::size_t burst = stack_pool::warm_stacks + 3 * per_slab;
  std::size_t resident = 0;
  std::vector<boost::context::stack_context> stacks = take(pool, burst, resident);
  CHECK(resident == 0);  // fresh slabs
  give_back(pool, stacks);

  // First idle: the burst was in use since the last scavenge, so it all
  // stays warm, and the next burst of the same size faults in nothing.
  pool.scavenge(stack_pool::keep::recent_demand);
  stacks = take(pool, burst, resident);
  CHECK(resident == burst);
  give_back(pool, stacks);

  // The burst again, then an idle, then another idle with nothing in
  // between: the second gives back three slabs, all but warm_stacks.
  pool.scavenge(stack_pool::keep::recent_demand);
  pool.scavenge(stack_pool::keep::recent_demand);
  stacks = take(pool, burst, resident);
  CHECK(resident == stack_pool::warm_stacks);
  give_back(pool, stacks);
}

TEST_CASE("the end of a runtime keeps warm_stacks, and warm stacks go out before cold ones") {
  stack_pool pool{stack_bytes, false};
  const std::size_t burst = stack_pool::warm_stacks + 3 * per_slab;
  std::size_t resident = 0;
  std::vector<boost::context::stack_context> stacks = take(pool, burst, resident);
  give_back(pool, stacks);
  pool.scavenge(stack_pool::keep::baseline);

  // Three slabs' worth went back to the kernel, whatever the burst was.
  // Taking every stack again, none of those comes out before a warm one.
  std::size_t cold = 0;
  std::size_t warm_after_cold = 0;
  for (std::size_t i = 0; i < burst; ++i) {
    stacks.push_back(pool.allocate());
    if (!top_page_resident(stacks.back())) {
      ++cold;
    } else if (cold > 0) {
      ++warm_after_cold;
    }
  }
  CHECK(cold == 3 * per_slab);
  CHECK(warm_after_cold == 0);
  give_back(pool, stacks);
}
