// format_duration and parse_duration: Go's Duration.String and
// time.ParseDuration, checked against the tables of Go 1.19's
// src/time/time_test.go (TestDurationString, TestParseDuration,
// TestParseDurationErrors).
#include <gofer/time.hpp>

#include <chrono>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>

#include <doctest/doctest.h>

namespace {

using namespace std::chrono_literals;
using gofer::duration;

constexpr duration max_duration{std::numeric_limits<std::int64_t>::max()};
constexpr duration min_duration{std::numeric_limits<std::int64_t>::min()};

std::string parse_error(const std::string& text) {
  try {
    gofer::parse_duration(text);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST_CASE("format_duration prints what Go's Duration.String prints") {
  const struct {
    const char* text;
    duration d;
  } cases[] = {
      {"0s", 0ns},
      {"1ns", 1ns},
      {"1.1\u00b5s", 1100ns},
      {"2.2ms", 2200us},
      {"3.3s", 3300ms},
      {"4m5s", 4min + 5s},
      {"4m5.001s", 4min + 5001ms},
      {"5h6m7.001s", 5h + 6min + 7001ms},
      {"8m0.000000001s", 8min + 1ns},
      {"2562047h47m16.854775807s", max_duration},
      {"-2562047h47m16.854775808s", min_duration},
  };
  for (const auto& c : cases) {
    CAPTURE(c.d.count());
    CHECK(gofer::format_duration(c.d) == c.text);
    if (c.d > 0ns) CHECK(gofer::format_duration(-c.d) == std::string("-") + c.text);
  }
}

TEST_CASE("format_duration prints the monitor's periods as Go does") {
  CHECK(gofer::format_duration(3s) == "3s");
  CHECK(gofer::format_duration(16s) == "16s");
  CHECK(gofer::format_duration(300ms) == "300ms");
  CHECK(gofer::format_duration(3000123456ns) == "3.000123456s");
  CHECK(gofer::format_duration(90min) == "1h30m0s");
}

TEST_CASE("parse_duration reads what Go's time.ParseDuration reads") {
  const struct {
    const char* text;
    duration want;
  } cases[] = {
      {"0", 0ns},
      {"5s", 5s},
      {"30s", 30s},
      {"1478s", 1478s},
      {"-5s", -5s},
      {"+5s", 5s},
      {"-0", 0ns},
      {"+0", 0ns},
      {"5.0s", 5s},
      {"5.6s", 5s + 600ms},
      {"5.s", 5s},
      {".5s", 500ms},
      {"1.0s", 1s},
      {"1.00s", 1s},
      {"1.004s", 1s + 4ms},
      {"1.0040s", 1s + 4ms},
      {"100.00100s", 100s + 1ms},
      {"10ns", 10ns},
      {"11us", 11us},
      {"12\u00b5s", 12us},
      {"12\u03bcs", 12us},
      {"13ms", 13ms},
      {"14s", 14s},
      {"15m", 15min},
      {"16h", 16h},
      {"3h30m", 3h + 30min},
      {"10.5s4m", 4min + 10s + 500ms},
      {"-2m3.4s", -(2min + 3s + 400ms)},
      {"1h2m3s4ms5us6ns", 1h + 2min + 3s + 4ms + 5us + 6ns},
      {"39h9m14.425s", 39h + 9min + 14s + 425ms},
      {"52763797000ns", 52763797000ns},
      {"0.3333333333333333333h", 20min},
      {"9007199254740993ns", duration{(std::int64_t{1} << 53) + 1}},
      {"9223372036854775807ns", max_duration},
      {"9223372036854775.807us", max_duration},
      {"9223372036s854ms775us807ns", max_duration},
      {"-9223372036854775808ns", min_duration},
      {"-9223372036854775.808us", min_duration},
      {"-9223372036s854ms775us808ns", min_duration},
      {"-2562047h47m16.854775808s", min_duration},
      {"0.100000000000000000000h", 6min},
      {"0.830103483285477580700h", 49min + 48s + 372539827ns},
  };
  for (const auto& c : cases) {
    CAPTURE(c.text);
    CHECK(gofer::parse_duration(c.text) == c.want);
  }
}

TEST_CASE("parse_duration rejects what Go rejects, with Go's message") {
  const char* invalid[] = {
      "",
      "3",
      "-",
      "s",
      ".",
      "-.",
      ".s",
      "+.s",
      "1d",
      "9223372036854775810ns",
      "9223372036854775808ns",
      "-9223372036854775809ns",
      "9223372036854776us",
      "3000000h",
      "9223372036854775.808us",
      "9223372036854ms775us808ns",
  };
  for (const char* text : invalid) {
    CAPTURE(text);
    CHECK(parse_error(text).find(std::string("\"") + text + "\"") != std::string::npos);
  }
  CHECK(parse_error("") == "time: invalid duration \"\"");
  CHECK(parse_error("3") == "time: missing unit in duration \"3\"");
  CHECK(parse_error("1d") == "time: unknown unit \"d\" in duration \"1d\"");
}

TEST_CASE("a formatted duration parses back to itself") {
  const duration round_trips[] = {1ns,          1100ns,        2200us,
                                  3300ms,       4min + 5001ms, 5h + 6min + 7001ms,
                                  max_duration, min_duration,  -(8min + 1ns)};
  for (duration d : round_trips) {
    CAPTURE(d.count());
    CHECK(gofer::parse_duration(gofer::format_duration(d)) == d);
  }
}
