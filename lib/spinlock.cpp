// lib/spinlock.cpp - the contended half of gofer/detail/spinlock.hpp.
#include "gofer/detail/spinlock.hpp"

#include <algorithm>
#include <cstdint>
#include <thread>

namespace gofer::detail {

namespace {

// A per-thread xorshift generator for back-off delays: cheap, and different
// on each thread (seeded from the address of its state), so that threads
// that collide do not wait in step.
std::uint32_t backoff_random() noexcept {
  thread_local std::uint32_t state = 0;
  if (state == 0) {
    state = static_cast<std::uint32_t>(reinterpret_cast<std::uintptr_t>(&state) >> 4) | 1u;
  }
  state ^= state << 13;
  state ^= state >> 17;
  state ^= state << 5;
  return state;
}

// How many looks at a held lock are spaced by pauses before each further
// look yields the thread instead.
constexpr unsigned spaced_looks = 10;

}  // namespace

void spinlock::lock_contended() noexcept {
  for (unsigned collisions = 0;; ++collisions) {
    // Test before test-and-set: spinning on a load keeps the line shared
    // until the holder's unlock, instead of taking it on every try. And
    // look exponentially less often (1, 2, 4 ... 512 pauses between looks,
    // then a yield of the thread at each, since the holder may have been
    // preempted): every look pulls the line out of the holder's cache, so
    // its unlock, and its next lock, then miss. Looking at a fixed short
    // pace made two threads on one channel trade the line at every
    // operation: ChanProdCons10 on two threads took 135-226 ns per
    // message, and 72-104 ns with this spacing (Go: 51-96). Go's runtime
    // lock (lock2) goes further, and sleeps in the kernel after a few spins.
    for (unsigned looks = 0; locked_.load(std::memory_order_relaxed); ++looks) {
      if (looks < spaced_looks) {
        for (unsigned pauses = 1u << looks; pauses > 0; --pauses)
          cpu_pause();
      } else {
        std::this_thread::yield();
      }
    }
    if (!locked_.exchange(true, std::memory_order_acquire)) return;
    // Another thread took it between our load and our exchange. Wait a
    // random while, up to twice as long after each such loss (at most 1023
    // pauses), before we look again: the winner then runs a few critical
    // sections with the line in its own cache instead of trading it with
    // us for each one. Boost.Fiber's spinlock_ttas backs off alike.
    const std::uint32_t window = (2u << std::min(collisions, 9u)) - 1;
    for (std::uint32_t pauses = backoff_random() & window; pauses > 0; --pauses)
      cpu_pause();
  }
}

}  // namespace gofer::detail
