// gofer::wait(tasks, return_when::first_exception) returns {done, pending}
// as soon as one task fails (or all are done), as asyncio.wait does. It
// cancels nothing: cancel the pending tasks yourself; their functions stop
// when they see their context cancelled.
#include <gofer/gofer.hpp>

#include <fmt/core.h>

#include <chrono>
#include <cstddef>
#include <exception>
#include <stdexcept>
#include <string>
#include <system_error>
#include <vector>

using namespace std::chrono_literals;

namespace {

auto job(std::string name, gofer::duration d, bool fail = false) {
  return [name, d, fail](const gofer::context& ctx) {
    switch (gofer::select(gofer::recv_case(gofer::after(d)), gofer::recv_case(ctx.done()))) {
      case 0:
        if (fail) throw std::runtime_error(name + " failed");
        return name;
      default:
        throw std::system_error(ctx.err());
    }
  };
}

}  // namespace

int main() {
  gofer::run([] {
    const std::vector<gofer::task<std::string>> tasks{gofer::spawn(job("a", 100ms)),
                                                      gofer::spawn(job("b", 200ms, true)),
                                                      gofer::spawn(job("c", 500ms))};
    const char* const names[] = {"a", "b", "c"};
    auto name_of = [&](const gofer::task<std::string>& t) {
      for (std::size_t i = 0; i < tasks.size(); ++i)
        if (tasks[i] == t) return names[i];
      return "?";
    };

    auto [done, pending] = gofer::wait(tasks, gofer::return_when::first_exception);
    fmt::print("done: {}, pending: {}\n", done.size(), pending.size());
    for (const auto& t : done) {
      try {
        fmt::print("{} -> {}\n", name_of(t), t.get());
      } catch (const std::exception& e) {
        fmt::print("{} -> {}\n", name_of(t), e.what());
      }
    }
    for (const auto& t : pending) {
      t.cancel();
      try {
        t.get();
      } catch (const std::system_error& e) {
        fmt::print("{} -> {}\n", name_of(t), e.what());
      }
    }
  });
}

// Output:
// done: 2, pending: 1
// a -> a
// b -> b failed
// c -> context canceled
