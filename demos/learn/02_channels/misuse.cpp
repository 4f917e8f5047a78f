// The nil channel and the closed channel. Where Go panics, gofer throws an
// exception derived from gofer::error whose what() is Go's panic text.
#include <gofer/gofer.hpp>

#include <cstdio>

int main() {
  gofer::run([] {
    gofer::chan<int> nil_ch;  // default-constructed: Go's nil channel
    // send() or recv() on it would block forever; the try_ forms show it.
    if (!nil_ch.try_send(1)) std::printf("send on nil channel: would block forever\n");
    if (!nil_ch.try_recv()) std::printf("receive from nil channel: would block forever\n");
    try {
      nil_ch.close();
    } catch (const gofer::close_of_nil_channel& e) {
      std::printf("close(nil channel): exception: %s\n", e.what());
    }

    auto ch = gofer::make_chan<int>(1);
    ch.close();
    try {
      ch.send(1);
    } catch (const gofer::send_on_closed_channel& e) {
      std::printf("send on closed channel: exception: %s\n", e.what());
    }
    try {
      ch.close();
    } catch (const gofer::error& e) {  // the base of all of gofer's misuse errors
      std::printf("close(closed channel): exception: %s\n", e.what());
    }
    auto [v, ok] = ch.recv();  // receiving is fine: zero value, ok=false
    std::printf("receive from closed channel: %d %s\n", v, ok ? "true" : "false");
  });
}

// Output:
// send on nil channel: would block forever
// receive from nil channel: would block forever
// close(nil channel): exception: close of nil channel
// send on closed channel: exception: send on closed channel
// close(closed channel): exception: close of closed channel
// receive from closed channel: 0 false
