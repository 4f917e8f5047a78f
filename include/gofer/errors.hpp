// gofer/errors.hpp - the exceptions gofer throws where Go panics.
//
// gofer has three kinds of failure, as Go does:
//   - misuse that Go answers with a panic throws an exception derived from
//     gofer::error (send on a closed channel, close of a closed channel, ...);
//   - expected outcomes are return values (recv reports "closed", try_send
//     reports "would block");
//   - broken internal invariants abort through GOFER_ASSERT.
// Each exception's what() is Go's panic text, so a message reads the same in
// both languages.
#pragma once

#include <stdexcept>
#include <string>

namespace gofer {

// Base of every exception gofer throws for misuse. Catch this to catch them all.
class error : public std::logic_error {
 public:
  using std::logic_error::logic_error;
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

}  // namespace gofer
