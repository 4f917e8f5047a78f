// The gofer half of chapter 5's picture (docs/learn/img/where-cancellation-lands.svg):
// main cancels a context at 200 ms, and each of three goroutines stops where
// it looks at the context, if it looks at all. Sleeps stand for work that
// does not watch the context (a computation, a call that takes no ctx), as
// after(d) stands for a request in demos/learn/06_cancel/context/context.cpp.
#include "trace.hpp"

#include <gofer/gofer.hpp>

#include <fmt/core.h>

#include <chrono>
#include <string>

using namespace std::chrono_literals;

int main() {
  gofer::run([] {
    picture::title("Where cancellation lands: cancel at 200 ms, and where each worker stops",
                   "time");
    picture::legend("run", "works");
    picture::legend("wait", "waits");
    picture::legend("notice", "sees the cancellation, stops");
    picture::legend("cancel", "cancel");
    picture::panel("gofer, as Go: cancel() closes ctx.done(); a goroutine stops where it looks");
    picture::lane("main", "main");
    picture::lane("w1", "selects on done");
    picture::lane("w2", "checks ctx.err()");
    picture::lane("w3", "never looks");
    auto [ctx, cancel] = gofer::with_cancel(gofer::background());
    gofer::defer release{cancel};
    gofer::wait_group wg;

    // Waits on its work and on ctx.done() in one select: stops at once.
    wg.go([ctx] {
      picture::at("w1", "wait", "select(<-after(1h), <-ctx.done())");
      if (gofer::select(gofer::recv_case(gofer::after(1h)), gofer::recv_case(ctx.done())) == 1) {
        picture::at("w1", "notice", "done is closed: stops at once");
      }
      picture::at("w1", "end");
    });
    // Works in steps of 150 ms and checks ctx.err() after each: stops at
    // its next check.
    wg.go([ctx] {
      for (int step = 1;; ++step) {
        picture::at("w2", "run", "step " + std::to_string(step));
        gofer::sleep(150ms);
        if (ctx.err()) {
          picture::at("w2", "notice", "its next check");
          break;
        }
      }
      picture::at("w2", "end");
    });
    // Never looks at ctx: runs to its end.
    wg.go([] {
      picture::at("w3", "run", "work of 500 ms");
      gofer::sleep(500ms);
      picture::at("w3", "end", "runs to its end");
    });

    picture::at("main", "wait", "sleep(200ms)");
    gofer::sleep(200ms);
    picture::at("main", "cancel", "cancel()");
    cancel();
    picture::at("main", "wait", "wg.wait()");
    wg.wait();
    picture::at("main", "end");
  });
}
