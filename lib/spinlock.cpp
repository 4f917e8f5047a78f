// lib/spinlock.cpp - the contended half of gofer/detail/spinlock.hpp.
#include "gofer/detail/spinlock.hpp"

#include <algorithm>
#include <cstdint>

#include "backoff.hpp"

namespace gofer::detail {

namespace {

// A per-thread xorshift generator for back-off delays: cheap, and different
// on each thread (seeded from the address of its state), so that threads
// that collide do not wait in step.
std::uint32_t next_random() noexcept {
  thread_local std::uint32_t state = 0;
  if (state == 0) {
    state = static_cast<std::uint32_t>(reinterpret_cast<std::uintptr_t>(&state) >> 4) | 1u;
  }
  state ^= state << 13;
  state ^= state >> 17;
  state ^= state << 5;
  return state;
}

}  // namespace

void spinlock::lock_contended() noexcept {
  for (unsigned collisions = 0;; ++collisions) {
    // Test before test-and-set: spinning on a load keeps the line shared
    // until the holder's unlock, instead of taking it on every try.
    for (backoff wait; locked_.load(std::memory_order_relaxed);)
      wait();
    if (!locked_.exchange(true, std::memory_order_acquire)) return;
    // Another thread took it between our load and our exchange. Wait a
    // random while, up to twice as long after each such loss (at most 1023
    // pauses), before we look again: the winner then runs a few critical
    // sections with the line in its own cache instead of trading it with
    // us for each one. Boost.Fiber's spinlock_ttas backs off alike.
    const std::uint32_t window = (2u << std::min(collisions, 9u)) - 1;
    for (std::uint32_t pauses = next_random() & window; pauses > 0; --pauses)
      cpu_pause();
  }
}

}  // namespace gofer::detail
