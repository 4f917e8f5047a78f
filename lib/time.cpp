// lib/time.cpp - gofer/time.hpp on top of the runtime's timer service.
#include "gofer/time.hpp"

#include <optional>
#include <string>

#include "gofer/detail/assert.hpp"
#include "gofer/errors.hpp"
#include "runtime_state.hpp"
#include "timer_service.hpp"

namespace gofer {

namespace detail {

// What timer and ticker handles share: the last one to go stops the timer,
// unless it is after_func's, which runs without any handle.
class timer_handle {
 public:
  timer_handle(std::shared_ptr<timer_state> state, bool stop_when_dropped) noexcept
      : state(std::move(state)), stop_when_dropped_(stop_when_dropped) {}
  timer_handle(const timer_handle&) = delete;
  timer_handle& operator=(const timer_handle&) = delete;
  ~timer_handle() {
    // quiesce, not just disarm: a tick()'s channel goes right after this,
    // so no firing may still be about to send on it.
    if (stop_when_dropped_) state->service->quiesce(*state);
  }

  const std::shared_ptr<timer_state> state;

 private:
  const bool stop_when_dropped_;
};

const std::shared_ptr<timer_service>& timers_for(const char* what) {
  runtime* const rt = current_runtime();
  if (rt == nullptr) throw runtime_misuse(std::string(what) + " called outside gofer::run");
  return rt->timers();
}

void run_timer_if_due(chan_base& chan) noexcept {
  if (const std::shared_ptr<timer_state> timer = chan.timer_.lock()) {
    timer->service->run_if_due(*timer);
  }
}

namespace {

// Links a timer and the channel it fires into (before either is shared).
void link(const std::shared_ptr<timer_state>& timer, chan_state<time_point>& channel) noexcept {
  channel.reports_unbuffered_ = true;
  channel.timer_ = timer;
  timer->channel_state = &channel;
}

std::shared_ptr<timer_state> new_channel_timer(const char* what, timer_state::kind kind) {
  auto state = std::make_shared<timer_state>(timers_for(what), kind);
  state->channel = make_chan<time_point>(1);
  link(state, *state->channel.state());
  return state;
}

// Takes back a value that fired but was not received; true if there was one.
// (Not detail::try_recv: that would run the timer first if it is due.)
bool drain(timer_state& timer) noexcept {
  chan_state<time_point>* const channel = timer.channel_state;
  if (channel == nullptr) return false;
  std::optional<time_point> value;
  spinlock_lock lock{channel->lock_};
  const op_result result = channel->try_recv_locked(value);
  lock.unlock();
  GOFER_ASSERT(result.to_wake == nullptr);  // nobody sends on a timer's channel
  return result.status == op_status::done && value.has_value();
}

// Go: runtime/time.go when(). d <= 0 is now; an overflowing sum is "never".
time_point deadline_after(const timer_service& service, duration d) noexcept {
  return add_saturating(service.now(), std::max(d, duration::zero()));
}

// tick()'s channel: owns its ticker, which stops when the last handle of the
// channel goes. Members are destroyed in reverse order: the ticker is
// disarmed (and any firing of it has finished) before the channel goes.
struct ticking_channel {
  chan_state<time_point> channel{1};
  std::shared_ptr<timer_handle> ticker;
};

}  // namespace

}  // namespace detail

time_point add_saturating(time_point t, duration d) noexcept {
  if (d > duration::zero() && t > time_point::max() - d) return time_point::max();
  if (d < duration::zero() && t < time_point::min() - d) return time_point::min();
  return t + d;
}

time_point now() {
  const detail::runtime* const rt = detail::current_runtime();
  return rt != nullptr ? rt->timers()->now() : std::chrono::steady_clock::now();
}

void sleep(duration d) {
  if (d <= duration::zero()) return;
  after(d).recv();
}

void sleep_until(time_point deadline) {
  // Not sleep(deadline - now()): the difference overflows for far deadlines.
  if (deadline <= now()) return;
  auto state = detail::new_channel_timer("gofer::sleep_until", detail::timer_state::kind::channel);
  state->service->arm(state, deadline);
  state->channel.recv();
}

recv_chan<time_point> after(duration d) {
  auto state = detail::new_channel_timer("gofer::after", detail::timer_state::kind::channel);
  state->service->arm(state, detail::deadline_after(*state->service, d));
  return state->channel;  // the service holds the timer until it fires
}

timer::timer(duration d) {
  auto state = detail::new_channel_timer("gofer::timer", detail::timer_state::kind::channel);
  c = state->channel;
  handle_ = std::make_shared<detail::timer_handle>(state, true);
  state->service->arm(state, detail::deadline_after(*state->service, d));
}

timer::timer(std::shared_ptr<detail::timer_handle> handle, recv_chan<time_point> channel)
    : c(std::move(channel)), handle_(std::move(handle)) {}

namespace detail {
namespace {

// Stop's core for timer::stop and timer::reset: after it, nothing fired
// before can arrive. An after_func timer that has fired is not stopped (its
// func runs): Go's Stop returns false then.
bool stop_timer(timer_state& state) noexcept {
  if (state.type == timer_state::kind::func) return state.service->disarm(state);
  const bool stopped = state.service->quiesce(state);
  const bool drained = drain(state);
  return stopped || drained;
}

}  // namespace
}  // namespace detail

bool timer::stop() {
  return detail::stop_timer(*handle_->state);
}

bool timer::reset(duration d) {
  const std::shared_ptr<detail::timer_state>& state = handle_->state;
  const bool was_active = detail::stop_timer(*state);
  state->service->arm(state, detail::deadline_after(*state->service, d));
  return was_active;
}

timer after_func(duration d, std::function<void()> f) {
  auto state = std::make_shared<detail::timer_state>(detail::timers_for("gofer::after_func"),
                                                     detail::timer_state::kind::func);
  state->func = std::move(f);
  state->service->arm(state, detail::deadline_after(*state->service, d));
  return timer(std::make_shared<detail::timer_handle>(state, false), recv_chan<time_point>());
}

ticker::ticker(duration d) {
  if (d <= duration::zero()) throw invalid_argument("non-positive interval for NewTicker");
  auto state = detail::new_channel_timer("gofer::ticker", detail::timer_state::kind::ticker);
  c = state->channel;
  handle_ = std::make_shared<detail::timer_handle>(state, true);
  state->service->arm(state, detail::deadline_after(*state->service, d), d);
}

recv_chan<time_point> tick(duration d) {
  if (d <= duration::zero()) return {};  // Go: Tick returns nil for d <= 0
  auto state = std::make_shared<detail::timer_state>(detail::timers_for("gofer::tick"),
                                                     detail::timer_state::kind::ticker);
  auto owner = std::make_shared<detail::ticking_channel>();
  detail::link(state, owner->channel);
  owner->ticker = std::make_shared<detail::timer_handle>(state, true);
  state->service->arm(state, detail::deadline_after(*state->service, d), d);
  // The channel's handles share `owner`, so the last one stops the ticker.
  return detail::adopt_chan(
      std::shared_ptr<detail::chan_state<time_point>>(owner, &owner->channel));
}

void ticker::stop() {
  detail::timer_state& state = *handle_->state;
  state.service->quiesce(state);
  detail::drain(state);
}

void ticker::reset(duration d) {
  if (d <= duration::zero()) throw invalid_argument("non-positive interval for Ticker.Reset");
  const std::shared_ptr<detail::timer_state>& state = handle_->state;
  state->service->quiesce(*state);
  detail::drain(*state);
  state->service->arm(state, detail::deadline_after(*state->service, d), d);
}

}  // namespace gofer
