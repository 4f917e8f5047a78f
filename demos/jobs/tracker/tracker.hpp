// demos/jobs/tracker/tracker.hpp - the tracker as one object: the store,
// the health watcher and the HTTP server, started together and stopped in
// the right order. gofer-tracker's main is its flags, this, and a select;
// the tests run it in-process the same way.
//
//   auto [t, err] = tracker::server::start({.listen = "127.0.0.1:0", .db_path = path});
//   ... t.url() ...                     // "http://127.0.0.1:40123"
//   t.shutdown(ctx);                    // server first, then health, then the store
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <system_error>

#include <gofer/chan.hpp>
#include <gofer/context.hpp>
#include <gofer/time.hpp>

#include "api.hpp"
#include "health.hpp"
#include "store.hpp"

namespace tracker {

struct server_options {
  std::string listen = "127.0.0.1:8080";
  std::string db_path = "gofer-tracker.db";
  std::string token{};  // empty: none needed
  health_rule health{};
  gofer::duration check_every = std::chrono::seconds(1);
  // Where state changes and serve errors are reported (a log line); none
  // when empty.
  std::function<void(const std::string&)> log{};
  // See api_options.
  std::function<std::int64_t()> wall_clock_ms{};
};

namespace detail {
struct server_state;
}

// A handle: copies share one running tracker.
class server {
 public:
  struct start_result;

  // Opens the store, listens, and starts serving and watching health, each
  // in its own goroutine. Call from inside gofer::run. A failure to open
  // the database or to listen is returned.
  static start_result start(server_options options);

  server() = default;

  // "127.0.0.1:40123": the address listened on, with the real port.
  std::string addr() const;
  std::string url() const { return "http://" + addr(); }
  tracker::store store() const;
  // Receives the error once serving ended other than by shutdown (the
  // listener failed); never sends otherwise. For main's select.
  gofer::recv_chan<std::error_code> serve_failed() const;

  // Graceful: stops accepting, lets the requests in progress finish (until
  // ctx is done, then closes them), stops the health watcher and closes the
  // store. Returns the server's shutdown error (ctx.err() if it had to cut
  // requests short). Idempotent.
  std::error_code shutdown(const gofer::context& ctx) const;

 private:
  explicit server(std::shared_ptr<detail::server_state> state) : state_(std::move(state)) {}
  std::shared_ptr<detail::server_state> state_;
};

struct server::start_result {
  tracker::server server;
  std::string error;
};

// True for an address whose host is a loopback one ("127.0.0.1:8080",
// "[::1]:80", "localhost:8080"); a non-loopback listen needs a token.
bool is_loopback_listen(const std::string& address);

}  // namespace tracker
