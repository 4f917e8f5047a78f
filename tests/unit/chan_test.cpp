// Tests for gofer/chan.hpp: every rule of Go's channels, under every scheduler
// setup. Ported from Go's src/runtime/chan_test.go (TestChan,
// TestNonblockRecvRace, TestMultiConsumer), test/chan/fifo.go, nonblock.go,
// sieve1.go, goroutines.go and test/closedchan.go.
#include <doctest/doctest.h>

#include <atomic>
#include <cstddef>
#include <memory>
#include <numeric>
#include <optional>
#include <type_traits>
#include <utility>
#include <vector>

#include <gofer/gofer.hpp>

#include "../support/counted.hpp"

using gofer::chan;
using gofer::make_chan;
using gofer_test::counted;
using gofer_test::for_each_scheduler;
using gofer_test::let_others_run;
using gofer_test::set_on_destroy;

TEST_CASE("make_chan with a negative capacity throws gofer::invalid_argument") {
  CHECK_THROWS_AS(make_chan<int>(-1), gofer::invalid_argument);
  CHECK_THROWS_AS(make_chan<int>(-1), gofer::error);
  CHECK_THROWS_WITH(make_chan<int>(-1), "makechan: size out of range");
}

TEST_CASE("len and cap report the buffer, for many capacities") {
  for (const std::ptrdiff_t capacity : {0, 1, 2, 3, 7, 64, 1000}) {
    CAPTURE(capacity);
    auto ch = make_chan<int>(capacity);
    CHECK(ch.cap() == static_cast<std::size_t>(capacity));
    CHECK(ch.len() == 0);
    for (std::ptrdiff_t i = 0; i < capacity; ++i) {
      REQUIRE(ch.try_send(static_cast<int>(i)));
      CHECK(ch.len() == static_cast<std::size_t>(i + 1));
    }
    CHECK_FALSE(ch.try_send(-1));
    ch.close();
    // Go: len and cap of a closed channel still report the buffer.
    CHECK(ch.len() == static_cast<std::size_t>(capacity));
    CHECK(ch.cap() == static_cast<std::size_t>(capacity));
  }
  chan<int> nil;
  CHECK(nil.len() == 0);
  CHECK(nil.cap() == 0);
}

TEST_CASE("an unbuffered send completes only when a receiver takes the value") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          auto ch = make_chan<int>();
          auto done = make_chan<gofer::signal>();
          std::atomic<bool> sent{false};
          gofer::go([ch, done, &sent] {
            ch.send(42);
            sent = true;
            done.send();
          });
          let_others_run();
          CHECK_FALSE(sent.load());
          CHECK(ch.len() == 0);
          auto [value, ok] = ch.recv();
          CHECK(ok);
          CHECK(value == 42);
          done.recv();
          CHECK(sent.load());
        },
        options);
  });
}

TEST_CASE("an unbuffered channel with no receiver refuses try_send") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          auto ch = make_chan<int>();
          CHECK_FALSE(ch.try_send(1));
          CHECK_FALSE(ch.try_recv().has_value());
          // Once a receiver is parked, try_send hands the value to it.
          auto got = make_chan<int>(1);
          gofer::go([ch, got] { got.send(ch.recv().value); });
          while (!ch.try_send(7))
            gofer::yield();
          CHECK(got.recv().value == 7);
          // And once a sender is parked, try_recv takes its value.
          gofer::go([ch] { ch.send(8); });
          std::optional<gofer::received<int>> r;
          while (!(r = ch.try_recv()))
            gofer::yield();
          CHECK(r->ok);
          CHECK(r->value == 8);
        },
        options);
  });
}

TEST_CASE("a buffered channel holds exactly n values and the next send blocks") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          for (const int capacity : {1, 2, 5, 100}) {
            CAPTURE(capacity);
            auto ch = make_chan<int>(capacity);
            for (int i = 0; i < capacity; ++i)
              CHECK(ch.try_send(i));
            CHECK_FALSE(ch.try_send(capacity));
            CHECK(ch.len() == static_cast<std::size_t>(capacity));

            // The (n+1)-th send blocks until a receive frees a slot.
            std::atomic<bool> sent{false};
            auto done = make_chan<gofer::signal>();
            gofer::go([ch, done, &sent, capacity] {
              ch.send(capacity);
              sent = true;
              done.send();
            });
            let_others_run();
            CHECK_FALSE(sent.load());
            CHECK(ch.recv().value == 0);
            done.recv();
            CHECK(sent.load());
            CHECK(ch.len() == static_cast<std::size_t>(capacity));
            // FIFO: the blocked sender's value comes last.
            for (int i = 1; i <= capacity; ++i)
              CHECK(ch.recv().value == i);
            CHECK(ch.len() == 0);
          }
        },
        options);
  });
}

