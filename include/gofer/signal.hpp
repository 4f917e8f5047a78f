// gofer/signal.hpp - Go's os/signal: signals as channel values, so that a
// program's shutdown is a select case.
//
//   auto signals = gofer::make_chan<int>(1);
//   gofer::signals::notify(signals, {SIGINT, SIGTERM});
//   switch (gofer::select(gofer::recv_case(signals), gofer::recv_case(jobs_done))) { ... }
//
//   auto [ctx, stop] = gofer::signals::notify_context(gofer::background(), {SIGINT, SIGTERM});
//   // ctx is cancelled at the first SIGINT or SIGTERM; stop() unregisters.
//
// As in Go: the relay never blocks, so a signal that finds the channel full
// is dropped (give the channel a buffer); one channel may be registered
// for several signals and one signal for several channels; stop(c) ends
// delivery to c. While any channel is registered, the runtime is not
// deadlocked: a goroutine waiting for a signal waits on the outside world.
// The signals are caught through Boost.Asio's signal_set on the runtime's
// poller (a self-pipe), so the relay runs on a worker, not in a signal
// handler. Registrations end when gofer::run returns; the default
// dispositions are restored then.
//
// The namespace is gofer::signals, not gofer::signal: gofer::signal is
// already the empty value type of signalling channels (chan<signal>).
//
// Differences from Go: the values are signal numbers (int), not os.Signal;
// notify and stop need a running gofer::run (runtime_misuse outside one).
#pragma once

#include <initializer_list>

#include "gofer/chan.hpp"
#include "gofer/context.hpp"

namespace gofer::signals {

// Go: signal.Notify(c, sigs...).
void notify(send_chan<int> c, std::initializer_list<int> signals);
// Go: signal.Stop(c). Returns once no more signals will be sent to c.
void stop(send_chan<int> c);
// Go: signal.NotifyContext(parent, sigs...): ctx is cancelled at the first
// of the signals (or with parent); cancel ends the registration too.
context_with<cancel_func> notify_context(const context& parent, std::initializer_list<int> signals);

}  // namespace gofer::signals
