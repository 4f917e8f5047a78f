// asyncio's shape of the wait group: gofer::gather of tasks that return
// nothing, as `await asyncio.gather(worker(1), worker(2), worker(3))`. Each
// spawn starts a goroutine and returns a task<void>; gather waits for all of
// them and returns nothing (it would rethrow the first failure, in argument
// order). No counter, so no "add before go" to get wrong.
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

    auto worker = [&elapsed](int id) {
      return gofer::spawn([&elapsed, id] {
        gofer::sleep(id * 100ms);
        fmt::print("worker {} done at {}\n", id, elapsed());
      });
    };

    gofer::gather(worker(1), worker(2), worker(3));
    fmt::print("all done at {}\n", elapsed());
  });
}

// Output:
// worker 1 done at 100ms
// worker 2 done at 200ms
// worker 3 done at 300ms
// all done at 300ms
