// Tests for gofer/select.hpp: Go's select statement, under every scheduler
// setup. Ported from Go's src/runtime/chan_test.go (TestSelfSelect,
// TestSelectFairness, TestSelectDuplicateChannel, TestSelectStress,
// TestPseudoRandomSend) and test/chan/select3.go, doubleselect.go.
#include <doctest/doctest.h>

#include <array>
#include <atomic>
#include <cmath>
#include <cstddef>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <gofer/gofer.hpp>

#include "../support/counted.hpp"

using gofer::chan;
using gofer::default_case;
using gofer::make_chan;
using gofer::recv_case;
using gofer::select;
using gofer::send_case;
using gofer_test::counted;
using gofer_test::for_each_scheduler;
using gofer_test::let_others_run;
using gofer_test::set_on_destroy;

namespace {

// The widest deviation from n * p that a fair choice shows with negligible
// probability: 6 standard deviations of the binomial (about 2e-9 per check).
double six_sigma(int n, double p) {
  return 6.0 * std::sqrt(n * p * (1.0 - p));
}

}  // namespace

TEST_CASE("select picks uniformly among two ready cases") {
  for_each_scheduler([](const gofer::run_options& options) {
    constexpr int n = 10000;
    const auto counts = gofer::run(
        [] {
          auto a = make_chan<int>(1);
          auto b = make_chan<int>(1);
          a.send(0);
          b.send(0);
          std::array<int, 2> chosen{};
          for (int i = 0; i < n; ++i) {
            int v = 0;
            const std::size_t index = select(recv_case(a, v), recv_case(b, v));
            ++chosen.at(index);  // .at: GCC 12 -O2 cannot see index < size (-Warray-bounds)
            (index == 0 ? a : b).send(0);  // ready again
          }
          return chosen;
        },
        options);
    const double bound = six_sigma(n, 0.5);  // 300: 47%..53%
    CAPTURE(counts[0]);
    CAPTURE(counts[1]);
    CHECK(counts[0] + counts[1] == n);
    CHECK(std::abs(counts[0] - n / 2.0) < bound);
  });
}

TEST_CASE("select picks uniformly among four ready cases of both kinds") {
  for_each_scheduler([](const gofer::run_options& options) {
    constexpr int n = 10000;
    const auto counts = gofer::run(
        [] {
          auto r1 = make_chan<int>(1);
          auto r2 = make_chan<int>(1);
          auto s1 = make_chan<int>(1);
          auto s2 = make_chan<int>(1);
          r1.send(0);
          r2.send(0);
          std::array<int, 4> chosen{};
          for (int i = 0; i < n; ++i) {
            const std::size_t index =
                select(recv_case(r1), send_case(s1, 1), recv_case(r2), send_case(s2, 2));
            ++chosen.at(index);  // .at: GCC 12 -O2 cannot see index < size (-Warray-bounds)
            switch (index) {
              case 0:
                r1.send(0);
                break;
              case 1:
                s1.recv();
                break;
              case 2:
                r2.send(0);
                break;
              case 3:
                s2.recv();
                break;
            }
          }
          return chosen;
        },
        options);
    const double bound = six_sigma(n, 0.25);  // about 260: 22.4%..27.6%
    for (int i = 0; i < 4; ++i) {
      CAPTURE(i);
      CAPTURE(counts[i]);
      CHECK(std::abs(counts[i] - n / 4.0) < bound);
    }
  });
}

// Go: runtime/chan_test.go TestPseudoRandomSend.
TEST_CASE("TestPseudoRandomSend: two send cases on one channel are chosen fairly") {
  for_each_scheduler([](const gofer::run_options& options) {
    constexpr int n = 1000;
    for (const int capacity : {0, n}) {
      CAPTURE(capacity);
      const int zeros = gofer::run(
          [capacity] {
            auto c = make_chan<int>(capacity);
            auto result = make_chan<int>(1);
            gofer::go([c, result] {
              int count0 = 0;
              for (int i = 0; i < n; ++i)
                count0 += c.recv().value == 0;
              result.send(count0);
            });
            for (int i = 0; i < n; ++i)
              select(send_case(c, 0), send_case(c, 1));
            return result.recv().value;
          },
          options);
      CAPTURE(zeros);
      CHECK(std::abs(zeros - n / 2.0) < six_sigma(n, 0.5));
    }
  });
}

