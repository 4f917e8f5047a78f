// run_options::dump_on_sigquit: SIGQUIT prints "SIGQUIT: quit" and every
// goroutine to stderr and ends the process with status 2, as a Go program
// does (without Go's stacks). Registered in tests/CMakeLists.txt as
// sigquit.option and sigquit.environment.
//
//   sigquit_main [option|environment]
//
// "environment" turns the dump on with GOFER_DUMP_ON_SIGQUIT=1 instead of
// the option.
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include <gofer/gofer.hpp>

int main(int argc, char** argv) {
  const bool from_environment = argc > 1 && std::string_view(argv[1]) == "environment";
  if (from_environment) setenv("GOFER_DUMP_ON_SIGQUIT", "1", 1);
  std::printf("printed before the quit\n");  // buffered: stdout is a pipe in the test
  gofer::run(
      [] {
        auto c = gofer::make_chan<int>();
        auto d = gofer::make_chan<int>();
        gofer::mutex mu;
        mu.lock();
        gofer::go(gofer::named{"receiver"}, [c] { c.recv(); });
        gofer::go(gofer::named{"selector"},
                  [c, d] { gofer::select(gofer::recv_case(c), gofer::recv_case(d)); });
        gofer::go(gofer::named{"locker"}, [&mu] { mu.lock(); });
        gofer::synctest::wait();  // all three are parked
        std::raise(SIGQUIT);
        // The watcher thread ends the process while main sleeps.
        gofer::sleep(std::chrono::seconds(20));
        std::printf("SIGQUIT did not end the process\n");
        std::exit(1);
      },
      {.threads = 2, .dump_on_sigquit = !from_environment});
}
