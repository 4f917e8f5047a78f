// Tests for gofer/runtime.hpp: gofer::run, gofer::go, gofer::yield, and the
// shutdown that unwinds goroutines still blocked when main returns. The panic
// of an exception escaping a goroutine is tested by panic_main.cpp (it ends
// the process).
#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <gofer/gofer.hpp>

#include "../support/counted.hpp"

using gofer::chan;
using gofer::make_chan;
using gofer_test::counted;
using gofer_test::for_each_scheduler;
using gofer_test::set_on_destroy;

TEST_CASE("run returns what main returns") {
  for_each_scheduler([](const gofer::run_options& options) {
    CHECK(gofer::run([] { return 42; }, options) == 42);
    CHECK(gofer::run([] { return std::string("hello"); }, options) == "hello");
    auto moved = gofer::run([] { return std::make_unique<int>(7); }, options);
    REQUIRE(moved != nullptr);
    CHECK(*moved == 7);
    int side_effect = 0;
    gofer::run([&side_effect] { side_effect = 1; }, options);
    CHECK(side_effect == 1);
    // A named callable (an lvalue) works too.
    auto main = [] { return 3; };
    CHECK(gofer::run(main, options) == 3);
  });
}

TEST_CASE("run with no options runs on one thread") {
  CHECK(gofer::run([] { return 5; }) == 5);
}

TEST_CASE("go passes decay-copied arguments") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          auto out = make_chan<std::string>(3);
          std::string text = "before";
          // Arguments are copied at the go statement, as Go evaluates them.
          gofer::go([](chan<std::string> o, std::string s) { o.send(std::move(s)); }, out, text);
          text = "after";
          CHECK(out.recv().value == "before");
          // A reference parameter binds to the goroutine's own copy.
          int number = 1;
          gofer::go([](chan<std::string> o, const int& n) { o.send(std::to_string(n)); }, out,
                    number);
          number = 2;
          CHECK(out.recv().value == "1");
          // Move-only arguments are moved in.
          gofer::go([](chan<std::string> o, std::unique_ptr<int> p) { o.send(std::to_string(*p)); },
                    out, std::make_unique<int>(9));
          CHECK(out.recv().value == "9");
          // Arrays and string literals decay.
          gofer::go([](chan<std::string> o, const char* s) { o.send(s); }, out, "literal");
          CHECK(out.recv().value == "literal");
        },
        options);
  });
}

TEST_CASE("go's copies of its arguments are destroyed when the goroutine ends") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          auto done = make_chan<int>();
          counted value{3};
          gofer::go([](chan<int> d, counted c) { d.send(c.id); }, done, value);
          CHECK(done.recv().value == 3);
        },
        options);
  });
}

namespace {

// Starts a goroutine whose function holds `Words` words set from `key`,
// besides key, `wrong` and `done` (a body of 40 + 8 * Words bytes with its
// vtable pointer); it checks them where it runs and reports on `done`.
template <std::size_t Words>
void go_with_words(std::uint64_t key, std::atomic<int>* wrong, const chan<int>& done) {
  std::array<std::uint64_t, Words> words;
  words.fill(key + Words);
  gofer::go([words, key, wrong, done] {
    const bool intact =
        std::all_of(words.begin(), words.end(), [&](std::uint64_t w) { return w == key + Words; });
    if (!intact) ++*wrong;
    done.send(0);
  });
}

}  // namespace

TEST_CASE("go's function of any size and alignment arrives intact") {
  // go() keeps the function in a body that the library recycles by size
  // (16 sizes up to 264 bytes; larger ones from malloc; over-aligned ones
  // from the aligned operator new). Many of each, across threads, each
  // checked where it runs: a body handed out twice, or cut short, shows.
  struct alignas(64) over_aligned {
    std::uint64_t word = 0;
  };
  struct shared_state {
    std::atomic<int> wrong{0};
    std::atomic<int> tiny_runs{0};
    chan<int> done = make_chan<int>(16);
  };
  for_each_scheduler([](const gofer::run_options& options) {
    constexpr int rounds = 500;
    shared_state state;
    gofer::run(
        [&state] {
          shared_state* const shared = &state;
          for (int i = 0; i < rounds; ++i) {
            const auto key = static_cast<std::uint64_t>(i) * 0x9e3779b97f4a7c15ULL;
            gofer::go([shared] {  // 16 bytes
              ++shared->tiny_runs;
              shared->done.send(0);
            });
            go_with_words<0>(key, &shared->wrong, shared->done);   // 40 bytes
            go_with_words<8>(key, &shared->wrong, shared->done);   // 104 bytes
            go_with_words<24>(key, &shared->wrong, shared->done);  // 232 bytes
            go_with_words<64>(key, &shared->wrong, shared->done);  // 552 bytes
            over_aligned aligned{key};
            gofer::go([aligned, key, shared] {
              const bool intact =
                  reinterpret_cast<std::uintptr_t>(&aligned) % 64 == 0 && aligned.word == key;
              if (!intact) ++shared->wrong;
              shared->done.send(0);
            });
            for (int k = 0; k < 6; ++k)
              shared->done.recv();
          }
        },
        options);
    CHECK(state.wrong.load() == 0);
    CHECK(state.tiny_runs.load() == rounds);
  });
}

