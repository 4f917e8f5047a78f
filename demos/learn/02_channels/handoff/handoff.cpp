// An unbuffered channel is a handoff: the send completes only when a
// receiver takes the value, so the two goroutines meet at that point.
#include <gofer/gofer.hpp>

#include <fmt/core.h>

int main() {
  gofer::run([] {
    auto handoff = gofer::make_chan<int>();  // unbuffered
    gofer::go([handoff] {
      fmt::print("sending 42\n");
      handoff.send(42);  // waits for the receiver
    });
    auto [value, ok] = handoff.recv();
    fmt::print("received {} (ok={})\n", value, ok);
  });
}

// Output:
// sending 42
// received 42 (ok=true)