// Go: test/chan/fifo.go AsynchFifo.
TEST_CASE("a buffered channel delivers in FIFO order") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          constexpr int n = 10;
          auto ch = make_chan<int>(n);
          for (int i = 0; i < n; ++i)
            ch.send(i);
          for (int i = 0; i < n; ++i)
            CHECK(ch.recv().value == i);
        },
        options);
  });
}

// Go: test/chan/fifo.go SynchFifo: a chain of goroutines, each sending its
// value only after the previous one sent, arrives in order.
TEST_CASE("values arrive in the order the chained senders sent them") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          constexpr int n = 10;
          auto ch = make_chan<int>();
          auto in = make_chan<int>();
          auto start = in;
          for (int i = 0; i < n; ++i) {
            auto out = make_chan<int>();
            gofer::go(
                [ch, i](chan<int> wait_for, chan<int> then) {
                  wait_for.recv();
                  ch.send(i);
                  then.send(0);
                },
                in, out);
            in = out;
          }
          start.send(0);
          for (int i = 0; i < n; ++i)
            CHECK(ch.recv().value == i);
          in.recv();
        },
        options);
  });
}

// Go: runtime/chan_test.go TestChan, "Test FIFO from multiple senders" per
// sender: each sender's values arrive in its own order.
TEST_CASE("values from one sender arrive in order, for every capacity") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          constexpr int senders = 4;
          constexpr int per_sender = 200;
          for (const int capacity : {0, 1, 3, 20}) {
            CAPTURE(capacity);
            auto ch = make_chan<std::pair<int, int>>(capacity);
            for (int s = 0; s < senders; ++s) {
              gofer::go([ch, s] {
                for (int k = 0; k < per_sender; ++k)
                  ch.send({s, k});
              });
            }
            std::vector<int> next(senders, 0);
            bool in_order = true;
            for (int i = 0; i < senders * per_sender; ++i) {
              auto [value, ok] = ch.recv();
              REQUIRE(ok);
              if (value.second != next[value.first]) in_order = false;
              next[value.first] = value.second + 1;
            }
            CHECK(in_order);
            for (int s = 0; s < senders; ++s)
              CHECK(next[s] == per_sender);
          }
        },
        options);
  });
}

// Go: runtime/chan_test.go TestChan, for chanCap 0..20.
TEST_CASE("TestChan: blocking, non-blocking and close rules for capacities 0 to 20") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          for (int capacity = 0; capacity <= 20; ++capacity) {
            CAPTURE(capacity);
            {
              // Receive from an empty channel blocks until a send.
              auto c = make_chan<int>(capacity);
              std::atomic<int> recv1{0};
              std::atomic<int> recv2{0};
              auto done = make_chan<gofer::signal>(2);
              gofer::go([c, done, &recv1] {
                c.recv();
                recv1 = 1;
                done.send();
              });
              gofer::go([c, done, &recv2] {
                c.recv_optional();
                recv2 = 1;
                done.send();
              });
              let_others_run();
              CHECK(recv1 + recv2 == 0);
              // Non-blocking receive from an empty channel fails.
              CHECK_FALSE(c.try_recv().has_value());
              c.send(0);
              c.send(0);
              done.recv();
              done.recv();
              CHECK(recv1 + recv2 == 2);
            }
            {
              // Send to a full channel blocks until a receive.
              auto c = make_chan<int>(capacity);
              for (int i = 0; i < capacity; ++i)
                c.send(i);
              std::atomic<int> sent{0};
              auto done = make_chan<gofer::signal>(1);
              gofer::go([c, done, &sent] {
                c.send(0);
                sent = 1;
                done.send();
              });
              let_others_run();
              CHECK(sent.load() == 0);
              // Non-blocking send to a full channel fails.
              CHECK_FALSE(c.try_send(0));
              c.recv();
              done.recv();
              CHECK(sent.load() == 1);
            }
            {
              // Close unblocks a receive.
              auto c = make_chan<int>(capacity);
              auto done = make_chan<bool>();
              gofer::go([c, done] { done.send(c.recv().ok); });
              let_others_run();
              c.close();
              CHECK_FALSE(done.recv().value);
            }
            {
              // Close unblocks a send, which throws.
              auto c = make_chan<int>(capacity);
              for (int i = 0; i < capacity; ++i)
                c.send(i);
              auto done = make_chan<bool>();
              gofer::go([c, done] {
                bool threw = false;
                try {
                  c.send(99);
                } catch (const gofer::send_on_closed_channel&) {
                  threw = true;
                }
                done.send(threw);
              });
              let_others_run();
              c.close();
              CHECK(done.recv().value);
              // The buffered values are still received, then "closed".
              for (int i = 0; i < capacity; ++i)
                CHECK(c.recv().value == i);
              CHECK_FALSE(c.recv().ok);
            }
            {
              // len and cap.
              auto c = make_chan<int>(capacity);
              CHECK(c.len() == 0);
              CHECK(c.cap() == static_cast<std::size_t>(capacity));
              for (int i = 0; i < capacity; ++i)
                c.send(i);
              CHECK(c.len() == static_cast<std::size_t>(capacity));
            }
          }
        },
        options);
  });
}

