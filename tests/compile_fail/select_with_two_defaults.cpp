// Go: "multiple defaults in select". A select has at most one default_case().
#include <gofer/select.hpp>

void misuse(gofer::chan<int> ch) {
  gofer::select(gofer::recv_case(ch), gofer::default_case(), gofer::default_case());
}
