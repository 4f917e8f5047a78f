// Exercise 4.2, a buffer without a bound (docs/learn/exercises.md): a
// goroutine between two unbuffered channels holds every value it receives
// until someone takes it, so a sender never waits. Its select turns the
// send case off, with a nil channel, while it holds nothing, and the
// receive case off once the input is closed.
#include <gofer/gofer.hpp>

#include <fmt/core.h>

#include <deque>

// Passes the values from in to out in order, then closes out.
void buffer(gofer::recv_chan<int> in, gofer::send_chan<int> out) {
  std::deque<int> queue;
  while (in != nullptr || !queue.empty()) {
    gofer::send_chan<int> send;  // nil: the send case is off while the queue is empty
    int next = 0;
    if (!queue.empty()) {
      send = out;
      next = queue.front();
    }
    int v = 0;
    bool ok = false;
    switch (gofer::select(gofer::recv_case(in, v, ok), gofer::send_case(send, next))) {
      case 0:
        if (!ok) {
          in = {};  // closed: off, but what is queued still goes out
          continue;
        }
        queue.push_back(v);
        break;
      case 1:
        queue.pop_front();
        break;
    }
  }
  out.close();
}

int main() {
  gofer::run([] {
    auto in = gofer::make_chan<int>();
    auto out = gofer::make_chan<int>();
    gofer::go(buffer, in, out);
    for (int i = 1; i <= 5; ++i) {
      in.send(i);  // never waits long: the buffer goroutine always receives
    }
    in.close();
    fmt::print("sent 5 values, nobody received yet\n");
    for (int v : out) {
      fmt::print("got {}\n", v);
    }
    fmt::print("out closed: the buffer is drained\n");
  });
}

// Output:
// sent 5 values, nobody received yet
// got 1
// got 2
// got 3
// got 4
// got 5
// out closed: the buffer is drained
