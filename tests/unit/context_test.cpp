// Tests for gofer/context.hpp: Go's context package, under every scheduler
// setup. Ported from Go's src/context/context_test.go (TestBackground,
// TestWithCancel, TestParentFinishesChild, TestChildFinishesFirst,
// TestDeadline, TestTimeout, TestCanceledTimeout, TestValues,
// TestSimultaneousCancels, TestInterlockedCancels, TestLayersCancel,
// TestWithCancelCanceledParent, TestCause, TestWithoutCancel,
// TestDeadlineExceededSupportsTimeout, and x_test.go's TestAfterFunc*). Go's tests sleep on the
// real clock; these use run_options::virtual_time, so every deadline is checked to the nanosecond.
#include <doctest/doctest.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstddef>
#include <exception>
#include <memory>
#include <stdexcept>
#include <string>
#include <system_error>
#include <vector>

#include <gofer/gofer.hpp>

#include "../support/counted.hpp"

using namespace std::chrono_literals;
using gofer::context;
using gofer::default_case;
using gofer::recv_case;
using gofer::select;
using gofer_test::code_of;
using gofer_test::counted;
using gofer_test::for_each_scheduler;
using gofer_test::is_done;
using gofer_test::let_others_run;
using gofer_test::message_of;
using gofer_test::with_virtual_time;

TEST_CASE("background is never cancelled: its done is nil and its err empty") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          for (const context& ctx : {gofer::background(), gofer::todo(), context{}}) {
            CHECK(ctx.done() == nullptr);
            CHECK_FALSE(ctx.err());
            CHECK_FALSE(ctx.deadline().has_value());
            CHECK_FALSE(is_done(ctx));  // the default case is chosen
            CHECK(gofer::cause(ctx) == nullptr);
          }
        },
        options);
  });
}

// Go: TestWithCancel.
TEST_CASE("with_cancel closes done and sets canceled when cancel is called") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          auto [c1, cancel] = gofer::with_cancel(gofer::background());
          auto [c2, cancel2] = gofer::with_cancel(c1);
          for (const context& c : {c1, c2}) {
            CHECK(c.done() != nullptr);
            CHECK_FALSE(c.err());
            CHECK_FALSE(is_done(c));
          }
          cancel();
          for (const context& c : {c1, c2}) {
            CHECK(is_done(c));
            CHECK(c.err() == gofer::canceled);
          }
          cancel2();
        },
        options);
  });
}

TEST_CASE("err never changes once set and cancel is idempotent") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          auto [ctx, cancel] = gofer::with_timeout(gofer::background(), 1s);
          cancel();
          CHECK(ctx.err() == gofer::canceled);
          cancel();
          cancel();
          gofer::sleep(2s);  // past the deadline: the timer must not overwrite err
          CHECK(ctx.err() == gofer::canceled);
          CHECK(is_done(ctx));
        },
        with_virtual_time(options));
  });
}

TEST_CASE("the error codes read as Go's errors") {
  CHECK(gofer::canceled.message() == "context canceled");
  CHECK(gofer::deadline_exceeded.message() == "context deadline exceeded");
  CHECK(gofer::canceled != gofer::deadline_exceeded);
  CHECK(gofer::canceled.category() == gofer::context_category());
  CHECK(std::error_code(gofer::context_errc::canceled) == gofer::canceled);
  CHECK(std::system_error(gofer::deadline_exceeded).code() == gofer::deadline_exceeded);
}

// Go: TestParentFinishesChild.
TEST_CASE("cancelling a parent cancels every child and grandchild, also through value nodes") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          static const gofer::context_key<std::string> key;
          // parent -> cancel_child -> grandchild
          // parent -> value_child -> timer_child -> value_grandchild
          auto [parent, cancel] = gofer::with_cancel(gofer::background());
          auto [cancel_child, stop1] = gofer::with_cancel(parent);
          auto [grandchild, stop2] = gofer::with_cancel(cancel_child);
          const context value_child = gofer::with_value(parent, key, "value");
          auto [timer_child, stop3] = gofer::with_timeout(value_child, 10000h);
          const context value_grandchild = gofer::with_value(timer_child, key, "inner");
          const std::vector<context> all{parent,      cancel_child, grandchild,
                                         value_child, timer_child,  value_grandchild};
          for (const context& c : all) {
            CHECK_FALSE(is_done(c));
          }
          CHECK(value_child.done() == parent.done());  // a value node shares its parent's
          cancel();
          for (const context& c : all) {
            CHECK(is_done(c));
            CHECK(c.err() == gofer::canceled);
          }
          CHECK(*value_grandchild.value(key) == "inner");

          // A child of a cancelled parent is born cancelled, through a value node too.
          const context precancelled = gofer::with_value(parent, key, "value");
          CHECK(is_done(precancelled));
          CHECK(precancelled.err() == gofer::canceled);
          auto [late, stop4] = gofer::with_cancel(precancelled);
          CHECK(is_done(late));
          CHECK(late.err() == gofer::canceled);
          stop1();
          stop2();
          stop3();
          stop4();
        },
        with_virtual_time(options));
  });
}

