// gofer/time.hpp - Go's time package: now, sleep, after, timer, ticker,
// after_func. Go 1.23 semantics.
//
// Times are std::chrono::steady_clock time points: gofer's clock is
// monotonic, like the monotonic reading of Go's time.Time. Inside a
// gofer::run with run_options::virtual_time, every function here uses the
// runtime's virtual clock instead: it stands still while any goroutine can
// run and jumps to the next timer when all are blocked (Go's
// testing/synctest), so a schedule of minutes runs in milliseconds and
// identically every time.
//
// Timers and tickers are channels, usable in select like any other:
//   - timer(d): its channel `c` delivers the time once, d from now.
//     stop() and reset(d) return true if the timer was still pending: not yet
//     fired, or fired but its value not yet received. After either returns,
//     no stale value is ever received from c (Go 1.23: the channel acts as
//     unbuffered, and len/cap report 0).
//   - ticker(d): `c` delivers tick k at start + k*d, so ticks do not drift. A
//     slow receiver loses ticks instead of accumulating them: at most one is
//     pending. stop() and reset(d) leave no stale tick behind. d <= 0 throws
//     gofer::invalid_argument, as Go panics.
//   - after(d) is timer(d).c; after_func(d, f) runs f in its own goroutine
//     after d (its timer's c is nil, as in Go); tick(d) is a ticker's
//     channel with no handle to stop it.
// A zero or negative duration is due at once: a receive or select on the
// channel runs an overdue timer first (Go 1.23's maybeRunChan), so
// `select(recv_case(timer(0ns).c), default_case())` takes the timer case.
// A duration so large that now() + d overflows (duration::max()) is
// "never": the timer is armed but never fires, and the virtual clock never
// jumps to it (Go saturates the same way, runtime/time.go when()).
//
// Lifetimes, one rule: a timer lives as long as something can observe it.
//   - timer and ticker are handles: copies share one timer, and the last copy
//     to go stops it. Their channel alone does not keep them: once no handle
//     can stop or reset the timer, nobody should rely on its channel (Go 1.23
//     collects such timers; RAII makes that prompt).
//   - after(d) and tick(d) have no handle, only a channel: after's timer runs
//     until it fires; tick's ticker runs until the last handle of its channel
//     goes (Go 1.23 collects an unreachable Tick channel; here that moment
//     is exact).
//   - after_func's f is itself the observable effect, so its timer keeps
//     running when the returned handle is dropped, as Go's does; stop() it
//     to cancel f.
// All of these need a running gofer::run (runtime_misuse otherwise); now()
// outside one reads steady_clock.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "gofer/chan.hpp"

namespace gofer {

using duration = std::chrono::nanoseconds;
using time_point = std::chrono::steady_clock::time_point;

namespace detail {
struct timer_state;
class timer_handle;
}  // namespace detail

// Go: time.Now (the monotonic part).
time_point now();

// t + d, clamped to [time_point::min(), time_point::max()] instead of
// overflowing. Go: runtime/time.go when(), which turns an overflowing sum into
// maxWhen, so time.After(math.MaxInt64) never fires. Every deadline gofer
// computes (sleep, after, timers, tickers, contexts, select timeouts) goes
// through this; time_point::max() means "never".
time_point add_saturating(time_point t, duration d) noexcept;

// Go: time.Since, now() - start.
duration since(time_point start);

// Go: Duration.String. The same text Go prints: "1.5s", "2h45m0s", "300ms",
// "1.2µs" (with U+00B5, in UTF-8), "0s".
std::string format_duration(duration d);

// Go: time.ParseDuration. A signed sequence of decimal numbers, each with an
// optional fraction and a unit (ns, us or µs, ms, s, m, h): "300ms", "-1.5h",
// "2h45m". Throws std::invalid_argument with Go's error text on bad input.
duration parse_duration(std::string_view text);

// Go: time.Sleep. Returns at once for d <= 0.
void sleep(duration d);
void sleep_until(time_point deadline);

// Go: time.After.
recv_chan<time_point> after(duration d);

// Go: time.Tick. A ticker's channel; the ticker stops when the last copy of
// the channel is destroyed (see Lifetimes above). d <= 0 returns the nil
// channel, as Go's Tick returns nil.
recv_chan<time_point> tick(duration d);

// Go: time.Timer (time.NewTimer).
class timer {
 public:
  explicit timer(duration d);

  recv_chan<time_point> c;  // nil for after_func's timers

  // Go: Timer.Stop. True if this call stopped a pending timer.
  bool stop();
  // Go: Timer.Reset. True if the timer was pending; fires d from now.
  bool reset(duration d);

 private:
  friend timer after_func(duration d, std::function<void()> f);
  timer(std::shared_ptr<detail::timer_handle> handle, recv_chan<time_point> channel);
  std::shared_ptr<detail::timer_handle> handle_;
};

// Go: time.AfterFunc.
timer after_func(duration d, std::function<void()> f);

// Go: time.Ticker (time.NewTicker).
class ticker {
 public:
  explicit ticker(duration d);

  recv_chan<time_point> c;

  // Go: Ticker.Stop. No tick is received after it returns.
  void stop();
  // Go: Ticker.Reset. The next tick comes d from now, then every d.
  void reset(duration d);

 private:
  std::shared_ptr<detail::timer_handle> handle_;
};

}  // namespace gofer
