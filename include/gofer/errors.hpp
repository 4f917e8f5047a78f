// gofer/errors.hpp - the exceptions gofer throws where Go panics.
//
// gofer has three kinds of failure, as Go does:
//   - misuse that Go answers with a panic throws an exception derived from
//     gofer::error, so catching gofer::error catches every one: the channel
//     panics (send_on_closed_channel, close_of_closed_channel,
//     close_of_nil_channel), invalid_argument (a precondition on an argument:
//     make_chan(-1), ticker(0s), threads = 0), runtime_misuse, deadlock, and
//     the sync panics (negative_wait_group_counter, wait_group_misuse,
//     unlock_of_unlocked_mutex);
//   - expected outcomes are return values (recv reports "closed", try_send
//     reports "would block"). The one exception to that is parse_duration,
//     which throws std::invalid_argument for bad text where Go returns an
//     error: bad input is not misuse, so it is not a gofer::error;
//   - broken internal invariants abort through GOFER_ASSERT.
// Each exception's what() is Go's panic text, so a message reads the same in
// both languages.
//
// gofer::failure is the error *value* that comes back from error_group::wait()
// and cause(ctx): an exception_ptr that prints and compares as Go's `error`
// does (see below).
#pragma once

#include <cstddef>
#include <exception>
#include <stdexcept>
#include <string>
#include <system_error>
#include <utility>

namespace gofer {

// Base of every exception gofer throws for misuse. Catch this to catch them all.
class error : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

// A precondition of a gofer call was not met, where Go panics: a negative
// capacity for make_chan (Go: "makechan: size out of range"), a period <= 0
// for ticker or ticker::reset (Go: "non-positive interval for NewTicker" and
// "... for Ticker.Reset"), run_options::threads == 0 (Go has no such case:
// GOMAXPROCS ignores values < 1). what() is Go's panic text where Go has one.
//
// It is not a std::invalid_argument (what gofer used to throw for these):
// std::invalid_argument and gofer::error both
// derive from std::logic_error, and a class deriving from both would hold two
// std::logic_error (so two std::exception) bases, which no handler for
// std::exception or std::logic_error could then catch (an ambiguous base does
// not match). Code that caught std::invalid_argument from gofer should catch
// gofer::invalid_argument, or std::logic_error, which catches both.
class invalid_argument : public error {
 public:
  explicit invalid_argument(const std::string& what) : error(what) {}
};

// Go: runtime/chan.go chansend "send on closed channel".
class send_on_closed_channel : public error {
 public:
  send_on_closed_channel() : error("send on closed channel") {}
};

// Go: runtime/chan.go closechan "close of closed channel".
class close_of_closed_channel : public error {
 public:
  close_of_closed_channel() : error("close of closed channel") {}
};

// Go: runtime/chan.go closechan "close of nil channel".
class close_of_nil_channel : public error {
 public:
  close_of_nil_channel() : error("close of nil channel") {}
};

// gofer::go was called outside gofer::run (no runtime to run the goroutine),
// or gofer::run was called inside gofer::run on the same thread. Go has no
// such case: its runtime always exists. (Channel operations need no runtime:
// a plain thread may send, receive and select; it just blocks its thread.)
class runtime_misuse : public error {
 public:
  explicit runtime_misuse(const std::string& what) : error(what) {}
};

// Go: sync.WaitGroup "sync: negative WaitGroup counter".
class negative_wait_group_counter : public error {
 public:
  negative_wait_group_counter() : error("sync: negative WaitGroup counter") {}
};

// Go: sync.WaitGroup.Add "sync: WaitGroup misuse: Add called concurrently
// with Wait": add(n > 0) on a zero counter while a wait() of the previous
// round has not returned yet. Go catches this race only when it happens to
// observe it; gofer always does (see sync.hpp).
class wait_group_misuse : public error {
 public:
  wait_group_misuse() : error("sync: WaitGroup misuse: Add called concurrently with Wait") {}
};

// Go: sync.Mutex "fatal error: sync: unlock of unlocked mutex".
class unlock_of_unlocked_mutex : public error {
 public:
  unlock_of_unlocked_mutex() : error("sync: unlock of unlocked mutex") {}
};

// Every goroutine is blocked and nothing can wake one (no timer is pending):
// Go's "fatal error: all goroutines are asleep - deadlock!". Thrown from the
// blocking call main is in, and so out of gofer::run, with a report of what
// each goroutine waits for as what(). Go ends the program instead.
class deadlock : public error {
 public:
  explicit deadlock(const std::string& report) : error(report) {}
};

// Go: DeadlineExceeded.Timeout() (the net.Error interface): true for
// gofer::deadline_exceeded and for every code equivalent to
// std::errc::timed_out (ETIMEDOUT from the system), false for
// gofer::canceled and the empty code.
inline bool is_timeout(std::error_code code) noexcept {
  return code == std::errc::timed_out;
}

// A failure: Go's `error` value, as C++ carries it (an exception_ptr, so that
// it holds whatever was thrown, unsliced). Returned by error_group::wait()
// and cause(ctx).
//
//   if (gofer::failure err = g.wait()) {          // Go: if err != nil
//     std::puts(err.message().c_str());           // Go: err.Error()
//     if (err == gofer::canceled) ...             // Go: errors.Is(err, context.Canceled)
//   }
//
// - Empty (false, == nullptr) means no failure: Go's nil error.
// - message(): what() of a std::exception (for a std::system_error made from
//   a code, that is the code's message: "context canceled"), or
//   "unknown exception" for anything else.
// - == std::error_code: true when it holds a std::system_error whose code()
//   equals it; == std::error_condition (std::errc::timed_out) likewise, by
//   the code's category. Go's errors.Is, without unwrapping (C++ exceptions
//   do not wrap; std::nested_exception is not looked into).
// - It converts implicitly to and from std::exception_ptr, so
//   `std::exception_ptr err = g.wait()` and std::rethrow_exception(err) work.
// - Two failures are equal when they hold the same exception object.
class failure {
 public:
  failure() noexcept = default;
  // Implicit both ways, so code written for exception_ptr keeps working.
  failure(std::nullptr_t) noexcept {}
  failure(std::exception_ptr exception) noexcept : exception_(std::move(exception)) {}
  operator std::exception_ptr() const noexcept { return exception_; }

