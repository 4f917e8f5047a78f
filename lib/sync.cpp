// lib/sync.cpp - wait_group. Go: sync/waitgroup.go.
//
// Invariants (under wait_group_state::lock):
//   count >= 0;
//   zero is non-nil only while count > 0 and some wait() has asked for it;
//   it is closed (waking every waiter of this round) and replaced by nil
//   when count returns to 0;
//   waiters counts the wait() calls that found count > 0 and have not
//   returned yet (Go: the waiter count in the low half of WaitGroup.state).
#include "gofer/sync.hpp"

#include <utility>

namespace gofer {

namespace detail {

struct wait_group_state {
  spinlock lock{lock_rank::leaf};  // guards the members below
  std::ptrdiff_t count = 0;
  std::ptrdiff_t waiters = 0;
  chan<signal> zero;
};

}  // namespace detail

wait_group::wait_group() : state_(std::make_shared<detail::wait_group_state>()) {}

// Go: WaitGroup.Add.
void wait_group::add(std::ptrdiff_t delta) const {
  detail::wait_group_state& s = *state_;
  chan<signal> to_close;
  {
    detail::spinlock_lock lock{s.lock};
    if (s.count + delta < 0) throw negative_wait_group_counter();
    if (delta > 0 && s.count == 0 && s.waiters != 0) throw wait_group_misuse();
    s.count += delta;
    if (s.count == 0 && s.zero != nullptr) to_close = std::exchange(s.zero, chan<signal>{});
  }
  if (to_close != nullptr) to_close.close();  // wakes every waiter
}

// Go: WaitGroup.Wait.
void wait_group::wait() const {
  detail::wait_group_state& s = *state_;
  chan<signal> zero;
  {
    detail::spinlock_lock lock{s.lock};
    if (s.count == 0) return;
    if (s.zero == nullptr) s.zero = make_chan<signal>();
    zero = s.zero;
    ++s.waiters;
  }
  struct leave {
    detail::wait_group_state& s;
    ~leave() {
      detail::spinlock_lock lock{s.lock};
      --s.waiters;
    }
  } left{s};  // also when unwound at shutdown or by a deadlock
  detail::blocking_as reason{"sync.WaitGroup.Wait"};
  zero.recv();
}

}  // namespace gofer
