// Stress tests for channels and select: many producers and consumers over
// 4 threads (and 1), with selects, try operations and close racing. Every test
// does exact accounting: each value sent is received exactly once, none lost,
// none duplicated, none leaked.
//
// Scale: GOFER_STRESS_SCALE (default 1) multiplies every iteration count.
// The defaults keep the whole file well under 20 s in a debug build on two
// cores, and within the CTest timeout under ASan and TSan.
#include <doctest/doctest.h>

#include <array>
#include <atomic>
#include <cmath>
#include <cstddef>
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
using gofer_test::stress_scale;

namespace {

// Per-value receive counts: the exact accounting every test ends with.
class ledger {
 public:
  explicit ledger(int values) : counts_(static_cast<std::size_t>(values)) {}
  void record(int value) {
    if (value < 0 || value >= static_cast<int>(counts_.size())) {
      out_of_range_.fetch_add(1);
      return;
    }
    counts_[static_cast<std::size_t>(value)].fetch_add(1, std::memory_order_relaxed);
  }
  int received(int value) const { return counts_[static_cast<std::size_t>(value)].load(); }
  int out_of_range() const { return out_of_range_.load(); }
  // Values received other than once.
  std::pair<int, int> missing_and_duplicated() const {
    int missing = 0;
    int duplicated = 0;
    for (const auto& c : counts_) {
      missing += c.load() == 0;
      duplicated += c.load() > 1;
    }
    return {missing, duplicated};
  }

 private:
  std::vector<std::atomic<int>> counts_;
  std::atomic<int> out_of_range_{0};
};

}  // namespace

TEST_CASE("many producers and consumers using send, try and select lose and duplicate nothing") {
  for_each_scheduler([](const gofer::run_options& options) {
    constexpr int producers = 8;
    constexpr int consumers = 8;
    const int per_producer = 3000 * stress_scale();
    const int total = producers * per_producer;
    ledger received(total);
    gofer::run(
        [&] {
          std::array<chan<counted>, 3> chans{make_chan<counted>(), make_chan<counted>(1),
                                             make_chan<counted>(16)};
          auto producers_done = make_chan<gofer::signal>(producers);
          auto consumers_done = make_chan<gofer::signal>(consumers);
          for (int p = 0; p < producers; ++p) {
            gofer::go([&, p] {
              for (int k = 0; k < per_producer; ++k) {
                const int value = p * per_producer + k;
                switch ((p + k) % 3) {
                  case 0:
                    chans[static_cast<std::size_t>(k % 3)].send(counted{value});
                    break;
                  case 1: {
                    counted c{value};
                    while (!chans[static_cast<std::size_t>(k % 3)].try_send(std::move(c))) {
                      gofer::yield();
                    }
                    break;
                  }
                  default: {
                    counted c{value};
                    while (select(send_case(chans[0], std::move(c)),
                                  send_case(chans[1], std::move(c)),
                                  send_case(chans[2], std::move(c)), default_case()) == 3) {
                      gofer::yield();
                    }
                    break;
                  }
                }
              }
              producers_done.send();
            });
          }
          for (int c = 0; c < consumers; ++c) {
            gofer::go([&, c] {
              auto mine = chans;  // nil out each channel as it closes
              int open = 3;
              while (open > 0) {
                if (c % 3 == 0) {
                  // Plain receive on one open channel, round-robin.
                  for (std::size_t i = 0; i < mine.size(); ++i) {
                    if (mine[i] == nullptr) continue;
                    auto r = mine[i].try_recv();
                    if (!r) continue;
                    if (r->ok) {
                      received.record(r->value.id);
                    } else {
                      mine[i] = chan<counted>{};
                      --open;
                    }
                  }
                  gofer::yield();
                } else {
                  std::optional<counted> v;
                  const std::size_t index =
                      c % 3 == 1 ? select(recv_case(mine[0], v), recv_case(mine[1], v),
                                          recv_case(mine[2], v))
                                 : select(recv_case(mine[0], v), recv_case(mine[1], v),
                                          recv_case(mine[2], v), default_case());
                  if (index == 3) {
                    gofer::yield();
                    continue;
                  }
                  if (v) {
                    received.record(v->id);
                  } else {
                    mine[index] = chan<counted>{};
                    --open;
                  }
                }
              }
              consumers_done.send();
            });
          }
          for (int p = 0; p < producers; ++p)
            producers_done.recv();
          for (auto& ch : chans)
            ch.close();
          for (int c = 0; c < consumers; ++c)
            consumers_done.recv();
        },
        options);
    const auto [missing, duplicated] = received.missing_and_duplicated();
    CHECK(missing == 0);
    CHECK(duplicated == 0);
    CHECK(received.out_of_range() == 0);
    CHECK(counted::copies() == 0);
  });
}

