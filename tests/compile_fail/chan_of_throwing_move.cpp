// A channel moves values under its lock: T's move constructor must be noexcept.
#include <gofer/chan.hpp>

struct throwing_move {
  throwing_move() = default;
  throwing_move(throwing_move&&) noexcept(false) {}
};

void misuse() {
  auto ch = gofer::make_chan<throwing_move>(1);
}