// Go: TestChildFinishesFirst and TestCancelRemoves (without the internals).
TEST_CASE("cancelling a child does not touch its parent, which then cancels fine") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          auto [cancelable, stop] = gofer::with_cancel(gofer::background());
          for (const context& parent : {gofer::background(), cancelable}) {
            auto [child, cancel] = gofer::with_cancel(parent);
            CHECK_FALSE(is_done(parent));
            CHECK_FALSE(is_done(child));
            cancel();
            CHECK(is_done(child));
            CHECK(child.err() == gofer::canceled);
            CHECK_FALSE(is_done(parent));
            CHECK_FALSE(parent.err());
          }
          // The detached child is not cancelled again (its err and cause stay).
          auto [child, cancel_child] = gofer::with_cancel_cause(cancelable);
          cancel_child(std::make_exception_ptr(std::runtime_error("child's own")));
          stop();
          CHECK(is_done(cancelable));
          CHECK(cancelable.err() == gofer::canceled);
          CHECK(message_of(gofer::cause(child)) == "child's own");
        },
        options);
  });
}

// Go: TestWithCancelCanceledParent.
TEST_CASE("a child of an already-cancelled parent is born cancelled") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          auto [parent, pcancel] = gofer::with_cancel(gofer::background());
          pcancel();
          auto [c, cancel] = gofer::with_cancel(parent);
          c.done().recv();  // does not block
          CHECK(c.err() == gofer::canceled);
          auto [t, tcancel] = gofer::with_timeout(parent, 1h);
          CHECK(is_done(t));
          CHECK(t.err() == gofer::canceled);  // the parent's error, not deadline_exceeded
          cancel();
          tcancel();
        },
        with_virtual_time(options));
  });
}

// Go: TestTimeout.
TEST_CASE("with_timeout is cancelled with deadline_exceeded exactly at its deadline") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          const gofer::time_point start = gofer::now();
          auto [ctx, cancel] = gofer::with_timeout(gofer::background(), 50ms);
          REQUIRE(ctx.deadline().has_value());
          CHECK(*ctx.deadline() == start + 50ms);
          CHECK_FALSE(is_done(ctx));
          CHECK_FALSE(ctx.err());
          const std::size_t index = select(recv_case(ctx.done()), recv_case(gofer::after(1s)));
          CHECK(index == 0);
          CHECK(gofer::now() - start == 50ms);
          CHECK(ctx.err() == gofer::deadline_exceeded);
          CHECK(code_of(gofer::cause(ctx)) == gofer::deadline_exceeded);
          cancel();
          CHECK(ctx.err() == gofer::deadline_exceeded);  // cancel after expiry changes nothing
        },
        with_virtual_time(options));
  });
}

// Go: TestDeadline.
TEST_CASE("with_deadline expires at its deadline and a past deadline is born expired") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          const gofer::time_point start = gofer::now();
          {
            auto [ctx, cancel] = gofer::with_deadline(gofer::background(), start + 50ms);
            CHECK(ctx.deadline() == start + 50ms);
            ctx.done().recv();
            CHECK(gofer::now() == start + 50ms);
            CHECK(ctx.err() == gofer::deadline_exceeded);
            cancel();
          }
          for (const gofer::duration offset : {-1ms, 0ms}) {
            const gofer::time_point now = gofer::now();
            auto [ctx, cancel] = gofer::with_deadline(gofer::background(), now + offset);
            CHECK(is_done(ctx));  // at once, before any time passes
            CHECK(ctx.err() == gofer::deadline_exceeded);
            CHECK(gofer::now() == now);
            cancel();
          }
        },
        with_virtual_time(options));
  });
}

TEST_CASE("a child's deadline is the earlier of its own and its parent's") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          static const gofer::context_key<int> key;
          const gofer::time_point start = gofer::now();
          auto [parent, pcancel] = gofer::with_timeout(gofer::background(), 50ms);
          const context through_value = gofer::with_value(parent, key, 1);
          CHECK(through_value.deadline() == start + 50ms);
          auto [later, c1] = gofer::with_timeout(through_value, 4s);
          auto [earlier, c2] = gofer::with_timeout(through_value, 20ms);
          auto [plain, c3] = gofer::with_cancel(parent);
          CHECK(later.deadline() == start + 50ms);
          CHECK(earlier.deadline() == start + 20ms);
          CHECK(plain.deadline() == start + 50ms);

          earlier.done().recv();
          CHECK(gofer::now() == start + 20ms);
          CHECK(earlier.err() == gofer::deadline_exceeded);
          CHECK_FALSE(parent.err());

          later.done().recv();  // through the parent's deadline
          CHECK(gofer::now() == start + 50ms);
          // An ancestor is cancelled before its descendants; siblings in no order.
          CHECK(parent.err() == gofer::deadline_exceeded);
          CHECK(through_value.err() == gofer::deadline_exceeded);
          CHECK(later.err() == gofer::deadline_exceeded);
          plain.done().recv();
          CHECK(plain.err() == gofer::deadline_exceeded);
          CHECK(gofer::now() == start + 50ms);
          pcancel();
          c1();
          c2();
          c3();
        },
        with_virtual_time(options));
  });
}

// Go: TestCanceledTimeout.
TEST_CASE("cancelling a context with a deadline gives canceled, not deadline_exceeded") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          auto [outer, outer_cancel] = gofer::with_timeout(gofer::background(), 1s);
          auto [ctx, cancel] = gofer::with_timeout(outer, 2s);
          cancel();
          CHECK(is_done(ctx));
          CHECK(ctx.err() == gofer::canceled);
          CHECK_FALSE(outer.err());
          gofer::sleep(3s);
          CHECK(ctx.err() == gofer::canceled);
          CHECK(outer.err() == gofer::deadline_exceeded);
          outer_cancel();
        },
        with_virtual_time(options));
  });
}

