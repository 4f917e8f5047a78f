// A deferred function that throws while an exception is already in flight
// is a panic: "panic: std::runtime_error: from defer" on stderr and exit
// status 2, not std::terminate. Registered in tests/CMakeLists.txt as
// defer_panic_test, which checks both.
#include <cstdio>
#include <stdexcept>

#include <gofer/gofer.hpp>

int main() {
  gofer::run([] {
    try {
      gofer::defer d{[] { throw std::runtime_error("from defer"); }};
      throw std::logic_error("first");
    } catch (const std::exception&) {
      std::puts("unreachable: the exception from defer did not end the program");
    }
  });
  return 0;
}
