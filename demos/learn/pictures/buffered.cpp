// The picture of chapter 2 (docs/learn/img/buffered.svg): the run of
// demos/learn/02_channels/buffered/buffered.cpp, with a trace line where the sender
// starts a send and where it returns, and where the receiver takes a value,
// each with what the buffer holds then. The values are 1, 2, ... in order,
// so the buffer holds the ch.len() values after the last one taken.
#include "trace.hpp"

#include <gofer/gofer.hpp>

#include <fmt/format.h>

#include <chrono>
#include <string>
#include <vector>

using namespace std::chrono_literals;

namespace {

// "2 3": the `count` values from `first` on, as the buffer's slots show them.
std::string values(int first, std::size_t count) {
  std::vector<int> held;
  for (std::size_t i = 0; i < count; ++i)
    held.push_back(first + static_cast<int>(i));
  return held.empty() ? "2" : fmt::format("2 {}", fmt::join(held, " "));
}

}  // namespace

int main() {
  gofer::run([] {
    picture::title("A buffered channel of capacity 2, a receiver that takes a value every 100 ms",
                   "time");
    picture::legend("run", "runs");
    picture::legend("wait", "sleeps");
    picture::legend("blocked", "send waits: the buffer is full");
    picture::legend("arrow", "a value moves");
    picture::legend("slots", "a value in the buffer");
    picture::panel("ch := make(chan int, 2); the sender sends 1 to 5, then closes ch");
    picture::lane("sender", "sender goroutine");
    picture::lane("ch", "ch's buffer");
    picture::lane("main", "receiver (main)");
    const auto start = gofer::now();
    auto ch = gofer::make_chan<int>(2);  // holds up to 2 values
    picture::at("ch", "slots", values(1, 0));
    gofer::go([ch, start] {
      picture::at("sender", "run");
      for (int i = 1; i <= 5; ++i) {
        picture::at("sender", "blocked", fmt::format("send({})", i));
        ch.send(i);  // waits only while the buffer is full
        picture::at("sender", "arrow", "ch");
        picture::at("ch", "slots", values(i - static_cast<int>(ch.len()) + 1, ch.len()));
        picture::at("sender", "run");
        const double t = std::chrono::duration<double>(gofer::since(start)).count();
        fmt::print("{:.1f}s sent {}\n", t, i);
      }
      ch.close();
      picture::at("sender", "note", "close(ch)");
      picture::at("sender", "end");
    });

    std::vector<int> got;
    picture::at("main", "wait", "sleep(100ms)");
    gofer::sleep(100ms);  // a slow receiver: one value every 100 ms
    for (int v : ch) {
      picture::at("ch", "arrow", fmt::format("main {}", v));
      picture::at("ch", "slots", values(v + 1, ch.len()));
      got.push_back(v);
      picture::at("main", "wait");
      gofer::sleep(100ms);
    }
    picture::at("main", "run");
    fmt::print("received {}\n", fmt::join(got, " "));
    picture::at("main", "end");
  });
}
