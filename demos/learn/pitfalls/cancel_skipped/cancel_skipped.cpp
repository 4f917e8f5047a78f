// Pitfall: a cancel() at the end of a function is skipped when something
// before it throws, and the goroutines that wait on the context wait
// forever. The fix is one line: gofer::defer release{cancel}; right after
// the context is made, as Go's defer cancel().
#include <gofer/fmt.hpp>
#include <gofer/gofer.hpp>

#include <iostream>
#include <stdexcept>
#include <string>

// step stands for work that fails.
void step(const gofer::context&) {
  throw std::runtime_error("connection reset");
}

// watch stands for a goroutine that lives as long as the context.
void watch(std::string name, gofer::context ctx) {
  ctx.done().recv();
  fmt::print("  {}: {}\n", name, ctx.err());
}

void broken(const gofer::context& parent) {
  auto [ctx, cancel] = gofer::with_cancel(parent);
  gofer::go(gofer::named{"broken's watcher"}, watch, "broken's watcher", ctx);
  step(ctx);
  cancel();  // skipped when step throws: the watcher waits forever
}

void fixed(const gofer::context& parent) {
  auto [ctx, cancel] = gofer::with_cancel(parent);
  gofer::defer release{cancel};  // runs however the function ends
  gofer::go(gofer::named{"fixed's watcher"}, watch, "fixed's watcher", ctx);
  step(ctx);
}

int main() {
  gofer::run([] {
    for (auto handle : {broken, fixed}) {
      try {
        handle(gofer::background());
      } catch (const std::exception& error) {
        gofer::yield();  // lets a watcher that was cancelled run first
        fmt::print("handle: {}\n", error.what());
      }
    }
    fmt::print("goroutines left:\n");
    gofer::dump(std::cout);
  });
}

// Output:
// handle: connection reset
//   fixed's watcher: context canceled
// handle: connection reset
// goroutines left:
// goroutine 1 (main) [running]:
// goroutine 2 "broken's watcher" [chan receive]:
