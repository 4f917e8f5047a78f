// Exercise 9.2, a worker pool whose results come out in order
// (docs/learn/exercises.md): three workers take six jobs of different
// lengths from one channel, so the results arrive out of order; main holds
// each one back until those before it have come, and prints it then.
#include <gofer/fmt.hpp>
#include <gofer/gofer.hpp>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstddef>
#include <map>
#include <ratio>
#include <string>

using namespace std::chrono_literals;

struct result {
  int job = 0;
  std::string text;
};

const std::array<gofer::duration, 6> lengths{300ms, 100ms, 200ms,
                                             100ms, 300ms, 50ms};  // job i takes lengths[i-1]

void worker(gofer::recv_chan<int> jobs, gofer::send_chan<result> results) {
  for (int j : jobs) {
    gofer::sleep(lengths[j - 1]);
    results.send(result{j, fmt::format("job {}", j)});
  }
}

int main() {
  gofer::run([] {
    const gofer::time_point start = gofer::now();
    auto jobs = gofer::make_chan<int>(lengths.size());
    for (int j = 1; j <= static_cast<int>(lengths.size()); ++j) {
      jobs.send(j);
    }
    jobs.close();
    auto results = gofer::make_chan<result>();
    gofer::wait_group workers;
    for (int w = 0; w < 3; ++w) {
      workers.go([jobs, results] { worker(jobs, results); });
    }
    gofer::go([workers, results] {
      workers.wait();
      results.close();  // the last worker is done: no more results
    });

    int next = 1;
    std::map<int, std::string> held;
    std::size_t most = 0;
    for (result r : results) {
      held.emplace(r.job, std::move(r.text));
      for (auto it = held.find(next); it != held.end(); it = held.find(next)) {
        using tenths = std::chrono::duration<long long, std::deci>;
        fmt::print("{} at {}\n", it->second, std::chrono::round<tenths>(gofer::since(start)));
        held.erase(it);
        ++next;
      }
      most = std::max(most, held.size());
    }
    fmt::print("most results held back at once: {}\n", most);
  });
}

// Output:
// job 1 at 300ms
// job 2 at 300ms
// job 3 at 300ms
// job 4 at 300ms
// job 5 at 500ms
// job 6 at 500ms
// most results held back at once: 4
