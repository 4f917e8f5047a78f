// gofer/fmt.hpp: {fmt} prints gofer's types as Go's fmt prints Go's. Each
// expected string is what the Go line in its comment prints.
#include <gofer/fmt.hpp>

#include <gofer/chan.hpp>
#include <gofer/context.hpp>
#include <gofer/errors.hpp>
#include <gofer/group.hpp>
#include <gofer/runtime.hpp>
#include <gofer/time.hpp>

#include <chrono>
#include <cstdint>
#include <exception>
#include <limits>
#include <ratio>
#include <stdexcept>
#include <string>
#include <system_error>

#include <doctest/doctest.h>

namespace {

using namespace std::chrono_literals;

}  // namespace

TEST_CASE("a duration prints as Go's Duration.String") {
  CHECK(fmt::format("{}", 1500ms) == "1.5s");  // fmt.Sprint(1500 * time.Millisecond)
  CHECK(fmt::format("{}", gofer::duration{1500ms}) == "1.5s");
  CHECK(fmt::format("{}", 2h + 45min) == "2h45m0s");
  CHECK(fmt::format("{}", 300ms) == "300ms");
  CHECK(fmt::format("{}", 1200ns) == "1.2\u00b5s");
  CHECK(fmt::format("{}", 0s) == "0s");
  CHECK(fmt::format("{}", -1500ms) == "-1.5s");
  CHECK(fmt::format("{}", 1h) == "1h0m0s");
  CHECK(fmt::format("{}", gofer::duration::max()) == "2562047h47m16.854775807s");
  CHECK(fmt::format("{}", gofer::duration::min()) == "-2562047h47m16.854775808s");
}

TEST_CASE("every duration whose period is whole nanoseconds prints Go's text") {
  CHECK(fmt::format("{}", std::chrono::duration<long long, std::deci>{3}) == "300ms");
  CHECK(fmt::format("{}", std::chrono::duration<int, std::ratio<1, 20>>{7}) == "350ms");
  CHECK(fmt::format("{}", std::chrono::duration<unsigned, std::micro>{1500}) == "1.5ms");
  CHECK(fmt::format("{}", std::chrono::duration<short, std::ratio<60>>{90}) == "1h30m0s");
}

TEST_CASE("a duration too long for Go's Duration is a format_error") {
  CHECK_THROWS_AS((void)fmt::format("{}", std::chrono::hours{3'000'000}), fmt::format_error);
  CHECK_THROWS_AS((void)fmt::format("{}", std::chrono::hours{-3'000'000}), fmt::format_error);
  CHECK(fmt::format("{}", std::chrono::hours{2'562'047}) == "2562047h0m0s");
}

TEST_CASE("precision cuts a duration's text as Go's %.3s does") {
  // fmt.Printf("@%.3s", 3*time.Second+time.Microsecond) prints "@3.0".
  CHECK(fmt::format("@{:.3}", 3s + 1us) == "@3.0");
  CHECK(fmt::format("@{:.3}", 10s + 1ns) == "@10.");
  CHECK(fmt::format("@{:.3}", 3s) == "@3s");
  // Go counts runes, {fmt} code points: "1.2µs" cut to 4 keeps the µ whole.
  CHECK(fmt::format("{:.4}", 1200ns) == "1.2\u00b5");
  // The monitor's line, Go and C++:
  //   fmt.Printf("check health %v @%.3s\n", dt, time.Since(start))
  //   fmt::print("check health {} @{:.3}\n", dt, gofer::since(start));
  CHECK(fmt::format("check health {} @{:.3}\n", 3s, 3s + 1us) == "check health 3s @3.0\n");
}

TEST_CASE("width, fill and alignment pad a duration as Go's %8v and %-8v do") {
  CHECK(fmt::format("[{:>6}]", 1500ms) == "[  1.5s]");  // fmt.Sprintf("[%6v]", d)
  CHECK(fmt::format("[{:6}]", 1500ms) == "[1.5s  ]");   // fmt.Sprintf("[%-6v]", d)
  CHECK(fmt::format("[{:<6}]", 1500ms) == "[1.5s  ]");
  CHECK(fmt::format("[{:*^8}]", 1500ms) == "[**1.5s**]");
  CHECK(fmt::format("[{:>6}]", 1200ns) == "[ 1.2\u00b5s]");  // µ is one column, one rune
  CHECK(fmt::format("[{:>{}}]", 1500ms, 6) == "[  1.5s]");
  CHECK(fmt::format("{:?}", 1500ms) == "\"1.5s\"");  // fmt.Sprintf("%q", d)
  CHECK(fmt::format("{:s}", 1500ms) == "1.5s");      // fmt.Sprintf("%s", d)
}

