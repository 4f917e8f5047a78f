// gofer/detail/sanitizer.hpp - telling ThreadSanitizer what it cannot see.
//
// Debian's Boost.Fiber is not built with sanitizers, and Boost.Context's
// assembly stack switches carry no sanitizer hooks. So:
//   - gofer's scheduler announces every fiber switch it makes (each
//     goroutine is a TSan fiber; see lib/scheduler.cpp), or TSan would take
//     one goroutine's stack for another's and mix their histories;
//   - a parked goroutine's switched_out latch (lib/park.hpp) is released by
//     Boost after the context switch, inside the uninstrumented library, so
//     GOFER_TSAN_RELEASE marks that release where, semantically, it happens;
//   - TSan's per-fiber call stacks stay balanced only if no instrumented
//     frame is entered on one fiber's account and left on another's: the
//     function announcing a switch is GOFER_TSAN_UNINSTRUMENTED, and Boost's
//     fiber templates are built without entry/exit hooks (lib/spawn.cpp).
#pragma once

#if defined(__SANITIZE_THREAD__)
#define GOFER_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define GOFER_TSAN 1
#endif
#endif

#ifdef GOFER_TSAN
extern "C" {
void __tsan_release(void* address);
void __tsan_acquire(void* address);
void* __tsan_get_current_fiber(void);
void* __tsan_create_fiber(unsigned flags);
void __tsan_destroy_fiber(void* fiber);
void __tsan_switch_to_fiber(void* fiber, unsigned flags);
void __tsan_set_fiber_name(void* fiber, const char* name);
}
#define GOFER_TSAN_RELEASE(address) __tsan_release(static_cast<void*>(address))
#define GOFER_TSAN_ACQUIRE(address) __tsan_acquire(static_cast<void*>(address))
#else
#define GOFER_TSAN_RELEASE(address) ((void)0)
#define GOFER_TSAN_ACQUIRE(address) ((void)0)
#endif

// GOFER_TSAN_UNINSTRUMENTED: a function TSan must not instrument at all, not
// even its entry and exit, because it announces a fiber switch and returns on
// the new fiber's account (see gofer_algorithm::pick_next). GCC's
// no_sanitize_thread drops both; Clang keeps entry/exit hooks under
// no_sanitize("thread") and drops them only with
// disable_sanitizer_instrumentation.
#if defined(__clang__)
#if __has_attribute(disable_sanitizer_instrumentation)
#define GOFER_TSAN_UNINSTRUMENTED __attribute__((disable_sanitizer_instrumentation))
#else
#define GOFER_TSAN_UNINSTRUMENTED __attribute__((no_sanitize("thread")))
#endif
#elif defined(__GNUC__)
#define GOFER_TSAN_UNINSTRUMENTED __attribute__((no_sanitize_thread))
#else
#define GOFER_TSAN_UNINSTRUMENTED
#endif
