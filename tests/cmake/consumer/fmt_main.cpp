// The opt-in formatters, as a user reaches them: this program includes
// gofer/fmt.hpp and links fmt::fmt itself (gofer's package brings no {fmt}),
// receives a duration over a channel and prints it as Go prints `v, ok`.
#include <gofer/fmt.hpp>
#include <gofer/gofer.hpp>

#include <chrono>
#include <string>

int main() {
  using namespace std::chrono_literals;
  const std::string text = gofer::run([] {
    auto durations = gofer::make_chan<gofer::duration>(1);
    durations.send(1500ms);
    return fmt::format("{}", durations.recv());
  });
  fmt::print("gofer/fmt.hpp: {}\n", text);
  return text == "1.5s true" ? 0 : 1;
}