TEST_CASE("ten thousand goroutines all complete") {
  for_each_scheduler([](const gofer::run_options& options) {
    // ThreadSanitizer counts each goroutine's fiber as a thread and stops at
    // 8128 live ones, so its build runs fewer.
    constexpr int n = gofer_test::under_tsan ? 2000 : 10000;
    std::atomic<int> finished{0};
    const long sum = gofer::run(
        [&finished] {
          auto results = make_chan<int>(64);
          for (int i = 0; i < n; ++i) {
            gofer::go([results, i, &finished] {
              results.send(i);
              ++finished;
            });
          }
          long total = 0;
          for (int i = 0; i < n; ++i)
            total += results.recv().value;
          return total;
        },
        options);
    CHECK(sum == long{n} * (n - 1) / 2);
    CHECK(finished.load() == n);
  });
}

TEST_CASE("yield lets other goroutines run") {
  // On one thread, without yield a goroutine never runs while main spins.
  gofer::run(
      [] {
        std::atomic<bool> ran{false};
        gofer::go([&ran] { ran = true; });
        while (!ran.load())
          gofer::yield();
        CHECK(ran.load());
        // Two goroutines that yield to each other interleave.
        std::vector<int> order;
        auto done = make_chan<gofer::signal>(2);
        for (int id = 0; id < 2; ++id) {
          gofer::go([&order, done, id] {
            for (int i = 0; i < 3; ++i) {
              order.push_back(id);
              gofer::yield();
            }
            done.send();
          });
        }
        done.recv();
        done.recv();
        CHECK(order.size() == 6);
        int switches = 0;
        for (std::size_t i = 1; i < order.size(); ++i)
          switches += order[i] != order[i - 1];
        CHECK(switches >= 4);
      },
      {.threads = 1});
  gofer::run(
      [] {
        std::atomic<bool> ran{false};
        gofer::go([&ran] { ran = true; });
        while (!ran.load())
          gofer::yield();
        CHECK(ran.load());
      },
      {.threads = 4});
}

TEST_CASE("run returns while goroutines are blocked forever, and unwinds them") {
  for_each_scheduler([](const gofer::run_options& options) {
    std::atomic<int> unwound{0};
    std::atomic<int> returned{0};
    gofer::run(
        [&] {
          auto nobody_sends = make_chan<counted>();
          auto nobody_receives = make_chan<counted>();
          auto full = make_chan<counted>(1);
          full.send(counted{0});
          chan<counted> nil;
          auto spawn = [&](auto body) {
            gofer::go([&unwound, &returned, body] {
              set_on_destroy guard{unwound};
              body();
              ++returned;
            });
          };
          spawn([nobody_sends] { nobody_sends.recv(); });
          spawn([nobody_receives] { nobody_receives.send(counted{1}); });
          spawn([full] { full.send(counted{2}); });
          spawn([nil] { nil.recv(); });
          spawn([nil] { nil.send(counted{3}); });
          spawn([] { gofer::select(); });
          spawn([nil] { gofer::select(gofer::recv_case(nil), gofer::send_case(nil, counted{4})); });
          spawn([nobody_sends, nobody_receives] {
            gofer::select(gofer::recv_case(nobody_sends),
                          gofer::send_case(nobody_receives, counted{5}));
          });
          // A goroutine blocked several frames deep unwinds them all.
          spawn([nobody_sends, &unwound] {
            auto inner = [&] {
              set_on_destroy inner_guard{unwound};
              nobody_sends.recv();
            };
            inner();
          });
          for (int i = 0; i < 50; ++i)
            gofer::yield();
        },
        options);
    CHECK(unwound.load() == 10);
    CHECK(returned.load() == 0);
  });
}

TEST_CASE("goroutines started but not yet run when main returns are handled") {
  for_each_scheduler([](const gofer::run_options& options) {
    std::atomic<int> unwound{0};
    gofer::run(
        [&unwound] {
          auto never = make_chan<int>();
          for (int i = 0; i < 100; ++i) {
            gofer::go([never, &unwound] {
              set_on_destroy guard{unwound};
              never.recv();
            });
          }
        },
        options);
    CHECK(unwound.load() == 100);
  });
}

TEST_CASE("an exception escaping main propagates out of run") {
  for_each_scheduler([](const gofer::run_options& options) {
    std::atomic<int> unwound{0};
    CHECK_THROWS_WITH_AS(gofer::run(
                             [&unwound]() -> int {
                               auto never = make_chan<int>();
                               gofer::go([never, &unwound] {
                                 set_on_destroy guard{unwound};
                                 never.recv();
                               });
                               for (int i = 0; i < 10; ++i)
                                 gofer::yield();
                               throw std::runtime_error("main failed");
                             },
                             options),
                         "main failed", std::runtime_error);
    // The blocked goroutine was still unwound.
    CHECK(unwound.load() == 1);
    // A gofer::error from main propagates as itself.
    CHECK_THROWS_AS(gofer::run([] { chan<int>{}.close(); }, options), gofer::close_of_nil_channel);
    // The runtime is usable again afterwards.
    CHECK(gofer::run([] { return 1; }, options) == 1);
  });
}

