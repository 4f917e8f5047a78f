// gofer/detail/sanitizer.hpp - telling ThreadSanitizer what it cannot see.
//
// Debian's Boost.Fiber is not built with sanitizers, and Boost.Context's
// assembly stack switches carry no sanitizer hooks. So:
//   - gofer's scheduler announces every fiber switch it makes (each
//     goroutine is a TSan fiber; see lib/scheduler.cpp), or TSan would take
//     one goroutine's stack for another's and mix their histories;
//   - a parked goroutine's switch lock is released by Boost after the
//     context switch, inside the uninstrumented library, so GOFER_TSAN_RELEASE
//     marks that release where, semantically, it happens.
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
}
#define GOFER_TSAN_RELEASE(address) __tsan_release(static_cast<void*>(address))
#define GOFER_TSAN_ACQUIRE(address) __tsan_acquire(static_cast<void*>(address))
#else
#define GOFER_TSAN_RELEASE(address) ((void)0)
#define GOFER_TSAN_ACQUIRE(address) ((void)0)
#endif
