// The fix for close_by_receiver.cpp: only the sending side closes, once every
// sender has returned (a wait_group tells when), and the receiver asks the
// senders to stop on a channel of its own, done, which it may close: nobody
// sends on done.
#include <gofer/gofer.hpp>

#include <fmt/core.h>

void produce(int id, gofer::recv_chan<gofer::signal> done, gofer::send_chan<int> results) {
  for (int n = 1;; ++n) {
    switch (gofer::select(gofer::send_case(results, id * 100 + n), gofer::recv_case(done))) {
      case 0:
        break;
      case 1:
        return;  // asked to stop
    }
  }
}

int main() {
  gofer::run([] {
    auto results = gofer::make_chan<int>();
    auto done = gofer::make_chan<gofer::signal>();
    gofer::wait_group senders;
    for (int id = 1; id <= 2; ++id) {
      senders.go([id, done, results] { produce(id, done, results); });
    }
    gofer::go([senders, results] {
      senders.wait();
      results.close();  // the senders' side closes, once all have returned
    });

    for (int i = 0; i < 3; ++i) {
      results.recv();
    }
    fmt::print("main: got 3 results, asking the producers to stop\n");
    done.close();  // a broadcast on a channel nobody sends on
    for ([[maybe_unused]] int late : results) {
      // values sent before a producer saw done
    }
    fmt::print("main: the producers stopped and results is closed\n");
  });
}

// Output:
// main: got 3 results, asking the producers to stop
// main: the producers stopped and results is closed
