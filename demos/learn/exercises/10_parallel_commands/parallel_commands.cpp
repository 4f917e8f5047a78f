// Exercise 10.2, run commands in parallel (docs/learn/exercises.md): four
// child processes at once, three of them taking 0.3 s; report each one's
// output or failure in the order given, and check that together they took
// about as long as one.
#include <gofer/exec.hpp>
#include <gofer/gofer.hpp>

#include <fmt/core.h>

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

using namespace std::chrono_literals;

namespace exec = gofer::exec;

int main() {
  gofer::run([] {
    struct command {
      std::string name;
      std::vector<std::string> args;
    };
    const std::vector<command> commands{
        {"sh", {"-c", "sleep 0.3; echo one"}},
        {"sh", {"-c", "sleep 0.3; echo two; exit 3"}},
        {"sh", {"-c", "sleep 0.3; echo three"}},
        {"no-such-command", {}},
    };
    // Real time: gofer's virtual clock, which the tests turn on, does not
    // move while a goroutine waits for a process.
    const auto start = std::chrono::steady_clock::now();
    std::vector<std::string> reports(commands.size());
    gofer::wait_group wg;
    for (std::size_t i = 0; i < commands.size(); ++i) {
      wg.go([&reports, &commands, i] {
        auto [out, err] = exec::command(commands[i].name, commands[i].args).output();
        if (!out.empty() && out.back() == '\n') out.pop_back();
        if (exec::as_exit_error(err)) {
          reports[i] = fmt::format("{} ({})", out, err.message());
        } else if (err) {  // not started at all: an exec::error
          reports[i] = err.message();
        } else {
          reports[i] = out;
        }
      });
    }
    wg.wait();
    for (std::size_t i = 0; i < reports.size(); ++i) {
      fmt::print("{}: {}\n", i + 1, reports[i]);
    }
    fmt::print("three sleeps of 0.3s took under 0.6s: {}\n",
               std::chrono::steady_clock::now() - start < 600ms);
  });
}

// Output:
// 1: one
// 2: two (exit status 3)
// 3: three
// 4: exec: "no-such-command": executable file not found in $PATH
// three sleeps of 0.3s took under 0.6s: true
