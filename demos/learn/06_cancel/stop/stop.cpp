// A stop channel: main tells one worker to stop by sending on a channel that
// the worker watches in the same select as its work.
#include <gofer/gofer.hpp>

#include <fmt/core.h>

#include <chrono>
#include <string>

using namespace std::chrono_literals;

void worker(gofer::recv_chan<gofer::signal> stop, gofer::send_chan<std::string> stopped) {
  gofer::ticker ticker{100ms};  // stopped when the function returns
  for (int n = 1;; ++n) {
    switch (gofer::select(gofer::recv_case(ticker.c), gofer::recv_case(stop))) {
      case 0:
        fmt::print("working {}\n", n);
        break;
      case 1:
        stopped.send("worker stopped after its work");
        return;
    }
  }
}

int main() {
  gofer::run([] {
    auto stop = gofer::make_chan<gofer::signal>();  // an event, no value
    auto stopped = gofer::make_chan<std::string>();
    gofer::go(worker, stop, stopped);

    gofer::sleep(350ms);
    stop.send();  // unbuffered: returns once the worker has taken it
    fmt::print("{}\n", stopped.get());
  });
}

// Output:
// working 1
// working 2
// working 3
// worker stopped after its work