TEST_CASE("close wakes every blocked receiver") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          constexpr int receivers = 10;
          for (const int capacity : {0, 4}) {
            CAPTURE(capacity);
            auto ch = make_chan<int>(capacity);
            auto results = make_chan<bool>(receivers);
            for (int i = 0; i < receivers; ++i) {
              gofer::go([ch, results] { results.send(ch.recv().ok); });
            }
            let_others_run();
            ch.close();
            for (int i = 0; i < receivers; ++i)
              CHECK_FALSE(results.recv().value);
          }
        },
        options);
  });
}

TEST_CASE("close wakes every blocked sender and each throws send_on_closed_channel") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          constexpr int senders = 10;
          for (const int capacity : {0, 3}) {
            CAPTURE(capacity);
            auto ch = make_chan<counted>(capacity);
            for (int i = 0; i < capacity; ++i)
              ch.send(counted{1000 + i});
            // Each sender reports whether it threw and whether it still has its value.
            auto results = make_chan<std::pair<bool, bool>>(senders);
            for (int i = 0; i < senders; ++i) {
              gofer::go([ch, results, i] {
                counted value{i};
                bool threw = false;
                try {
                  ch.send(std::move(value));
                } catch (const gofer::send_on_closed_channel&) {
                  threw = true;
                }
                results.send({threw, value.id == i});
              });
            }
            // Wait until every sender is parked (they cannot complete).
            let_others_run();
            ch.close();
            int threw = 0;
            int kept = 0;
            for (int i = 0; i < senders; ++i) {
              auto [r, ok] = results.recv();
              threw += r.first;
              kept += r.second;
            }
            CHECK(threw == senders);
            CHECK(kept == senders);
            for (int i = 0; i < capacity; ++i)
              CHECK(ch.recv().value.id == 1000 + i);
            CHECK_FALSE(ch.recv_optional().has_value());
          }
        },
        options);
  });
}

// Go: test/closedchan.go, every form of receive.
TEST_CASE("recv on a closed channel drains the buffer first") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          auto ch = make_chan<int>(3);
          ch.send(1);
          ch.send(2);
          ch.send(3);
          ch.close();
          CHECK(ch.len() == 3);
          auto first = ch.recv();
          CHECK(first.ok);
          CHECK(first.value == 1);
          auto second = ch.try_recv();
          REQUIRE(second.has_value());
          CHECK(second->ok);
          CHECK(second->value == 2);
          CHECK(ch.recv_optional() == std::optional<int>(3));
          // Then Go's zero value and ok = false, from every form, every time.
          for (int i = 0; i < 3; ++i) {
            auto [value, ok] = ch.recv();
            CHECK_FALSE(ok);
            CHECK(value == 0);
            CHECK_FALSE(static_cast<bool>(ch.recv()));
            auto polled = ch.try_recv();
            REQUIRE(polled.has_value());
            CHECK_FALSE(polled->ok);
            CHECK(polled->value == 0);
            CHECK_FALSE(ch.recv_optional().has_value());
          }
          int ranged = 0;
          for (int v : ch)
            ranged += v + 1;
          CHECK(ranged == 0);
        },
        options);
  });
}

