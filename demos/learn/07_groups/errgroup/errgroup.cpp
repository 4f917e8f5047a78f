// gofer::error_group is Go's errgroup: the first failure cancels the group's
// context, so the others can stop early, and wait() returns that failure (a
// gofer::failure, Go's error value: it prints its message, or <nil>) once all
// have ended. A function fails by throwing, or by returning a non-empty
// std::error_code.
#include <gofer/fmt.hpp>
#include <gofer/gofer.hpp>

#include <chrono>
#include <ratio>
#include <stdexcept>
#include <string>
#include <system_error>

using namespace std::chrono_literals;

namespace {

gofer::time_point start;

gofer::duration elapsed() {
  using tenths = std::chrono::duration<long long, std::deci>;
  return std::chrono::round<tenths>(gofer::since(start));
}

// fetch takes d and then succeeds or fails, unless ctx ends first.
std::error_code fetch(const gofer::context& ctx, const std::string& name, gofer::duration d,
                      bool fail) {
  switch (gofer::select(gofer::recv_case(gofer::after(d)), gofer::recv_case(ctx.done()))) {
    case 0:
      if (fail) throw std::runtime_error(name + ": not found");
      fmt::print("{} ok at {}\n", name, elapsed());
      return {};
    default:
      fmt::print("{} stopped: {} at {}\n", name, ctx.err(), elapsed());
      return ctx.err();
  }
}

}  // namespace

int main() {
  gofer::run([] {
    start = gofer::now();
    gofer::error_group g{gofer::background()};  // Go: errgroup.WithContext
    g.go([](const gofer::context& ctx) { return fetch(ctx, "users", 100ms, false); });
    g.go([](const gofer::context& ctx) { return fetch(ctx, "orders", 200ms, true); });
    g.go([](const gofer::context& ctx) { return fetch(ctx, "invoices", 500ms, false); });
    gofer::failure err = g.wait();
    fmt::print("wait: {} at {}\n", err, elapsed());
  });
}

// Output:
// users ok at 100ms
// invoices stopped: context canceled at 200ms
// wait: orders: not found at 200ms
