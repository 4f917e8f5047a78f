// lib/spawn.cpp - gofer::go's fiber: the one place where the Boost.Fiber and
// Boost.Context templates that start and end a goroutine's fiber are
// instantiated.
//
// Built without ThreadSanitizer's function entry/exit hooks (CMakeLists.txt:
// --param=tsan-instrument-func-entry-exit=0); its memory accesses and
// atomics are still checked. Why: TSan keeps a call stack per TSan fiber,
// pushed by each instrumented function's entry and popped by its exit on
// whichever fiber TSan thinks is running. gofer announces only the switches
// Boost makes through pick_next (lib/scheduler.cpp); these templates run
// across other stack switches:
//   - Boost.Context starts a fiber by jumping into fiber_entry<> on the new
//     stack and straight back (the bootstrap), so fiber_entry is entered on
//     the creator's account and never leaves it;
//   - a finished fiber's last frames (fiber_record::run, worker_context::run_)
//     return only when Boost releases the fiber, on the releasing fiber's
//     account, after which fiber_exit<> frees the stack.
// Instrumented (as they were when go() built the fiber in the caller's
// file), each go() left one frame on the creating goroutine's TSan stack and
// each release left one on the releasing dispatcher's: those stacks grew
// with every goroutine ever started, and every allocation or fiber creation
// stored its ever longer, never repeated stack trace in TSan's stack depot,
// which is never freed (about 0.4 MB per goroutine, and "ThreadSanitizer
// failed to allocate" near 10,000 goroutines). And since pick_next returned
// after its announced switch, a new goroutine started below its empty TSan
// stack, overwriting TSan's own memory (see GOFER_TSAN_UNINSTRUMENTED).
// Without the hooks here, a goroutine's TSan stack holds exactly the
// instrumented frames that run on its own account: those of its body.
#include <exception>
#include <memory>
#include <string>
#include <utility>

#include <boost/context/detail/exception.hpp>
#include <boost/fiber/fiber.hpp>
#include <boost/fiber/policy.hpp>

#include "gofer/detail/sanitizer.hpp"
#include "gofer/runtime.hpp"
#include "runtime_state.hpp"
#include "stack_pool.hpp"

namespace gofer::detail {

namespace {

// The fiber's function.
struct goroutine_entry {
  goroutine_body* body;

  void operator()() const {
    try {
      body->run();
    } catch (const goroutine_exit&) {
      // Unwound at shutdown: the normal end of a blocked goroutine.
    } catch (const boost::context::detail::forced_unwind&) {
      throw;  // Boost.Context's own unwinding: let it through
    } catch (...) {
      panic(std::current_exception());
    }
    // The function and its arguments die with the goroutine, as a Go
    // closure's captures do, not later when Boost frees the fiber.
    delete body;
    goroutine_finished();
  }
};

}  // namespace

void spawn(runtime& rt, std::string name, std::unique_ptr<goroutine_body> body) {
  goroutine* const record = goroutine_started(rt, std::move(name));
  try {
    boost::fibers::fiber_properties* const properties = record;
    boost::fibers::fiber(boost::fibers::launch::post, properties, std::allocator_arg,
                         rt.stack_allocator(), goroutine_entry{body.get()})
        .detach();
  } catch (...) {
    // Only allocating the stack can throw, before Boost takes the record.
    goroutine_not_started(record);
    throw;
  }
  body.release();  // the fiber owns it now
}

}  // namespace gofer::detail
