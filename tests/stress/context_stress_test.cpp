// Stress tests for gofer/context.hpp: cancellation trees built and cancelled
// at once from many goroutines over 4 threads (and 1). Builders add contexts
// under random existing nodes (with_cancel, with_value, with_timeout) while
// cancellers cancel random nodes and watchers wait on random done channels.
// When everything has settled, each node must be cancelled exactly when it or
// an ancestor was cancelled, its done closed exactly when its err is set, and
// no value may leak.
//
// Scale: GOFER_STRESS_SCALE (default 1) multiplies the rounds. The default
// runs in about a second in a debug build on two cores, and stays far below
// TSan's limit on live goroutines (a few dozen at a time).
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <memory>
#include <random>
#include <vector>

#include <gofer/gofer.hpp>

#include "../support/counted.hpp"

using namespace std::chrono_literals;
using gofer::context;
using gofer::default_case;
using gofer::recv_case;
using gofer::select;
using gofer_test::counted;
using gofer_test::for_each_scheduler;
using gofer_test::is_done;
using gofer_test::stress_scale;

namespace {

// One context of the tree. A builder fills it, then publishes it by setting
// `ready` (release); everyone else reads it only after seeing `ready`.
struct node {
  context ctx;
  gofer::cancel_func cancel;  // empty for value nodes
  bool cancellable = false;
  int parent = -1;  // -1: the root
  std::atomic<bool> ready{false};
  std::atomic<bool> cancel_called{false};
};

struct tree {
  explicit tree(std::size_t size) : nodes(size) {}
  gofer::context_with<gofer::cancel_func> root = gofer::with_cancel(gofer::background());
  std::vector<node> nodes;
  std::atomic<bool> root_cancel_called{false};

  // A random published node, or -1 (the root).
  template <class Rng>
  int random_ready(Rng& rng, int below) {
    if (below <= 0) return -1;
    for (int attempt = 0; attempt < 4; ++attempt) {
      const int j = std::uniform_int_distribution<int>(0, below - 1)(rng);
      if (nodes[static_cast<std::size_t>(j)].ready.load(std::memory_order_acquire)) return j;
    }
    return -1;
  }
  const context& ctx_of(int index) const {
    return index < 0 ? root.ctx : nodes[static_cast<std::size_t>(index)].ctx;
  }
  // Whether cancel was called on this node or any ancestor.
  bool should_be_cancelled(int index) const {
    for (int i = index; i >= 0; i = nodes[static_cast<std::size_t>(i)].parent) {
      if (nodes[static_cast<std::size_t>(i)].cancel_called.load()) return true;
    }
    return root_cancel_called.load();
  }
};

const gofer::context_key<counted> payload_key;

struct round_result {
  int cancelled_but_should_not_be = 0;
  int not_cancelled_but_should_be = 0;
  int done_and_err_disagree = 0;
  int watcher_saw_done_without_err = 0;
  int wrong_err = 0;
};

round_result run_round(unsigned seed, std::size_t size, bool cancel_root) {
  constexpr int builders = 4;
  constexpr int cancellers = 3;
  constexpr int watchers = 8;
  tree t{size};
  std::atomic<int> watcher_violations{0};
  auto finish = gofer::make_chan<gofer::signal>();
  gofer::wait_group workers;
  gofer::wait_group watching;

  workers.add(builders);
  for (int b = 0; b < builders; ++b) {
    gofer::go([&t, &workers, b, seed] {
      std::minstd_rand rng{seed * 31 + static_cast<unsigned>(b)};
      for (std::size_t i = static_cast<std::size_t>(b); i < t.nodes.size(); i += builders) {
        node& n = t.nodes[i];
        n.parent = t.random_ready(rng, static_cast<int>(i));
        const context& parent = t.ctx_of(n.parent);
        switch (rng() % 4) {
          case 0:
            n.ctx = gofer::with_value(parent, payload_key, counted{static_cast<int>(i)});
            break;
          case 1: {
            auto [ctx, cancel] = gofer::with_timeout(parent, 1h);  // never expires here
            n.ctx = ctx;
            n.cancel = cancel;
            n.cancellable = true;
            break;
          }
          default: {
            auto [ctx, cancel] = gofer::with_cancel(parent);
            n.ctx = ctx;
            n.cancel = cancel;
            n.cancellable = true;
            break;
          }
        }
        n.ready.store(true, std::memory_order_release);
        if (i % 16 == 0) gofer::yield();
      }
      workers.done();
    });
  }

  workers.add(cancellers);
  for (int c = 0; c < cancellers; ++c) {
    gofer::go([&t, &workers, c, seed] {
      std::minstd_rand rng{seed * 17 + static_cast<unsigned>(c)};
      const int count = static_cast<int>(t.nodes.size()) / 64;
      for (int k = 0; k < count; ++k) {
        const int j = t.random_ready(rng, static_cast<int>(t.nodes.size()));
        if (j >= 0) {
          node& n = t.nodes[static_cast<std::size_t>(j)];
          // Marked before the call, so the mark holds once the call has returned.
          if (n.cancellable && !n.cancel_called.exchange(true)) n.cancel();
        }
        gofer::yield();
      }
      workers.done();
    });
  }

  watching.add(watchers);
  for (int w = 0; w < watchers; ++w) {
    gofer::go([&t, &watching, &watcher_violations, finish, w, seed] {
      std::minstd_rand rng{seed * 13 + static_cast<unsigned>(w)};
      for (;;) {
        const int j = t.random_ready(rng, static_cast<int>(t.nodes.size()));
        if (j < 0) {
          if (select(recv_case(finish), default_case()) == 0) break;
          gofer::yield();
          continue;
        }
        const context ctx = t.ctx_of(j);
        if (select(recv_case(ctx.done()), recv_case(finish)) == 1) break;
        // done is closed: err must be set already.
        if (!ctx.err()) watcher_violations.fetch_add(1);
        gofer::yield();
      }
      watching.done();
    });
  }

  workers.wait();
  if (cancel_root) {
    t.root_cancel_called.store(true);
    t.root.cancel();
  }
  finish.close();
  watching.wait();

  round_result result;
  result.watcher_saw_done_without_err = watcher_violations.load();
  for (int i = 0; i < static_cast<int>(t.nodes.size()); ++i) {
    const context& ctx = t.ctx_of(i);
    const bool expected = t.should_be_cancelled(i);
    const std::error_code err = ctx.err();
    if (static_cast<bool>(err) != is_done(ctx)) ++result.done_and_err_disagree;
    if (err && !expected) ++result.cancelled_but_should_not_be;
    if (!err && expected) ++result.not_cancelled_but_should_be;
    if (err && err != gofer::canceled) ++result.wrong_err;
  }
  t.root.cancel();  // releases every timer before the tree goes
  return result;
}

}  // namespace

