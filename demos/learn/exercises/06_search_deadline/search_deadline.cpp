// Exercise 6.1, a deadline for the whole search (docs/learn/exercises.md):
// a search asks three backends at once; whatever they have by 500 ms is the
// answer, and the slow backend is stopped, not abandoned.
#include <gofer/fmt.hpp>
#include <gofer/gofer.hpp>

#include <array>
#include <chrono>
#include <cstddef>
#include <ratio>
#include <string>
#include <vector>

using namespace std::chrono_literals;

struct backend {
  const char* name;
  gofer::duration latency;
};

const std::array<backend, 3> backends{{{"web", 200ms}, {"images", 400ms}, {"video", 600ms}}};

// Stands for a request to b that takes b.latency, unless ctx ends first.
std::string fetch(const gofer::context& ctx, const backend& b, const std::string& query) {
  switch (gofer::select(gofer::recv_case(gofer::after(b.latency)), gofer::recv_case(ctx.done()))) {
    case 0:
      return fmt::format("{} result for \"{}\"", b.name, query);
    default:
      return fmt::format("{}: {}", b.name, ctx.err());
  }
}

std::vector<std::string> search(const gofer::context& parent, const std::string& query) {
  auto [ctx, cancel] = gofer::with_timeout(parent, 500ms);
  gofer::defer release{cancel};
  std::vector<std::string> results(backends.size());
  gofer::wait_group wg;
  for (std::size_t i = 0; i < backends.size(); ++i) {
    wg.go([&, i] {  // by reference: search waits for every goroutine below
      results[i] = fetch(ctx, backends[i], query);  // each goroutine writes its own element
    });
  }
  wg.wait();  // every fetch has returned: none is left running
  return results;
}

int main() {
  gofer::run([] {
    const gofer::time_point start = gofer::now();
    for (const std::string& r : search(gofer::background(), "gofer")) {
      fmt::print("{}\n", r);
    }
    using tenths = std::chrono::duration<long long, std::deci>;
    fmt::print("search took {}\n", std::chrono::round<tenths>(gofer::since(start)));
  });
}

// Output:
// web result for "gofer"
// images result for "gofer"
// video: context deadline exceeded
// search took 500ms