TEST_CASE("recv on a closed unbuffered channel reports closed at once") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          auto ch = make_chan<std::vector<int>>();
          ch.close();
          auto [value, ok] = ch.recv();
          CHECK_FALSE(ok);
          CHECK(value.empty());
        },
        options);
  });
}

TEST_CASE("send on a closed channel throws and the value is not consumed") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          for (const int capacity : {0, 1, 4}) {
            CAPTURE(capacity);
            auto ch = make_chan<std::unique_ptr<int>>(capacity);
            ch.close();
            auto value = std::make_unique<int>(5);
            CHECK_THROWS_AS(ch.send(std::move(value)), gofer::send_on_closed_channel);
            REQUIRE(value != nullptr);
            CHECK(*value == 5);
            CHECK_THROWS_AS(ch.try_send(std::move(value)), gofer::send_on_closed_channel);
            REQUIRE(value != nullptr);
            CHECK(*value == 5);

            auto counted_ch = make_chan<counted>(capacity);
            counted_ch.close();
            counted c{9};
            CHECK_THROWS_AS(counted_ch.send(std::move(c)), gofer::send_on_closed_channel);
            CHECK(c.id == 9);
            CHECK_THROWS_AS(counted_ch.try_send(std::move(c)), gofer::send_on_closed_channel);
            CHECK(c.id == 9);
            CHECK_THROWS_AS(counted_ch.send(c), gofer::send_on_closed_channel);
            CHECK(c.id == 9);
          }
        },
        options);
  });
}

TEST_CASE("send on a closed channel throws even when the buffer has room") {
  auto ch = make_chan<int>(5);
  ch.send(1);
  ch.close();
  CHECK_THROWS_WITH_AS(ch.send(2), "send on closed channel", gofer::send_on_closed_channel);
  CHECK_THROWS_AS(ch.try_send(2), gofer::send_on_closed_channel);
  CHECK(ch.len() == 1);
}

TEST_CASE("close of a closed channel and close of a nil channel throw Go's panics") {
  auto ch = make_chan<int>(1);
  ch.close();
  CHECK_THROWS_WITH_AS(ch.close(), "close of closed channel", gofer::close_of_closed_channel);
  chan<int> nil;
  CHECK_THROWS_WITH_AS(nil.close(), "close of nil channel", gofer::close_of_nil_channel);
  gofer::send_chan<int> nil_send;
  CHECK_THROWS_AS(nil_send.close(), gofer::close_of_nil_channel);

  static_assert(std::is_base_of_v<gofer::error, gofer::send_on_closed_channel>);
  static_assert(std::is_base_of_v<gofer::error, gofer::close_of_closed_channel>);
  static_assert(std::is_base_of_v<gofer::error, gofer::close_of_nil_channel>);
  static_assert(std::is_base_of_v<gofer::error, gofer::runtime_misuse>);
  static_assert(std::is_base_of_v<std::exception, gofer::error>);
  CHECK_THROWS_AS(ch.close(), gofer::error);
  CHECK_THROWS_AS(nil.close(), gofer::error);
}

TEST_CASE("a nil channel never accepts nor delivers without blocking") {
  chan<int> nil;
  CHECK(nil == nullptr);
  CHECK(nil == chan<int>{});
  CHECK_FALSE(nil.try_send(1));
  CHECK_FALSE(nil.try_recv().has_value());
  CHECK(nil.len() == 0);
  CHECK(nil.cap() == 0);
  CHECK_FALSE(make_chan<int>() == nullptr);
}