TEST_CASE("default runs only if no other case is ready") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          auto empty = make_chan<int>(1);
          auto full = make_chan<int>(1);
          full.send(1);
          auto unbuffered = make_chan<int>();
          int v = 0;
          for (int i = 0; i < 100; ++i) {
            CHECK(select(recv_case(empty, v), send_case(full, 2), send_case(unbuffered, 3),
                         recv_case(unbuffered, v), default_case()) == 4);
          }
          CHECK(full.len() == 1);
          CHECK(empty.len() == 0);
          // With one ready case, that case runs and never the default.
          for (int i = 0; i < 100; ++i) {
            CHECK(select(default_case(), recv_case(full, v)) == 1);
            CHECK(v == 1);
            full.send(1);
          }
          // A select with only a default runs it.
          CHECK(select(default_case()) == 0);
        },
        options);
  });
}

TEST_CASE("one case and a default: a non-blocking send or receive, waking a waiting peer") {
  // Go compiles this shape to selectnbsend/selectnbrecv; gofer takes a short
  // path for it too, which must behave exactly as the general select.
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          auto unbuffered = make_chan<int>();
          int v = 0;
          CHECK(select(recv_case(unbuffered, v), default_case()) == 1);
          CHECK(select(default_case(), send_case(unbuffered, 1)) == 0);

          auto received = make_chan<int>(1);
          gofer::go([=] { received.send(unbuffered.recv().value); });
          while (select(send_case(unbuffered, 7), default_case()) != 0)
            gofer::yield();  // until the receiver waits
          CHECK(received.recv().value == 7);

          gofer::go([=] { unbuffered.send(8); });
          while (select(default_case(), recv_case(unbuffered, v)) != 1)
            gofer::yield();  // until the sender waits
          CHECK(v == 8);

          // Buffered: the inline "would block" check (select.hpp) decides
          // only when the case cannot run; the library does the rest.
          auto buffered = make_chan<int>(1);
          CHECK(select(recv_case(buffered, v), default_case()) == 1);
          CHECK(select(send_case(buffered, 9), default_case()) == 0);
          CHECK(select(send_case(buffered, 10), default_case()) == 1);  // full
          CHECK(select(default_case(), recv_case(buffered, v)) == 1);
          CHECK(v == 9);
          // Closed: a receive is ready (not ok), a send throws, default or not.
          buffered.close();
          bool ok = true;
          CHECK(select(recv_case(buffered, v, ok), default_case()) == 0);
          CHECK_FALSE(ok);
          CHECK_THROWS_AS(select(send_case(buffered, 11), default_case()),
                          gofer::send_on_closed_channel);
        },
        options);
  });
}

TEST_CASE("a case on a nil channel is never chosen") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          chan<int> nil;
          auto ready = make_chan<int>(1);
          int v = 0;
          for (int i = 0; i < 200; ++i) {
            ready.send(i);
            CHECK(select(recv_case(nil, v), send_case(nil, 1), recv_case(ready, v)) == 2);
            CHECK(v == i);
          }
          // Only nil cases and a default: the default.
          CHECK(select(recv_case(nil), send_case(nil, 1), default_case()) == 2);
          CHECK(select(default_case(), recv_case(gofer::recv_chan<int>{})) == 0);
        },
        options);
  });
}

TEST_CASE("a receive case on a closed channel is ready and reports closed") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          auto closed = make_chan<int>(2);
          closed.send(5);
          closed.close();
          auto never = make_chan<int>();
          int v = -1;
          bool ok = false;
          // The buffered value first.
          CHECK(select(recv_case(never, v), recv_case(closed, v, ok)) == 1);
          CHECK(ok);
          CHECK(v == 5);
          // Then Go's zero value, ok = false, assigned.
          v = 7;
          ok = true;
          CHECK(select(recv_case(never, v), recv_case(closed, v, ok), default_case()) == 1);
          CHECK_FALSE(ok);
          CHECK(v == 0);
          v = 7;
          CHECK(select(recv_case(closed, v)) == 0);
          CHECK(v == 0);
          std::optional<int> maybe = 3;
          CHECK(select(recv_case(closed, maybe)) == 0);
          CHECK_FALSE(maybe.has_value());
          auto strings = make_chan<std::vector<int>>();
          strings.close();
          std::vector<int> out{1, 2, 3};
          CHECK(select(recv_case(strings, out, ok)) == 0);
          CHECK(out.empty());
          CHECK_FALSE(ok);
        },
        options);
  });
}

