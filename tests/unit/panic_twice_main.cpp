// Goroutines on several threads that panic at the same moment: one panic is
// printed, then the program ends with status 2, as Go's runtime does (its
// second panicking goroutine waits on paniclk while the first prints and
// exits). Registered in tests/CMakeLists.txt as panic_twice_test, whose
// stderr pattern admits exactly one panic.
#include <atomic>
#include <cstdio>
#include <stdexcept>
#include <string>

#include <gofer/gofer.hpp>

int main() {
  constexpr int panickers = 4;
  std::atomic<int> arrived{0};
  gofer::run(
      [&arrived] {
        auto never = gofer::make_chan<int>();
        for (int i = 0; i < panickers; ++i) {
          gofer::go([&arrived, i] {
            // Meet the others, then throw together (each on its own worker
            // thread when there are enough of them).
            arrived.fetch_add(1);
            while (arrived.load() < panickers)
              gofer::yield();
            throw std::runtime_error("boom " + std::to_string(i));
          });
        }
        never.recv();  // main waits; a panic ends the process first
      },
      {.threads = panickers});
  std::puts("unreachable: run returned after a panic");
  return 0;
}