TEST_CASE("send and recv on a nil channel block forever and are unwound at shutdown") {
  for_each_scheduler([](const gofer::run_options& options) {
    std::atomic<int> destroyed{0};
    std::atomic<int> returned{0};
    gofer::run(
        [&] {
          chan<counted> nil;
          gofer::go([nil, &destroyed, &returned] {
            set_on_destroy guard{destroyed};
            nil.send(counted{1});
            ++returned;
          });
          gofer::go([nil, &destroyed, &returned] {
            set_on_destroy guard{destroyed};
            nil.recv();
            ++returned;
          });
          gofer::go([nil, &destroyed, &returned] {
            set_on_destroy guard{destroyed};
            nil.recv_optional();
            ++returned;
          });
          gofer::go([nil, &destroyed, &returned] {
            set_on_destroy guard{destroyed};
            for (auto& v : nil)
              (void)v;
            ++returned;
          });
          gofer::go([&destroyed, &returned] {
            set_on_destroy guard{destroyed};
            gofer::recv_chan<int> nil_recv;
            nil_recv.recv();
            ++returned;
          });
          let_others_run();
        },
        options);
    CHECK(destroyed.load() == 5);
    CHECK(returned.load() == 0);
  });
}

TEST_CASE("move-only values pass through unbuffered and buffered channels") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          for (const int capacity : {0, 1, 8}) {
            CAPTURE(capacity);
            auto ch = make_chan<std::unique_ptr<int>>(capacity);
            gofer::go([ch] {
              for (int i = 0; i < 20; ++i)
                ch.send(std::make_unique<int>(i));
              ch.close();
            });
            int expected = 0;
            for (auto& p : ch) {
              REQUIRE(p != nullptr);
              CHECK(*p == expected++);
            }
            CHECK(expected == 20);
            auto [value, ok] = ch.recv();
            CHECK_FALSE(ok);
            CHECK(value == nullptr);
          }
        },
        options);
  });
}

TEST_CASE("a channel moves counted values and never copies them") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          for (const int capacity : {0, 2, 50}) {
            CAPTURE(capacity);
            auto ch = make_chan<counted>(capacity);
            gofer::go([ch] {
              for (int i = 0; i < 100; ++i)
                ch.send(counted{i});
              ch.close();
            });
            int expected = 0;
            while (auto v = ch.recv_optional())
              CHECK(v->id == expected++);
            CHECK(expected == 100);
            CHECK(counted::copies() == 0);
          }
        },
        options);
  });
}

TEST_CASE("values still buffered are destroyed with the last handle") {
  counted::reset();
  {
    auto ch = make_chan<counted>(5);
    for (int i = 0; i < 5; ++i)
      ch.send(counted{i});
    CHECK(counted::live() == 5);
    auto copy = ch;
    ch = chan<counted>{};
    CHECK(counted::live() == 5);  // `copy` still holds the channel
    CHECK(copy.recv().value.id == 0);
    CHECK(counted::live() == 4);
    gofer::recv_chan<counted> view = copy;
    copy = chan<counted>{};
    CHECK(counted::live() == 4);  // the view keeps it alive
  }
  CHECK(counted::live() == 0);
  {
    // Buffer wrapped around: head in the middle.
    auto ch = make_chan<counted>(3);
    for (int i = 0; i < 3; ++i)
      ch.send(counted{i});
    ch.recv();
    ch.recv();
    ch.send(counted{3});
    ch.send(counted{4});
    ch.close();
    CHECK(counted::live() == 3);
  }
  CHECK(counted::live() == 0);
}

TEST_CASE("signal channels carry events and closes") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          auto done = make_chan<gofer::signal>();
          auto stop = make_chan<gofer::signal>();
          std::atomic<int> stopped{0};
          for (int i = 0; i < 3; ++i) {
            gofer::go([done, stop, &stopped] {
              stop.recv();  // the close reaches every waiter
              ++stopped;
              done.send();
            });
          }
          stop.close();
          for (int i = 0; i < 3; ++i)
            CHECK(done.recv().ok);
          CHECK(stopped.load() == 3);
          auto buffered = make_chan<gofer::signal>(2);
          CHECK(buffered.try_send(gofer::signal{}));
          buffered.send();
          CHECK_FALSE(buffered.try_send(gofer::signal{}));
          CHECK(buffered.len() == 2);
          CHECK(buffered.recv().value == gofer::signal{});
        },
        options);
  });
}

