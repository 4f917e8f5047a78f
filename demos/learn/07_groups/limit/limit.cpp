// Bounding how many functions run at once: error_group::set_limit(n), Go's
// errgroup.SetLimit. go() then blocks while n functions are running
// (try_go() returns false instead).
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

    gofer::error_group g;
    g.set_limit(2);  // at most 2 jobs at once; before any go()
    for (int job = 1; job <= 5; ++job) {
      g.go([] { gofer::sleep(100ms); });  // blocks while 2 jobs run
      fmt::print("job {} starts at {}\n", job, elapsed());
    }
    g.wait();
    fmt::print("all done at {}\n", elapsed());
  });
}

// Output:
// job 1 starts at 0s
// job 2 starts at 0s
// job 3 starts at 100ms
// job 4 starts at 100ms
// job 5 starts at 200ms
// all done at 300ms
