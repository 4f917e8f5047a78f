// A context carries cancellation down a call tree: handle passes its ctx to
// every call, and every blocking step also waits on ctx.done(). One timeout
// at the top bounds all the work below it.
#include <gofer/fmt.hpp>
#include <gofer/gofer.hpp>

#include <chrono>
#include <ratio>
#include <system_error>

using namespace std::chrono_literals;

namespace {

gofer::time_point start;

gofer::duration elapsed() {
  using tenths = std::chrono::duration<long long, std::deci>;
  return std::chrono::round<tenths>(gofer::since(start));
}

// fetch stands for a request that takes d, unless ctx ends first. It fails
// by throwing: std::system_error's what() is "<name>: <ctx.err()'s message>".
void fetch(const gofer::context& ctx, const char* name, gofer::duration d) {
  switch (gofer::select(gofer::recv_case(gofer::after(d)), gofer::recv_case(ctx.done()))) {
    case 0:
      fmt::print("{} ok at {}\n", name, elapsed());
      return;
    case 1:
      throw std::system_error(ctx.err(), name);
  }
}

void handle(const gofer::context& ctx) {
  fetch(ctx, "users", 100ms);
  fetch(ctx, "orders", 100ms);
  fetch(ctx, "invoices", 500ms);
}

}  // namespace

int main() {
  gofer::run([] {
    start = gofer::now();
    auto [ctx, cancel] = gofer::with_timeout(gofer::background(), 300ms);
    gofer::defer release{cancel};  // always: it releases the context's timer
    try {
      handle(ctx);
    } catch (const std::system_error& err) {
      fmt::print("handle: {} at {}\n", err.what(), elapsed());
      fmt::print("deadline exceeded: {}\n", err.code() == gofer::deadline_exceeded);
    }

    // Cancelling a context cancels every context derived from it.
    auto [parent, cancel_parent] = gofer::with_cancel(gofer::background());
    auto [child, cancel_child] = gofer::with_timeout(parent, 1h);
    gofer::defer release_child{cancel_child};
    cancel_parent();
    child.done().recv();
    fmt::print("child: {}\n", child.err());
  });
}

// Output:
// users ok at 100ms
// orders ok at 200ms
// handle: invoices: context deadline exceeded at 300ms
// deadline exceeded: true
// child: context canceled
