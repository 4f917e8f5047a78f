// A send_chan (Go: chan<- T) has no recv: receiving from it must not compile.
#include <gofer/chan.hpp>

int misuse(gofer::chan<int> ch) {
  gofer::send_chan<int> out = ch;
  return out.recv().value;
}
