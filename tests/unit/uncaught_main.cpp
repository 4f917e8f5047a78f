// What happens when main's exception is not caught by anyone, as Go ends a
// program whose main panics or deadlocks: what was printed so far reaches
// stdout (even when stdout is a pipe, so fully buffered), the report goes to
// stderr, and the exit status is 2 (not abort's 134). Registered in
// tests/CMakeLists.txt as uncaught.deadlock and uncaught.panic.
//
//   uncaught_main deadlock|panic
#include <cstdio>
#include <stdexcept>
#include <string_view>

#include <gofer/gofer.hpp>

int main(int argc, char** argv) {
  const std::string_view what = argc > 1 ? argv[1] : "deadlock";
  std::printf("printed before the end\n");  // buffered: stdout is a pipe in the test
  gofer::run(
      [what] {
        if (what == "panic") throw std::runtime_error("boom in main");
        auto never = gofer::make_chan<int>();
        gofer::go(gofer::named{"stuck"}, [never] { never.recv(); });
        never.recv();  // every goroutine asleep: gofer::deadlock, caught by nobody
      },
      {.threads = 2});
  std::printf("unreachable\n");
}
