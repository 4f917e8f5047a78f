// Exercise 1.1, sleep sort (docs/learn/exercises.md): one goroutine per
// number, each sleeps n times 100 ms and then prints n, so the numbers come
// out sorted; main waits for all of them.
#include <gofer/gofer.hpp>

#include <fmt/core.h>

#include <chrono>

using namespace std::chrono_literals;

int main() {
  gofer::run([] {
    const gofer::time_point start = gofer::now();
    gofer::wait_group wg;
    for (int n : {3, 1, 4, 5, 2}) {
      wg.go([n] {  // n by value: each goroutine keeps its own copy
        gofer::sleep(n * 100ms);
        fmt::print("{}\n", n);
      });
    }
    wg.wait();
    fmt::print("sorted in {:.1f}s\n", std::chrono::duration<double>(gofer::since(start)).count());
  });
}

// Output:
// 1
// 2
// 3
// 4
// 5
// sorted in 0.5s
