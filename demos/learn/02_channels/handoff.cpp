// An unbuffered channel is a handoff: the send completes only when a
// receiver takes the value, so the two goroutines meet at that point.
#include <gofer/gofer.hpp>

#include <cstdio>

int main() {
  gofer::run([] {
    auto handoff = gofer::make_chan<int>();  // unbuffered
    gofer::go([handoff] {
      std::printf("sending 42\n");
      handoff.send(42);  // waits for the receiver
    });
    auto [value, ok] = handoff.recv();
    std::printf("received %d (ok=%d)\n", value, ok);
  });
}

// Output:
// sending 42
// received 42 (ok=1)
