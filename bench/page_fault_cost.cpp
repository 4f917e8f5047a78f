// bench/page_fault_cost.cpp - what this machine charges for the page faults
// that goroutine stacks take, without gofer: the numbers behind the
// scavenger's policy (lib/stack_pool.hpp) and behind docs/performance.md's
// remarks on rows that touch fresh memory.
//
// Maps 20,000 stacks' worth of MAP_NORESERVE memory, 64 KiB apart as gofer's
// pool lays them out, and times per stack: the first touch of a page, a
// madvise(MADV_DONTNEED) of that one page, touching it again, and one
// madvise over 32 stacks at once (per stack).
//
//   page_fault_cost
#include <sys/mman.h>

#include <chrono>
#include <cstddef>
#include <cstdio>

int main() {
  constexpr std::size_t stacks = 20'000;
  constexpr std::size_t stride = 64 << 10;
  constexpr std::size_t page = 4096;
  void* const mapping = ::mmap(nullptr, stacks * stride, PROT_READ | PROT_WRITE,
                               MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (mapping == MAP_FAILED) {
    std::perror("mmap");
    return 1;
  }
  auto* const base = static_cast<char*>(mapping);
  // The second page from the top of each stack: the one a goroutine touches
  // once its frames outgrow the first (and the one Boost's
  // context::terminate() touched at every exit, until lib/spawn.cpp ended
  // goroutines without it).
  auto second_page = [base](std::size_t i) { return base + (i + 1) * stride - 2 * page; };
  using clock = std::chrono::steady_clock;
  auto per_stack_ns = [](clock::time_point from, clock::time_point to) {
    return std::chrono::duration<double, std::nano>(to - from).count() / stacks;
  };

  const auto t0 = clock::now();
  for (std::size_t i = 0; i < stacks; ++i)
    *static_cast<volatile char*>(second_page(i)) = 1;
  const auto t1 = clock::now();
  for (std::size_t i = 0; i < stacks; ++i)
    ::madvise(second_page(i), page, MADV_DONTNEED);
  const auto t2 = clock::now();
  for (std::size_t i = 0; i < stacks; ++i)
    *static_cast<volatile char*>(second_page(i)) = 1;
  const auto t3 = clock::now();
  for (std::size_t i = 0; i < stacks; i += 32)
    ::madvise(base + i * stride, 32 * stride, MADV_DONTNEED);
  const auto t4 = clock::now();

  std::printf("first touch of a page      %8.0f ns\n", per_stack_ns(t0, t1));
  std::printf("madvise of one page        %8.0f ns\n", per_stack_ns(t1, t2));
  std::printf("touching it again          %8.0f ns\n", per_stack_ns(t2, t3));
  std::printf("madvise of 32 stacks at once %6.0f ns per stack\n", per_stack_ns(t3, t4));
  ::munmap(mapping, stacks * stride);
  return 0;
}