TEST_CASE("go outside run throws runtime_misuse") {
  CHECK_THROWS_AS(gofer::go([] {}), gofer::runtime_misuse);
  CHECK_THROWS_AS(gofer::go([] {}), gofer::error);
}

TEST_CASE("run inside run throws runtime_misuse") {
  for_each_scheduler([](const gofer::run_options& options) {
    const bool threw = gofer::run(
        [&options] {
          try {
            gofer::run([] {}, options);
          } catch (const gofer::runtime_misuse&) {
            return true;
          }
          return false;
        },
        options);
    CHECK(threw);
    // Also from a goroutine, on whichever thread it runs.
    const bool threw_in_goroutine = gofer::run(
        [&options] {
          auto result = make_chan<bool>(1);
          gofer::go([result, &options] {
            bool caught = false;
            try {
              gofer::run([] {}, options);
            } catch (const gofer::runtime_misuse&) {
              caught = true;
            }
            result.send(caught);
          });
          return result.recv().value;
        },
        options);
    CHECK(threw_in_goroutine);
  });
}

TEST_CASE("run with zero threads throws gofer::invalid_argument") {
  CHECK_THROWS_AS(gofer::run([] {}, {.threads = 0}), gofer::invalid_argument);
  CHECK_THROWS_AS(gofer::run([] {}, {.threads = 0}), gofer::error);
}

TEST_CASE("run twice in a row works, for every thread count") {
  for (const std::size_t first : {1, 4}) {
    for (const std::size_t second : {1, 4}) {
      CAPTURE(first);
      CAPTURE(second);
      for (const std::size_t threads : {first, second}) {
        const int result = gofer::run(
            [] {
              auto ch = make_chan<int>();
              for (int i = 0; i < 10; ++i)
                gofer::go([ch, i] { ch.send(i); });
              int sum = 0;
              for (int i = 0; i < 10; ++i)
                sum += ch.recv().value;
              return sum;
            },
            {.threads = threads});
        CHECK(result == 45);
      }
    }
  }
}

TEST_CASE("a channel made inside run outlives it") {
  counted::reset();
  auto ch = gofer::run([] {
    auto c = make_chan<counted>(2);
    c.send(counted{1});
    return c;
  });
  CHECK(ch.len() == 1);
  CHECK(ch.try_recv()->value.id == 1);
  ch = chan<counted>{};
  CHECK(counted::live() == 0);
}

TEST_CASE("goroutines run on several threads with threads = 4") {
  const std::size_t distinct = gofer::run(
      [] {
        constexpr int n = 64;
        auto ids = make_chan<std::thread::id>(n);
        auto release = make_chan<gofer::signal>();
        for (int i = 0; i < n; ++i) {
          gofer::go([ids, release] {
            ids.send(std::this_thread::get_id());
            release.recv();
          });
        }
        std::vector<std::thread::id> seen;
        for (int i = 0; i < n; ++i) {
          const auto id = ids.recv().value;
          bool known = false;
          for (const auto& s : seen)
            known = known || s == id;
          if (!known) seen.push_back(id);
        }
        release.close();
        return seen.size();
      },
      {.threads = 4});
  // Where they run is up to the scheduler; with 4 threads at least one is used
  // and never more than 4.
  CHECK(distinct >= 1);
  CHECK(distinct <= 4);
}

// A thread outside the runtime can wake main at any time, which the runtime
// cannot see coming: deadlock detection must be off (run_options says so).
TEST_CASE("a plain std::thread outside run exchanges values with a goroutine") {
  for (const std::size_t threads : gofer_test::scheduler_threads()) {
    CAPTURE(threads);
    for (int round = 0; round < 20; ++round) {
      auto ch = make_chan<int>();
      auto back = make_chan<int>();
      std::thread outside([ch, back] {
        const int v = ch.recv().value;
        back.send(v + 1);
      });
      const int result = gofer::run(
          [ch, back] {
            ch.send(41);
            return back.recv().value;
          },
          {.threads = threads, .detect_deadlock = false});
      outside.join();
      CHECK(result == 42);
    }
  }
}

// Regression: a worker about to park fired a due timer, and the goroutine the
// timer woke (on the same thread) was left waiting until the next deadline.
// Real time on purpose: the virtual clock never takes that path. Asserts only
// that every sleep returns (CTest's timeout catches a hang).
TEST_CASE("many short real-time sleeps all wake up") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          for (int i = 0; i < 2000; ++i)
            gofer::sleep(std::chrono::microseconds(1));
        },
        options);
  });
}
