// A worker pool (after Go by Example's "Worker Pools"): three goroutines
// take jobs from one channel and send results on another. Five jobs of
// 100ms each take 200ms: two rounds, three jobs at a time.
#include <gofer/fmt.hpp>
#include <gofer/gofer.hpp>

#include <chrono>
#include <ratio>

using namespace std::chrono_literals;

void worker(gofer::recv_chan<int> jobs, gofer::send_chan<int> results) {
  for (int j : jobs) {    // until jobs is closed and empty
    gofer::sleep(100ms);  // stands for the work
    results.send(j * 2);
  }
}

int main() {
  gofer::run([] {
    gofer::time_point start = gofer::now();
    const int num_jobs = 5;
    auto jobs = gofer::make_chan<int>(num_jobs);
    auto results = gofer::make_chan<int>(num_jobs);
    for (int w = 1; w <= 3; ++w) {
      gofer::go(worker, jobs, results);
    }

    for (int j = 1; j <= num_jobs; ++j) {
      jobs.send(j);
    }
    jobs.close();  // no more jobs: each worker's loop ends once jobs is empty

    int sum = 0;
    for (int a = 1; a <= num_jobs; ++a) {
      sum += results.get();
    }
    using tenths = std::chrono::duration<long long, std::deci>;
    fmt::print("sum of results: {} at {}\n", sum, std::chrono::round<tenths>(gofer::since(start)));
  });
}

// Output:
// sum of results: 30 at 200ms
