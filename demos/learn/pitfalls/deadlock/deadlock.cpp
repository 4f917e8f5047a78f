// Pitfall: a send on an unbuffered channel waits for a receiver. Here main
// sends and would receive afterwards, so nobody ever receives: every
// goroutine is blocked and no timer can wake one. gofer reports it as Go
// does: main's blocking call throws gofer::deadlock, and uncaught, it ends
// the program with Go's message on stderr and exit status 2.
#include <gofer/gofer.hpp>

#include <fmt/core.h>

#include <string>

int main() {
  gofer::run([] {
    auto results = gofer::make_chan<std::string>();
    fmt::print("main: sending the result\n");
    results.send("42");  // waits for a receiver: there is none
    fmt::print("main: received {}\n", results.get());
  });
}

// Output:
// main: sending the result

// Stderr:
// fatal error: all goroutines are asleep - deadlock!
//
// goroutine 1 (main) [chan send]:

// Exit status: 2
