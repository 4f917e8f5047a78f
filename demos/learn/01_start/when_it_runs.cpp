// When does a new goroutine start running? gofer::go only queues it. With one
// worker thread (the default), it runs when the goroutine that started it
// blocks or yields: here, at gofer::yield(). Nothing runs in parallel, so
// `ran` needs no atomic.
#include <gofer/gofer.hpp>

#include <cstdio>

int main() {
  gofer::run([] {
    bool ran = false;
    auto done = gofer::make_chan<gofer::signal>();
    gofer::go([&ran, done] {
      ran = true;
      std::printf("goroutine: running\n");
      done.close();
    });
    std::printf("main: after go, ran=%s\n", ran ? "true" : "false");
    gofer::yield();  // let queued goroutines run (Go: runtime.Gosched)
    std::printf("main: after yield, ran=%s\n", ran ? "true" : "false");
    done.recv();  // wait for it to finish before `ran` goes out of scope
  });
}

// Output:
// main: after go, ran=false
// goroutine: running
// main: after yield, ran=true
