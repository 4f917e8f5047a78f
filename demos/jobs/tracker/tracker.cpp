#include "tracker.hpp"

#include <gofer/http.hpp>
#include <gofer/net.hpp>
#include <gofer/runtime.hpp>
#include <gofer/sync.hpp>

#include <atomic>
#include <utility>

namespace tracker {

namespace detail {

struct server_state {
  tracker::store store;
  gofer::http::server http{[](gofer::http::response_writer&, const gofer::http::request&) {}};
  std::string addr;
  gofer::chan<std::error_code> serve_failed = gofer::make_chan<std::error_code>(1);
  gofer::cancel_func stop_health;
  gofer::wait_group goroutines;  // the server's and the health watcher's
  std::atomic<bool> shut_down{false};
};

}  // namespace detail

server::start_result server::start(server_options options) {
  auto state = std::make_shared<detail::server_state>();
  store::open_result opened = store::open({.path = options.db_path, .health = options.health});
  if (!opened.error.empty()) return {{}, opened.error};
  state->store = opened.store;

  auto [ln, err] = gofer::net::listen("tcp", options.listen);
  if (err) {
    state->store.close();
    return {{}, "listen " + options.listen + ": " + err.message()};
  }
  state->addr = ln.addr();

  api_options api{.token = options.token, .wall_clock_ms = options.wall_clock_ms};
  state->http = gofer::http::server{
      make_handler(state->store, api),
      gofer::http::server_options{
          // A slow or stuck client is closed instead of holding a goroutine forever.
          .read_header_timeout = std::chrono::seconds(10),
          .read_timeout = std::chrono::seconds(30),
          .write_timeout = std::chrono::seconds(30),
          .idle_timeout = std::chrono::seconds(120),
          .max_body_bytes = api.max_body_bytes,
          .error_body_for = json_error_body,
      }};

  state->goroutines.go([http = state->http, ln = ln, failed = state->serve_failed] {
    const std::error_code serve_error = http.serve(ln);
    if (serve_error != gofer::http::errc::server_closed) failed.send(serve_error);
  });

  auto [health_ctx, stop_health] = gofer::with_cancel(gofer::background());
  state->stop_health = stop_health;
  std::function<void(const state_change&)> on_change;
  if (options.log) {
    on_change = [log = options.log](const state_change& change) {
      log("job " + change.job_id + ": " + change.from + " -> " + change.to);
    };
  }
  state->goroutines.go(
      [jobs = state->store, every = options.check_every, ctx = health_ctx,
       on_change = std::move(on_change)] { watch_health(jobs, every, ctx, on_change); });
  return {server{state}, {}};
}

std::string server::addr() const {
  return state_->addr;
}

store server::store() const {
  return state_->store;
}

gofer::recv_chan<std::error_code> server::serve_failed() const {
  return state_->serve_failed;
}

std::error_code server::shutdown(const gofer::context& ctx) const {
  if (state_ == nullptr || state_->shut_down.exchange(true)) return {};
  // The order matters: no request may reach the store after it closed, so
  // the server stops first (its handlers have all returned once shutdown
  // does, or were cut off by ctx), then health, then the store.
  std::error_code err = state_->http.shutdown(ctx);
  if (err) state_->http.close();
  state_->stop_health();
  state_->goroutines.wait();
  state_->store.close();
  return err;
}

bool is_loopback_listen(const std::string& address) {
  auto [parts, err] = gofer::net::split_host_port(address);
  if (err) return false;
  const std::string& host = parts.host;
  return host == "localhost" || host == "::1" || host.starts_with("127.");
}

}  // namespace tracker