TEST_CASE("a blocked select wakes when a channel it receives on closes") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          auto a = make_chan<int>();
          auto b = make_chan<int>();
          auto result = make_chan<std::pair<std::size_t, bool>>(1);
          gofer::go([a, b, result] {
            int v = 1;
            bool ok = true;
            const std::size_t index = select(recv_case(a, v, ok), recv_case(b, v, ok));
            result.send({index, ok});
          });
          let_others_run();
          b.close();
          auto [r, received] = result.recv();
          CHECK(r.first == 1);
          CHECK_FALSE(r.second);
        },
        options);
  });
}

TEST_CASE("a send case on a closed channel throws send_on_closed_channel") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          auto closed = make_chan<std::unique_ptr<int>>(1);
          closed.close();
          auto value = std::make_unique<int>(4);
          CHECK_THROWS_AS(select(send_case(closed, std::move(value))),
                          gofer::send_on_closed_channel);
          CHECK_THROWS_AS(select(send_case(closed, std::move(value)), default_case()),
                          gofer::send_on_closed_channel);
          REQUIRE(value != nullptr);
          CHECK(*value == 4);

          // A blocked send case throws when its channel closes.
          auto ch = make_chan<counted>();
          auto never = make_chan<int>();
          auto result = make_chan<std::pair<bool, bool>>(1);
          gofer::go([ch, never, result] {
            counted c{11};
            bool threw = false;
            try {
              select(send_case(ch, std::move(c)), recv_case(never));
            } catch (const gofer::send_on_closed_channel&) {
              threw = true;
            }
            result.send({threw, c.id == 11});
          });
          let_others_run();
          ch.close();
          auto [r, ok] = result.recv();
          CHECK(r.first);
          CHECK(r.second);
        },
        options);
  });
}

TEST_CASE("a send case's value is moved from only if that case ran") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          auto full = make_chan<std::unique_ptr<int>>(1);
          full.send(std::make_unique<int>(0));
          auto ready = make_chan<int>(1);
          auto value = std::make_unique<int>(1);
          for (int i = 0; i < 100; ++i) {
            ready.send(i);
            CHECK(select(send_case(full, std::move(value)), recv_case(ready)) == 1);
            REQUIRE(value != nullptr);
            CHECK(*value == 1);
            CHECK(select(send_case(full, std::move(value)), default_case()) == 1);
            REQUIRE(value != nullptr);
          }
          // A blocked select whose other case wins keeps the value.
          auto unbuffered = make_chan<counted>();
          auto wake = make_chan<int>();
          auto result = make_chan<int>(1);
          gofer::go([unbuffered, wake, result] {
            counted c{21};
            select(send_case(unbuffered, std::move(c)), recv_case(wake));
            result.send(c.id);
          });
          let_others_run();
          wake.send(1);
          CHECK(result.recv().value == 21);
          // And the case that runs moves it.
          auto empty = make_chan<std::unique_ptr<int>>(1);
          CHECK(select(send_case(empty, std::move(value)), send_case(full, nullptr)) == 0);
          CHECK(value == nullptr);
          CHECK(*empty.recv().value == 1);
        },
        options);
  });
}

TEST_CASE("the same channel may appear as sender and receiver in one select") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          auto ch = make_chan<int>(1);
          int v = 0;
          // Empty: only the send is ready. Full: only the receive.
          for (int i = 0; i < 100; ++i) {
            CHECK(select(send_case(ch, i), recv_case(ch, v)) == 0);
            CHECK(select(send_case(ch, -1), recv_case(ch, v)) == 1);
            CHECK(v == i);
          }
          // Unbuffered: a select never pairs with itself.
          auto unbuffered = make_chan<int>();
          CHECK(select(send_case(unbuffered, 1), recv_case(unbuffered, v), default_case()) == 2);
        },
        options);
  });
}

