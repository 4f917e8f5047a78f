// gofer/fmt.hpp next to <fmt/chrono.h>, in a file that includes both (and
// fmt/chrono.h first): gofer's duration formatter wins for the durations Go
// can print, and fmt/chrono.h keeps the rest.
#include <fmt/chrono.h>

#include <gofer/fmt.hpp>

#include <chrono>
#include <ratio>

#include <doctest/doctest.h>

namespace {

using namespace std::chrono_literals;

}  // namespace

TEST_CASE("with fmt/chrono.h included too, a duration still prints Go's text") {
  CHECK(fmt::format("{}", 1500ms) == "1.5s");
  CHECK(fmt::format("{}", gofer::duration{90min}) == "1h30m0s");
  CHECK(fmt::format("{:.3}", 3s + 1us) == "3.0");
}

TEST_CASE("fmt/chrono.h still formats what Go's Duration cannot") {
  CHECK(fmt::format("{}", std::chrono::duration<double>{1.5}) == "1.5s");
  CHECK(fmt::format("{}", std::chrono::duration<long long, std::pico>{1500}) == "1500ps");
  CHECK(fmt::format("{:%H:%M}", std::chrono::system_clock::time_point{}) == "00:00");
}
