#include "gofer/sync.hpp"

#include <utility>

namespace gofer {

void wait_group::add(std::ptrdiff_t delta) {
  chan<signal> to_close;
  {
    detail::spinlock_lock lock{lock_};
    if (count_ + delta < 0) throw negative_wait_group_counter();
    count_ += delta;
    if (count_ == 0 && zero_ != nullptr) to_close = std::exchange(zero_, chan<signal>{});
  }
  if (to_close != nullptr) to_close.close();  // wakes every waiter
}

void wait_group::wait() {
  chan<signal> zero;
  {
    detail::spinlock_lock lock{lock_};
    if (count_ == 0) return;
    if (zero_ == nullptr) zero_ = make_chan<signal>();
    zero = zero_;
  }
  zero.recv();
}

}  // namespace gofer
