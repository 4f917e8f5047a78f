// gofer/fmt.hpp - {fmt} formatters for gofer's types, so that a Go line
//
//   fmt.Printf("check health %v @%.3s\n", dt, time.Since(start))
//
// has a one-to-one C++ line:
//
//   fmt::print("check health {} @{:.3}\n", dt, gofer::since(start));
//
// Opt-in: no other gofer header includes this one and the gofer library does
// not link {fmt}. A program that includes it links fmt::fmt itself:
//
//   find_package(fmt REQUIRED)  # Debian 12: libfmt-dev, {fmt} 9.1
//   target_link_libraries(app PRIVATE gofer::gofer fmt::fmt)
//
// What each type prints with `{}` (Go's %v), and the Go it stands for:
//
//   type                         | {}                 | Go
//   gofer::duration (and every   | 1.5s, 2h45m0s,     | Duration.String
//   exact std::chrono::duration) | 300ms, 1.2µs, 0s   |
//   gofer::time_point            | m=+3.000000000     | the monotonic part of Time.String
//   std::error_code              | context canceled   | an error's Error() (fmt < 11.1; below)
//   std::error_code{} (no error) | <nil>              | a nil error
//   gofer::received<T>           | 42 true            | fmt.Println(v, ok)
//   gofer::signal                | {}                 | struct{}{}
//   gofer::context               | context.Background | Context.String
//                                |   .WithCancel      |
//   gofer::failure               | boom (nil: <nil>)  | an error's Error()
//   bool ({fmt} itself)          | true               | %v, %t
//
// Every formatter here but received<T>'s takes a string's spec, applied to
// the text above: precision cuts it to that many code points (Go's %.3s
// counts runes too: "@{:.3}" prints 3.000001s as "@3.0"), width pads it
// (display width, so "µ" counts one), with fill and alignment: {:>8} is Go's
// %8s, {:<8} (or {:8}: {fmt} left-aligns text) is Go's %-8s, and {:?}
// quotes it, near Go's %q. received<T> hands its spec to T's formatter.
//
// Durations and <fmt/chrono.h>. {fmt}'s own chrono formatter prints
// 1500ms as "1500ms" and takes chrono specs ({:%S}). Including this header
// replaces it, for char output, by Go's text for every std::chrono::duration
// with an integer count whose period is a whole number of nanoseconds
// (nanoseconds up to hours, and std::deci, ...): the specialization here is
// more specialized than fmt/chrono.h's, so it wins whether or not
// fmt/chrono.h is included too, and in either order. What stays with
// fmt/chrono.h: floating-point durations, periods finer than a nanosecond,
// wide-character output; chrono specs such as {:%S} on the durations above
// no longer compile (format d.count(), or a std::chrono::duration<double>).
// A duration too long for Go's (more than about 292 years) throws
// fmt::format_error.
//
// One rule follows from C++ itself: in a program that includes this header,
// include it in every file that formats a std::chrono::duration (a common
// header is the easy way). A file that formats one with only fmt/chrono.h
// would instantiate the other formatter for the same type, and the program
// would break the one-definition rule.
//
// std::error_code: {fmt} 9 to 11.0 have no formatter that prints the
// message (10 and 11.0 print "category:value", and only with fmt/std.h).
// For them this header supplies one: {} and {:s} print message(), as Go's %v
// and %s print an error, and an empty code (no error: ctx.err() before
// cancellation) prints "<nil>", as Go prints a nil error. From {fmt} 11.1,
// fmt/std.h defines its own, which this header includes and leaves alone:
// there {:s} prints message() (an empty code's too, not "<nil>") and {}
// prints "category:value". So {:s} is the spelling that prints an error's
// message with every {fmt}.
#pragma once

#include <fmt/format.h>

#include <chrono>
#include <cstdint>
#include <limits>
#include <ratio>
#include <string>
#include <system_error>
#include <type_traits>
#include <utility>

#include "gofer/chan.hpp"
#include "gofer/context.hpp"
#include "gofer/errors.hpp"
#include "gofer/time.hpp"

#if FMT_VERSION >= 110100
#include <fmt/std.h>
#endif

