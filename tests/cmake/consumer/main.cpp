// The program both package tests build (tests/cmake/run_consumer.cmake): if it
// compiles, links, runs a goroutine that hands the version over a channel and
// prints it, then gofer's headers, library and dependencies reached the user.
#include <gofer/gofer.hpp>

#include <cstdio>

int main() {
  const int version = gofer::run([] {
    auto versions = gofer::make_chan<int>();
    gofer::go([versions] { versions.send(GOFER_VERSION); });
    return versions.recv().value;
  });
  std::printf("gofer %d.%d.%d\n", version / 10000, version / 100 % 100, version % 100);
  return version == GOFER_VERSION ? 0 : 1;
}