// Go: TestLayersTimeout, deterministic: a long chain of values, cancels and
// timeouts expires at the earliest deadline and keeps every value.
TEST_CASE("a chain of layers expires at its earliest deadline and keeps its values") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          constexpr int layers = 30;
          std::vector<std::unique_ptr<gofer::context_key<int>>> keys;
          std::vector<gofer::cancel_func> cancels;
          const gofer::time_point start = gofer::now();
          context ctx;
          for (int i = 0; i < layers; ++i) {
            switch (i % 3) {
              case 0:
                keys.push_back(std::make_unique<gofer::context_key<int>>());
                ctx = gofer::with_value(ctx, *keys.back(), i);
                break;
              case 1: {
                auto [c, cancel] = gofer::with_cancel(ctx);
                ctx = c;
                cancels.push_back(cancel);
                break;
              }
              case 2: {
                auto [c, cancel] = gofer::with_timeout(ctx, 200ms + i * 1ms);
                ctx = c;
                cancels.push_back(cancel);
                break;
              }
            }
          }
          CHECK(ctx.deadline() == start + 202ms);
          CHECK_FALSE(is_done(ctx));
          ctx.done().recv();
          CHECK(gofer::now() == start + 202ms);
          CHECK(ctx.err() == gofer::deadline_exceeded);
          for (std::size_t k = 0; k < keys.size(); ++k) {
            REQUIRE(ctx.value(*keys[k]) != nullptr);
            CHECK(*ctx.value(*keys[k]) == static_cast<int>(k) * 3);
          }
          for (const auto& cancel : cancels)
            cancel();
        },
        with_virtual_time(options));
  });
}

// Go: TestValues.
TEST_CASE("with_value looks keys up through the chain, with shadowing and distinct keys") {
  static const gofer::context_key<std::string> k1;
  static const gofer::context_key<std::string> k2;  // same type as k1, another key
  static const gofer::context_key<int> k3;
  auto value = [](const context& c, const gofer::context_key<std::string>& k) {
    const std::string* v = c.value(k);
    return v != nullptr ? *v : std::string{"<none>"};
  };

  const context c0 = gofer::background();
  CHECK(c0.value(k1) == nullptr);
  CHECK(c0.value(k3) == nullptr);

  const context c1 = gofer::with_value(c0, k1, "c1k1");
  CHECK(value(c1, k1) == "c1k1");
  CHECK(value(c1, k2) == "<none>");
  CHECK(c1.value(k3) == nullptr);

  const context c2 = gofer::with_value(c1, k2, "c2k2");
  CHECK(value(c2, k1) == "c1k1");
  CHECK(value(c2, k2) == "c2k2");

  auto [c3, cancel] = gofer::with_cancel(c2);  // values pass through cancellable nodes
  const context c4 = gofer::with_value(c3, k3, 3);
  CHECK(value(c4, k1) == "c1k1");
  CHECK(value(c4, k2) == "c2k2");
  REQUIRE(c4.value(k3) != nullptr);
  CHECK(*c4.value(k3) == 3);

  const context c5 = gofer::with_value(c4, k1, "shadow");
  CHECK(value(c5, k1) == "shadow");
  CHECK(value(c4, k1) == "c1k1");  // the parent still sees its own
  CHECK(value(c5, k2) == "c2k2");

  // A key that goes out of scope is a different key from every live one.
  {
    const gofer::context_key<std::string> local;
    CHECK(c5.value(local) == nullptr);
  }
  cancel();
  CHECK(value(c5, k1) == "shadow");  // cancellation keeps values
}

TEST_CASE("with_value keeps a value alive as long as a context holds it") {
  counted::reset();
  {
    static const gofer::context_key<counted> key;
    context ctx = gofer::with_value(gofer::background(), key, counted{7});
    const context copy = ctx;
    ctx = {};
    CHECK(counted::live() == 1);
    CHECK(copy.value(key)->id == 7);
  }
  CHECK(counted::live() == 0);
}