namespace gofer::detail {

// A duration Go's Duration.String can print: an integer count of a period
// that is a whole number of nanoseconds, so the conversion is exact.
template <class Rep, class Period>
concept go_printable_duration =
    std::is_integral_v<Rep> && std::ratio_divide<Period, std::nano>::den == 1;

// d in nanoseconds, or a format_error if Go's Duration cannot hold it.
template <class Rep, class Period>
duration to_go_duration(std::chrono::duration<Rep, Period> d) {
  constexpr std::intmax_t per_unit = std::ratio_divide<Period, std::nano>::num;
  constexpr std::int64_t max = std::numeric_limits<std::int64_t>::max() / per_unit;
  constexpr std::int64_t min = std::numeric_limits<std::int64_t>::min() / per_unit;
  if (std::cmp_greater(d.count(), max) || std::cmp_less(d.count(), min)) {
    throw fmt::format_error("gofer: duration out of the range of Go's time.Duration");
  }
  return duration{static_cast<std::int64_t>(d.count()) * per_unit};
}

// Go: the " m=+3.000000000" that Time.String appends for a monotonic
// reading (time/format.go), without the leading space: seconds since the
// clock's epoch with nine decimals. gofer's virtual clock starts at 0; the
// real one (steady_clock) counts from an unspecified epoch, boot on Linux.
inline std::string format_monotonic(time_point t) {
  const std::int64_t count = t.time_since_epoch().count();
  // Unsigned negation handles the most negative value, as Go's does.
  std::uint64_t magnitude = static_cast<std::uint64_t>(count);
  if (count < 0) magnitude = -magnitude;
  return fmt::format("m={}{}.{:09}", count < 0 ? '-' : '+', magnitude / 1'000'000'000,
                     magnitude % 1'000'000'000);
}

}  // namespace gofer::detail

// Every formatter below derives from {fmt}'s formatter for strings: parse()
// takes a string's spec (fill, align, width, precision, s, ?) and format()
// prints gofer's text through it.

// Go: Duration.String. {} prints 1500ms as "1.5s"; {:.3} is Go's %.3s.
template <class Rep, class Period>
requires gofer::detail::go_printable_duration<Rep, Period>
struct fmt::formatter<std::chrono::duration<Rep, Period>, char> : fmt::formatter<fmt::string_view> {
  auto format(std::chrono::duration<Rep, Period> d, fmt::format_context& ctx) const {
    const std::string text = gofer::format_duration(gofer::detail::to_go_duration(d));
    return fmt::formatter<fmt::string_view>::format(text, ctx);
  }
};

// Go: the monotonic reading Time.String prints, "m=+3.000000000". A
// steady_clock time has no date to print; the time since some start, as
// Go's examples print it, is a duration: {} of gofer::since(start).
template <class Duration>
requires gofer::detail::go_printable_duration<typename Duration::rep, typename Duration::period>
struct fmt::formatter<std::chrono::time_point<std::chrono::steady_clock, Duration>, char>
    : fmt::formatter<fmt::string_view> {
  auto format(std::chrono::time_point<std::chrono::steady_clock, Duration> t,
              fmt::format_context& ctx) const {
    const std::string text = gofer::detail::format_monotonic(
        gofer::time_point{gofer::detail::to_go_duration(t.time_since_epoch())});
    return fmt::formatter<fmt::string_view>::format(text, ctx);
  }
};

#if FMT_VERSION < 110100
// Go: an error prints its Error() for %v and %s, a nil error "<nil>". {fmt}
// 11.1 brings its own (see the top of this file). An explicit specialization, so with {fmt} 10
// it wins over fmt/std.h's partial one, which prints "category:value".
template <>
struct fmt::formatter<std::error_code, char> : fmt::formatter<fmt::string_view> {
  auto format(const std::error_code& code, fmt::format_context& ctx) const {
    const std::string text = code ? code.message() : "<nil>";
    return fmt::formatter<fmt::string_view>::format(text, ctx);
  }
};
#endif

// Go: struct{}{} prints as "{}".
template <>
struct fmt::formatter<gofer::signal, char> : fmt::formatter<fmt::string_view> {
  auto format(gofer::signal, fmt::format_context& ctx) const {
    return fmt::formatter<fmt::string_view>::format("{}", ctx);
  }
};

// Go: v, ok := <-ch; fmt.Println(v, ok) prints "42 true". The spec applies
// to the value: {:>4} of {7, true} prints "   7 true".
template <class T>
requires fmt::is_formattable<T, char>::value struct fmt::formatter<gofer::received<T>, char> {
  constexpr auto parse(fmt::format_parse_context& ctx) { return value_.parse(ctx); }

  auto format(const gofer::received<T>& r, fmt::format_context& ctx) const {
    ctx.advance_to(value_.format(r.value, ctx));
    return fmt::format_to(ctx.out(), " {}", r.ok);
  }

 private:
  fmt::formatter<T, char> value_;
};

// Go: fmt.Println(ctx) prints Context.String, "context.Background.WithCancel".
template <>
struct fmt::formatter<gofer::context, char> : fmt::formatter<fmt::string_view> {
  auto format(const gofer::context& ctx, fmt::format_context& out) const {
    const std::string text = gofer::to_string(ctx);
    return fmt::formatter<fmt::string_view>::format(text, out);
  }
};

// Go: fmt.Println(err) prints err.Error(); a nil error prints "<nil>". So
// `fmt::print("{}\n", g.wait())` is Go's fmt.Println(g.Wait()).
template <>
struct fmt::formatter<gofer::failure, char> : fmt::formatter<fmt::string_view> {
  auto format(const gofer::failure& failure, fmt::format_context& out) const {
    const std::string text = failure ? failure.message() : std::string("<nil>");
    return fmt::formatter<fmt::string_view>::format(text, out);
  }
};
