// A buffered channel lets the sender run ahead of the receiver by its
// capacity; then each send waits until the receiver has taken a value.
#include <gofer/gofer.hpp>

#include <fmt/format.h>

#include <chrono>
#include <vector>

using namespace std::chrono_literals;

int main() {
  gofer::run([] {
    const auto start = gofer::now();
    auto ch = gofer::make_chan<int>(2);  // holds up to 2 values
    gofer::go([ch, start] {
      for (int i = 1; i <= 5; ++i) {
        ch.send(i);  // waits only while the buffer is full
        const double t = std::chrono::duration<double>(gofer::since(start)).count();
        fmt::print("{:.1f}s sent {}\n", t, i);
      }
      ch.close();
    });

    std::vector<int> got;
    gofer::sleep(100ms);  // a slow receiver: one value every 100 ms
    for (int v : ch) {
      got.push_back(v);
      gofer::sleep(100ms);
    }
    fmt::print("received {}\n", fmt::join(got, " "));
  });
}

// Output:
// 0.0s sent 1
// 0.0s sent 2
// 0.1s sent 3
// 0.2s sent 4
// 0.3s sent 5
// received 1 2 3 4 5