// Go: TestCause.
TEST_CASE("cause returns the given cause, falls back to err, and is null before cancellation") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          const auto doom = std::make_exception_ptr(std::runtime_error("doomed"));
          SUBCASE("not cancelled") {
            auto [ctx, cancel] = gofer::with_cancel_cause(gofer::background());
            CHECK_FALSE(ctx.err());
            CHECK(gofer::cause(ctx) == nullptr);
            cancel(nullptr);
          }
          SUBCASE("with a cause") {
            auto [ctx, cancel] = gofer::with_cancel_cause(gofer::background());
            cancel(doom);
            CHECK(ctx.err() == gofer::canceled);
            CHECK(gofer::cause(ctx) == doom);
            cancel(std::make_exception_ptr(std::runtime_error("later")));
            CHECK(gofer::cause(ctx) == doom);  // the first cause stays
          }
          SUBCASE("with a null cause") {
            auto [ctx, cancel] = gofer::with_cancel_cause(gofer::background());
            cancel(nullptr);
            CHECK(code_of(gofer::cause(ctx)) == gofer::canceled);
          }
          SUBCASE("a child of a parent cancelled with a cause") {
            auto [parent, cancel] = gofer::with_cancel_cause(gofer::background());
            auto [child, child_cancel] = gofer::with_cancel(parent);
            static const gofer::context_key<int> key;
            const context value_child = gofer::with_value(child, key, 1);
            cancel(doom);
            CHECK(child.err() == gofer::canceled);
            CHECK(gofer::cause(child) == doom);
            CHECK(gofer::cause(value_child) == doom);
            child_cancel();
          }
          SUBCASE("a child of a parent cancelled without a cause") {
            auto [parent, cancel] = gofer::with_cancel(gofer::background());
            auto [child, child_cancel] = gofer::with_cancel_cause(parent);
            cancel();
            CHECK(code_of(gofer::cause(child)) == gofer::canceled);
            child_cancel(doom);  // too late: the child is cancelled already
            CHECK(code_of(gofer::cause(child)) == gofer::canceled);
          }
          SUBCASE("a child born under a parent cancelled with a cause") {
            auto [parent, cancel] = gofer::with_cancel_cause(gofer::background());
            cancel(doom);
            auto [child, child_cancel] = gofer::with_cancel(parent);
            CHECK(gofer::cause(child) == doom);
            child_cancel();
          }
          SUBCASE("deadline exceeded, then cancelled with a cause") {
            auto [parent, cancel] = gofer::with_cancel_cause(gofer::background());
            auto [ctx, stop] = gofer::with_timeout(parent, 1s);
            gofer::sleep(2s);
            CHECK(ctx.err() == gofer::deadline_exceeded);
            cancel(doom);
            CHECK(code_of(gofer::cause(ctx)) == gofer::deadline_exceeded);
            CHECK(gofer::cause(parent) == doom);
            stop();
          }
          SUBCASE("cancelled with a cause before a child's deadline") {
            auto [parent, cancel] = gofer::with_cancel_cause(gofer::background());
            auto [ctx, stop] = gofer::with_timeout(parent, 1s);
            cancel(doom);
            gofer::sleep(2s);
            CHECK(ctx.err() == gofer::canceled);
            CHECK(gofer::cause(ctx) == doom);
            stop();
          }
        },
        with_virtual_time(options));
  });
}

TEST_CASE("one parent cancels ten thousand children") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          constexpr int n = 10000;
          auto [parent, cancel] = gofer::with_cancel(gofer::background());
          std::vector<gofer::context_with<gofer::cancel_func>> children;
          children.reserve(n);
          for (int i = 0; i < n; ++i)
            children.push_back(gofer::with_cancel(parent));
          // Half of them detach first: the parent must cope with both kinds.
          for (int i = 0; i < n; i += 2)
            children[static_cast<std::size_t>(i)].cancel();
          cancel();
          int cancelled = 0;
          for (const auto& child : children) {
            if (is_done(child.ctx) && child.ctx.err() == gofer::canceled) ++cancelled;
          }
          CHECK(cancelled == n);
          for (const auto& child : children)
            child.cancel();
        },
        options);
  });
}

TEST_CASE("dropping uncancelled children does not keep them alive in the parent") {
  counted::reset();
  gofer::run([] {
    static const gofer::context_key<counted> key;
    auto [parent, cancel] = gofer::with_cancel(gofer::background());
    for (int i = 0; i < 1000; ++i) {
      auto [child, child_cancel] = gofer::with_cancel(gofer::with_value(parent, key, counted{i}));
      (void)child_cancel;  // never called: Go's vet would complain; gofer must not leak
    }
    CHECK(counted::live() == 0);
    cancel();
  });
  CHECK(counted::live() == 0);
}

TEST_CASE("every goroutine selecting on one done wakes when it is cancelled") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          constexpr int n = 1000;
          auto [ctx, cancel] = gofer::with_cancel(gofer::background());
          auto never = gofer::make_chan<int>();
          std::atomic<int> started{0};
          std::atomic<int> woke{0};
          gofer::wait_group wg;
          wg.add(n);
          for (int i = 0; i < n; ++i) {
            gofer::go([&, ctx = ctx] {
              started.fetch_add(1);
              int v = 0;
              if (select(recv_case(never, v), recv_case(ctx.done())) == 1 &&
                  ctx.err() == gofer::canceled) {
                woke.fetch_add(1);
              }
              wg.done();
            });
          }
          while (started.load() < n)
            gofer::yield();
          cancel();
          wg.wait();
          CHECK(woke.load() == n);
        },
        options);
  });
}

// Go: TestSimultaneousCancels and TestInterlockedCancels.
TEST_CASE("a tree cancelled from every node at once ends with all nodes cancelled") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          std::vector<gofer::context_with<gofer::cancel_func>> nodes;
          nodes.push_back(gofer::with_cancel(gofer::background()));
          for (std::size_t next = 0; nodes.size() < 100; ++next) {
            for (int i = 0; i < 4; ++i)
              nodes.push_back(gofer::with_cancel(nodes[next].ctx));
          }
          gofer::wait_group wg;
          wg.add(static_cast<std::ptrdiff_t>(nodes.size()));
          // In reverse, so children often race their parents.
          for (std::size_t i = nodes.size(); i-- > 0;) {
            gofer::go([&wg, cancel = nodes[i].cancel] {
              cancel();
              wg.done();
            });
          }
          for (const auto& node : nodes) {
            node.ctx.done().recv();
            CHECK(node.ctx.err() == gofer::canceled);
          }
          wg.wait();

          auto [parent, cancel_parent] = gofer::with_cancel(gofer::background());
          auto [child, cancel_child] = gofer::with_cancel(parent);
          gofer::go([parent = parent, cancel_child = cancel_child] {
            parent.done().recv();
            cancel_child();
          });
          cancel_parent();
          child.done().recv();
          CHECK(child.err() == gofer::canceled);
        },
        options);
  });
}

