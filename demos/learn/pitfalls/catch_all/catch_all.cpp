// Pitfall: catch (...) around a blocking call also catches gofer's unwinding.
// When main returns, gofer::run unwinds every goroutine still blocked by
// throwing an internal exception (not a std::exception) out of its blocking
// call; a catch (...) that does not rethrow stops it, the goroutine carries
// on, and its next blocking call throws again. The broken worker gives up
// after three tries; with a loop that never gives up, as the fixed one's,
// run would never return. The fix: catch what you mean (std::exception), or
// rethrow (catch (...) { cleanup(); throw; }).
#include <gofer/gofer.hpp>

#include <fmt/core.h>

#include <exception>
#include <stdexcept>

// handle stands for real work, which may fail.
void handle(int job) {
  if (job == 2) throw std::runtime_error("job 2 failed");
  fmt::print("  worker: job {} done\n", job);
}

void broken_worker(gofer::recv_chan<int> jobs) {
  for (int attempt = 1; attempt <= 3; ++attempt) {
    try {
      for (int job : jobs)
        handle(job);  // blocks in the receive
      return;
    } catch (...) {  // meant for handle's errors: catches gofer's unwinding too
      fmt::print("  worker: some error, carrying on ({} of 3)\n", attempt);
    }
  }
  fmt::print("  worker: gave up\n");
}

void fixed_worker(gofer::recv_chan<int> jobs) {
  for (;;) {
    try {
      for (int job : jobs)
        handle(job);
      return;
    } catch (const std::exception& error) {  // handle's errors only
      fmt::print("  worker: {}, carrying on\n", error.what());
    }
  }
}

void run_with(void (*worker)(gofer::recv_chan<int>)) {
  gofer::run([worker] {
    auto jobs = gofer::make_chan<int>();
    gofer::go(worker, jobs);
    for (int job = 1; job <= 3; ++job) {
      jobs.send(job);
    }
    fmt::print("  main: returns, the worker still waits for jobs\n");
  });
  fmt::print("  run returned\n");
}

int main() {
  fmt::print("catch (...):\n");
  run_with(broken_worker);
  fmt::print("catch (const std::exception&):\n");
  run_with(fixed_worker);
}

// Output:
// catch (...):
//   worker: job 1 done
//   worker: some error, carrying on (1 of 3)
//   worker: job 3 done
//   main: returns, the worker still waits for jobs
//   worker: some error, carrying on (2 of 3)
//   worker: some error, carrying on (3 of 3)
//   worker: gave up
//   run returned
// catch (const std::exception&):
//   worker: job 1 done
//   worker: job 2 failed, carrying on
//   worker: job 3 done
//   main: returns, the worker still waits for jobs
//   run returned
