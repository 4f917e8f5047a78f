// A select cannot send on a recv_chan.
#include <gofer/select.hpp>

void misuse(gofer::chan<int> ch) {
  gofer::recv_chan<int> in = ch;
  gofer::select(gofer::send_case(in, 1));
}
