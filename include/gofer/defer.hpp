// gofer/defer.hpp - Go's defer statement, as a scope guard.
//
//   gofer::defer close_out{[&] { out.close(); }};   // Go: defer close(out)
//   gofer::defer done{[&] { wg.done(); }};          // Go: defer wg.Done()
//
// The function runs when the guard's scope ends, however it ends: a return,
// an exception, or gofer's shutdown unwinding (when main returns, a blocked
// goroutine is unwound and its guards run; see runtime.hpp). Several guards
// run in reverse order of declaration, as Go's deferred calls do.
//
// Where C++ differs from Go (docs/differences.md):
//   - A guard belongs to its scope (a block, a loop body), not to the whole
//     function: a guard declared in a loop body runs at the end of each
//     iteration, where Go would defer every call to the function's return.
//   - The function's arguments are whatever its captures refer to when it
//     runs; Go evaluates a deferred call's arguments at the defer statement.
//     Capture by value ([v]) for Go's behaviour.
//   - A guard cannot change a return value (Go's deferred closure may assign
//     to named results), and there is no recover().
//   - If the function throws while no exception is in flight, the exception
//     propagates from the end of the scope (the guard's destructor is
//     noexcept(false)), as a panic in a deferred call propagates in Go. If it
//     throws while the scope is being left by an exception, C++ would call
//     std::terminate; gofer reports it as a panic instead ("panic: <type>:
//     <what()>" on stderr, exit status 2), the end Go reaches when a deferred
//     call panics during a panic that nobody recovers. One exception is
//     swallowed: the function blocking during shutdown unwinding throws
//     gofer's internal goroutine_exit, and that unwinding goes on anyway.
//
// A guard is neither copyable nor movable; it holds the function by value.
#pragma once

#include <exception>
#include <functional>
#include <type_traits>
#include <utility>

#include "gofer/detail/waiter.hpp"
#include "gofer/runtime.hpp"

namespace gofer {

template <class F>
class defer {
 public:
  explicit defer(F f) noexcept(std::is_nothrow_move_constructible_v<F>) : f_(std::move(f)) {}
  defer(const defer&) = delete;
  defer& operator=(const defer&) = delete;

  ~defer() noexcept(false) {
    if (std::uncaught_exceptions() == uncaught_at_start_) {
      std::invoke(f_);  // nothing in flight: an exception propagates
      return;
    }
    try {
      std::invoke(f_);
    } catch (const detail::goroutine_exit&) {
      // Blocked while the goroutine is being unwound at shutdown: it is
      // being unwound already.
    } catch (...) {
      detail::panic(std::current_exception(),
                    "a deferred function threw while another exception was in flight");
    }
  }

 private:
  F f_;
  int uncaught_at_start_ = std::uncaught_exceptions();
};

template <class F>
defer(F) -> defer<F>;

}  // namespace gofer