// Go: TestDeadlineExceededSupportsTimeout.
TEST_CASE("deadline_exceeded is a timeout and canceled is not") {
  CHECK(gofer::deadline_exceeded == std::errc::timed_out);
  CHECK(gofer::canceled != std::errc::timed_out);
  CHECK(gofer::canceled != std::errc::operation_canceled);  // only itself
  CHECK(gofer::is_timeout(gofer::deadline_exceeded));
  CHECK_FALSE(gofer::is_timeout(gofer::canceled));
  CHECK_FALSE(gofer::is_timeout(std::error_code{}));
  CHECK(gofer::is_timeout(std::make_error_code(std::errc::timed_out)));
  CHECK(gofer::is_timeout(std::error_code(ETIMEDOUT, std::system_category())));
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          auto [ctx, cancel] = gofer::with_timeout(gofer::background(), 1s);
          ctx.done().recv();
          CHECK(gofer::is_timeout(ctx.err()));
          CHECK(gofer::cause(ctx) == std::errc::timed_out);
          auto [cancelled, cancel2] = gofer::with_timeout(gofer::background(), 1s);
          cancel2();
          CHECK_FALSE(gofer::is_timeout(cancelled.err()));
          cancel();
        },
        with_virtual_time(options));
  });
}

// Go: runtime/time.go when(): a deadline that would overflow is "never".
TEST_CASE("with_timeout of duration::max never expires, even after the clock has moved") {
  for_each_scheduler([](const gofer::run_options& options) {
    auto check_never = [] {
      auto [ctx, cancel] = gofer::with_timeout(gofer::background(), gofer::duration::max());
      CHECK(ctx.deadline() == gofer::time_point::max());
      CHECK_FALSE(is_done(ctx));
      CHECK_FALSE(ctx.err());
      // A finite deadline below it still expires on time.
      const gofer::time_point start = gofer::now();
      auto [inner, inner_cancel] = gofer::with_timeout(ctx, 1s);
      CHECK(inner.deadline() == start + 1s);
      inner.done().recv();
      CHECK(inner.err() == gofer::deadline_exceeded);
      CHECK_FALSE(ctx.err());
      auto [later, later_cancel] = gofer::with_timeout(ctx, gofer::duration::max());
      CHECK(later.deadline() == gofer::time_point::max());
      gofer::sleep(24h);
      CHECK_FALSE(ctx.err());
      CHECK_FALSE(later.err());
      later_cancel();
      inner_cancel();
      cancel();
      CHECK(ctx.err() == gofer::canceled);
    };
    SUBCASE("virtual time, after sleep has moved the clock") {
      gofer::run(
          [&] {
            gofer::sleep(1h);  // now() + duration::max() overflows from here on
            check_never();
          },
          with_virtual_time(options));
    }
    SUBCASE("real time") {
      gofer::run(
          [] {
            auto [ctx, cancel] = gofer::with_timeout(gofer::background(), gofer::duration::max());
            CHECK(ctx.deadline() == gofer::time_point::max());
            gofer::sleep(1ms);
            CHECK_FALSE(is_done(ctx));
            CHECK_FALSE(ctx.err());
            cancel();
          },
          options);
    }
    SUBCASE("duration::min is born expired") {
      gofer::run(
          [] {
            gofer::sleep(1h);
            auto [ctx, cancel] = gofer::with_timeout(gofer::background(), gofer::duration::min());
            CHECK(is_done(ctx));
            CHECK(ctx.err() == gofer::deadline_exceeded);
            cancel();
          },
          with_virtual_time(options));
    }
  });
}

TEST_CASE("a deadline of time_point::max needs no timer: waiting on it is a deadlock") {
  for_each_scheduler([](const gofer::run_options& options) {
    // On the virtual clock any pending timer, however far, would be jumped
    // to and fire; with no timer, main blocked on done() is a deadlock.
    CHECK_THROWS_AS(gofer::run(
                        [] {
                          gofer::sleep(1s);
                          auto [ctx, cancel] =
                              gofer::with_deadline(gofer::background(), gofer::time_point::max());
                          ctx.done().recv();
                        },
                        with_virtual_time(options)),
                    gofer::deadlock);
  });
}

TEST_CASE("gofer::tie assigns a context and its cancel to existing variables") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          context ctx = gofer::background();
          gofer::cancel_func cancel;
          const gofer::time_point start = gofer::now();
          gofer::tie(ctx, cancel) = gofer::with_timeout(ctx, 1s);  // Go: ctx, cancel = ...
          CHECK(ctx.deadline() == start + 1s);
          const context first = ctx;
          gofer::cancel_func first_cancel = cancel;
          gofer::tie(ctx, cancel) = gofer::with_cancel(ctx);  // a child of the old ctx
          CHECK(ctx != first);
          CHECK(ctx.deadline() == start + 1s);
          first_cancel();
          CHECK(ctx.err() == gofer::canceled);
          cancel();

          context cause_ctx;
          gofer::cancel_cause_func cancel_cause;
          gofer::tie(cause_ctx, cancel_cause) = gofer::with_cancel_cause(gofer::background());
          const auto doom = std::make_exception_ptr(std::runtime_error("doomed"));
          cancel_cause(doom);
          CHECK(gofer::cause(cause_ctx) == doom);

          auto result = gofer::with_cancel(gofer::background());  // .ctx and .cancel still work
          result.cancel();
          CHECK(result.ctx.err() == gofer::canceled);
        },
        with_virtual_time(options));
  });
}

