// gofer-tracker: the tracking server of the job agent (docs/design/jobs.md).
//
//   gofer-tracker                                   127.0.0.1:8080, ./gofer-tracker.db
//   gofer-tracker --listen 127.0.0.1:0 --db /tmp/t.db
//   gofer-tracker --listen 0.0.0.0:8080 --token-file token.txt
//
// Its shape is the monitor's: the work runs in goroutines (the server, the
// health ticker, the store's owner), and main waits in one select for
// SIGINT/SIGTERM or for the server to fail. Then it shuts the server down
// gracefully (requests in progress may finish, for a while), closes the
// database, and exits 0.
//
// It prints one line once it listens, with the real port (--listen
// 127.0.0.1:0 picks a free one): tests and scripts read it.
//   gofer-tracker: listening on http://127.0.0.1:40123
#include <gofer/gofer.hpp>
#include <gofer/signal.hpp>

#include <fmt/core.h>
#include <CLI/CLI.hpp>

#include <signal.h>

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

#include "tracker.hpp"

using namespace std::chrono_literals;

namespace {

[[noreturn]] void usage_error(const CLI::App& app, const std::string& message) {
  fmt::print(stderr, "{}: {}\n\n{}", app.get_name(), message, app.help());
  std::exit(2);
}

// The token: the file's content without the line break (or spaces) at its end.
std::string read_token(const CLI::App& app, const std::string& path) {
  std::ifstream file{path};
  if (!file) usage_error(app, "--token-file: cannot read " + path);
  std::stringstream content;
  content << file.rdbuf();
  std::string token = content.str();
  while (!token.empty() && std::isspace(static_cast<unsigned char>(token.back())))
    token.pop_back();
  if (token.empty()) usage_error(app, "--token-file: " + path + " is empty");
  return token;
}

tracker::server_options parse_options(int argc, char** argv) {
  tracker::server_options options;
  std::string token_file;
  std::string check_every_text = "1s";
  CLI::App app{"The tracking server of gofer-agent: a JSON API, SQLite state, a status page.",
               "gofer-tracker"};
  app.add_option("--listen", options.listen,
                 "HOST:PORT to listen on; a host other than a loopback one needs --token-file")
      ->capture_default_str();
  app.add_option("--db", options.db_path, "the SQLite database (created if missing)")
      ->capture_default_str();
  app.add_option("--token-file", token_file,
                 "a file holding the bearer token every /api request must carry")
      ->type_name("FILE");
  app.add_option("--unhealthy-after", options.health.unhealthy_after,
                 "heartbeat intervals without an event before a job is unhealthy")
      ->capture_default_str();
  app.add_option("--lost-after", options.health.lost_after,
                 "heartbeat intervals without an event before a job is lost")
      ->capture_default_str();
  app.add_option("--check-every", check_every_text, "how often health is decided (a Go duration)")
      ->capture_default_str();
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) std::exit(app.exit(e));  // --help
    usage_error(app, e.what());
  }
  if (options.health.unhealthy_after < 1) usage_error(app, "--unhealthy-after: at least 1");
  if (options.health.lost_after < 1) usage_error(app, "--lost-after: at least 1");
  try {
    options.check_every = gofer::parse_duration(check_every_text);
  } catch (const std::invalid_argument& e) {
    usage_error(app, std::string("--check-every: ") + e.what());
  }
  if (options.check_every <= gofer::duration::zero()) {
    usage_error(app, "--check-every: must be positive, not " + check_every_text);
  }
  auto [parts, err] = gofer::net::split_host_port(options.listen);
  if (err) usage_error(app, "--listen: " + options.listen + ": want HOST:PORT");
  if (!token_file.empty()) options.token = read_token(app, token_file);
  if (options.token.empty() && !tracker::is_loopback_listen(options.listen)) {
    usage_error(
        app, "--listen " + options.listen + " is not a loopback address: --token-file is required");
  }
  return options;
}

}  // namespace

int main(int argc, char** argv) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);  // each log line at once, also into a pipe
  tracker::server_options options = parse_options(argc, argv);
  options.log = [](const std::string& line) { fmt::print("gofer-tracker: {}\n", line); };

  return gofer::run([&] {
    auto signals = gofer::make_chan<int>(1);  // buffered: notify never blocks
    gofer::signals::notify(signals, {SIGINT, SIGTERM});

    auto [tracker, error] = tracker::server::start(options);
    if (!error.empty()) {
      fmt::print(stderr, "gofer-tracker: {}\n", error);
      return 1;
    }
    fmt::print("gofer-tracker: listening on {}\n", tracker.url());
    std::fflush(stdout);

    int signal_number = 0;
    std::error_code serve_error;
    switch (gofer::select(gofer::recv_case(signals, signal_number),
                          gofer::recv_case(tracker.serve_failed(), serve_error))) {
      case 0:
        gofer::signals::stop(signals);  // a second Ctrl-C ends the process at once
        fmt::print("gofer-tracker: {} received, shutting down\n",
                   signal_number == SIGINT ? "SIGINT" : "SIGTERM");
        break;
      case 1:
        fmt::print(stderr, "gofer-tracker: serve: {}\n", serve_error.message());
        break;
    }
    // Requests in progress get 5 s to finish; the store closes after them.
    auto [ctx, cancel] = gofer::with_timeout(gofer::background(), 5s);
    const std::error_code shutdown_error = tracker.shutdown(ctx);
    cancel();
    if (shutdown_error) {
      fmt::print(stderr, "gofer-tracker: shutdown: {}\n", shutdown_error.message());
    }
    return serve_error ? 1 : 0;
  });
}
