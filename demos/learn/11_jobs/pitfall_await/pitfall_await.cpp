// gofer has no counterpart of the asyncio pitfall either: a plain call runs
// to its end before the next line, and gofer::go starts a goroutine at
// once. One after the other, nothing reports while the job runs; started
// as goroutines, the reporters run beside it.
#include <gofer/gofer.hpp>

#include <fmt/core.h>

#include <chrono>

using namespace std::chrono_literals;

void send_start() {
  gofer::sleep(50ms);  // the tracker's answer takes a while
  fmt::print("start sent\n");
}

// Beats every 100 ms until done is closed, and says how many.
int heartbeats(gofer::recv_chan<gofer::signal> done) {
  gofer::ticker ticker{100ms};
  for (int n = 0;;) {
    switch (gofer::select(gofer::recv_case(done), gofer::recv_case(ticker.c))) {
      case 0:
        return n;
      case 1:
        fmt::print("heartbeat {}\n", ++n);
        break;
    }
  }
}

void run_job(gofer::chan<gofer::signal> done) {
  fmt::print("job running\n");
  gofer::sleep(250ms);
  fmt::print("job done\n");
  done.close();
}

int main() {
  gofer::run([] {
    fmt::print("-- one after the other\n");
    auto done = gofer::make_chan<gofer::signal>();
    send_start();   // runs to its end: the job waits for the tracker
    run_job(done);  // runs to its end: nothing reports meanwhile
    fmt::print("heartbeats while the job ran: {}\n", heartbeats(done));

    fmt::print("-- started beside the job\n");
    done = gofer::make_chan<gofer::signal>();
    auto started = gofer::make_chan<gofer::signal>();
    auto beats = gofer::make_chan<int>(1);
    gofer::go([started] {
      send_start();
      started.close();
    });
    gofer::go([done, beats] { beats.send(heartbeats(done)); });
    run_job(done);
    started.recv();
    fmt::print("heartbeats while the job ran: {}\n", beats.get());
  });
}

// Output:
// -- one after the other
// start sent
// job running
// job done
// heartbeats while the job ran: 0
// -- started beside the job
// job running
// start sent
// heartbeat 1
// heartbeat 2
// job done
// heartbeats while the job ran: 2
