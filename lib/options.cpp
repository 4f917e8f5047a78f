// lib/options.cpp - how many threads a runtime uses by default.
#include <sched.h>

#include <cstdlib>
#include <string_view>

#include "gofer/runtime.hpp"

namespace gofer {

std::size_t num_cpu() noexcept {
  // The CPUs this process may run on (taskset, cgroups' cpusets), not the
  // machine's: Go's runtime.NumCPU reads the same affinity mask.
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) != 0) return 1;
  const int count = CPU_COUNT(&set);
  return count > 0 ? static_cast<std::size_t>(count) : 1;
}

std::size_t default_threads() noexcept {
  // GOFER_MAXPROCS=N, as GOMAXPROCS=N for a Go program; anything else
  // (unset, empty, not a positive number) is ignored, as Go ignores it.
  if (const char* text = std::getenv("GOFER_MAXPROCS"); text != nullptr && *text != '\0') {
    char* end = nullptr;
    const unsigned long value = std::strtoul(text, &end, 10);
    if (*end == '\0' && value > 0 && text[0] != '-') return static_cast<std::size_t>(value);
  }
  return num_cpu();
}

}  // namespace gofer
