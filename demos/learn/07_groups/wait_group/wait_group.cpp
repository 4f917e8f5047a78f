// A gofer::wait_group waits for a set of goroutines: add before starting
// each one, done when it ends (a gofer::defer, as Go's defer wg.Done()),
// wait until all have ended. The goroutines refer to wg here, as Go's
// closures do; a wait_group is a handle, so a copy would share the counter.
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

    gofer::wait_group wg;
    for (int id = 1; id <= 3; ++id) {
      wg.add(1);  // before go, so that wait cannot run before the count is up
      gofer::go([&wg, &elapsed, id] {
        gofer::defer done{[&] { wg.done(); }};
        gofer::sleep(id * 100ms);
        fmt::print("worker {} done at {}\n", id, elapsed());
      });
    }
    wg.wait();
    fmt::print("all done at {}\n", elapsed());
  });
}

// Output:
// worker 1 done at 100ms
// worker 2 done at 200ms
// worker 3 done at 300ms
// all done at 300ms
