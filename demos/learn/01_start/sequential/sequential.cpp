// Two jobs that each wait 100 ms. Called one after the other they take
// 0.2 s; started as goroutines they wait at the same time and take 0.1 s.
#include <gofer/gofer.hpp>

#include <fmt/core.h>

#include <chrono>

using namespace std::chrono_literals;

void job() {
  gofer::sleep(100ms);  // parks this goroutine, not the thread
}

double seconds_since(gofer::time_point start) {
  return std::chrono::duration<double>(gofer::since(start)).count();
}

int main() {
  gofer::run([] {
    auto start = gofer::now();
    job();
    job();
    fmt::print("one after the other: {:.1f}s\n", seconds_since(start));

    start = gofer::now();
    gofer::wait_group wg;
    wg.add(2);
    gofer::go([&wg] {
      gofer::defer done{[&] { wg.done(); }};  // Go: defer wg.Done()
      job();
    });
    gofer::go([&wg] {
      gofer::defer done{[&] { wg.done(); }};
      job();
    });
    wg.wait();
    fmt::print("as two goroutines: {:.1f}s\n", seconds_since(start));
  });
}

// Output:
// one after the other: 0.2s
// as two goroutines: 0.1s
