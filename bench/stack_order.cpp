// bench/stack_order.cpp - what this machine charges for walking one cache
// line on each of 10,000 goroutine stacks, in address order and scattered,
// without gofer: the numbers behind the stack pool's lowest-address-first
// order (lib/stack_pool.hpp).
//
// A close() walks its waiters, which live on their goroutines' stacks, each
// waiter's `next` leading to the next; this is that walk, a pointer chase
// through one line of each of 10,000 stacks 64 KiB apart (as gofer's pool
// lays them out), once with the stacks in address order and once shuffled,
// after evicting the caches with a 64 MiB sweep. For comparison, the same
// 10,000 lines packed 64 bytes apart (Go's sudogs come packed from a cache).
//
//   stack_order
#include <sys/mman.h>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdio>
#include <numeric>
#include <random>
#include <vector>

namespace {

constexpr std::size_t nodes = 10'000;
constexpr std::size_t offset_in_stack = 3000;  // a line inside the top page

// Best of `rounds` walks, in ns a node.
double walk_ns(char* base, std::size_t stride, const std::vector<std::size_t>& order) {
  const std::size_t offset = stride >= 4096 ? offset_in_stack : 0;
  auto node = [&](std::size_t k) { return base + order[k] * stride + offset; };
  for (std::size_t k = 0; k + 1 < nodes; ++k)
    *reinterpret_cast<char**>(node(k)) = node(k + 1);
  *reinterpret_cast<char**>(node(nodes - 1)) = nullptr;
  static std::vector<char> eviction(std::size_t{64} << 20);
  double best = 1e18;
  for (int round = 0; round < 30; ++round) {
    for (std::size_t i = 0; i < eviction.size(); i += 64)
      ++eviction[i];
    const auto start = std::chrono::steady_clock::now();
    std::size_t steps = 0;
    for (char* p = node(0); p != nullptr; p = *reinterpret_cast<char**>(p))
      ++steps;
    const std::chrono::duration<double, std::nano> took = std::chrono::steady_clock::now() - start;
    best = std::min(best, took.count() / static_cast<double>(steps));
  }
  return best;
}

}  // namespace

int main() {
  std::vector<std::size_t> in_order(nodes);
  std::iota(in_order.begin(), in_order.end(), std::size_t{0});
  std::vector<std::size_t> scattered = in_order;
  std::shuffle(scattered.begin(), scattered.end(), std::mt19937{1});
  std::printf("%-22s %12s %12s\n", "", "in order", "scattered");
  for (const std::size_t stride : {std::size_t{64}, std::size_t{64} << 10}) {
    const std::size_t bytes = nodes * stride + 4096;
    void* const mapping = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE,
                                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (mapping == MAP_FAILED) {
      std::perror("mmap");
      return 1;
    }
    auto* const base = static_cast<char*>(mapping);
    const double ordered = walk_ns(base, stride, in_order);
    const double shuffled = walk_ns(base, stride, scattered);
    std::printf("%-22s %9.1f ns %9.1f ns\n",
                stride == 64 ? "packed, 64 B apart" : "stacks, 64 KiB apart", ordered, shuffled);
    ::munmap(mapping, bytes);
  }
}