// Close races with senders and receivers blocked on the channel: each send
// either delivered its value (and it is received exactly once) or threw
// send_on_closed_channel (and the sender still holds it).
TEST_CASE("close racing with blocked senders and receivers keeps delivered == received") {
  for_each_scheduler([](const gofer::run_options& options) {
    constexpr int senders = 6;
    constexpr int receivers = 4;
    constexpr int per_sender = 40;
    constexpr int values = senders * per_sender;
    const int rounds = 150 * stress_scale();
    int failures = 0;
    for (int round = 0; round < rounds; ++round) {
      ledger received(values);
      std::vector<std::atomic<int>> delivered(values);
      std::atomic<int> kept{0};
      std::atomic<int> threw{0};
      const int capacity = round % 3 == 0 ? 0 : round % 3 == 1 ? 1 : 8;
      gofer::run(
          [&] {
            auto ch = make_chan<counted>(capacity);
            auto done = make_chan<gofer::signal>(senders + receivers);
            for (int s = 0; s < senders; ++s) {
              gofer::go([&, ch, done, s] {
                for (int k = 0; k < per_sender; ++k) {
                  const int value = s * per_sender + k;
                  counted c{value};
                  try {
                    if (k % 2 == 0) {
                      ch.send(std::move(c));
                    } else {
                      select(send_case(ch, std::move(c)));
                    }
                    delivered[static_cast<std::size_t>(value)] = 1;
                  } catch (const gofer::send_on_closed_channel&) {
                    ++threw;
                    if (c.id == value) ++kept;
                  }
                }
                done.send();
              });
            }
            for (int r = 0; r < receivers; ++r) {
              gofer::go([&, ch, done, r] {
                if (r % 2 == 0) {
                  for (counted& v : ch)
                    received.record(v.id);
                } else {
                  for (;;) {
                    std::optional<counted> v;
                    select(recv_case(ch, v));
                    if (!v) break;
                    received.record(v->id);
                  }
                }
                done.send();
              });
            }
            // Close after a varying amount of progress.
            for (int i = 0; i < round % 17; ++i)
              gofer::yield();
            ch.close();
            for (int i = 0; i < senders + receivers; ++i)
              done.recv();
          },
          options);
      int mismatched = 0;
      for (int v = 0; v < values; ++v) {
        mismatched += received.received(v) != delivered[static_cast<std::size_t>(v)].load();
      }
      if (mismatched != 0 || kept.load() != threw.load() || received.out_of_range() != 0) {
        ++failures;
        CAPTURE(round);
        CAPTURE(capacity);
        CHECK(mismatched == 0);
        CHECK(kept.load() == threw.load());
      }
      if (counted::live() != 0) break;  // reported by for_each_scheduler
    }
    CHECK(failures == 0);
  });
}

// Each channel has its own producers and is closed when they are done, while
// consumers select over all of them and drop each as it closes.
TEST_CASE("select over several channels with some closing mid-way loses nothing") {
  for_each_scheduler([](const gofer::run_options& options) {
    static constexpr int channels = 4;
    constexpr int consumers = 5;
    const int per_channel = 4000 * stress_scale();
    const int total = channels * per_channel;
    ledger received(total);
    gofer::run(
        [&] {
          std::array<chan<int>, channels> chans{make_chan<int>(), make_chan<int>(1),
                                                make_chan<int>(3), make_chan<int>(32)};
          auto done = make_chan<gofer::signal>(consumers);
          for (int c = 0; c < channels; ++c) {
            // Channel c closes after per_channel * (c + 1) / channels values: the
            // first ones close while the others are still busy.
            const int count = per_channel * (c + 1) / channels;
            gofer::go([ch = chans[static_cast<std::size_t>(c)], c, count, per_channel] {
              for (int k = 0; k < count; ++k)
                ch.send(c * per_channel + k);
              ch.close();
            });
          }
          for (int i = 0; i < consumers; ++i) {
            gofer::go([&received, chans, done] {
              auto mine = chans;
              int open = channels;
              while (open > 0) {
                int v = -1;
                bool ok = false;
                const std::size_t index =
                    select(recv_case(mine[0], v, ok), recv_case(mine[1], v, ok),
                           recv_case(mine[2], v, ok), recv_case(mine[3], v, ok));
                if (ok) {
                  received.record(v);
                } else {
                  mine[index] = chan<int>{};
                  --open;
                }
              }
              done.send();
            });
          }
          for (int i = 0; i < consumers; ++i)
            done.recv();
        },
        options);
    int wrong = 0;
    for (int c = 0; c < channels; ++c) {
      const int count = per_channel * (c + 1) / channels;
      for (int k = 0; k < per_channel; ++k) {
        wrong += received.received(c * per_channel + k) != (k < count ? 1 : 0);
      }
    }
    CHECK(wrong == 0);
    CHECK(received.out_of_range() == 0);
  });
}