TEST_CASE("direction views convert from chan and share the same channel") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          auto ch = make_chan<int>(2);
          gofer::send_chan<int> out = ch;
          gofer::recv_chan<int> in = ch;
          CHECK(out == ch);
          CHECK(in == ch);
          CHECK(out.cap() == 2);
          CHECK(in.cap() == 2);
          CHECK_FALSE(out == make_chan<int>(2));
          CHECK(gofer::send_chan<int>{} == nullptr);
          CHECK(gofer::recv_chan<int>{} == nullptr);

          out.send(1);
          CHECK(in.len() == 1);
          CHECK(ch.recv().value == 1);
          ch.send(2);
          CHECK(in.recv().value == 2);

          gofer::go(
              [](gofer::send_chan<int> producer) {
                for (int i = 0; i < 5; ++i)
                  producer.send(i);
                producer.close();
              },
              out);
          int sum = 0;
          for (int v : in)
            sum += v;
          CHECK(sum == 10);
          CHECK_FALSE(in.try_recv()->ok);
          CHECK_THROWS_AS(out.try_send(1), gofer::send_on_closed_channel);
        },
        options);
  });
}

TEST_CASE("range over a channel ends at close, after the buffer drains") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          for (const int capacity : {0, 1, 10}) {
            CAPTURE(capacity);
            auto ch = make_chan<int>(capacity);
            gofer::go([ch] {
              for (int i = 1; i <= 100; ++i)
                ch.send(i);
              ch.close();
            });
            int sum = 0;
            int count = 0;
            for (int v : ch) {
              sum += v;
              ++count;
            }
            CHECK(count == 100);
            CHECK(sum == 5050);
          }
        },
        options);
  });
}

// Go: runtime/chan_test.go TestNonblockRecvRace: a non-blocking receive on a
// channel that holds a value or is closed never reports "would block".
TEST_CASE("TestNonblockRecvRace: try_recv on a ready channel never reports would block") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          constexpr int n = 1000;
          std::atomic<int> not_ready{0};
          for (int i = 0; i < n; ++i) {
            auto c = make_chan<int>(1);
            c.send(1);
            auto done = make_chan<gofer::signal>(1);
            gofer::go([c, done, &not_ready] {
              if (!c.try_recv().has_value()) ++not_ready;
              done.send();
            });
            c.close();
            c.recv();
            done.recv();
          }
          CHECK(not_ready.load() == 0);
        },
        options);
  });
}

// Go: runtime/chan_test.go TestMultiConsumer (with fewer iterations).
TEST_CASE("TestMultiConsumer: many workers drain one channel, sum preserved") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          constexpr int nwork = 23;
          constexpr int niter = 5000;
          static constexpr int primes[] = {2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31};
          auto q = make_chan<int>(nwork * 3);
          auto r = make_chan<int>(nwork * 3);
          auto wg_done = make_chan<gofer::signal>(nwork);
          for (int i = 0; i < nwork; ++i) {
            gofer::go([q, r, wg_done, i] {
              for (int v : q) {
                // Mess with the fifo-ish nature of range.
                if (primes[i % 11] == v) {
                  for (int j = 0; j < 10; ++j)
                    gofer::yield();
                }
                r.send(v);
              }
              wg_done.send();
            });
          }
          long expect = 0;
          auto total = make_chan<std::pair<int, long>>(1);
          gofer::go([r, total] {
            int n = 0;
            long sum = 0;
            for (int v : r) {
              ++n;
              sum += v;
            }
            total.send({n, sum});
          });
          for (int i = 0; i < niter; ++i) {
            const int v = primes[i % 11];
            q.send(v);
            expect += v;
          }
          q.close();
          for (int i = 0; i < nwork; ++i)
            wg_done.recv();
          r.close();
          auto [result, ok] = total.recv();
          CHECK(result.first == niter);
          CHECK(result.second == expect);
        },
        options);
  });
}

