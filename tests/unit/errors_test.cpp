// Tests for gofer/errors.hpp: gofer::failure, the printable, comparable
// error value that error_group::wait() and cause(ctx) return, and
// is_timeout, and the exceptions' one hierarchy. (Each exception is tested
// where it is thrown.)
#include <doctest/doctest.h>

#include <chrono>
#include <exception>
#include <stdexcept>
#include <string>
#include <system_error>
#include <type_traits>

#include <gofer/gofer.hpp>

#include "../support/counted.hpp"

using gofer::failure;
using gofer_test::for_each_scheduler;

TEST_CASE("an empty failure is Go's nil error") {
  const failure none;
  CHECK_FALSE(none);
  CHECK(none == nullptr);
  CHECK(nullptr == none);
  CHECK(none == failure{nullptr});
  CHECK(none.message().empty());
  CHECK_FALSE(none.code());
  CHECK(none != gofer::canceled);
  CHECK(none != std::error_code{});  // nil is no error code, not even the empty one
  CHECK(none.exception() == nullptr);
}

TEST_CASE("a failure prints what() and compares by the exception it holds") {
  const std::exception_ptr doom = std::make_exception_ptr(std::runtime_error("doomed"));
  const failure err = doom;
  CHECK(err);
  CHECK(err != nullptr);
  CHECK(err.message() == "doomed");
  CHECK(err == doom);
  CHECK(doom == err);
  CHECK(err == failure{doom});
  CHECK(err != std::make_exception_ptr(std::runtime_error("doomed")));  // another object
  CHECK(err != gofer::canceled);
  CHECK_FALSE(err.code());
  CHECK(err.holds<std::runtime_error>());
  CHECK(err.holds<std::exception>());
  CHECK_FALSE(err.holds<std::logic_error>());
}

TEST_CASE("a failure holding a system_error equals its error code (Go: errors.Is)") {
  const failure cancelled = std::make_exception_ptr(std::system_error(gofer::canceled));
  CHECK(cancelled == gofer::canceled);
  CHECK(gofer::canceled == cancelled);
  CHECK(cancelled != gofer::deadline_exceeded);
  CHECK(cancelled.message() == "context canceled");
  CHECK(cancelled.code() == gofer::canceled);
  CHECK(cancelled == gofer::context_errc::canceled);

  const failure expired = std::make_exception_ptr(std::system_error(gofer::deadline_exceeded));
  CHECK(expired == gofer::deadline_exceeded);
  CHECK(expired == std::errc::timed_out);  // by the category's equivalence
  CHECK(gofer::is_timeout(expired.code()));
  CHECK(expired.message() == "context deadline exceeded");

  const failure io = std::make_exception_ptr(
      std::system_error(std::make_error_code(std::errc::no_such_file_or_directory), "open config"));
  CHECK(io == std::errc::no_such_file_or_directory);
  CHECK(io.message().starts_with("open config: "));  // what(), with its context
}

TEST_CASE("a failure converts to and from std::exception_ptr") {
  const std::exception_ptr doom = std::make_exception_ptr(std::runtime_error("doomed"));
  failure err = doom;
  const std::exception_ptr back = err;  // existing exception_ptr code keeps compiling
  CHECK(back == doom);
  CHECK_THROWS_WITH_AS(std::rethrow_exception(err), "doomed", std::runtime_error);
  err = nullptr;
  CHECK_FALSE(err);
  std::exception_ptr assigned;
  assigned = failure{doom};
  CHECK(assigned == doom);
}

TEST_CASE("a failure that is not a std::exception still prints") {
  const failure odd = std::make_exception_ptr(42);
  CHECK(odd);
  CHECK(odd.message() == "unknown exception");
  CHECK_FALSE(odd.code());
  CHECK(odd != gofer::canceled);
}

