// gofer/detail/sanitizer.hpp - telling ThreadSanitizer what it cannot see.
//
// Debian's Boost.Fiber is not built with sanitizers, and Boost.Context's
// assembly stack switches carry no sanitizer hooks. A parked goroutine's
// switch lock is released by Boost after the context switch, inside the
// uninstrumented library, so TSan would miss that release and report the
// next holder of the lock as racing. GOFER_TSAN_RELEASE marks the release at
// the point where, semantically, it happens.
#pragma once

#if defined(__SANITIZE_THREAD__)
#define GOFER_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define GOFER_TSAN 1
#endif
#endif

#ifdef GOFER_TSAN
extern "C" void __tsan_release(void* address);
#define GOFER_TSAN_RELEASE(address) __tsan_release(static_cast<void*>(address))
#else
#define GOFER_TSAN_RELEASE(address) ((void)0)
#endif
