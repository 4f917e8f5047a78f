// An exception escaping a goroutine ends the program as a Go panic does:
// "panic: std::runtime_error: boom" on stderr and exit status 2. Registered in
// tests/CMakeLists.txt as panic_test, which checks both.
#include <cstdio>
#include <stdexcept>

#include <gofer/gofer.hpp>

int main() {
  gofer::run(
      [] {
        auto never = gofer::make_chan<int>();
        gofer::go([] { throw std::runtime_error("boom"); });
        never.recv();  // main waits; the panic ends the process first
      },
      {.threads = 2});
  std::puts("unreachable: run returned after a panic");
  return 0;
}