// Go: runtime/chan_test.go TestSelfSelect: two goroutines each select to send
// and receive on the same channel; they must pair up with each other, never
// with themselves, and never deadlock.
TEST_CASE("TestSelfSelect: two goroutines selecting send and recv on one channel pair up") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          constexpr int iterations = 1000;
          for (const int capacity : {0, 10}) {
            CAPTURE(capacity);
            auto c = make_chan<int>(capacity);
            auto done = make_chan<int>(2);
            for (int p = 0; p < 2; ++p) {
              gofer::go([c, done, p, capacity] {
                int self_receives = 0;
                for (int i = 0; i < iterations; ++i) {
                  int v = -1;
                  if (select(send_case(c, p), recv_case(c, v)) == 1) {
                    if (capacity == 0 && v == p) ++self_receives;
                  }
                }
                done.send(self_receives);
              });
            }
            CHECK(done.recv().value == 0);
            CHECK(done.recv().value == 0);
          }
        },
        options);
  });
}

// Go: runtime/chan_test.go TestSelectDuplicateChannel: a select that waits
// twice on one channel unlinks both waiters when another case wins, so a later
// send reaches a plain receiver.
TEST_CASE("TestSelectDuplicateChannel: a duplicate case leaves no stale waiter") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          auto c = make_chan<int>();
          auto d = make_chan<int>();
          auto e = make_chan<int>();
          gofer::go([c, d, e] {
            int v = 0;
            select(recv_case(c, v), recv_case(c, v), recv_case(d, v));
            e.send(v);
          });
          let_others_run();
          auto f = make_chan<int>();
          gofer::go([c, f] { f.send(c.recv().value); });
          let_others_run();
          d.send(7);
          CHECK(e.recv().value == 7);
          c.send(8);
          CHECK(f.recv().value == 8);
        },
        options);
  });
}

// A case commits at most once: N producers send distinct values into several
// channels; consumers select over all of them and a default. Every value is
// received exactly once (the data-loss check).
TEST_CASE("every value sent is received by exactly one select case") {
  for_each_scheduler([](const gofer::run_options& options) {
    constexpr int producers = 6;
    constexpr int per_producer = 500;
    constexpr int total = producers * per_producer;
    constexpr int consumers = 4;
    std::vector<std::atomic<int>> received(total);
    gofer::run(
        [&received] {
          std::array<chan<int>, 3> chans{make_chan<int>(), make_chan<int>(1), make_chan<int>(4)};
          auto quit = make_chan<gofer::signal>();
          auto all_received = make_chan<gofer::signal>();
          auto consumer_done = make_chan<gofer::signal>(consumers);
          std::atomic<int> count{0};
          for (int p = 0; p < producers; ++p) {
            gofer::go([chans, p] {
              for (int k = 0; k < per_producer; ++k) {
                const int value = p * per_producer + k;
                if (k % 2 == 0) {
                  chans[(p + k) % 3].send(value);
                } else {
                  select(send_case(chans[0], value), send_case(chans[1], value),
                         send_case(chans[2], value));
                }
              }
            });
          }
          for (int c = 0; c < consumers; ++c) {
            gofer::go([&, c] {
              for (;;) {
                int v = -1;
                bool ok = false;
                std::size_t index;
                if (c % 2 == 0) {
                  index = select(recv_case(chans[0], v, ok), recv_case(chans[1], v, ok),
                                 recv_case(chans[2], v, ok), recv_case(quit), default_case());
                } else {
                  index = select(recv_case(chans[0], v, ok), recv_case(chans[1], v, ok),
                                 recv_case(chans[2], v, ok), recv_case(quit));
                }
                if (index == 3) break;
                if (index == 4) {
                  gofer::yield();
                  continue;
                }
                if (ok && v >= 0 && v < total) received[v].fetch_add(1);
                if (count.fetch_add(1) + 1 == total) all_received.close();
              }
              consumer_done.send();
            });
          }
          all_received.recv();
          quit.close();
          for (int c = 0; c < consumers; ++c)
            consumer_done.recv();
          for (auto& ch : chans)
            CHECK(ch.len() == 0);
        },
        options);
    int missing = 0;
    int duplicated = 0;
    for (auto& r : received) {
      missing += r.load() == 0;
      duplicated += r.load() > 1;
    }
    CHECK(missing == 0);
    CHECK(duplicated == 0);
  });
}