// Go: test/chan/sieve1.go, the concurrent prime sieve.
TEST_CASE("the concurrent prime sieve finds the first 100 primes") {
  for_each_scheduler([](const gofer::run_options& options) {
    const std::vector<int> primes = gofer::run(
        [] {
          auto ch = make_chan<int>();
          gofer::go([ch] {
            for (int i = 2;; ++i)
              ch.send(i);
          });
          std::vector<int> found;
          for (int i = 0; i < 100; ++i) {
            const int prime = ch.recv().value;
            found.push_back(prime);
            auto next = make_chan<int>();
            gofer::go(
                [](chan<int> in, chan<int> out, int p) {
                  for (;;) {
                    const int v = in.recv().value;
                    if (v % p != 0) out.send(v);
                  }
                },
                ch, next, prime);
            ch = next;
          }
          return found;
        },
        options);
    // Every filter is unwound at shutdown.
    REQUIRE(primes.size() == 100);
    CHECK(primes.front() == 2);
    CHECK(primes.back() == 541);
    int count = 0;
    for (int n = 2; n <= 541; ++n) {
      bool prime = true;
      for (int d = 2; d * d <= n; ++d)
        prime = prime && n % d != 0;
      count += prime;
    }
    CHECK(count == 100);
  });
}

// Go: test/chan/goroutines.go: a daisy chain of goroutines passes a value along.
TEST_CASE("a daisy chain of 1000 goroutines passes a value along") {
  for_each_scheduler([](const gofer::run_options& options) {
    const int result = gofer::run(
        [] {
          constexpr int n = 1000;
          auto leftmost = make_chan<int>();
          auto right = leftmost;
          auto left = leftmost;
          for (int i = 0; i < n; ++i) {
            right = make_chan<int>();
            gofer::go([](chan<int> l, chan<int> r) { l.send(1 + r.recv().value); }, left, right);
            left = right;
          }
          right.send(0);
          return leftmost.recv().value;
        },
        options);
    CHECK(result == 1000);
  });
}

// Go: test/chan/nonblock.go: non-blocking operations against a partner
// goroutine, for unbuffered and buffered channels.
TEST_CASE("non-blocking operations succeed once a partner is ready") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          for (const int capacity : {0, 8}) {
            CAPTURE(capacity);
            auto c = make_chan<int>(capacity);
            auto sync = make_chan<bool>();
            CHECK_FALSE(c.try_recv().has_value());  // empty

            gofer::go([c, sync] {
              c.send(123);
              sync.send(true);
            });
            std::optional<gofer::received<int>> got;
            while (!(got = c.try_recv()))
              gofer::yield();
            CHECK(got->value == 123);
            sync.recv();

            gofer::go([c, sync] {
              const bool ok = c.recv().value == 234;
              sync.send(ok);
            });
            while (!c.try_send(234))
              gofer::yield();
            CHECK(sync.recv().value);
          }
        },
        options);
  });
}

TEST_CASE("try_send that would block leaves the value with the caller") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          auto full = make_chan<std::unique_ptr<int>>(1);
          CHECK(full.try_send(std::make_unique<int>(1)));
          auto value = std::make_unique<int>(2);
          CHECK_FALSE(full.try_send(std::move(value)));
          REQUIRE(value != nullptr);
          CHECK(*value == 2);
          auto unbuffered = make_chan<std::unique_ptr<int>>();
          CHECK_FALSE(unbuffered.try_send(std::move(value)));
          REQUIRE(value != nullptr);
          chan<std::unique_ptr<int>> nil;
          CHECK_FALSE(nil.try_send(std::move(value)));
          REQUIRE(value != nullptr);
          CHECK(*value == 2);
        },
        options);
  });
}

namespace {
// A value with no default constructor: recv() (which needs Go's zero value)
// is not available, recv_optional, range-for and select's optional form are.
struct no_default {
  explicit no_default(int v) noexcept : value(v) {}
  int value;
};
}  // namespace

TEST_CASE("a channel of a type with no default constructor works through recv_optional") {
  static_assert(!std::is_default_constructible_v<no_default>);
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          auto ch = make_chan<no_default>(2);
          ch.send(no_default{1});
          ch.send(no_default{2});
          auto first = ch.recv_optional();
          REQUIRE(first.has_value());
          CHECK(first->value == 1);
          std::optional<no_default> second;
          CHECK(gofer::select(gofer::recv_case(ch, second)) == 0);
          REQUIRE(second.has_value());
          CHECK(second->value == 2);
          gofer::go([ch] {
            ch.send(no_default{3});
            ch.close();
          });
          int sum = 0;
          for (const no_default& v : ch)
            sum += v.value;
          CHECK(sum == 3);
          CHECK_FALSE(ch.recv_optional().has_value());
        },
        options);
  });
}
