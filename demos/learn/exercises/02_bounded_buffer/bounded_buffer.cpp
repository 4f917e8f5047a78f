// Exercise 2.2, a bounded buffer (docs/learn/exercises.md): a producer sends
// five values as fast as it can to a consumer that needs 100 ms for each.
// The buffer's capacity decides when the producer is done; the consumer
// finishes at the same time whatever the capacity.
#include <gofer/gofer.hpp>

#include <fmt/core.h>

#include <chrono>

using namespace std::chrono_literals;

double seconds(gofer::duration d) {
  return std::chrono::duration<double>(d).count();
}

void run(int capacity) {
  const gofer::time_point start = gofer::now();
  auto ch = gofer::make_chan<int>(capacity);
  auto consumed = gofer::make_chan<gofer::signal>();
  gofer::go([ch, consumed] {
    for ([[maybe_unused]] int v : ch) {
      gofer::sleep(100ms);  // slow work on each value
    }
    consumed.close();
  });

  for (int i = 1; i <= 5; ++i) {
    ch.send(i);  // waits while the buffer is full
  }
  const gofer::duration producer = gofer::since(start);
  ch.close();
  consumed.recv();
  fmt::print("capacity {}: producer done at {:.1f}s, consumer done at {:.1f}s\n", capacity,
             seconds(producer), seconds(gofer::since(start)));
}

int main() {
  gofer::run([] {
    for (int capacity : {1, 2, 5}) {
      run(capacity);
    }
  });
}

// Output:
// capacity 1: producer done at 0.3s, consumer done at 0.5s
// capacity 2: producer done at 0.2s, consumer done at 0.5s
// capacity 5: producer done at 0.0s, consumer done at 0.5s