// Go: test/chan/select3.go: which selects block and which do not.
TEST_CASE("select3: nil, closed, full and empty channels block or proceed as in Go") {
  for_each_scheduler([](const gofer::run_options& options) {
    std::atomic<int> unwound{0};
    std::atomic<int> returned{0};
    gofer::run(
        [&] {
          chan<int> nil;
          auto closed = make_chan<int>();
          closed.close();
          auto full = make_chan<int>(1);
          full.send(1);
          auto empty = make_chan<int>(1);
          auto unbuffered = make_chan<int>();

          // These never block.
          CHECK(select(recv_case(closed)) == 0);
          CHECK(select(recv_case(nil), recv_case(closed)) == 1);
          CHECK(select(send_case(nil, 1), recv_case(full)) == 1);
          CHECK(select(send_case(empty, 1)) == 0);
          CHECK(select(recv_case(unbuffered), default_case()) == 1);
          CHECK(select(send_case(unbuffered, 1), default_case()) == 1);
          CHECK(select(recv_case(nil), send_case(nil, 1), default_case()) == 2);

          // These block forever: unwound at shutdown.
          auto blocks = [&](auto body) {
            gofer::go([&unwound, &returned, body] {
              set_on_destroy guard{unwound};
              body();
              ++returned;
            });
          };
          blocks([nil] { select(recv_case(nil)); });
          blocks([nil] { select(send_case(nil, 1)); });
          blocks([nil] { select(recv_case(nil), send_case(nil, 2)); });
          blocks([] { select(); });
          blocks([empty] { select(send_case(empty, 2)); });  // now full
          blocks([unbuffered] { select(recv_case(unbuffered)); });
          auto another = make_chan<int>();
          blocks([another] { select(send_case(another, 3)); });
          let_others_run();
        },
        options);
    CHECK(unwound.load() == 7);
    CHECK(returned.load() == 0);
  });
}

// Go: test/chan/doubleselect.go: one sender spreads values over four channels
// with a select; muxers forward them to one channel; nothing is duplicated.
TEST_CASE("doubleselect: values spread by select arrive exactly once") {
  for_each_scheduler([](const gofer::run_options& options) {
    constexpr int n = 4000;
    std::vector<int> seen(n, 0);
    gofer::run(
        [&seen] {
          std::array<chan<int>, 4> in{make_chan<int>(), make_chan<int>(), make_chan<int>(),
                                      make_chan<int>()};
          auto out = make_chan<int>();
          auto done = make_chan<bool>();
          gofer::go([in] {
            for (int i = 0; i < n; ++i) {
              select(send_case(in[0], i), send_case(in[1], i), send_case(in[2], i),
                     send_case(in[3], i));
            }
            for (auto& c : in)
              c.close();
          });
          for (auto& c : in) {
            gofer::go([out, c, done] {
              for (int v : c)
                out.send(v);
              done.send(true);
            });
          }
          gofer::go([in, out, done] {
            for (int i = 0; i < 4; ++i)
              done.recv();
            out.close();
          });
          for (int v : out)
            ++seen[v];
        },
        options);
    int wrong = 0;
    for (int s : seen)
      wrong += s != 1;
    CHECK(wrong == 0);
  });
}

// Go: runtime/chan_test.go TestSelectFairness.
TEST_CASE("TestSelectFairness: a blocked select sees two ready channels equally") {
  for_each_scheduler([](const gofer::run_options& options) {
    constexpr int trials = 10000;
    const auto counts = gofer::run(
        [] {
          auto c1 = make_chan<unsigned char>(trials + 1);
          auto c2 = make_chan<unsigned char>(trials + 1);
          for (int i = 0; i < trials + 1; ++i) {
            c1.send(1);
            c2.send(2);
          }
          auto c3 = make_chan<unsigned char>();
          auto c4 = make_chan<unsigned char>();
          auto out = make_chan<unsigned char>();
          auto done = make_chan<unsigned char>();
          gofer::go([=] {
            for (;;) {
              unsigned char b = 0;
              select(recv_case(c3, b), recv_case(c4, b), recv_case(c1, b), recv_case(c2, b));
              if (select(send_case(out, b), recv_case(done)) == 1) return;
            }
          });
          std::array<int, 2> counts{};
          for (int i = 0; i < trials; ++i) {
            const unsigned char b = out.recv().value;
            ++counts[b == 1 ? 0 : 1];
          }
          done.close();
          return counts;
        },
        options);
    CAPTURE(counts[0]);
    CAPTURE(counts[1]);
    CHECK(counts[0] + counts[1] == trials);
    CHECK(std::abs(counts[0] - trials / 2.0) < six_sigma(trials, 0.5));
  });
}

