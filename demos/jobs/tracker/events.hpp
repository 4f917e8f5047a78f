// demos/jobs/tracker/events.hpp - the events of docs/design/jobs.md, as the
// tracker receives them: parsed from JSON (Boost.JSON) and checked, field by
// field, before anything reaches the store. A body that does not follow the
// contract is an expected failure, so parse_event returns its reason (the
// text of the 400's {"error": ...}); it never throws for bad input.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace tracker {

enum class event_type { start, heartbeat, output, finish };

std::string_view to_string(event_type type) noexcept;
// "start" -> event_type::start; empty for anything else.
std::optional<event_type> parse_event_type(std::string_view text) noexcept;

// docs/design/jobs.md: 1-128 characters of [A-Za-z0-9._-].
bool valid_job_id(std::string_view id) noexcept;

struct start_fields {
  std::vector<std::string> command;  // argv
  std::int64_t pid = 0;              // 0: it failed to start
  std::int64_t heartbeat_ms = 0;     // > 0
  std::string agent;                 // "gofer", "go", "python"
  std::string host;
};

struct heartbeat_fields {
  double cpu_percent = 0;  // the process tree over the last interval; 100 = one CPU
  std::int64_t rss_bytes = 0;
  std::int64_t processes = 0;
};

struct output_fields {
  std::string stream;  // "stdout" or "stderr"
  std::string data;    // the bytes, decoded from data_b64: need not be UTF-8
};

struct finish_fields {
  std::string outcome;  // succeeded, failed, killed, cancelled, failed_to_start
  std::optional<std::int64_t> exit_code;
  std::optional<std::int64_t> signal;
  std::int64_t wall_ms = 0;
  std::int64_t user_cpu_ms = 0;
  std::int64_t system_cpu_ms = 0;
  std::int64_t max_rss_bytes = 0;
  std::string error;  // empty unless failed_to_start
};

// One event of one job. Its identity is (job_id, seq).
struct event {
  std::string job_id;
  std::int64_t seq = 0;  // >= 1
  std::int64_t time_ms = 0;
  std::variant<start_fields, heartbeat_fields, output_fields, finish_fields> fields;
  // The event as JSON, kept in the events table (an output event without
  // its data_b64: the bytes are in the output table).
  std::string json;

  event_type type() const noexcept { return static_cast<event_type>(fields.index()); }
};

// What parse_event returns: the event, or why the body is not one.
struct parse_result {
  std::optional<tracker::event> event;
  std::string error;
};

// Parses `body` as an event of type `path_type` (the type the URL names) for
// job `job_id`, which the caller has checked with valid_job_id. Every field
// must have the contract's type; fields the contract does not name are
// ignored (a newer agent may send more).
parse_result parse_event(std::string_view job_id, event_type path_type, std::string_view body);

// The finish outcomes of docs/design/jobs.md; each is also a final state.
bool is_outcome(std::string_view text) noexcept;

// Strict base64 (RFC 4648, with padding, no line breaks): empty for
// anything else.
std::optional<std::string> decode_base64(std::string_view text);
std::string encode_base64(std::string_view bytes);

}  // namespace tracker
