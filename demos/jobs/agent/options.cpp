#include "options.hpp"

#include <CLI/CLI.hpp>

#include <fstream>
#include <iterator>
#include <stdexcept>

namespace agent {

namespace {

constexpr std::string_view usage_line =
    "gofer-agent --tracker URL --job-id ID [--heartbeat 5s] [--spool DIR] [--grace 5s]\n"
    "            [--max-backoff 5s] [--deliver-timeout D] [--token-file F] -- command args...\n";

struct usage_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

gofer::duration duration_flag(std::string_view flag, const std::string& text, bool zero_allowed) {
  gofer::duration d;
  try {
    d = gofer::parse_duration(text);
  } catch (const std::invalid_argument& e) {
    throw usage_error(std::string(flag) + ": " + e.what());
  }
  if (d < gofer::duration::zero() || (d == gofer::duration::zero() && !zero_allowed)) {
    throw usage_error(std::string(flag) + ": must be " + (zero_allowed ? "0 or more" : "positive") +
                      ", not " + text);
  }
  return d;
}

std::string read_token(const std::string& path) {
  std::ifstream file(path);
  if (!file) throw usage_error("--token-file: cannot read " + path);
  std::string token{std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
  const auto space = [](char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; };
  while (!token.empty() && space(token.back()))
    token.pop_back();
  while (!token.empty() && space(token.front()))
    token.erase(token.begin());
  if (token.empty()) throw usage_error("--token-file: " + path + " is empty");
  return token;
}

}  // namespace

bool valid_job_id(std::string_view id) {
  if (id.empty() || id.size() > 128) return false;
  for (char c : id) {
    const bool allowed = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                         (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    if (!allowed) return false;
  }
  return true;
}

parsed_options parse_options(int argc, const char* const* argv) {
  // The command is everything after the first "--", taken as it is: CLI11
  // sees only the agent's own flags, so a command's flags can never be
  // mistaken for them.
  int separator = 1;
  while (separator < argc && std::string_view(argv[separator]) != "--")
    ++separator;

  CLI::App app{"Runs one batch job and reports it to gofer-tracker (docs/design/jobs.md).",
               "gofer-agent"};
  options parsed;
  std::string heartbeat_text = "5s", grace_text = "5s", max_backoff_text = "5s";
  std::string deliver_timeout_text, token_file, spool_dir;
  app.add_option("--tracker", parsed.tracker, "the tracker's base URL, http://HOST:PORT")
      ->required();
  app.add_option("--job-id", parsed.job_id, "the job's id: 1-128 of [A-Za-z0-9._-]")->required();
  app.add_option("--heartbeat", heartbeat_text, "time between heartbeats")
      ->type_name("DURATION")
      ->capture_default_str();
  app.add_option("--spool", spool_dir,
                 "keep unacknowledged events in DIR/<job-id>.spool, so a restart loses none")
      ->type_name("DIR");
  app.add_option("--grace", grace_text, "time between SIGTERM and SIGKILL when cancelling")
      ->type_name("DURATION")
      ->capture_default_str();
  app.add_option("--max-backoff", max_backoff_text, "the longest wait between two sends")
      ->type_name("DURATION")
      ->capture_default_str();
  app.add_option("--deliver-timeout", deliver_timeout_text,
                 "after the job, wait at most this long for the tracker to take every event")
      ->type_name("DURATION");
  app.add_option("--token-file", token_file, "send the bearer token this file holds")
      ->type_name("F");
  app.footer("The command to run follows \"--\".");

  parsed_options result;
  const auto usage = [&](const std::string& message) {
    result.options.reset();
    result.message =
        "gofer-agent: " + message + "\n\nUsage: " + std::string(usage_line) + "\n" + app.help();
    result.exit_status = 2;
    return result;
  };
  try {
    app.parse(separator, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) {  // --help
      result.message = "Usage: " + std::string(usage_line) + "\n" + app.help();
      return result;
    }
    return usage(e.what());
  }
  try {
    if (separator + 1 >= argc) throw usage_error("no command: give it after \"--\"");
    parsed.command.assign(argv + separator + 1, argv + argc);
    if (!parsed.tracker.starts_with("http://")) {
      throw usage_error("--tracker: an http:// URL, not " + parsed.tracker);
    }
    while (parsed.tracker.ends_with('/'))
      parsed.tracker.pop_back();
    if (!valid_job_id(parsed.job_id)) {
      throw usage_error("--job-id: 1 to 128 of A-Z a-z 0-9 . _ -, not \"" + parsed.job_id + "\"");
    }
    parsed.heartbeat = duration_flag("--heartbeat", heartbeat_text, false);
    parsed.grace = duration_flag("--grace", grace_text, true);
    parsed.max_backoff = duration_flag("--max-backoff", max_backoff_text, false);
    if (!deliver_timeout_text.empty()) {
      parsed.deliver_timeout = duration_flag("--deliver-timeout", deliver_timeout_text, true);
    }
    if (!spool_dir.empty()) parsed.spool_dir = spool_dir;
    if (!token_file.empty()) parsed.token = read_token(token_file);
  } catch (const usage_error& e) {
    return usage(e.what());
  }
  result.options = std::move(parsed);
  return result;
}

}  // namespace agent
