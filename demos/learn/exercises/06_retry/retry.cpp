// Exercise 6.2, retry until the deadline (docs/learn/exercises.md): call a
// service that is down for its first three calls, every 200 ms, until it
// answers or the caller's context ends. The wait between two attempts is
// cut short by the context too.
#include <gofer/fmt.hpp>
#include <gofer/gofer.hpp>

#include <chrono>
#include <ratio>
#include <system_error>

using namespace std::chrono_literals;

namespace {

gofer::time_point start;

auto at() {  // rounded to 100 ms
  using tenths = std::chrono::duration<long long, std::deci>;
  return std::chrono::round<tenths>(gofer::since(start));
}

// Fails its first `down` calls.
struct service {
  int down = 0;
  int calls = 0;
  bool call() { return ++calls > down; }
};

// Waits for d, or until ctx ends: then returns ctx.err().
std::error_code sleep(const gofer::context& ctx, gofer::duration d) {
  gofer::timer t{d};
  switch (gofer::select(gofer::recv_case(t.c), gofer::recv_case(ctx.done()))) {
    case 0:
      return {};
    default:
      return ctx.err();
  }
}

void retry(const gofer::context& ctx, service& s) {
  for (int attempt = 1;; ++attempt) {
    if (s.call()) {
      fmt::print("attempt {} ok at {}\n", attempt, at());
      return;
    }
    fmt::print("attempt {} failed at {}: service unavailable\n", attempt, at());
    if (std::error_code err = sleep(ctx, 200ms)) {
      throw std::system_error(err, fmt::format("gave up after {} attempts", attempt));
    }
  }
}

void run(gofer::duration deadline) {
  start = gofer::now();
  auto [ctx, cancel] = gofer::with_timeout(gofer::background(), deadline);
  gofer::defer release{cancel};
  service s{.down = 3};
  try {
    retry(ctx, s);
  } catch (const std::system_error& err) {
    fmt::print("{} at {}\n", err.what(), at());
  }
}

}  // namespace

int main() {
  gofer::run([] {
    run(2s);
    run(500ms);
  });
}

// Output:
// attempt 1 failed at 0s: service unavailable
// attempt 2 failed at 200ms: service unavailable
// attempt 3 failed at 400ms: service unavailable
// attempt 4 ok at 600ms
// attempt 1 failed at 0s: service unavailable
// attempt 2 failed at 200ms: service unavailable
// attempt 3 failed at 400ms: service unavailable
// gave up after 3 attempts: context deadline exceeded at 500ms
