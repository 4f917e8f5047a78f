// The picture of chapter 7 (docs/learn/img/errgroup.svg): the run of
// demos/learn/07_groups/errgroup/errgroup.cpp, traced. Each fetch traces where it
// starts and how it ends; a goroutine that waits on the group's context
// traces the moment the group cancels it (the first failure), and main
// where wait() returns.
#include "trace.hpp"

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
  const auto began = gofer::now();
  picture::at(name, "run", fmt::format("fetch {}", d));
  switch (gofer::select(gofer::recv_case(gofer::after(d)), gofer::recv_case(ctx.done()))) {
    case 0:
      if (fail) {
        picture::at(name, "fail", "throws \"" + name + ": not found\"");
        picture::at(name, "end");
        throw std::runtime_error(name + ": not found");
      }
      fmt::print("{} ok at {}\n", name, elapsed());
      picture::at(name, "ok", "ok");
      picture::at(name, "end");
      return {};
    default:
      fmt::print("{} stopped: {} at {}\n", name, ctx.err(), elapsed());
      picture::at(name, "notice", fmt::format("stopped: {}", ctx.err()));
      picture::at(name, "unrun", std::to_string(picture::ms(began + d)));
      picture::at(name, "end");
      return ctx.err();
  }
}

}  // namespace

int main() {
  gofer::run([] {
    picture::title("errgroup: the first failure cancels the group's context", "time");
    picture::legend("run", "fetching");
    picture::legend("wait", "waits in g.wait()");
    picture::legend("ok", "succeeded");
    picture::legend("fail", "failed");
    picture::legend("notice", "sees the cancellation, stops");
    picture::legend("cancel", "the group cancels ctx");
    picture::legend("unrun", "the fetch it did not finish");
    picture::panel(
        "error_group g; g.go(fetch users, 100ms), (orders, 200ms, fails), (invoices, 500ms)");
    picture::lane("main", "main");
    picture::lane("users", "users");
    picture::lane("orders", "orders");
    picture::lane("invoices", "invoices");
    start = gofer::now();
    gofer::error_group g{gofer::background()};  // Go: errgroup.WithContext
    gofer::go([ctx = g.ctx()] {
      ctx.done().recv();
      picture::at("main", "cancel", fmt::format("ctx cancelled: {}", gofer::cause(ctx)));
    });
    g.go([](const gofer::context& ctx) { return fetch(ctx, "users", 100ms, false); });
    g.go([](const gofer::context& ctx) { return fetch(ctx, "orders", 200ms, true); });
    g.go([](const gofer::context& ctx) { return fetch(ctx, "invoices", 500ms, false); });
    picture::at("main", "wait", "g.wait()");
    gofer::failure err = g.wait();
    fmt::print("wait: {} at {}\n", err, elapsed());
    picture::at("main", "run");
    picture::at("main", "note", fmt::format("wait() returns \"{}\"", err));
    picture::at("main", "end");
  });
}
