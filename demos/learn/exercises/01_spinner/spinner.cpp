// Exercise 1.2, a spinner (docs/learn/exercises.md): a goroutine reports
// progress every 100 ms while main does a slow job; when main returns,
// gofer::run unwinds the spinner at its sleep, with no code of ours to stop
// it.
#include <gofer/fmt.hpp>
#include <gofer/gofer.hpp>

#include <chrono>
#include <ratio>

using namespace std::chrono_literals;

void spinner(gofer::time_point start) {
  for (;;) {
    gofer::sleep(100ms);
    fmt::print("still working at {:.1f}s\n",
               std::chrono::duration<double>(gofer::since(start)).count());
  }
}

int main() {
  gofer::run([] {
    const gofer::time_point start = gofer::now();
    gofer::go(spinner, start);
    gofer::sleep(350ms);  // the slow job
    using fifty_ms = std::chrono::duration<long long, std::ratio<1, 20>>;
    fmt::print("result ready at {}\n", std::chrono::round<fifty_ms>(gofer::since(start)));
    // Returning: the spinner, blocked in its sleep, is unwound.
  });
}

// Output:
// still working at 0.1s
// still working at 0.2s
// still working at 0.3s
// result ready at 350ms