// Go: TestWithoutCancel.
TEST_CASE("without_cancel keeps the parent's values and is never cancelled") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          static const gofer::context_key<std::string> key{"key"};
          auto [parent, cancel] =
              gofer::with_timeout(gofer::with_value(gofer::background(), key, "value"), 1s);
          const context ctx = gofer::without_cancel(parent);
          auto [child, child_cancel] = gofer::with_cancel(ctx);
          for (const context& c : {ctx, child}) {
            REQUIRE(c.value(key) != nullptr);
            CHECK(*c.value(key) == "value");
          }
          CHECK_FALSE(ctx.deadline().has_value());
          CHECK(ctx.done() == nullptr);
          CHECK_FALSE(ctx.err());
          cancel();
          CHECK(parent.err() == gofer::canceled);
          CHECK(ctx.done() == nullptr);
          CHECK_FALSE(ctx.err());
          CHECK(gofer::cause(ctx) == nullptr);
          CHECK_FALSE(is_done(child));  // parent's cancel does not reach through
          gofer::sleep(2s);             // nor does its deadline
          CHECK_FALSE(ctx.err());
          CHECK_FALSE(child.err());
          child_cancel();
          CHECK(child.err() == gofer::canceled);

          auto [born, born_cancel] = gofer::with_cancel(gofer::without_cancel(parent));
          CHECK_FALSE(born.err());  // born under a cancelled parent, yet not cancelled
          born_cancel();
        },
        with_virtual_time(options));
  });
}

// Go: TestCause, its WithDeadlineCause and WithTimeoutCause cases.
TEST_CASE("with_deadline_cause and with_timeout_cause give their cause when the deadline passes") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          const auto doom = std::make_exception_ptr(std::runtime_error("doomed"));
          const gofer::time_point start = gofer::now();
          SUBCASE("with_timeout_cause") {
            auto [ctx, cancel] = gofer::with_timeout_cause(gofer::background(), 1s, doom);
            CHECK(ctx.deadline() == start + 1s);
            CHECK(gofer::cause(ctx) == nullptr);
            ctx.done().recv();
            CHECK(gofer::now() == start + 1s);
            CHECK(ctx.err() == gofer::deadline_exceeded);
            CHECK(gofer::cause(ctx) == doom);
            cancel();
            CHECK(gofer::cause(ctx) == doom);
          }
          SUBCASE("with_deadline_cause") {
            auto [ctx, cancel] = gofer::with_deadline_cause(gofer::background(), start + 2s, doom);
            gofer::sleep(3s);
            CHECK(ctx.err() == gofer::deadline_exceeded);
            CHECK(gofer::cause(ctx) == doom);
            cancel();
          }
          SUBCASE("a past deadline is born expired, with its cause") {
            auto [ctx, cancel] = gofer::with_deadline_cause(gofer::background(), start, doom);
            CHECK(is_done(ctx));
            CHECK(ctx.err() == gofer::deadline_exceeded);
            CHECK(gofer::cause(ctx) == doom);
            cancel();
          }
          SUBCASE("cancelled before the deadline: canceled, with no cause") {
            auto [ctx, cancel] = gofer::with_timeout_cause(gofer::background(), 1s, doom);
            cancel();
            CHECK(ctx.err() == gofer::canceled);
            CHECK(gofer::cause(ctx) == gofer::canceled);
            gofer::sleep(2s);
            CHECK(gofer::cause(ctx) == gofer::canceled);
          }
          SUBCASE("the parent's earlier deadline wins, with the parent's cause") {
            auto [parent, parent_cancel] = gofer::with_timeout(gofer::background(), 1s);
            auto [ctx, cancel] = gofer::with_timeout_cause(parent, 2s, doom);
            CHECK(gofer::to_string(ctx).ends_with(".WithCancel"));  // as Go: no timer of its own
            ctx.done().recv();
            CHECK(gofer::now() == start + 1s);
            CHECK(gofer::cause(ctx) == gofer::deadline_exceeded);
            cancel();
            parent_cancel();
          }
          SUBCASE("a child of it inherits the cause") {
            auto [ctx, cancel] = gofer::with_timeout_cause(gofer::background(), 1s, doom);
            auto [child, child_cancel] = gofer::with_cancel(ctx);
            child.done().recv();
            CHECK(child.err() == gofer::deadline_exceeded);
            CHECK(gofer::cause(child) == doom);
            child_cancel();
            cancel();
          }
        },
        with_virtual_time(options));
  });
}

// --- after_func (Go 1.21: context.AfterFunc; Go's tests in x_test.go) -------

// Go: TestAfterFuncCalledAfterCancel.
TEST_CASE("after_func runs f once the context is cancelled, not before") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          auto [ctx, cancel] = gofer::with_cancel(gofer::background());
          auto donec = gofer::make_chan<gofer::signal>();
          gofer::stop_func stop = gofer::after_func(ctx, [donec] { donec.close(); });
          let_others_run();
          CHECK_FALSE(donec.try_recv().has_value());
          cancel();
          donec.recv();
          CHECK_FALSE(stop());  // f has been started: too late to stop it
        },
        options);
  });
}