TEST_CASE("cancellation trees built and cancelled concurrently end consistent") {
  for_each_scheduler([](const gofer::run_options& options) {
    const int rounds = 12 * stress_scale();
    constexpr std::size_t size = 1500;
    for (int round = 0; round < rounds; ++round) {
      CAPTURE(round);
      const round_result r = gofer::run(
          [round] { return run_round(static_cast<unsigned>(round) + 1, size, round % 3 == 2); },
          options);
      CHECK(r.cancelled_but_should_not_be == 0);
      CHECK(r.not_cancelled_but_should_be == 0);
      CHECK(r.done_and_err_disagree == 0);
      CHECK(r.watcher_saw_done_without_err == 0);
      CHECK(r.wrong_err == 0);
      REQUIRE(counted::live() == 0);  // every value node is gone with its tree
    }
  });
}

// Go: Err() takes the context's lock, under which cancel both sets err and
// closes done; so once err() reports a cancellation, done() is closed.
TEST_CASE("once err reports a cancellation, done is already closed") {
  for_each_scheduler([](const gofer::run_options& options) {
    const int rounds = 300 * stress_scale();
    const int violations = gofer::run(
        [rounds] {
          int seen = 0;
          for (int round = 0; round < rounds; ++round) {
            auto [ctx, cancel] = gofer::with_cancel(gofer::background());
            auto go_on = gofer::make_chan<gofer::signal>();
            gofer::go([go_on, cancel = cancel] {
              go_on.recv();
              cancel();
            });
            go_on.close();
            while (!ctx.err())
              gofer::yield();
            if (!is_done(ctx)) ++seen;
            ctx.done().recv();
          }
          return seen;
        },
        options);
    CHECK(violations == 0);
  });
}