TEST_CASE("a time point prints as the monotonic part of Go's Time.String") {
  CHECK(fmt::format("{}", gofer::time_point{}) == "m=+0.000000000");
  CHECK(fmt::format("{}", gofer::time_point{3s + 1ns}) == "m=+3.000000001");
  CHECK(fmt::format("{}", gofer::time_point{-1500ms}) == "m=-1.500000000");
  CHECK(fmt::format("{}", gofer::time_point{4000s + 250ms}) == "m=+4000.250000000");
  CHECK(fmt::format("{}", gofer::time_point::min()) == "m=-9223372036.854775808");
  CHECK(fmt::format("{:.6}", gofer::time_point{3s}) == "m=+3.0");
  CHECK(fmt::format("[{:>16}]", gofer::time_point{3s}) == "[  m=+3.000000000]");
}

TEST_CASE("now() on the virtual clock counts from zero") {
  const std::string text = gofer::run(
      [] {
        gofer::sleep(3s);
        return fmt::format("{}", gofer::now());
      },
      {.virtual_time = true});
  CHECK(text == "m=+3.000000000");
}

TEST_CASE("an error code prints its message, as Go's %v of an error") {
  CHECK(fmt::format("{}", gofer::canceled) == "context canceled");  // fmt.Sprint(context.Canceled)
  CHECK(fmt::format("{}", std::error_code{gofer::deadline_exceeded}) ==
        "context deadline exceeded");
  CHECK(fmt::format("{:s}", std::error_code{gofer::canceled}) == "context canceled");
  CHECK(fmt::format("[{:>17}]", std::error_code{gofer::canceled}) == "[ context canceled]");
  const std::error_code invalid = std::make_error_code(std::errc::invalid_argument);
  CHECK(fmt::format("{}", invalid) == invalid.message());
}

TEST_CASE("no error prints as Go prints a nil error") {
  CHECK(fmt::format("{}", std::error_code{}) == "<nil>");  // fmt.Sprint(ctx.Err()) before cancel
  CHECK(fmt::format("{}", gofer::background().err()) == "<nil>");
}

TEST_CASE("a received value prints as Go's fmt.Println(v, ok)") {
  CHECK(fmt::format("{}", gofer::received<int>{1, true}) == "1 true");
  CHECK(fmt::format("{}", gofer::received<int>{0, false}) == "0 false");
  CHECK(fmt::format("{}", gofer::received<std::string>{"hi", true}) == "hi true");
  CHECK(fmt::format("{}", gofer::received<gofer::signal>{{}, false}) == "{} false");
  CHECK(fmt::format("{}", gofer::received<gofer::duration>{1500ms, true}) == "1.5s true");
  // The spec is the value's: fmt.Printf("%4d %v\n", v, ok).
  CHECK(fmt::format("{:>4}", gofer::received<int>{7, true}) == "   7 true");
  CHECK(fmt::format("{:.3}", gofer::received<gofer::duration>{3s + 1us, true}) == "3.0 true");
}

TEST_CASE("recv's result prints as Go prints v, ok := <-ch") {
  const std::string text = gofer::run([] {
    auto ch = gofer::make_chan<int>(1);
    ch.send(42);
    ch.close();
    const std::string first = fmt::format("{}", ch.recv());
    return first + ", " + fmt::format("{}", ch.recv());
  });
  CHECK(text == "42 true, 0 false");
}

TEST_CASE("a signal prints as Go prints struct{}{}") {
  CHECK(fmt::format("{}", gofer::signal{}) == "{}");  // fmt.Sprint(struct{}{})
  CHECK(fmt::format("[{:>3}]", gofer::signal{}) == "[ {}]");
}

TEST_CASE("a bool prints true or false, as Go's %v and %t") {
  CHECK(fmt::format("{} {}", true, false) == "true false");
}

TEST_CASE("a context prints as Go's Context.String") {
  CHECK(fmt::format("{}", gofer::background()) == "context.Background");
  auto [ctx, cancel] = gofer::with_cancel(gofer::background());
  CHECK(fmt::format("{}", ctx) == "context.Background.WithCancel");
  CHECK(fmt::format("{}", ctx) == gofer::to_string(ctx));
  cancel();
}

TEST_CASE("a failure prints its message, and no failure prints <nil>, as Go's errors do") {
  CHECK(fmt::format("{}", gofer::failure{}) == "<nil>");
  const gofer::failure boom = std::make_exception_ptr(std::runtime_error("boom"));
  CHECK(fmt::format("{}", boom) == "boom");
  const gofer::failure canceled = std::make_exception_ptr(std::system_error(gofer::canceled));
  CHECK(fmt::format("{}", canceled) == "context canceled");
  const std::string waited = gofer::run([] {
    gofer::error_group group;
    group.go([]() -> std::error_code { return gofer::deadline_exceeded; });
    return fmt::format("{}", group.wait());
  });
  CHECK(waited == "context deadline exceeded");
}
