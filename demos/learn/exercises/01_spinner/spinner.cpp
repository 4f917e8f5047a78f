// Exercise 1.2, a spinner (docs/learn/exercises.md): a goroutine reports
// progress every 200 ms while main does a slow job; when main returns,
// gofer::run unwinds the spinner at its sleep, with no code of ours to stop
// it.
#include <gofer/fmt.hpp>
#include <gofer/gofer.hpp>

#include <chrono>
#include <ratio>

using namespace std::chrono_literals;

void spinner(gofer::time_point start) {
  for (;;) {
    gofer::sleep(200ms);
    fmt::print("still working at {:.1f}s\n",
               std::chrono::duration<double>(gofer::since(start)).count());
  }
}

int main() {
  gofer::run([] {
    const gofer::time_point start = gofer::now();
    gofer::go(spinner, start);
    gofer::sleep(700ms);  // the slow job
    using tenths = std::chrono::duration<long long, std::deci>;
    fmt::print("result ready at {}\n", std::chrono::round<tenths>(gofer::since(start)));
    // Returning: the spinner, blocked in its sleep, is unwound.
  });
}

// Output:
// still working at 0.2s
// still working at 0.4s
// still working at 0.6s
// result ready at 700ms