  explicit operator bool() const noexcept { return exception_ != nullptr; }
  const std::exception_ptr& exception() const noexcept { return exception_; }

  // Go: err.Error(). Empty for no failure.
  std::string message() const {
    if (!exception_) return {};
    try {
      std::rethrow_exception(exception_);
    } catch (const std::exception& e) {
      return e.what();
    } catch (...) {
      return "unknown exception";
    }
  }

  // The code of a std::system_error; empty for anything else.
  std::error_code code() const noexcept {
    if (!exception_) return {};
    try {
      std::rethrow_exception(exception_);
    } catch (const std::system_error& e) {
      return e.code();
    } catch (...) {
      return {};
    }
  }

  // Go: errors.As(err, &target) for a C++ exception type: true if it holds an
  // E (or something derived from E).
  template <class E>
  bool holds() const noexcept {
    if (!exception_) return false;
    try {
      std::rethrow_exception(exception_);
    } catch (const E&) {
      return true;
    } catch (...) {
      return false;
    }
  }

  friend bool operator==(const failure& f, std::nullptr_t) noexcept { return !f.exception_; }
  friend bool operator==(const failure& a, const failure& b) noexcept {
    return a.exception_ == b.exception_;
  }
  friend bool operator==(const failure& a, const std::exception_ptr& b) noexcept {
    return a.exception_ == b;
  }
  // Go: errors.Is(err, target) for error codes.
  friend bool operator==(const failure& f, const std::error_code& code) noexcept {
    return f.holds<std::system_error>() && f.code() == code;
  }
  friend bool operator==(const failure& f, const std::error_condition& condition) noexcept {
    return f.holds<std::system_error>() && f.code() == condition;
  }

 private:
  std::exception_ptr exception_;
};

}  // namespace gofer
