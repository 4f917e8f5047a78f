// Capped exponential backoff with full jitter, for re-sending an event the
// tracker did not take (docs/design/jobs.md, "The agent's delivery"):
//
//   delay(attempt) = uniform in [0, min(cap, base * 2^(attempt-1))]
//
// where attempt 1 is the first retry. Full jitter (the delay anywhere from
// zero to the ceiling, not the ceiling plus a little noise) is what spreads
// many agents apart after a tracker outage: they all failed at about the
// same moment, and retrying at the same moments again would hit the tracker
// in waves. Base 100 ms; the cap is --max-backoff (5 s by default).
#pragma once

#include <chrono>
#include <cstdint>
#include <random>

namespace agent {

class backoff {
 public:
  using duration = std::chrono::nanoseconds;

  // Throws std::invalid_argument for a base or cap <= 0 (a bug: flags are
  // checked before this is made).
  backoff(duration base, duration cap, std::uint64_t seed = std::random_device{}());

  // The ceiling for a retry: min(cap, base * 2^(attempt-1)); attempt >= 1.
  duration ceiling(int attempt) const noexcept;
  // A delay drawn for a retry: uniform in [0, ceiling(attempt)].
  duration delay(int attempt);

 private:
  duration base_;
  duration cap_;
  std::mt19937_64 random_;
};

}  // namespace agent
