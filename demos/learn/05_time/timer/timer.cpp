// A gofer::timer is a one-shot event on a channel: it can be stopped before
// it fires, and reset to fire again. Its stop and reset follow Go 1.23: no
// stale value is ever left in the channel.
#include <gofer/fmt.hpp>
#include <gofer/gofer.hpp>

#include <chrono>
#include <ratio>

using namespace std::chrono_literals;

int main() {
  gofer::run([] {
    const gofer::time_point start = gofer::now();
    auto elapsed = [start] {
      using tenths = std::chrono::duration<long long, std::deci>;
      return std::chrono::round<tenths>(gofer::since(start));
    };

    gofer::timer t{100ms};
    fmt::print("stop before it fired: {}\n", t.stop());
    switch (gofer::select(gofer::recv_case(t.c), gofer::recv_case(gofer::after(200ms)))) {
      case 0:
        fmt::print("fired\n");
        break;
      case 1:
        fmt::print("a stopped timer never fires\n");
        break;
    }

    t.reset(100ms);
    t.c.recv();
    fmt::print("fired after reset at {}\n", elapsed());

    // The timer fires at 350ms, but nobody receives its value. For gofer, as
    // for Go 1.23, it is still pending: stop returns true and drops the value.
    t.reset(50ms);
    gofer::sleep(100ms);
    fmt::print("stop after it fired, value not taken: {}\n", t.stop());
    t.reset(100ms);
    t.c.recv();
    fmt::print("no stale value: fired at {}\n", elapsed());
  });
}

// Output:
// stop before it fired: true
// a stopped timer never fires
// fired after reset at 300ms
// stop after it fired, value not taken: true
// no stale value: fired at 500ms
