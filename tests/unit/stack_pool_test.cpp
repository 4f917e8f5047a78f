// Tests for the goroutine stack pool (lib/stack_pool.hpp, private to the
// library): which free stacks scavenge() gives back to the kernel, and that
// warm stacks go out before cold ones. Residency is read with mincore(2), so
// the test sees what the kernel holds, not the pool's own bookkeeping.
#include <doctest/doctest.h>

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

#include <gofer/runtime.hpp>
#include <gofer/sync.hpp>

#include <boost/version.hpp>

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

TEST_CASE("free stacks go out lowest address first, warm before cold") {
  // Two slabs' worth, given back in a scattered order (as goroutines end):
  // they come out again in address order, whatever order they came back in.
  stack_pool pool{stack_bytes, false};
  std::size_t resident = 0;
  std::vector<boost::context::stack_context> stacks = take(pool, 2 * per_slab, resident);
  std::vector<boost::context::stack_context> scattered;
  for (std::size_t stride : {std::size_t{7}, std::size_t{3}, std::size_t{1}}) {
    for (std::size_t i = 0; i < stacks.size(); i += stride) {
      if (stacks[i].sp == nullptr) continue;
      scattered.push_back(stacks[i]);
      stacks[i].sp = nullptr;
    }
  }
  REQUIRE(scattered.size() == 2 * per_slab);
  std::vector<void*> lowest_first;
  for (const boost::context::stack_context& stack : scattered)
    lowest_first.push_back(stack.sp);
  std::sort(lowest_first.begin(), lowest_first.end());
  give_back(pool, scattered);
  stacks.clear();
  for (std::size_t i = 0; i < 2 * per_slab; ++i) {
    stacks.push_back(pool.allocate());
    CHECK(stacks.back().sp == lowest_first[i]);
  }
  // With one warm stack high up and every lower one out, the warm one goes
  // out before the cold stacks of a new slab, which come lowest first too.
  pool.deallocate(stacks.back());
  const void* const warm = stacks.back().sp;
  stacks.pop_back();
  stacks.push_back(pool.allocate());
  CHECK(stacks.back().sp == warm);
  stacks.push_back(pool.allocate());
  const boost::context::stack_context first_cold = stacks.back();
  CHECK_FALSE(top_page_resident(first_cold));
  stacks.push_back(pool.allocate());
  CHECK(static_cast<char*>(stacks.back().sp) > static_cast<char*>(first_cold.sp));
  give_back(pool, stacks);
}

TEST_CASE("a goroutine that has ended leaves one page of its stack resident") {
  // A stack size no other test uses: a pool of its own, whose pages no
  // earlier goroutine has touched.
  constexpr std::size_t own_stack_size = 88 << 10;
  constexpr std::size_t goroutines = 64;
  std::vector<std::uintptr_t> marks(goroutines);
  gofer::run(
      [&marks] {
        const gofer::wait_group wg;
        for (std::size_t i = 0; i < goroutines; ++i) {
          wg.go([&marks, i] {
            volatile char mark = 0;
            marks[i] = reinterpret_cast<std::uintptr_t>(&mark);
          });
        }
        wg.wait();
      },
      {.threads = 1, .stack_size = own_stack_size});

  // Every page a goroutine touched lies within a few pages of its mark:
  // the fiber's record and the body's frames above it, the frames of its
  // start and its end (Boost's terminate, the scheduler's pick) below. One
  // page holds them all; the few goroutines whose end wakes another (the
  // last done() wakes main) go deeper. Boost's own terminate() reached 5 KB
  // below its caller's frame, a second page for every one (lib/spawn.cpp).
  const auto page = static_cast<std::uintptr_t>(::sysconf(_SC_PAGESIZE));
  const std::uintptr_t below = 4;
  const std::uintptr_t above = 2;
  std::size_t more_than_one = 0;
  for (const std::uintptr_t mark : marks) {
    const std::uintptr_t first = (mark / page - below) * page;
    std::vector<unsigned char> resident(below + 1 + above);
    REQUIRE(::mincore(reinterpret_cast<void*>(first), resident.size() * page, resident.data()) ==
            0);
    std::size_t count = 0;
    for (const unsigned char bits : resident)
      count += bits & 1;
    CHECK(count >= 1);
    if (count > 1) ++more_than_one;
  }
#if BOOST_VERSION / 100 == 1081  // lib/spawn.cpp's own worker_context
  CHECK(more_than_one <= goroutines / 8);
#else
  MESSAGE("ended goroutines holding a second page: " << more_than_one << " of " << goroutines);
#endif
}

TEST_CASE("a goroutine made and not yet run holds no stack") {
  // A stack size no other test uses: a pool of its own, with no stack out.
  constexpr std::size_t own_stack_size = 96 << 10;
  constexpr std::size_t goroutines = 500;  // under go()'s backlog limit: main does not yield
  const auto pool = stack_pool::shared(own_stack_size, false);
  REQUIRE(pool->in_use() == 0);
  std::size_t ran = 0;
  gofer::run(
      [&] {
        const gofer::wait_group wg;
        for (std::size_t i = 0; i < goroutines; ++i)
          wg.go([&ran] { ++ran; });
        // None has run (one thread, and main has not blocked): none has a
        // stack yet. Each would hold a page of one if go() made its fiber.
        CHECK(ran == 0);
        CHECK(pool->in_use() == 0);
        wg.wait();
        CHECK(ran == goroutines);
        CHECK(pool->in_use() > 0);  // they ran on stacks of this pool
      },
      {.threads = 1, .stack_size = own_stack_size});
}
