// Merging two inputs until both are closed. When one closes, setting its
// handle to nil (a default-constructed channel) disables its case: a nil
// channel is never ready, so the select stops seeing the closed channel,
// which would be ready forever.
#include <gofer/gofer.hpp>

#include <fmt/core.h>

#include <chrono>
#include <vector>

using namespace std::chrono_literals;

// Sends values, the first after `first` and the others `every` apart, then
// closes the channel.
gofer::recv_chan<int> emit(gofer::duration first, gofer::duration every, std::vector<int> values) {
  auto out = gofer::make_chan<int>();
  gofer::go([out, first, every, values] {
    gofer::sleep(first);
    for (std::size_t i = 0; i < values.size(); ++i) {
      if (i > 0) gofer::sleep(every);
      out.send(values[i]);
    }
    out.close();
  });
  return out;
}

int main() {
  gofer::run([] {
    auto a = emit(100ms, 100ms, {1, 2});    // at 0.1 s, 0.2 s
    auto b = emit(150ms, 150ms, {10, 20});  // at 0.15 s, 0.3 s
    while (a != nullptr || b != nullptr) {
      int v = 0;
      bool ok = false;
      switch (gofer::select(gofer::recv_case(a, v, ok), gofer::recv_case(b, v, ok))) {
        case 0:
          if (!ok) {
            fmt::print("a closed: disable its case\n");
            a = {};
            continue;
          }
          fmt::print("from a: {}\n", v);
          break;
        case 1:
          if (!ok) {
            fmt::print("b closed: disable its case\n");
            b = {};
            continue;
          }
          fmt::print("from b: {}\n", v);
          break;
      }
    }
    fmt::print("both inputs drained\n");
  });
}

// Output:
// from a: 1
// from b: 10
// from a: 2
// a closed: disable its case
// from b: 20
// b closed: disable its case
// both inputs drained
