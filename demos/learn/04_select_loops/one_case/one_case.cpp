// A select runs exactly one case. When both channels hold a value, one is
// received and the other stays in its channel for a later receive.
#include <gofer/gofer.hpp>

#include <fmt/core.h>

#include <string>

int main() {
  gofer::run([] {
    auto a = gofer::make_chan<std::string>(1);
    auto b = gofer::make_chan<std::string>(1);
    a.send("x");
    b.send("y");
    gofer::select(gofer::recv_case(a), gofer::recv_case(b));
    fmt::print("values still in the channels: {}\n", a.len() + b.len());
  });
}

// Output:
// values still in the channels: 1
