// The program both consumer projects build: if it compiles, links and prints
// the version, gofer's headers, library and dependencies reached the user.
#include <gofer/version.hpp>

#include <cstdio>

int main() {
  std::printf("gofer %d.%d.%d\n", GOFER_VERSION_MAJOR, GOFER_VERSION_MINOR, GOFER_VERSION_PATCH);
  return 0;
}
