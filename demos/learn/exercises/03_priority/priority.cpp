// Exercise 3.2, urgent messages first (docs/learn/exercises.md): a receiver
// handles one message every 100 ms from two channels, high and low, and
// takes a waiting high message before any low one. One select over both
// would pick at random when both are ready.
#include <gofer/gofer.hpp>

#include <fmt/core.h>

#include <chrono>
#include <string>

using namespace std::chrono_literals;

// A message from high if one is waiting, and otherwise the first that comes
// on either channel.
std::string receive(const gofer::recv_chan<std::string>& high,
                    const gofer::recv_chan<std::string>& low) {
  std::string m;
  if (gofer::select(gofer::recv_case(high, m), gofer::default_case()) == 0) return m;
  // Nothing urgent now: wait for either.
  gofer::select(gofer::recv_case(high, m), gofer::recv_case(low, m));
  return m;
}

int main() {
  gofer::run([] {
    const gofer::time_point start = gofer::now();
    auto high = gofer::make_chan<std::string>(2);
    auto low = gofer::make_chan<std::string>(4);
    for (int i = 1; i <= 4; ++i) {
      low.send(fmt::format("low {}", i));
    }
    gofer::go([high] {
      gofer::sleep(150ms);
      high.send("urgent 1");
      gofer::sleep(550ms);
      high.send("urgent 2");
    });

    for (int i = 0; i < 6; ++i) {
      const std::string m = receive(high, low);
      fmt::print("{:.1f}s {}\n", std::chrono::duration<double>(gofer::since(start)).count(), m);
      gofer::sleep(100ms);  // handling it takes a while
    }
  });
}

// Output:
// 0.0s low 1
// 0.1s low 2
// 0.2s urgent 1
// 0.3s low 3
// 0.4s low 4
// 0.7s urgent 2