// Go: runtime/chan_test.go TestSelectStress (with fewer values): plain sends
// and receives, and one select that sends and one that receives on all four
// channels, interleave without deadlock or loss.
TEST_CASE("TestSelectStress: selects and plain operations on four channels interleave") {
  for_each_scheduler([](const gofer::run_options& options) {
    constexpr int n = 2000;
    gofer::run(
        [] {
          std::array<chan<int>, 4> c{make_chan<int>(), make_chan<int>(), make_chan<int>(2),
                                     make_chan<int>(3)};
          auto done = make_chan<bool>();
          for (int k = 0; k < 4; ++k) {
            gofer::go([c, k, done] {
              for (int i = 0; i < n; ++i)
                c[k].send(0);
              done.send(true);
            });
            gofer::go([c, k, done] {
              for (int i = 0; i < n; ++i)
                c[k].recv();
              done.send(true);
            });
          }
          gofer::go([c, done] {
            std::array<int, 4> sent{};
            auto c1 = c;
            for (int i = 0; i < 4 * n; ++i) {
              const std::size_t k = select(send_case(c1[0], 0), send_case(c1[1], 0),
                                           send_case(c1[2], 0), send_case(c1[3], 0));
              if (++sent[k] == n) c1[k] = chan<int>{};
            }
            done.send(true);
          });
          gofer::go([c, done] {
            std::array<int, 4> got{};
            auto c1 = c;
            for (int i = 0; i < 4 * n; ++i) {
              const std::size_t k =
                  select(recv_case(c1[0]), recv_case(c1[1]), recv_case(c1[2]), recv_case(c1[3]));
              if (++got[k] == n) c1[k] = chan<int>{};
            }
            done.send(true);
          });
          for (int i = 0; i < 10; ++i)
            CHECK(done.recv().value);
        },
        options);
  });
}

TEST_CASE("recv_case and send_case accept direction views and signal channels") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          auto ch = make_chan<int>(1);
          gofer::send_chan<int> out = ch;
          gofer::recv_chan<int> in = ch;
          CHECK(select(send_case(out, 3)) == 0);
          int v = 0;
          CHECK(select(recv_case(in, v)) == 0);
          CHECK(v == 3);
          auto stop = make_chan<gofer::signal>(1);
          CHECK(select(send_case(stop)) == 0);
          CHECK(select(recv_case(stop)) == 0);
          const int copied = 9;  // an lvalue is copied on entry
          CHECK(select(send_case(ch, copied)) == 0);
          CHECK(ch.recv().value == 9);
          counted::reset();
          {
            auto counted_ch = make_chan<counted>(1);
            counted original{4};
            CHECK(select(send_case(counted_ch, original), default_case()) == 0);
            CHECK(original.id == 4);
            CHECK(counted_ch.recv().value.id == 4);
          }
        },
        options);
  });
}

// The everyday Go loop, `for { select { ... } }`, with an enum naming the cases.
TEST_CASE("a for-select loop with named cases serves jobs until told to stop") {
  for_each_scheduler([](const gofer::run_options& options) {
    const int total = gofer::run(
        [] {
          auto jobs = make_chan<int>();
          auto results = make_chan<int>(1);
          auto stop = make_chan<gofer::signal>();
          gofer::go([jobs, results, stop] {
            enum : std::size_t { job, stopped };
            int sum = 0;
            for (;;) {
              int value = 0;
              switch (select(recv_case(jobs, value), recv_case(stop))) {
                case job:
                  sum += value;
                  break;
                case stopped:
                  results.send(sum);
                  return;
              }
            }
          });
          for (int i = 1; i <= 10; ++i)
            jobs.send(i);
          stop.close();
          return results.recv().value;
        },
        options);
    CHECK(total == 55);
  });
}

// --- The handler form: on_recv, on_send, on_default -------------------------