// Selects from goroutines on every thread at once still choose uniformly.
TEST_CASE("selects racing on several threads choose uniformly between ready channels") {
  for_each_scheduler([](const gofer::run_options& options) {
    constexpr int selectors = 8;
    const int per_selector = 5000 * stress_scale();
    const int n = selectors * per_selector;
    const auto counts = gofer::run(
        [&] {
          auto a = make_chan<int>(n);
          auto b = make_chan<int>(n);
          for (int i = 0; i < n; ++i) {
            a.send(0);
            b.send(1);
          }
          auto results = make_chan<std::array<int, 2>>(selectors);
          for (int s = 0; s < selectors; ++s) {
            gofer::go([a, b, results, per_selector] {
              std::array<int, 2> chosen{};
              for (int i = 0; i < per_selector; ++i) {
                int v = -1;
                ++chosen[select(recv_case(a, v), recv_case(b, v))];
                if (i % 16 == 0) gofer::yield();
              }
              results.send(chosen);
            });
          }
          std::array<int, 2> total{};
          for (int s = 0; s < selectors; ++s) {
            const auto r = results.recv().value;
            total[0] += r[0];
            total[1] += r[1];
          }
          return total;
        },
        options);
    CAPTURE(counts[0]);
    CAPTURE(counts[1]);
    CHECK(counts[0] + counts[1] == n);
    const double six_sigma = 6.0 * std::sqrt(n * 0.25);
    CHECK(std::abs(counts[0] - n / 2.0) < six_sigma);
  });
}

// Go: runtime/chan_test.go TestSelfSelect and TestSelectStress combined at
// scale: many goroutines select to send and receive on shared unbuffered and
// buffered channels; the sends and receives balance exactly.
TEST_CASE("goroutines selecting both ways on shared channels balance sends and receives") {
  for_each_scheduler([](const gofer::run_options& options) {
    constexpr int goroutines = 8;  // even: unbuffered selects pair up
    const int iterations = 3000 * stress_scale();
    const auto balance = gofer::run(
        [&] {
          auto unbuffered = make_chan<int>();
          auto buffered = make_chan<int>(4);
          auto results = make_chan<std::pair<long, long>>(goroutines);
          for (int g = 0; g < goroutines; ++g) {
            gofer::go([unbuffered, buffered, results, iterations, g] {
              long sent = 0;
              long got = 0;
              for (int i = 0; i < iterations; ++i) {
                int v = 0;
                switch (select(send_case(unbuffered, g), recv_case(unbuffered, v),
                               send_case(buffered, g), recv_case(buffered, v))) {
                  case 0:
                  case 2:
                    ++sent;
                    break;
                  default:
                    ++got;
                    break;
                }
              }
              results.send({sent, got});
            });
          }
          long sent = 0;
          long got = 0;
          for (int g = 0; g < goroutines; ++g) {
            const auto r = results.recv().value;
            sent += r.first;
            got += r.second;
          }
          return std::array<long, 3>{sent, got, static_cast<long>(buffered.len())};
        },
        options);
    CAPTURE(balance[0]);
    CAPTURE(balance[1]);
    CHECK(balance[0] + balance[1] == long{goroutines} * iterations);
    // Every receive took a sent value; what was sent and not received is
    // still buffered.
    CHECK(balance[0] - balance[1] == balance[2]);
  });
}
