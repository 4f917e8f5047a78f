// The agent's events, as docs/design/jobs.md defines them: JSON objects made
// with Boost.JSON, never by hand. Each builder returns an event without its
// `seq`: the outbox assigns that when it takes the event (outbox.hpp), so
// that seq order is exactly the order events entered the outbox.
//
// Every event: {"seq", "type", "time_ms", ...the fields of its type}.
#pragma once

#include <boost/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace agent {

// Unix time in milliseconds (the events' time_ms): the system clock, not
// gofer's monotonic one, since the tracker compares it across machines.
std::int64_t unix_time_ms();

// Base64 (RFC 4648, with padding) through Boost.Serialization's public
// dataflow iterators (boost/archive/iterators), which come with the Boost
// headers gofer already needs: no new package, and a documented API, where
// Boost.Beast's base64 is in its detail namespace and may change in any
// release. The iterators leave the padding to the caller; these functions
// add and check it.
std::string base64_encode(std::string_view bytes);
// Empty for text that is not base64 (a character outside the alphabet, a
// length that is not a multiple of 4, padding anywhere but at the end).
std::optional<std::string> base64_decode(std::string_view text);

// How the job's process ended, from wait4 (exec::process_state): what a
// finish event reports besides its outcome.
struct process_end {
  std::optional<int> exit_code;  // set when it exited
  std::optional<int> signal;     // set when a signal ended it
  std::int64_t wall_ms = 0;
  std::int64_t user_cpu_ms = 0;
  std::int64_t system_cpu_ms = 0;
  std::int64_t max_rss_bytes = 0;
};

// The outcomes of docs/design/jobs.md.
inline constexpr std::string_view outcome_succeeded = "succeeded";
inline constexpr std::string_view outcome_failed = "failed";
inline constexpr std::string_view outcome_killed = "killed";
inline constexpr std::string_view outcome_cancelled = "cancelled";
inline constexpr std::string_view outcome_failed_to_start = "failed_to_start";

// The outcome of a job that ran and ended as `end` says; `cancelled` when
// the agent had sent it a signal to stop it, whatever the ending.
std::string_view outcome_of(const process_end& end, bool cancelled_by_agent);

struct resource_sample {
  double cpu_percent = 0;  // 100 = one CPU, over the last interval
  std::int64_t rss_bytes = 0;
  std::int64_t processes = 0;
};

boost::json::object make_start_event(const std::vector<std::string>& command, int pid,
                                     std::int64_t heartbeat_ms, std::string_view host);
boost::json::object make_heartbeat_event(const resource_sample& sample);
// `stream` is "stdout" or "stderr"; `bytes` as the job wrote them.
boost::json::object make_output_event(std::string_view stream, std::string_view bytes);
boost::json::object make_finish_event(std::string_view outcome, const process_end& end,
                                      std::string_view error);

// The agent's exit status for a recorded finish event (docs/design/jobs.md,
// "The agent's exit status"): 128 + signal when a signal ended the job (so
// also for most cancelled jobs), else its exit code (127 for one that failed
// to start); 1 when the event says neither, which only a restarted agent
// reports (outcome killed, its job's end unknown). A finish without the
// fields throws std::invalid_argument: the agent wrote it, so it is a bug.
int exit_status_of_finish(const boost::json::object& finish);

// The event's type, seq; "" and 0 when missing (a malformed spool line).
std::string_view type_of(const boost::json::object& event);
std::int64_t seq_of(const boost::json::object& event);

}  // namespace agent
