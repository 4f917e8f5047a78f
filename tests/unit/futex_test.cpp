// Tests for the futex sleep of an idle worker (lib/futex.hpp, private to the
// library): the three ways a wait ends. No time is measured: a deadline in
// the past has passed, a wait on a changed word never sleeps, and a wake
// from another thread ends a wait that has no deadline (or the test hangs).
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <thread>

#include "../../lib/futex.hpp"

using gofer::detail::futex_wait_until;
using gofer::detail::futex_wake_one;

TEST_CASE("a futex wait whose deadline has passed reports that it timed out") {
  std::atomic<std::uint32_t> word{0};
  const auto past = std::chrono::steady_clock::now() - std::chrono::seconds(1);
  CHECK_FALSE(futex_wait_until(word, 0, past));
}

TEST_CASE("a futex wait on a word that no longer holds the expected value returns at once") {
  std::atomic<std::uint32_t> word{1};
  CHECK(futex_wait_until(word, 0, std::chrono::steady_clock::time_point::max()));
}

TEST_CASE("a futex wake from another thread ends a wait with no deadline") {
  std::atomic<std::uint32_t> word{0};
  std::atomic<bool> waiting{false};
  std::thread sleeper([&] {
    waiting.store(true);
    // Returns true for the wake, or spuriously: read the word again.
    while (word.load(std::memory_order_acquire) == 0)
      CHECK(futex_wait_until(word, 0, std::chrono::steady_clock::time_point::max()));
  });
  while (!waiting.load())
    std::this_thread::yield();
  word.store(1, std::memory_order_release);
  futex_wake_one(word);
  sleeper.join();
  CHECK(word.load() == 1);
}
