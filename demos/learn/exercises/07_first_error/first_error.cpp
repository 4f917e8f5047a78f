// Exercise 7.1, cancel the workers on the first error
// (docs/learn/exercises.md): four workers run at once in an error group;
// three process an item every 200 ms until the group's context ends, and
// the fourth fails at 500 ms. Its failure cancels the group's context and is
// what wait() returns.
#include <gofer/fmt.hpp>
#include <gofer/gofer.hpp>

#include <array>
#include <chrono>
#include <ratio>
#include <stdexcept>
#include <system_error>

using namespace std::chrono_literals;

// Processes an item every 200 ms until ctx ends, and counts them in items.
// Worker 4 fails after 500 ms.
std::error_code worker(const gofer::context& ctx, int id, int& items) {
  if (id == 4) {
    if (gofer::select(gofer::recv_case(gofer::after(500ms)), gofer::recv_case(ctx.done())) == 0) {
      throw std::runtime_error("worker 4: disk full");
    }
    return ctx.err();
  }
  for (;;) {
    switch (gofer::select(gofer::recv_case(gofer::after(200ms)), gofer::recv_case(ctx.done()))) {
      case 0:
        ++items;
        break;
      case 1:
        return ctx.err();
    }
  }
}

int main() {
  gofer::run([] {
    const gofer::time_point start = gofer::now();
    std::array<int, 4> items{};
    std::array<std::error_code, 4> errs{};
    gofer::error_group g{gofer::background()};
    for (int id = 1; id <= 4; ++id) {
      g.go([&items, &errs, id](const gofer::context& ctx) {  // main outlives them: wait() below
        errs[id - 1] = worker(ctx, id, items[id - 1]);
        return errs[id - 1];
      });
    }
    const gofer::failure first = g.wait();
    for (int id = 1; id <= 3; ++id) {
      fmt::print("worker {} stopped after {} items: {}\n", id, items[id - 1], errs[id - 1]);
    }
    using tenths = std::chrono::duration<long long, std::deci>;
    fmt::print("first error: {} at {}\n", first, std::chrono::round<tenths>(gofer::since(start)));
  });
}

// Output:
// worker 1 stopped after 2 items: context canceled
// worker 2 stopped after 2 items: context canceled
// worker 3 stopped after 2 items: context canceled
// first error: worker 4: disk full at 500ms
