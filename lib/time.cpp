// lib/time.cpp - gofer/time.hpp on top of the runtime's timer service.
#include "gofer/time.hpp"

#include <optional>
#include <stdexcept>
#include <string>

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
    if (stop_when_dropped_) state->service->disarm(*state);
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

namespace {

std::shared_ptr<timer_state> new_channel_timer(const char* what, timer_state::kind kind) {
  auto state = std::make_shared<timer_state>(timers_for(what), kind);
  state->channel = make_chan<time_point>(1);
  state->channel.state()->reports_unbuffered_ = true;
  return state;
}

// Takes back a value that fired but was not received; true if there was one.
bool drain(timer_state& timer) {
  if (timer.channel == nullptr) return false;
  std::optional<time_point> value;
  return try_recv(timer.channel.state(), value) && value.has_value();
}

time_point deadline_after(const timer_service& service, duration d) {
  return service.now() + std::max(d, duration::zero());
}

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
  sleep(deadline - now());
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

bool timer::stop() {
  detail::timer_state& state = *handle_->state;
  const bool was_armed = state.service->disarm(state);
  const bool drained = detail::drain(state);
  return was_armed || drained;
}

bool timer::reset(duration d) {
  const std::shared_ptr<detail::timer_state>& state = handle_->state;
  const bool was_armed = state->service->disarm(*state);
  const bool drained = detail::drain(*state);
  state->service->arm(state, detail::deadline_after(*state->service, d));
  return was_armed || drained;
}

timer after_func(duration d, std::function<void()> f) {
  auto state = std::make_shared<detail::timer_state>(detail::timers_for("gofer::after_func"),
                                                     detail::timer_state::kind::func);
  state->func = std::move(f);
  state->service->arm(state, detail::deadline_after(*state->service, d));
  return timer(std::make_shared<detail::timer_handle>(state, false), recv_chan<time_point>());
}

ticker::ticker(duration d) {
  if (d <= duration::zero()) throw std::invalid_argument("non-positive interval for NewTicker");
  auto state = detail::new_channel_timer("gofer::ticker", detail::timer_state::kind::ticker);
  c = state->channel;
  handle_ = std::make_shared<detail::timer_handle>(state, true);
  state->service->arm(state, state->service->now() + d, d);
}

void ticker::stop() {
  detail::timer_state& state = *handle_->state;
  state.service->disarm(state);
  detail::drain(state);
}

void ticker::reset(duration d) {
  if (d <= duration::zero()) throw std::invalid_argument("non-positive interval for Ticker.Reset");
  const std::shared_ptr<detail::timer_state>& state = handle_->state;
  state->service->disarm(*state);
  detail::drain(*state);
  state->service->arm(state, state->service->now() + d, d);
}

}  // namespace gofer