// Go: TestAfterFuncCalledAfterTimeout.
TEST_CASE("after_func runs f when the context's deadline passes") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          const gofer::time_point start = gofer::now();
          auto [ctx, cancel] = gofer::with_timeout(gofer::background(), 5s);
          auto ran_at = gofer::make_chan<gofer::time_point>(1);
          gofer::after_func(ctx, [ran_at] { ran_at.send(gofer::now()); });
          CHECK(ran_at.recv().value == start + 5s);
          cancel();
        },
        with_virtual_time(options));
  });
}

// Go: TestAfterFuncCalledImmediately.
TEST_CASE("after_func on a context that is done already runs f at once") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          auto [ctx, cancel] = gofer::with_cancel(gofer::background());
          cancel();
          auto donec = gofer::make_chan<gofer::signal>();
          gofer::stop_func stop = gofer::after_func(ctx, [donec] { donec.close(); });
          donec.recv();
          CHECK_FALSE(stop());
        },
        options);
  });
}

// Go: TestAfterFuncNotCalledAfterStop.
TEST_CASE("after_func's stop keeps f from running and says so once") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          auto [ctx, cancel] = gofer::with_cancel(gofer::background());
          auto donec = gofer::make_chan<gofer::signal>();
          gofer::stop_func stop = gofer::after_func(ctx, [donec] { donec.close(); });
          CHECK(stop());
          cancel();
          let_others_run();
          CHECK_FALSE(donec.try_recv().has_value());  // AfterFunc called for a canceled context
          CHECK_FALSE(stop());                        // stopped already
          CHECK_FALSE(gofer::stop_func{}());
        },
        options);
  });
}

// Go: TestAfterFuncCalledAsynchronously.
TEST_CASE("after_func runs f in its own goroutine: cancel does not wait for it") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          auto [ctx, cancel] = gofer::with_cancel(gofer::background());
          auto donec = gofer::make_chan<gofer::signal>();  // unbuffered: f blocks in send
          gofer::stop_func stop = gofer::after_func(ctx, [donec] { donec.send(); });
          cancel();  // returns although f cannot finish until we receive
          donec.recv();
          CHECK_FALSE(stop());
        },
        options);
  });
}

TEST_CASE("after_func never runs f for a context that is never cancelled") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          auto [parent, cancel] = gofer::with_cancel(gofer::background());
          std::atomic<int> ran{0};
          for (const context& ctx :
               {gofer::background(), gofer::todo(), gofer::without_cancel(parent)}) {
            gofer::stop_func stop = gofer::after_func(ctx, [&ran] { ran.fetch_add(1); });
            cancel();
            let_others_run();
            CHECK(ran.load() == 0);
            CHECK(stop());  // as Go's: the first stop reports it kept f from running
            CHECK_FALSE(stop());
          }
        },
        options);
  });
}

TEST_CASE("after_func on a descendant runs when an ancestor is cancelled, through value nodes") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          static const gofer::context_key<int> key;
          auto [root, cancel] = gofer::with_cancel(gofer::background());
          auto [child, child_cancel] = gofer::with_cancel(gofer::with_value(root, key, 1));
          const context leaf = gofer::with_value(child, key, 2);
          constexpr int n = 100;
          gofer::wait_group wg;
          wg.add(2 * n);
          for (int i = 0; i < n; ++i) {
            // Dropping the stop handle leaves f registered, as in Go.
            gofer::after_func(leaf, [&wg] { wg.done(); });
            gofer::after_func(root, [&wg] { wg.done(); });
          }
          cancel();
          wg.wait();
          child_cancel();
        },
        options);
  });
}

TEST_CASE("after_func's stop racing a cancel: f runs exactly when stop returns false") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          constexpr int n = 200;
          for (int round = 0; round < 5; ++round) {
            auto [ctx, cancel] = gofer::with_cancel(gofer::background());
            std::atomic<int> ran{0};
            std::atomic<int> stopped{0};
            std::vector<gofer::stop_func> stops;
            gofer::wait_group finished;  // the f that were started
            for (int i = 0; i < n; ++i) {
              stops.push_back(gofer::after_func(ctx, [&ran, finished]() mutable {
                ran.fetch_add(1);
                finished.done();
              }));
            }
            finished.add(n);
            auto stopper_done = gofer::make_chan<gofer::signal>();
            gofer::go([&] {
              for (const gofer::stop_func& stop : stops) {
                if (stop()) {
                  stopped.fetch_add(1);
                  finished.done();
                }
              }
              stopper_done.close();
            });
            cancel();
            stopper_done.recv();
            finished.wait();
            CHECK(ran.load() + stopped.load() == n);
          }
        },
        options);
  });
}

TEST_CASE("after_func's f and what it holds are released once it ran or was stopped") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          auto [ctx, cancel] = gofer::with_cancel(gofer::background());
          auto ran = gofer::make_chan<gofer::signal>(1);
          gofer::stop_func kept = gofer::after_func(ctx, [payload = counted{1}] { (void)payload; });
          gofer::stop_func ran_one =
              gofer::after_func(ctx, [ran, payload = counted{2}] { ran.send(); });
          CHECK(counted::live() == 2);
          CHECK(kept());
          CHECK(counted::live() == 1);  // the second f's payload is still registered
          cancel();
          ran.recv();
          // for_each_scheduler checks that the second one is gone after run.
        },
        options);
  });
}

