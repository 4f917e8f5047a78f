// The sender closes a channel to say "no more values"; the receiver's range
// loop ends once the channel is closed and drained. The parameter types say
// who may do what: send_chan<int> only sends and closes, recv_chan<int> only
// receives.
#include <gofer/gofer.hpp>

#include <fmt/core.h>

void produce(gofer::send_chan<int> out) {
  for (int i = 1; i <= 3; ++i) {
    out.send(i * 10);
  }
  out.close();  // ends the receiver's loop
}

void consume(gofer::recv_chan<int> in) {
  for (int v : in) {  // receives until `in` is closed and drained
    fmt::print("got {}\n", v);
  }
  auto [v, ok] = in.recv();  // closed: returns at once, zero value, ok=false
  fmt::print("after close: {} {}\n", v, ok);
}

int main() {
  gofer::run([] {
    auto ch = gofer::make_chan<int>();
    gofer::go(produce, ch);  // chan<int> converts to either direction
    consume(ch);
  });
}

// Output:
// got 10
// got 20
// got 30
// after close: 0 false
