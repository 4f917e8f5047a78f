// The monitor's real checks (monitor --check SPEC): what a health monitor
// checks outside a demo, run on the same tickers as the simulated ones.
//
//   tcp://HOST:PORT       up if a TCP connection opens within the timeout
//                         (net::dial_timeout), which is closed at once
//   http://HOST[:PORT]/PATH  up if a GET answers 2xx within the timeout
//                         (http::client, no keep-alive); down with the
//                         status line ("503 Service Unavailable") otherwise
//   exec:COMMAND ARGS...  up if the command exits with status 0 within the
//                         timeout (exec::command_context kills it, with its
//                         process group, when the timeout passes); the
//                         words are split at spaces, no shell
//
// A check prints "check SPEC up @ELAPSED" or "check SPEC down (WHY)
// @ELAPSED", as the simulated one prints "check health 3s @3.0"; down is a
// problem, which the checker reports as the simulated "doom" is.
//
// On the virtual clock (--virtual-time) a real check takes no virtual time,
// and its timeout never passes: the virtual clock does not move while a
// goroutine waits on I/O or for a process (gofer/net.hpp).
#pragma once

#include <gofer/time.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "support.hpp"

namespace monitor {

// Why `spec` is not a check the monitor can run ("unknown kind of check"),
// or nothing if it is one.
std::optional<std::string> check_spec_error(std::string_view spec);

// Runs the check `spec` once, limited to `timeout`: nothing if it is up,
// or why it is down ("connection refused", "exit status 1").
std::optional<std::string> run_real_check(std::string_view spec, gofer::duration timeout);

// The check of checker `index`: runs options.checks[index], prints its
// line, marks the timeline, and returns the problem when it is down.
check make_real_check(const options& options, std::size_t index, timeline& timeline,
                      gofer::time_point start);

}  // namespace monitor
