// A select cannot receive on a send_chan.
#include <gofer/select.hpp>

void misuse(gofer::chan<int> ch) {
  gofer::send_chan<int> out = ch;
  int value = 0;
  gofer::select(gofer::recv_case(out, value));
}
