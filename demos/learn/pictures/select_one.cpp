// The gofer half of chapter 3's picture (docs/learn/img/wait-loses-an-item.svg):
// the run of demos/learn/04_select_loops/one_case/one_case.cpp, traced. Both channels hold a
// value and select picks one ready case at random, so the run shown is the
// first in which it picked a's (the other runs are left out of the trace):
// the picture is then the same every time, and each run of it real.
#include "trace.hpp"

#include <gofer/gofer.hpp>

#include <fmt/core.h>

#include <string>

int main() {
  gofer::run([] {
    picture::panel("gofer's (and Go's) select(<-a, <-b) takes exactly one value");
    picture::lane("a", "chan a (cap 1)");
    picture::lane("main", "main");
    picture::lane("b", "chan b (cap 1)");
    for (;;) {
      auto a = gofer::make_chan<std::string>(1);
      auto b = gofer::make_chan<std::string>(1);
      a.send("x");
      b.send("y");
      std::string got;
      if (gofer::select(gofer::recv_case(a, got), gofer::recv_case(b, got)) != 0) continue;
      picture::at("main", "run");
      picture::at("a", "slots", "1 x");
      picture::at("b", "slots", "1 y");
      picture::at("a", "arrow", "main " + got);
      picture::at("a", "slots", "1");
      picture::at("main", "ok", "handles " + got + " (picked at random)");
      fmt::print("values still in the channels: {}\n", a.len() + b.len());
      picture::at("main", "end");
      return;
    }
  });
}
