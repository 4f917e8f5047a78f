// gofer/synctest.hpp - Go's testing/synctest, for tests on the virtual clock.
//
// gofer's bubble is the whole gofer::run: run_options::virtual_time (or
// GOFER_VIRTUAL_TIME=1) gives it a clock that stands still while any
// goroutine can run and jumps to the next timer when all are blocked, as a
// synctest bubble's does. synctest::wait() is Go's synctest.Wait:
//
//   gofer::go([&] { result = compute(); done.send(); });
//   gofer::synctest::wait();    // every other goroutine is now blocked
//   CHECK(...);                 // no sleep(1ns) trick needed
//
// It blocks the calling goroutine until every other goroutine of the runtime
// is durably blocked: parked on a channel, select, timer, sleep or gofer's
// sync types (a goroutine computing, or blocked on something gofer does not
// own, such as a std::mutex, is not). It returns before the virtual clock
// advances: time stands still across the call. As in Go:
//   - only one goroutine may wait at a time (another throws runtime_misuse,
//     as Go panics);
//   - goroutines sleeping until a timer count as blocked.
// Where gofer differs: the clock's epoch. Go's bubble starts at 2000-01-01
// 00:00 UTC; gofer's clock is monotonic (steady_clock, no calendar), so the
// virtual clock starts at time_point{} (zero) instead. Compare times by
// difference: `gofer::since(start)`.
//
// Outside gofer::run, or from a thread that is not a goroutine, wait()
// throws runtime_misuse.
#pragma once

namespace gofer::synctest {

// Go: synctest.Wait.
void wait();

}  // namespace gofer::synctest
