#include "backoff.hpp"

#include <stdexcept>

namespace agent {

backoff::backoff(duration base, duration cap, std::uint64_t seed)
    : base_(base), cap_(cap), random_(seed) {
  if (base <= duration::zero() || cap <= duration::zero()) {
    throw std::invalid_argument("backoff: base and cap must be positive");
  }
}

backoff::duration backoff::ceiling(int attempt) const noexcept {
  // Doubling stops as soon as the cap is reached, so no shift can overflow
  // however many attempts a long outage makes.
  duration ceiling = base_;
  for (int i = 1; i < attempt && ceiling < cap_; ++i)
    ceiling *= 2;
  return ceiling < cap_ ? ceiling : cap_;
}

backoff::duration backoff::delay(int attempt) {
  std::uniform_int_distribution<duration::rep> uniform(0, ceiling(attempt).count());
  return duration(uniform(random_));
}

}  // namespace agent