TEST_CASE("on_recv hands the chosen case's value to its handler, and only that handler runs") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          auto numbers = gofer::make_chan<int>(1);
          auto words = gofer::make_chan<std::string>(1);
          auto quit = gofer::make_chan<gofer::signal>();
          numbers.send(7);
          std::vector<std::string> log;
          const std::size_t chosen = gofer::select(
              gofer::on_recv(numbers,
                             [&](int v, bool ok) {
                               log.push_back(std::to_string(v) + (ok ? " true" : " false"));
                             }),
              gofer::on_recv(words, [&](std::string w) { log.push_back(w); }),
              gofer::on_recv(quit, [&] { log.push_back("quit"); }));
          CHECK(chosen == 0);
          CHECK(log == std::vector<std::string>{"7 true"});

          numbers.close();
          gofer::select(gofer::on_recv(numbers, [&](int v, bool ok) {
            CHECK(v == 0);  // Go's zero value
            CHECK_FALSE(ok);
          }));
        },
        options);
  });
}

TEST_CASE("a losing receive case writes nothing: its target is only in its handler") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          auto idle = gofer::make_chan<int>();
          auto ready = gofer::make_chan<int>(1);
          ready.send(1);
          std::map<std::string, int> seen;
          // Go: case seen["never"] = <-idle evaluates the map index only if chosen.
          gofer::select(gofer::on_recv(idle, [&](int v) { seen["never"] = v; }),
                        gofer::on_recv(ready, [&](int v) { seen["ready"] = v; }));
          CHECK(seen.size() == 1);
          CHECK(seen.count("never") == 0);
        },
        options);
  });
}

TEST_CASE("on_send moves its value only if it ran; on_default runs when nothing is ready") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          auto full = gofer::make_chan<counted>(1);
          full.send(counted{1});
          counted value{2};
          bool defaulted = false;
          const std::size_t chosen = gofer::select(
              gofer::on_send(full, std::move(value), [] { FAIL("sent on a full channel"); }),
              gofer::on_default([&] { defaulted = true; }));
          CHECK(chosen == 1);
          CHECK(defaulted);
          CHECK(value.id == 2);  // not moved from

          auto out = gofer::make_chan<counted>(1);
          bool sent = false;
          gofer::select(gofer::on_send(out, std::move(value), [&] { sent = true; }));
          CHECK(sent);
          CHECK(out.get().id == 2);
        },
        options);
  });
}

TEST_CASE("the two forms mix, and a handler may block and select again") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          auto ping = gofer::make_chan<int>();
          auto pong = gofer::make_chan<int>();
          gofer::go([ping, pong] { pong.send(ping.get() + 1); });
          int direct = 0;
          int via_handler = 0;
          ping.send(41);
          const std::size_t chosen = gofer::select(
              recv_case(ping, direct), gofer::on_recv(pong, [&](int v) {
                via_handler = v;
                // A handler runs after the select completed: it may block.
                CHECK(gofer::select(gofer::on_recv(ping, [] {}), gofer::on_default([] {})) == 1);
              }));
          CHECK(chosen == 1);
          CHECK(via_handler == 42);
          CHECK(direct == 0);
        },
        options);
  });
}

TEST_CASE("on_recv_optional serves a T without a default constructor") {
  struct no_default {
    explicit no_default(int v) : value(v) {}
    int value;
  };
  gofer::run([] {
    auto c = gofer::make_chan<no_default>(1);
    c.send(no_default{5});
    int got = 0;
    gofer::select(
        gofer::on_recv_optional(c, [&](std::optional<no_default> v) { got = v ? v->value : -1; }));
    CHECK(got == 5);
    c.close();
    gofer::select(
        gofer::on_recv_optional(c, [&](std::optional<no_default> v) { got = v ? v->value : -1; }));
    CHECK(got == -1);
  });
}

TEST_CASE("get is <-ch: the value, or T{} once closed and drained") {
  gofer::run([] {
    auto c = gofer::make_chan<int>(2);
    c.send(3);
    c.close();
    CHECK(c.get() == 3);
    CHECK(c.get() == 0);
  });
}

TEST_CASE("select's operands are evaluated in an unspecified order; locals restore Go's") {
  // Documents the difference (docs/differences.md): the order below is the
  // compiler's. Evaluating into locals first gives Go's top-to-bottom order.
  gofer::run([] {
    auto c = gofer::make_chan<int>(5);
    std::string order;
    auto next = [&order](int i) {
      order += std::to_string(i);
      return i;
    };
    const int a = next(1);
    const int b = next(2);
    const int d = next(3);
    gofer::select(gofer::send_case(c, a), gofer::send_case(c, b), gofer::send_case(c, d));
    CHECK(order == "123");
  });
}
