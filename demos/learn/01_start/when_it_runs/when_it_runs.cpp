// When does a new goroutine start running? gofer::go only queues it. On
// several worker threads (the default: one per CPU) another thread may start
// it at once, as in Go. This program asks for one thread, where it runs when
// the goroutine that started it blocks or yields: here, at gofer::yield().
// Nothing runs in parallel then, so `ran` needs no atomic (on more threads
// reading it would be a data race, as in Go).
#include <gofer/gofer.hpp>

#include <fmt/core.h>

int main() {
  gofer::run(
      [] {
        bool ran = false;
        auto done = gofer::make_chan<gofer::signal>();
        gofer::go([&ran, done] {
          ran = true;
          fmt::print("goroutine: running\n");
          done.close();
        });
        fmt::print("main: after go, ran={}\n", ran);
        gofer::yield();  // let queued goroutines run (Go: runtime.Gosched)
        fmt::print("main: after yield, ran={}\n", ran);
        done.recv();  // wait for it to finish before `ran` goes out of scope
      },
      {.threads = 1});
}

// Output:
// main: after go, ran=false
// goroutine: running
// main: after yield, ran=true
