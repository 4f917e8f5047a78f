// Pitfall: the receiver closes the channel while senders are still sending.
// A send on a closed channel is Go's panic "send on closed channel"; gofer
// throws gofer::send_on_closed_channel, and an exception that escapes a
// goroutine ends the program as a panic does (exit status 2).
#include <gofer/gofer.hpp>

#include <fmt/core.h>

#include <chrono>

using namespace std::chrono_literals;

void produce(int id, gofer::send_chan<int> results) {
  for (int n = 1;; ++n) {
    results.send(id * 100 + n);  // throws once results is closed
  }
}

int main() {
  gofer::run([] {
    auto results = gofer::make_chan<int>();
    gofer::go(produce, 1, results);
    gofer::go(produce, 2, results);
    for (int i = 0; i < 3; ++i) {
      results.recv();
    }
    fmt::print("main: got 3 results, closing the channel\n");
    results.close();  // the wrong side: the producers are still sending
    gofer::sleep(1s);
    fmt::print("main: never gets here\n");
  });
}

// Output:
// main: got 3 results, closing the channel

// Stderr:
// panic: gofer::send_on_closed_channel: send on closed channel
//
// (an exception escaped a goroutine started by gofer::go)

// Exit status: 2