TEST_CASE("is_timeout is true for deadline_exceeded and timed_out codes only") {
  CHECK(gofer::is_timeout(gofer::deadline_exceeded));
  CHECK(gofer::is_timeout(std::make_error_code(std::errc::timed_out)));
  CHECK_FALSE(gofer::is_timeout(gofer::canceled));
  CHECK_FALSE(gofer::is_timeout(std::make_error_code(std::errc::operation_canceled)));
  CHECK_FALSE(gofer::is_timeout(std::error_code{}));
}

TEST_CASE("error_group wait and cause return failures that print and compare") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          gofer::error_group g;
          g.go([] { return gofer::canceled; });  // a function that returns an error code
          const failure err = g.wait();
          REQUIRE(err);
          CHECK(err == gofer::canceled);
          CHECK(err.message() == "context canceled");
          CHECK(gofer::cause(g.ctx()) == err);

          auto [ctx, cancel] = gofer::with_cancel(gofer::background());
          CHECK(gofer::cause(ctx) == nullptr);
          cancel();
          CHECK(gofer::cause(ctx) == gofer::canceled);
          CHECK(gofer::cause(ctx).message() == "context canceled");
        },
        options);
  });
}

// Catching gofer::error catches every misuse gofer reports (errors.hpp).
static_assert(std::is_base_of_v<gofer::error, gofer::send_on_closed_channel>);
static_assert(std::is_base_of_v<gofer::error, gofer::close_of_closed_channel>);
static_assert(std::is_base_of_v<gofer::error, gofer::close_of_nil_channel>);
static_assert(std::is_base_of_v<gofer::error, gofer::invalid_argument>);
static_assert(std::is_base_of_v<gofer::error, gofer::runtime_misuse>);
static_assert(std::is_base_of_v<gofer::error, gofer::negative_wait_group_counter>);
static_assert(std::is_base_of_v<gofer::error, gofer::wait_group_misuse>);
static_assert(std::is_base_of_v<gofer::error, gofer::unlock_of_unlocked_mutex>);
static_assert(std::is_base_of_v<gofer::error, gofer::deadlock>);
static_assert(std::is_base_of_v<std::logic_error, gofer::error>);
// Not also a std::invalid_argument: that would make std::logic_error (and
// std::exception) an ambiguous base, which no handler could catch.
static_assert(!std::is_base_of_v<std::invalid_argument, gofer::invalid_argument>);

TEST_CASE("every precondition failure is a gofer::error, and a std::logic_error") {
  // Go: make(chan int, -1), time.NewTicker(0), Ticker.Reset(-1), and run's own threads = 0.
  const auto expect_invalid_argument = [](auto&& call, const char* what) {
    CAPTURE(what);
    CHECK_THROWS_WITH_AS(call(), what, gofer::invalid_argument);
    CHECK_THROWS_AS(call(), gofer::error);
    CHECK_THROWS_AS(call(), std::logic_error);  // what catchers of std::invalid_argument can use
    CHECK_THROWS_AS(call(), std::exception);
  };
  expect_invalid_argument([] { gofer::make_chan<int>(-1); }, "makechan: size out of range");
  expect_invalid_argument([] { gofer::run([] {}, {.threads = 0}); },
                          "gofer::run: threads must be at least 1");
  gofer::run([&] {
    expect_invalid_argument([] { gofer::ticker(gofer::duration::zero()); },
                            "non-positive interval for NewTicker");
    gofer::ticker tk(std::chrono::hours(1));
    expect_invalid_argument([&] { tk.reset(-gofer::duration(1)); },
                            "non-positive interval for Ticker.Reset");
  });
}

TEST_CASE("parse_duration's bad input is Go's returned error, not misuse: std::invalid_argument") {
  CHECK_THROWS_AS(gofer::parse_duration("1x"), std::invalid_argument);
  bool is_gofer_error = false;
  try {
    gofer::parse_duration("1x");
  } catch (const gofer::error&) {
    is_gofer_error = true;
  } catch (const std::invalid_argument&) {
  }
  CHECK_FALSE(is_gofer_error);
}
