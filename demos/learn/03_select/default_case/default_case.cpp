// A select with a default_case() never blocks: the default runs when no other
// case is ready. For a single operation, try_recv() and try_send() say the
// same thing more directly.
#include <gofer/gofer.hpp>

#include <fmt/core.h>

// Receives from ch if a value is ready, without waiting.
void try_receive(const gofer::chan<int>& ch) {
  int v = 0;
  switch (gofer::select(gofer::recv_case(ch, v), gofer::default_case())) {
    case 0:
      fmt::print("received {}\n", v);
      break;
    case 1:
      fmt::print("nothing to receive\n");
      break;
  }
}

// Sends v on ch if there is room, without waiting.
void try_send(const gofer::chan<int>& ch, int v) {
  if (ch.try_send(v)) {  // select { case ch <- v: ... default: ... }
    fmt::print("sent {}\n", v);
  } else {
    fmt::print("buffer full, dropped {}\n", v);
  }
}

int main() {
  gofer::run([] {
    auto ch = gofer::make_chan<int>(1);  // room for one value
    try_receive(ch);
    try_send(ch, 1);
    try_send(ch, 2);
    try_receive(ch);
  });
}

// Output:
// nothing to receive
// sent 1
// buffer full, dropped 2
// received 1
