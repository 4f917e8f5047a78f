// Exercise 11.1, an outbox with retries (docs/learn/exercises.md): the job
// queues its events without waiting for the network; one goroutine
// delivers them in order, and retries a failed send after 200 ms, 400 ms,
// 800 ms, ..., capped at 600 ms. The tracker is a fake that refuses event 2
// three times.
#include <gofer/fmt.hpp>
#include <gofer/gofer.hpp>

#include <algorithm>
#include <array>
#include <chrono>
#include <map>
#include <ratio>
#include <string>

using namespace std::chrono_literals;

namespace {

gofer::time_point start;

auto at() {  // rounded to 100 ms
  using tenths = std::chrono::duration<long long, std::deci>;
  return std::chrono::round<tenths>(gofer::since(start));
}

struct event {
  int seq = 0;
  std::string kind;
};

std::map<int, int> refusals{{2, 3}};  // how many more times the fake tracker refuses each event

bool send(const event& e) {
  if (refusals[e.seq] > 0) {
    --refusals[e.seq];
    return false;
  }
  return true;
}

// Sends each event until the tracker takes it, then the next one, until
// outbox is closed and drained.
void deliver(gofer::recv_chan<event> outbox, gofer::send_chan<gofer::signal> delivered) {
  const gofer::duration base = 200ms;
  const gofer::duration max_backoff = 600ms;
  for (const event& e : outbox) {
    gofer::duration backoff = base;
    for (int attempt = 1;; ++attempt) {
      if (send(e)) {
        fmt::print("send seq={} attempt={} -> ok at {}\n", e.seq, attempt, at());
        break;
      }
      fmt::print("send seq={} attempt={} -> failed at {}, retry in {}\n", e.seq, attempt, at(),
                 backoff);
      gofer::sleep(backoff);  // the real agent waits a random time up to backoff
      backoff = std::min(backoff * 2, max_backoff);
    }
  }
  delivered.close();
}

}  // namespace

int main() {
  gofer::run([] {
    start = gofer::now();
    auto outbox = gofer::make_chan<event>(100);  // room for every event: queueing never waits
    auto delivered = gofer::make_chan<gofer::signal>();
    gofer::go(deliver, outbox, delivered);

    const std::array<const char*, 3> kinds{"start", "output", "finish"};  // the job
    for (int seq = 1; seq <= 3; ++seq) {
      if (seq > 1) gofer::sleep(100ms);
      fmt::print("queued seq={} type={} at {}\n", seq, kinds[seq - 1], at());
      outbox.send(event{seq, kinds[seq - 1]});
    }
    outbox.close();
    delivered.recv();
    fmt::print("all events delivered at {}\n", at());
  });
}

// Output:
// queued seq=1 type=start at 0s
// send seq=1 attempt=1 -> ok at 0s
// queued seq=2 type=output at 100ms
// send seq=2 attempt=1 -> failed at 100ms, retry in 200ms
// queued seq=3 type=finish at 200ms
// send seq=2 attempt=2 -> failed at 300ms, retry in 400ms
// send seq=2 attempt=3 -> failed at 700ms, retry in 600ms
// send seq=2 attempt=4 -> ok at 1.3s
// send seq=3 attempt=1 -> ok at 1.3s
// all events delivered at 1.3s
