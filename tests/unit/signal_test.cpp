// Tests for gofer/signal.hpp: real signals (raised with kill to this
// process) relayed to channels, and notify_context.
#include <doctest/doctest.h>

#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include <gofer/gofer.hpp>
#include <gofer/signal.hpp>

#include "../support/counted.hpp"

using gofer_test::for_each_scheduler;
using namespace std::chrono_literals;

TEST_CASE("notify relays a signal to every channel registered for it") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          auto first = gofer::make_chan<int>(1);
          auto second = gofer::make_chan<int>(1);
          gofer::signals::notify(first, {SIGUSR1, SIGUSR2});
          gofer::signals::notify(second, {SIGUSR1});
          ::kill(::getpid(), SIGUSR1);
          CHECK(first.get() == SIGUSR1);
          CHECK(second.get() == SIGUSR1);
          ::kill(::getpid(), SIGUSR2);
          CHECK(first.get() == SIGUSR2);
          gofer::signals::stop(first);
          gofer::signals::stop(second);
        },
        options);
  });
}

TEST_CASE("a full channel drops the signal instead of blocking the relay") {
  gofer::run([] {
    auto c = gofer::make_chan<int>(1);
    gofer::signals::notify(c, {SIGUSR1});
    ::kill(::getpid(), SIGUSR1);
    CHECK(c.get() == SIGUSR1);
    ::kill(::getpid(), SIGUSR1);
    // Wait until the relay surely ran for the second: a third makes it
    // through only if the relay did not block on the second.
    while (c.len() == 0)
      gofer::sleep(1ms);
    ::kill(::getpid(), SIGUSR1);
    gofer::sleep(20ms);
    CHECK(c.len() == 1);
    gofer::signals::stop(c);
  });
}

TEST_CASE("main waiting only for a signal is not a deadlock; a plain thread sends it later") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          auto c = gofer::make_chan<int>(1);
          gofer::signals::notify(c, {SIGUSR2});
          std::thread later{[] {
            std::this_thread::sleep_for(50ms);
            ::kill(::getpid(), SIGUSR2);
          }};
          CHECK(c.get() == SIGUSR2);
          later.join();
          gofer::signals::stop(c);
        },
        options);
  });
}

TEST_CASE("after stop, a goroutine blocked on nothing else is a deadlock again") {
  gofer::run([] {
    auto c = gofer::make_chan<int>(1);
    gofer::signals::notify(c, {SIGUSR1});
    gofer::signals::stop(c);
    CHECK_THROWS_AS(c.get(), gofer::deadlock);
  });
}

TEST_CASE("notify_context: cancelled by the signal, with the select shape of a shutdown") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          auto [ctx, stop] = gofer::signals::notify_context(gofer::background(), {SIGTERM});
          auto work = gofer::make_chan<int>();
          gofer::go([] { ::kill(::getpid(), SIGTERM); });
          const int chosen = gofer::select(gofer::recv_case(work), gofer::recv_case(ctx.done()));
          CHECK(chosen == 1);
          CHECK(ctx.err() == gofer::canceled);
          stop();
        },
        options);
  });
}

TEST_CASE("notify with a nil channel or outside run is misuse") {
  gofer::run([] {
    CHECK_THROWS_AS(gofer::signals::notify(gofer::send_chan<int>{}, {SIGUSR1}),
                    gofer::invalid_argument);
  });
  auto c = gofer::make_chan<int>(1);
  CHECK_THROWS_AS(gofer::signals::notify(c, {SIGUSR1}), gofer::runtime_misuse);
}

// On several threads the worker that polls for the signal is not the last to
// go idle: that one wakes it, so that it advances the clock (it hung there
// once, when the default thread count became the CPU count).
TEST_CASE("a registered signal keeps the virtual clock moving") {
  for_each_scheduler([](gofer::run_options options) {
    options.virtual_time = true;
    gofer::run(
        [] {
          auto c = gofer::make_chan<int>(1);
          gofer::signals::notify(c, {SIGUSR1});
          const gofer::time_point start = gofer::now();
          gofer::sleep(1h);  // on the virtual clock: at once
          CHECK(gofer::now() - start == 1h);
          gofer::go([] { gofer::sleep(1h); });  // and again, from another goroutine
          gofer::sleep(2h);
          CHECK(gofer::now() - start == 3h);
          gofer::signals::stop(c);
        },
        options);
  });
}
