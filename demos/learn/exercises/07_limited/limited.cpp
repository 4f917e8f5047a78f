// Exercise 7.2, at most two at once, results in order
// (docs/learn/exercises.md): six downloads of different lengths, never more
// than two running; the results come back in the order asked, whatever the
// order the downloads end in. error_group::set_limit is the semaphore.
#include <gofer/fmt.hpp>
#include <gofer/gofer.hpp>

#include <fmt/ranges.h>

#include <chrono>
#include <cstddef>
#include <ratio>
#include <string>
#include <vector>

using namespace std::chrono_literals;

std::string download(std::size_t i, gofer::duration d) {
  gofer::sleep(d);
  return fmt::format("page{}", i);
}

int main() {
  gofer::run([] {
    const gofer::time_point start = gofer::now();
    auto at = [start] {  // rounded to 100 ms
      using tenths = std::chrono::duration<long long, std::deci>;
      return std::chrono::round<tenths>(gofer::since(start));
    };

    const std::vector<gofer::duration> lengths{300ms, 100ms, 200ms, 100ms, 200ms, 100ms};
    std::vector<std::string> results(lengths.size());
    gofer::error_group g;
    g.set_limit(2);  // at most 2 downloads at once
    for (std::size_t i = 0; i < lengths.size(); ++i) {
      // go() waits while 2 downloads run; results outlives them (wait() below).
      g.go([&results, &lengths, i] { results[i] = download(i + 1, lengths[i]); });
      fmt::print("download {} starts at {}\n", i + 1, at());
    }
    g.wait();
    fmt::print("all done at {}\n", at());
    fmt::print("results: {}\n", fmt::join(results, " "));
  });
}

// Output:
// download 1 starts at 0s
// download 2 starts at 0s
// download 3 starts at 100ms
// download 4 starts at 300ms
// download 5 starts at 300ms
// download 6 starts at 400ms
// all done at 500ms
// results: page1 page2 page3 page4 page5 page6
