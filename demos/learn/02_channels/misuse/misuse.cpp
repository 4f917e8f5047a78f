// The nil channel and the closed channel. Where Go panics, gofer throws an
// exception derived from gofer::error whose what() is Go's panic text.
#include <gofer/gofer.hpp>

#include <fmt/core.h>

int main() {
  gofer::run([] {
    gofer::chan<int> nil_ch;  // default-constructed: Go's nil channel
    // send() or recv() on it would block forever; the try_ forms show it.
    if (!nil_ch.try_send(1)) fmt::print("send on nil channel: would block forever\n");
    if (!nil_ch.try_recv()) fmt::print("receive from nil channel: would block forever\n");
    try {
      nil_ch.close();
    } catch (const gofer::close_of_nil_channel& e) {
      fmt::print("close(nil channel): exception: {}\n", e.what());
    }

    auto ch = gofer::make_chan<int>(1);
    ch.close();
    try {
      ch.send(1);
    } catch (const gofer::send_on_closed_channel& e) {
      fmt::print("send on closed channel: exception: {}\n", e.what());
    }
    try {
      ch.close();
    } catch (const gofer::error& e) {  // the base of all of gofer's misuse errors
      fmt::print("close(closed channel): exception: {}\n", e.what());
    }
    auto [v, ok] = ch.recv();  // receiving is fine: zero value, ok=false
    fmt::print("receive from closed channel: {} {}\n", v, ok);
  });
}

// Output:
// send on nil channel: would block forever
// receive from nil channel: would block forever
// close(nil channel): exception: close of nil channel
// send on closed channel: exception: send on closed channel
// close(closed channel): exception: close of closed channel
// receive from closed channel: 0 false
