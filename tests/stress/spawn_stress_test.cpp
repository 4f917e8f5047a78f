// Stress test for starting goroutines: 50,000 of them, in batches, over 4
// threads (and 1), each passing a counted value back to main.
//
// Under ThreadSanitizer it also checks that memory does not grow with every
// goroutine ever started (issue 10): the resident set after the last batch
// must stay within a bound of what it was after a warm-up. It once grew by
// about 0.4 MB per goroutine, because TSan's per-fiber call stacks leaked a
// frame per goroutine and every stack trace it stored was longer than the
// last; such a run died near 10,000 goroutines with "ThreadSanitizer failed
// to allocate". What may still grow is bounded by the goroutines alive at
// once, whose TSan fibers are reused: each fiber's event trace fills up to
// about 1 MiB, once.
//
// Scale: GOFER_STRESS_SCALE (default 1) multiplies the goroutines. The
// default takes a few seconds under TSan on two cores.
#include <doctest/doctest.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>

#include <gofer/gofer.hpp>

#include "../support/counted.hpp"

using gofer::make_chan;
using gofer_test::counted;
using gofer_test::for_each_scheduler;
using gofer_test::stress_scale;

namespace {

// This process's resident set in KiB (VmRSS in /proc/self/status), or -1
// where there is none.
long resident_kib() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(std::strlen("VmRSS:")));
  }
  return -1;
}

}  // namespace

TEST_CASE("fifty thousand goroutines started in batches all run, and memory stays flat") {
  for_each_scheduler([](const gofer::run_options& options) {
    constexpr int batch = 20;
    const int total = 50'000 * stress_scale();
    const int warm_up = 10'000;
    long sum = 0;
    long rss_after_warm_up = -1;
    long rss_at_end = -1;
    gofer::run(
        [&] {
          auto results = make_chan<counted>(batch);
          for (int started = 0; started < total; started += batch) {
            for (int i = started; i < started + batch; ++i)
              gofer::go([results](counted c) { results.send(std::move(c)); }, counted{i});
            for (int i = 0; i < batch; ++i)
              sum += results.recv().value.id;
            if (started + batch == warm_up) rss_after_warm_up = resident_kib();
          }
          rss_at_end = resident_kib();
        },
        options);
    CHECK(sum == long{total} * (total - 1) / 2);
    if (gofer_test::under_tsan && rss_after_warm_up > 0) {
      // Measured: 2 to 10 MiB, 40 MiB at GOFER_STRESS_SCALE=4. At most
      // about 1 MiB per TSan fiber, of which there are about two batches'
      // worth and one per thread's main and dispatcher, whatever the scale;
      // growing with every goroutine would add 16 GB here.
      const long growth_kib = rss_at_end - rss_after_warm_up;
      std::printf("threads = %zu: resident %ld KiB after %d goroutines, %ld KiB after %d\n",
                  options.threads, rss_after_warm_up, warm_up, rss_at_end, total);
      CHECK_MESSAGE(growth_kib < 128 * 1024, "resident set grew by ", growth_kib, " KiB");
    }
  });
}
