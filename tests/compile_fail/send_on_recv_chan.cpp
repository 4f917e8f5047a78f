// A recv_chan (Go: <-chan T) has no send: sending on it must not compile.
#include <gofer/chan.hpp>

void misuse(gofer::chan<int> ch) {
  gofer::recv_chan<int> in = ch;
  in.send(1);
}
