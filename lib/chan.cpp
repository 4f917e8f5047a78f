// lib/chan.cpp - the parts of channel operations that need no element type:
// parking a single send or receive, and close. Go: runtime/chan.go.
#include <initializer_list>

#include "gofer/chan.hpp"
#include "gofer/detail/chan_state.hpp"
#include "park.hpp"

namespace gofer::detail {

void park_single(chan_base& chan, wait_queue& queue, waiter& w, spinlock_lock& chan_lock,
                 const char* reason) {
  parker_impl fallback;
  parker_impl& p = current_parker(fallback);
  p.wait_reason = reason;
  const park_start start = begin_park(p);
  if (start != park_start::enqueue) {
    chan_lock.unlock();
    unwind_parked(p, start);
  }
  w.owner = &p;
  queue.push_back(w);
  // A peer may claim us as soon as this unlocks; its wake() waits for our
  // switch out (park.hpp).
  chan_lock.unlock();
  suspend(p);
  if (p.unwound()) {
    // Shutdown or deadlock detection claimed us without dequeuing: leave no
    // dangling waiter behind.
    spinlock_lock relock{chan.lock_};
    queue.remove(w);
    relock.unlock();
    throw_if_interrupted(p);
  }
}

// Go: closechan. Claims every waiter under the lock, wakes them after it.
bool close_channel(chan_base& chan) noexcept {
  waiter* first = nullptr;
  waiter* last = nullptr;
  {
    spinlock_lock lock{chan.lock_};
    if (chan.closed()) return false;
    chan.set_closed();
    for (wait_queue* queue : {&chan.recvq_, &chan.sendq_}) {
      while (waiter* w = queue->claim_first()) {
        w->success = false;  // receivers see "closed", senders throw
        (last != nullptr ? last->next : first) = w;
        last = w;
      }
    }
  }
  wake_all(first, last);
  return true;
}

}  // namespace gofer::detail
