// A program's shutdown as a select case: signals::notify relays SIGINT and
// SIGTERM to a channel, which main's select watches beside its work. Here
// the program sends itself SIGINT after three jobs, as Ctrl-C would. The
// relay runs on the runtime's poller, not in a signal handler, so the
// channel is an ordinary one. (gofer::signals, not gofer::signal: that name
// is the value type of chan<signal>.)
#include <gofer/gofer.hpp>
#include <gofer/signal.hpp>

#include <fmt/core.h>

#include <signal.h>
#include <unistd.h>

#include <string>

int main() {
  gofer::run([] {
    // Buffered: notify drops a signal it cannot deliver at once.
    auto signals = gofer::make_chan<int>(1);
    gofer::signals::notify(signals, {SIGINT, SIGTERM});
    gofer::defer stop{[&] { gofer::signals::stop(signals); }};

    auto results = gofer::make_chan<std::string>();
    gofer::go([results] {
      for (int n = 1; n <= 3; ++n)
        results.send(fmt::format("job {} done", n));
      ::kill(::getpid(), SIGINT);  // as if someone pressed Ctrl-C
    });

    for (;;) {
      std::string result;
      int sig = 0;
      switch (gofer::select(gofer::recv_case(results, result), gofer::recv_case(signals, sig))) {
        case 0:
          fmt::print("{}\n", result);
          break;
        case 1:
          fmt::print("got signal {}: shutting down\n", sig);
          fmt::print("stopped cleanly\n");
          return;
      }
    }
  });
}

// Output:
// job 1 done
// job 2 done
// job 3 done
// got signal 2: shutting down
// stopped cleanly
