// tests/support/counted.hpp - what every gofer test shares: a counted payload
// type, to assert that nothing leaked and nothing was duplicated, and a way to
// run a test body under every scheduler setup (1 thread and N threads).
// Modelled on cppcoro's counted type.
#pragma once

#include <doctest/doctest.h>

#include <atomic>
#include <cstddef>
#include <cstdlib>
#include <exception>
#include <string>
#include <system_error>
#include <vector>

#include <gofer/gofer.hpp>

namespace gofer_test {

// A value that counts its live instances. A moved-from counted is still alive
// (it is destroyed later) but holds no value: `id == moved_from`. Tests check
// `counted::live() == 0` at the end (nothing leaked) and that every id arrives
// exactly once (nothing duplicated, since copies are counted too).
struct counted {
  static constexpr int moved_from = -1;

  int id = 0;

  counted() noexcept { live_.fetch_add(1, std::memory_order_relaxed); }
  explicit counted(int value) noexcept : id(value) {
    live_.fetch_add(1, std::memory_order_relaxed);
  }
  counted(const counted& other) noexcept : id(other.id) {
    live_.fetch_add(1, std::memory_order_relaxed);
    copies_.fetch_add(1, std::memory_order_relaxed);
  }
  counted(counted&& other) noexcept : id(other.id) {
    other.id = moved_from;
    live_.fetch_add(1, std::memory_order_relaxed);
  }
  counted& operator=(const counted& other) noexcept {
    id = other.id;
    copies_.fetch_add(1, std::memory_order_relaxed);
    return *this;
  }
  counted& operator=(counted&& other) noexcept {
    id = other.id;
    other.id = moved_from;
    return *this;
  }
  ~counted() { live_.fetch_sub(1, std::memory_order_relaxed); }

  bool has_value() const noexcept { return id != moved_from; }

  // Instances alive now (values and moved-from shells).
  static long live() noexcept { return live_.load(std::memory_order_relaxed); }
  // Copies made since the last reset(): a channel must never copy.
  static long copies() noexcept { return copies_.load(std::memory_order_relaxed); }
  static void reset() noexcept {
    live_.store(0, std::memory_order_relaxed);
    copies_.store(0, std::memory_order_relaxed);
  }

 private:
  static inline std::atomic<long> live_{0};
  static inline std::atomic<long> copies_{0};
};

// Sets a flag when destroyed: proves that a goroutine blocked forever was
// unwound at shutdown (its destructors ran).
struct set_on_destroy {
  std::atomic<int>* destroyed;
  explicit set_on_destroy(std::atomic<int>& counter) noexcept : destroyed(&counter) {}
  set_on_destroy(const set_on_destroy&) = delete;
  set_on_destroy& operator=(const set_on_destroy&) = delete;
  ~set_on_destroy() { destroyed->fetch_add(1, std::memory_order_relaxed); }
};

// True in ThreadSanitizer builds, whose limits some tests must respect.
#if defined(__SANITIZE_THREAD__)
inline constexpr bool under_tsan = true;
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
inline constexpr bool under_tsan = true;
#else
inline constexpr bool under_tsan = false;
#endif
#else
inline constexpr bool under_tsan = false;
#endif

// The scheduler setups every test runs under: all goroutines on the calling
// thread, and M:N over 2 and 4 threads. GOFER_TEST_THREADS (e.g. "8" or
// "1,8") replaces the list, to re-run a suite at another scale.
inline std::vector<std::size_t> scheduler_threads() {
  std::vector<std::size_t> counts;
  if (const char* text = std::getenv("GOFER_TEST_THREADS")) {
    std::string list = text;
    for (std::size_t start = 0; start < list.size();) {
      std::size_t end = list.find(',', start);
      if (end == std::string::npos) end = list.size();
      const unsigned long count =
          std::strtoul(list.substr(start, end - start).c_str(), nullptr, 10);
      if (count > 0) counts.push_back(count);
      start = end + 1;
    }
  }
  if (counts.empty()) counts = {1, 2, 4};
  return counts;
}

// Runs `body(options)` once per scheduler setup, each in its own doctest
// SUBCASE ("threads = 1", "threads = 2", ...), so a failure names the setup.
// `counted::live()` must be back to zero after each.
template <class Body>
void for_each_scheduler(Body&& body) {
  for (const std::size_t threads : scheduler_threads()) {
    const std::string name = "threads = " + std::to_string(threads);
    SUBCASE(name.c_str()) {
      counted::reset();
      const gofer::run_options options{.threads = threads};
      body(options);
      CHECK_MESSAGE(counted::live() == 0, "counted values leaked: ", counted::live());
    }
  }
}

// The stress scale: GOFER_STRESS_SCALE (default 1) multiplies iteration counts.
inline int stress_scale() {
  const char* text = std::getenv("GOFER_STRESS_SCALE");
  if (text == nullptr || *text == '\0') return 1;
  const int scale = std::atoi(text);
  return scale > 0 ? scale : 1;
}

// Yields a few times: lets any goroutine that could make progress do so. Used
// only to give a wrong implementation the chance to misbehave, never to wait
// for something that must happen.
inline void let_others_run() {
  for (int i = 0; i < 20; ++i)
    gofer::yield();
}

// Go: select { case <-ctx.Done(): return true; default: return false }
inline bool is_done(const gofer::context& ctx) {
  return gofer::select(gofer::recv_case(ctx.done()), gofer::default_case()) == 0;
}

// The same options, on the virtual clock.
inline gofer::run_options with_virtual_time(gofer::run_options options) {
  options.virtual_time = true;
  return options;
}

// what() of the std::exception a failure or cause holds.
inline std::string message_of(const gofer::failure& failure) {
  return failure.message();
}

// The error code of a failure that is a std::system_error; empty otherwise.
inline std::error_code code_of(const gofer::failure& failure) {
  return failure.code();
}

}  // namespace gofer_test
