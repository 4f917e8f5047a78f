// Go's Duration.String and time.ParseDuration, ported from Go 1.19's
// src/time/time.go and src/time/format.go so that gofer programs print and
// read durations exactly as Go programs do ("1.5s", "2h45m0s", "300ms").
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <string_view>

#include "gofer/time.hpp"

namespace gofer {

namespace {

constexpr std::uint64_t nanosecond = 1;
constexpr std::uint64_t microsecond = 1000 * nanosecond;
constexpr std::uint64_t millisecond = 1000 * microsecond;
constexpr std::uint64_t second = 1000 * millisecond;
constexpr std::uint64_t minute = 60 * second;
constexpr std::uint64_t hour = 60 * minute;
constexpr std::uint64_t two_to_the_63 = std::uint64_t{1} << 63;

// Writes the fraction of value / 10^precision backwards, without trailing
// zeros (and without the point when the fraction is zero); returns the
// integer part. `out` receives the characters in reverse order.
std::uint64_t append_fraction_reversed(std::string& out, std::uint64_t value, int precision) {
  bool print = false;
  for (int i = 0; i < precision; ++i) {
    const auto digit = static_cast<char>(value % 10);
    print = print || digit != 0;
    if (print) out.push_back(static_cast<char>('0' + digit));
    value /= 10;
  }
  if (print) out.push_back('.');
  return value;
}

void append_integer_reversed(std::string& out, std::uint64_t value) {
  do {
    out.push_back(static_cast<char>('0' + value % 10));
    value /= 10;
  } while (value > 0);
}

std::string quote(std::string_view text) {
  return "\"" + std::string(text) + "\"";
}

[[noreturn]] void invalid(std::string_view original) {
  throw std::invalid_argument("time: invalid duration " + quote(original));
}

// The number of unit, or 0 for an unknown one.
std::uint64_t unit_value(std::string_view unit) {
  if (unit == "ns") return nanosecond;
  if (unit == "us" || unit == "\u00b5s" || unit == "\u03bcs") return microsecond;
  if (unit == "ms") return millisecond;
  if (unit == "s") return second;
  if (unit == "m") return minute;
  if (unit == "h") return hour;
  return 0;
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

}  // namespace

std::string format_duration(duration d) {
  const std::int64_t count = d.count();
  const bool negative = count < 0;
  // Unsigned negation handles the most negative value, as Go's does.
  std::uint64_t u = static_cast<std::uint64_t>(count);
  if (negative) u = -u;

  std::string reversed;  // built from the last character, as Go fills its buffer
  if (u < second) {
    // Below a second, use smaller units, like 1.2ms.
    if (u == 0) return "0s";
    reversed.push_back('s');
    int precision = 0;
    if (u < microsecond) {
      reversed.push_back('n');
    } else if (u < millisecond) {
      precision = 3;
      reversed += "\xb5\xc2";  // U+00B5 MICRO SIGN, UTF-8 bytes reversed
    } else {
      precision = 6;
      reversed.push_back('m');
    }
    u = append_fraction_reversed(reversed, u, precision);
    append_integer_reversed(reversed, u);
  } else {
    reversed.push_back('s');
    u = append_fraction_reversed(reversed, u, 9);
    append_integer_reversed(reversed, u % 60);  // whole seconds
    u /= 60;
    if (u > 0) {
      reversed.push_back('m');
      append_integer_reversed(reversed, u % 60);  // minutes
      u /= 60;
      // Stop at hours because days can be different lengths.
      if (u > 0) {
        reversed.push_back('h');
        append_integer_reversed(reversed, u);
      }
    }
  }
  if (negative) reversed.push_back('-');
  return {reversed.rbegin(), reversed.rend()};
}

duration parse_duration(std::string_view text) {
  // [-+]?([0-9]*(\.[0-9]*)?[a-z]+)+
  const std::string_view original = text;
  std::uint64_t total = 0;
  bool negative = false;
  if (!text.empty() && (text[0] == '-' || text[0] == '+')) {
    negative = text[0] == '-';
    text.remove_prefix(1);
  }
  if (text == "0") return duration::zero();
  if (text.empty()) invalid(original);
  while (!text.empty()) {
    // The next character must be [0-9.].
    if (!(text[0] == '.' || is_digit(text[0]))) invalid(original);

    // The integer part, [0-9]*.
    std::uint64_t whole = 0;
    std::size_t i = 0;
    for (; i < text.size() && is_digit(text[i]); ++i) {
      if (whole > two_to_the_63 / 10) invalid(original);
      whole = whole * 10 + static_cast<std::uint64_t>(text[i] - '0');
      if (whole > two_to_the_63) invalid(original);
    }
    const bool digits_before_point = i > 0;
    text.remove_prefix(i);

    // The fraction, (\.[0-9]*)?: value = whole + fraction / scale.
    std::uint64_t fraction = 0;
    double scale = 1;
    bool digits_after_point = false;
    if (!text.empty() && text[0] == '.') {
      text.remove_prefix(1);
      bool overflow = false;
      std::size_t j = 0;
      for (; j < text.size() && is_digit(text[j]); ++j) {
        if (overflow) continue;
        if (fraction > (two_to_the_63 - 1) / 10) {
          overflow = true;  // the digits beyond this cannot matter
          continue;
        }
        const std::uint64_t next = fraction * 10 + static_cast<std::uint64_t>(text[j] - '0');
        if (next > two_to_the_63) {
          overflow = true;
          continue;
        }
        fraction = next;
        scale *= 10;
      }
      digits_after_point = j > 0;
      text.remove_prefix(j);
    }
    if (!digits_before_point && !digits_after_point) invalid(original);  // ".s", "-.s"

    // The unit: everything up to the next number.
    std::size_t unit_length = 0;
    while (unit_length < text.size() && text[unit_length] != '.' && !is_digit(text[unit_length])) {
      ++unit_length;
    }
    if (unit_length == 0) {
      throw std::invalid_argument("time: missing unit in duration " + quote(original));
    }
    const std::string_view unit_name = text.substr(0, unit_length);
    text.remove_prefix(unit_length);
    const std::uint64_t unit = unit_value(unit_name);
    if (unit == 0) {
      throw std::invalid_argument("time: unknown unit " + quote(unit_name) + " in duration " +
                                  quote(original));
    }
    if (whole > two_to_the_63 / unit) invalid(original);
    whole *= unit;
    if (fraction > 0) {
      // A double is needed to be nanosecond accurate for fractions of hours.
      whole += static_cast<std::uint64_t>(static_cast<double>(fraction) *
                                          (static_cast<double>(unit) / scale));
      if (whole > two_to_the_63) invalid(original);
    }
    total += whole;
    if (total > two_to_the_63) invalid(original);
  }
  if (negative) return duration{static_cast<std::int64_t>(-total)};
  if (total > two_to_the_63 - 1) invalid(original);
  return duration{static_cast<std::int64_t>(total)};
}

duration since(time_point start) {
  return now() - start;
}

}  // namespace gofer
