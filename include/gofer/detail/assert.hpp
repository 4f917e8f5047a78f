// gofer/detail/assert.hpp - GOFER_ASSERT, for invariants that must never break.
//
// A broken invariant means gofer itself is wrong, not the caller: there is
// nothing a caller could catch and recover from, so it aborts with the file and
// line, in every build type (the checks are cheap and sit off the hot paths).
#pragma once

namespace gofer::detail {
[[noreturn]] void assert_failed(const char* condition, const char* file, int line) noexcept;
}  // namespace gofer::detail

#define GOFER_ASSERT(condition) \
  ((condition) ? void(0) : ::gofer::detail::assert_failed(#condition, __FILE__, __LINE__))
