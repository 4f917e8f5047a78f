// lib/signal.cpp - gofer/signal.hpp, through the runtime's signal_relay.
#include "gofer/signal.hpp"

#include <algorithm>
#include <utility>

#include <boost/asio/post.hpp>

#include "gofer/asio.hpp"
#include "gofer/errors.hpp"
#include "gofer/runtime.hpp"
#include "gofer/select.hpp"
#include "io_service.hpp"
#include "signal_relay.hpp"

namespace gofer::detail {

signal_relay::signal_relay(io_service& io) : io_(io), set_(io.context()) {}

signal_relay::~signal_relay() {
  boost::system::error_code ignored;
  set_.clear(ignored);  // restores the default dispositions
  if (counted_) io_.listening_finished();
}

void signal_relay::add(const send_chan<int>& c, int signal_number) {
  std::vector<send_chan<int>>& targets = channels_[signal_number];
  if (targets.empty()) {
    boost::system::error_code ec;
    set_.add(signal_number, ec);
    if (ec) {
      channels_.erase(signal_number);
      throw gofer::invalid_argument("gofer::signals::notify: cannot catch signal " +
                                    std::to_string(signal_number) + ": " + ec.message());
    }
  }
  if (std::find(targets.begin(), targets.end(), c) == targets.end()) targets.push_back(c);
  if (!counted_) {
    io_.listening_started();
    counted_ = true;
  }
  if (!armed_) arm();
}

void signal_relay::remove(const send_chan<int>& c) {
  for (auto it = channels_.begin(); it != channels_.end();) {
    auto& targets = it->second;
    targets.erase(std::remove(targets.begin(), targets.end(), c), targets.end());
    if (targets.empty()) {
      boost::system::error_code ignored;
      set_.remove(it->first, ignored);
      it = channels_.erase(it);
    } else {
      ++it;
    }
  }
  if (channels_.empty() && counted_) {
    io_.listening_finished();
    counted_ = false;
  }
}

void signal_relay::arm() {
  armed_ = true;
  set_.async_wait([this](const boost::system::error_code& ec, int signal_number) {
    armed_ = false;
    if (ec) return;  // cancelled: the relay is going away
    deliver(signal_number);
    if (!channels_.empty()) arm();
  });
}

void signal_relay::deliver(int signal_number) {
  auto found = channels_.find(signal_number);
  if (found == channels_.end()) return;
  for (const send_chan<int>& c : found->second) {
    c.try_send(signal_number);  // never blocks: a full channel drops it, as Go's does
  }
}

namespace {

// Runs `f` inside the poller, where the relay may be touched, and waits for
// it; rethrows what it threw.
template <class F>
void in_poller(F f) {
  io_service& io = current_io_service();
  std::exception_ptr failure;
  boost::asio::async_initiate<const use_go_t&, void()>(
      [&io, &f, &failure](auto handler) {
        boost::asio::post(io.context(),
                          [&io, &f, &failure, handler = std::move(handler)]() mutable {
                            try {
                              f(io.signals());
                            } catch (...) {
                              failure = std::current_exception();
                            }
                            std::move(handler)();
                          });
      },
      use_go);
  if (failure) std::rethrow_exception(failure);
}

}  // namespace

}  // namespace gofer::detail

namespace gofer::signals {

void notify(send_chan<int> c, std::initializer_list<int> signals) {
  if (c == nullptr) throw gofer::invalid_argument("gofer::signals::notify using nil channel");
  detail::in_poller([&](detail::signal_relay& relay) {
    for (const int number : signals)
      relay.add(c, number);
  });
}

void stop(send_chan<int> c) {
  detail::in_poller([&](detail::signal_relay& relay) { relay.remove(c); });
}

context_with<cancel_func> notify_context(const context& parent,
                                         std::initializer_list<int> signals) {
  auto [ctx, cancel] = with_cancel(parent);
  auto caught = make_chan<int>(1);
  notify(caught, signals);
  // Go's NotifyContext starts a goroutine the same way: it cancels ctx at
  // the first signal and unregisters once ctx is done, however it ended.
  go([caught, ctx = ctx, cancel = cancel] {
    select(recv_case(caught), recv_case(ctx.done()));
    cancel();
    stop(caught);
  });
  return {ctx, cancel};
}

}  // namespace gofer::signals