TEST_CASE("a cancel outside gofer::run cannot start after_func's goroutine and says so") {
  context kept;
  gofer::cancel_func kept_cancel;
  std::atomic<int> ran{0};
  gofer::run([&] {
    auto [ctx, cancel] = gofer::with_cancel(gofer::background());
    gofer::after_func(ctx, [&ran] { ran.fetch_add(1); });
    kept = ctx;
    kept_cancel = cancel;
  });
  CHECK_THROWS_AS(kept_cancel(), gofer::runtime_misuse);
  CHECK(kept.err() == gofer::canceled);  // cancelled all the same
  CHECK(ran.load() == 0);
}

// --- to_string (Go: the String methods of context.go) ----------------------

namespace to_string_test {
struct endpoint {
  std::string host;
};
// Go's Stringer: found by argument-dependent lookup.
std::string to_string(const endpoint& e) {
  return "endpoint " + e.host;
}
}  // namespace to_string_test

TEST_CASE("to_string prints a context chain as Go's String does") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          CHECK(gofer::to_string(gofer::background()) == "context.Background");
          CHECK(gofer::to_string(context{}) == "context.Background");
          CHECK(gofer::to_string(gofer::todo()) == "context.TODO");
          CHECK(gofer::todo() != gofer::background());
          CHECK(gofer::todo() == gofer::todo());

          auto [c1, cancel1] = gofer::with_cancel(gofer::background());
          CHECK(gofer::to_string(c1) == "context.Background.WithCancel");
          auto [c2, cancel2] = gofer::with_cancel_cause(gofer::todo());
          CHECK(gofer::to_string(c2) == "context.TODO.WithCancel");
          CHECK(gofer::to_string(gofer::without_cancel(c2)) ==
                "context.TODO.WithCancel.WithoutCancel");

          static const gofer::context_key<std::string> request_id{"request_id"};
          static const gofer::context_key<int> unnamed;
          static const gofer::context_key<to_string_test::endpoint> peer{"peer"};
          const context values = gofer::with_value(
              gofer::with_value(gofer::with_value(gofer::background(), request_id, "abc"), unnamed,
                                42),
              peer, to_string_test::endpoint{"example.com"});
          CHECK(gofer::to_string(values) ==
                "context.Background.WithValue(request_id, abc)"
                ".WithValue(gofer::context_key<int>, int)"  // Go prints types, not values
                ".WithValue(peer, endpoint example.com)");

          // The virtual clock starts at zero: the deadline reads m=+3.
          gofer::sleep(1s);
          auto [d, cancel_d] = gofer::with_timeout(gofer::background(), 2s);
          CHECK(gofer::to_string(d) == "context.Background.WithDeadline(m=+3.000000000 [2s])");
          gofer::sleep(500ms);
          CHECK(gofer::to_string(d) == "context.Background.WithDeadline(m=+3.000000000 [1.5s])");
          auto [d2, cancel_d2] = gofer::with_deadline(d, gofer::time_point{} + 2500ms + 1ns);
          CHECK(gofer::to_string(d2) ==
                "context.Background.WithDeadline(m=+3.000000000 [1.5s])"
                ".WithDeadline(m=+2.500000001 [1.000000001s])");
          auto [later, cancel_later] = gofer::with_timeout(d, 1h);  // the parent's comes first
          CHECK(gofer::to_string(later) ==
                "context.Background.WithDeadline(m=+3.000000000 [1.5s]).WithCancel");
          gofer::sleep(2s);
          CHECK(gofer::to_string(d) == "context.Background.WithDeadline(m=+3.000000000 [-500ms])");
          cancel_later();
          cancel_d2();
          cancel_d();
          cancel2(nullptr);
          cancel1();
        },
        with_virtual_time(options));
  });
}

TEST_CASE("a context outlives gofer::run and cancels outside it") {
  context kept;
  gofer::cancel_func kept_cancel;
  gofer::run([&] {
    auto [ctx, cancel] = gofer::with_cancel(gofer::background());
    kept = ctx;
    kept_cancel = cancel;
  });
  CHECK_FALSE(kept.err());
  kept_cancel();
  CHECK(kept.err() == gofer::canceled);
  CHECK(is_done(kept));
}

// Kept last in the file: when it fails, it crashes the process (a stack
// overflow), after every other case has reported. Go's contexts are freed by
// its collector, so any depth is fine there; gofer frees a chain node by node
// through shared_ptr, and that must not recurse once per level on a
// goroutine's fixed 64 KiB stack.
TEST_CASE("dropping a deep chain of contexts inside a goroutine does not overflow its stack") {
  for_each_scheduler([](gofer::run_options options) {
    options.guard_pages = true;  // an overflow faults at once instead of corrupting memory
    gofer::run(
        [] {
          auto finished = gofer::make_chan<gofer::signal>();
          gofer::go([finished] {
            static const gofer::context_key<int> key;
            constexpr int depth = 2000;
            context ctx;
            for (int i = 0; i < depth; ++i) {
              if (i % 2 == 0) {
                ctx = gofer::with_value(ctx, key, i);
              } else {
                ctx = gofer::with_cancel(ctx).ctx;
              }
            }
            CHECK(*ctx.value(key) == depth - 2);
            ctx = {};  // frees the whole chain
            finished.close();
          });
          finished.recv();
        },
        options);
  });
}
