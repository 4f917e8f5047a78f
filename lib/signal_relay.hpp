// lib/signal_relay.hpp - the runtime's relay of signals to channels
// (gofer/signal.hpp), owned by its io_service.
//
// One Boost.Asio signal_set per runtime, touched only inside the poller (its
// async_wait handler, and functions posted there by notify and stop), so it
// is never used by two threads at once. The handler re-arms itself and
// try_sends the signal number to each channel registered for it. While a
// channel is registered, the relay counts as a listener of the poller
// (io_service::listening_started): a runtime whose goroutines wait only
// for signals is not reported deadlocked (an idle worker waits in the
// poller), but the virtual clock may still move, as it would for a
// goroutine blocked on a channel.
#pragma once

#include <map>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include "gofer/chan.hpp"

namespace gofer::detail {

class io_service;

class signal_relay {
 public:
  explicit signal_relay(io_service& io);
  ~signal_relay();

  // Inside the poller only.
  void add(const send_chan<int>& c, int signal_number);
  void remove(const send_chan<int>& c);

 private:
  void arm();
  void deliver(int signal_number);

  io_service& io_;
  boost::asio::signal_set set_;
  // Per signal, the channels to send it to.
  std::map<int, std::vector<send_chan<int>>> channels_;
  bool armed_ = false;    // an async_wait is in flight
  bool counted_ = false;  // counted as one listener
};

}  // namespace gofer::detail
