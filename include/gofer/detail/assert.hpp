// gofer/detail/assert.hpp - GOFER_ASSERT, for invariants that must never break.
//
// A broken invariant means gofer itself is wrong, not the caller: there is
// nothing a caller could catch and recover from, so it aborts with the file
// and line. On in debug builds (no NDEBUG) and in sanitizer builds, where the
// state machines of lib/ assert every transition; off in release builds,
// since several sit on the hot paths of every park, wake and spawn. Off, the
// condition is not evaluated (conditions have no side effects).
#pragma once

namespace gofer::detail {
[[noreturn]] void assert_failed(const char* condition, const char* file, int line) noexcept;
}  // namespace gofer::detail

#if !defined(NDEBUG) || defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__) || \
    defined(GOFER_ASSERTIONS)
#define GOFER_ASSERT(condition) \
  ((condition) ? void(0) : ::gofer::detail::assert_failed(#condition, __FILE__, __LINE__))
#else
#define GOFER_ASSERT(condition) ((void)sizeof((condition) ? 1 : 0))
#endif
