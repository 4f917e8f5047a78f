// Closing a channel is a broadcast: every receiver, waiting now or later,
// gets the zero value at once. One done channel stops any number of
// goroutines, where a send would stop only one.
#include <gofer/gofer.hpp>

#include <fmt/core.h>

#include <chrono>

using namespace std::chrono_literals;

int main() {
  gofer::run([] {
    auto done = gofer::make_chan<gofer::signal>();
    gofer::wait_group wg;
    for (int id = 1; id <= 3; ++id) {
      wg.add(1);
      gofer::go([&wg, done, id] {
        gofer::defer finished{[&] { wg.done(); }};
        done.recv();  // blocks until done is closed
        fmt::print("worker {}: done is closed\n", id);
      });
    }

    gofer::sleep(100ms);
    fmt::print("main: closing done\n");
    done.close();
    wg.wait();
    fmt::print("main: all stopped\n");
  });
}

// Unordered output:
// main: closing done
// worker 1: done is closed
// worker 2: done is closed
// worker 3: done is closed
// main: all stopped
