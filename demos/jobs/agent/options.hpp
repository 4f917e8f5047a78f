// gofer-agent's command line (CLI11):
//
//   gofer-agent --tracker URL --job-id ID [--heartbeat 5s] [--spool DIR]
//               [--grace 5s] [--max-backoff 5s] [--deliver-timeout D]
//               [--token-file F] -- command args...
//
// Durations are Go's (gofer::parse_duration: "250ms", "1.5s"). Bad flags, a
// bad value, or no command after "--" print the usage on stderr and exit
// with status 2, as Go's flag package does.
#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <gofer/time.hpp>

namespace agent {

struct options {
  std::string tracker;  // "http://host:port", without a trailing slash
  std::string job_id;
  gofer::duration heartbeat = std::chrono::seconds(5);
  std::optional<std::filesystem::path> spool_dir;
  gofer::duration grace = std::chrono::seconds(5);
  gofer::duration max_backoff = std::chrono::seconds(5);
  std::optional<gofer::duration> deliver_timeout;
  std::string token;  // read from --token-file, whitespace trimmed; empty: none
  std::vector<std::string> command;
};

// A job id as docs/design/jobs.md allows: 1-128 of [A-Za-z0-9._-].
bool valid_job_id(std::string_view id);

// What parsing found: the options, or the text to print (usage or help) and
// the status to exit with (2 for bad flags, 0 for --help).
struct parsed_options {
  std::optional<agent::options> options;
  std::string message;
  int exit_status = 0;
};

parsed_options parse_options(int argc, const char* const* argv);

}  // namespace agent
