// What the tracker's tests share: a temporary directory, events as the
// agents send them (built with Boost.JSON), and a tracker running in this
// process on 127.0.0.1:0 with a client to talk to it.
#pragma once

#include <doctest/doctest.h>

#include <boost/json.hpp>
#include <gofer/context.hpp>
#include <gofer/http.hpp>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

#include "../../../../tests/support/temp_dir.hpp"
#include "events.hpp"
#include "tracker.hpp"

namespace tracker_test {

namespace json = boost::json;

using gofer_test::temp_dir;

// The events of docs/design/jobs.md, as JSON text.
inline std::string start_event(std::int64_t seq, const std::vector<std::string>& command,
                               std::int64_t heartbeat_ms = 1000, std::int64_t time_ms = 1000) {
  return json::serialize(json::object{{"seq", seq},
                                      {"type", "start"},
                                      {"time_ms", time_ms},
                                      {"command", json::value_from(command)},
                                      {"pid", 4242},
                                      {"heartbeat_ms", heartbeat_ms},
                                      {"agent", "gofer"},
                                      {"host", "test-host"}});
}

inline std::string heartbeat_event(std::int64_t seq, double cpu_percent, std::int64_t rss_bytes,
                                   std::int64_t time_ms) {
  return json::serialize(json::object{{"seq", seq},
                                      {"type", "heartbeat"},
                                      {"time_ms", time_ms},
                                      {"cpu_percent", cpu_percent},
                                      {"rss_bytes", rss_bytes},
                                      {"processes", 1}});
}

inline std::string output_event(std::int64_t seq, const std::string& stream,
                                const std::string& bytes, std::int64_t time_ms = 2000) {
  return json::serialize(json::object{{"seq", seq},
                                      {"type", "output"},
                                      {"time_ms", time_ms},
                                      {"stream", stream},
                                      {"data_b64", tracker::encode_base64(bytes)}});
}

inline std::string finish_event(std::int64_t seq, const std::string& outcome,
                                std::int64_t exit_code, std::int64_t time_ms = 9000,
                                std::int64_t wall_ms = 8000) {
  return json::serialize(json::object{{"seq", seq},
                                      {"type", "finish"},
                                      {"time_ms", time_ms},
                                      {"outcome", outcome},
                                      {"exit_code", exit_code},
                                      {"signal", nullptr},
                                      {"wall_ms", wall_ms},
                                      {"user_cpu_ms", 120},
                                      {"system_cpu_ms", 30},
                                      {"max_rss_bytes", 5 << 20},
                                      {"error", ""}});
}

inline json::value parse_json(const std::string& text) {
  boost::system::error_code ec;
  json::value value = json::parse(text, ec);
  INFO(text);
  REQUIRE_FALSE(ec);
  return value;
}

// A client of a tracker's HTTP API: every call REQUIREs a response.
class api_client {
 public:
  api_client(std::string url, std::string token = {})
      : url_(std::move(url)), token_(std::move(token)) {}
  api_client(const api_client&) = delete;
  api_client& operator=(const api_client&) = delete;
  ~api_client() { client_.close_idle_connections(); }

  gofer::http::response send(const std::string& method, const std::string& path,
                             const std::string& body = {}, const std::string* token = nullptr) {
    gofer::http::client_request request;
    request.method = method;
    request.url = url_ + path;
    request.body = body;
    if (!body.empty()) request.header.set("Content-Type", "application/json");
    const std::string& bearer = token != nullptr ? *token : token_;
    if (!bearer.empty()) request.header.set("Authorization", "Bearer " + bearer);
    auto [response, err] = client_.send(gofer::background(), request);
    INFO(method << " " << path << ": " << err.message());
    REQUIRE_FALSE(err);
    return response;
  }
  gofer::http::response get(const std::string& path) { return send("GET", path); }
  gofer::http::response post(const std::string& path, const std::string& body) {
    return send("POST", path, body);
  }
  // POSTs an event and REQUIREs a 200; returns its answer.
  json::object post_event(const std::string& job_id, const std::string& type,
                          const std::string& body) {
    const gofer::http::response response = post("/api/jobs/" + job_id + "/" + type, body);
    INFO(response.body);
    REQUIRE(response.status_code == 200);
    return parse_json(response.body).as_object();
  }
  json::object job(const std::string& job_id) {
    const gofer::http::response response = get("/api/jobs/" + job_id);
    INFO(response.body);
    REQUIRE(response.status_code == 200);
    return parse_json(response.body).as_object();
  }
  const std::string& url() const noexcept { return url_; }

 private:
  std::string url_;
  std::string token_;
  gofer::http::client client_;
};

// A tracker on 127.0.0.1:0 with its database in a temporary directory, and
// a client; shut down when it goes.
class running_tracker {
 public:
  explicit running_tracker(tracker::server_options options = {}) {
    options.listen = "127.0.0.1:0";
    options.db_path = dir_.file("tracker.db");
    // Fixed, so that pages show the same ages every run.
    options.wall_clock_ms = [] { return std::int64_t(1'700'000'100'000); };
    auto [started, error] = tracker::server::start(options);
    INFO(error);
    REQUIRE(error.empty());
    server_ = started;
    client_.emplace(server_.url(), options.token);
  }
  running_tracker(const running_tracker&) = delete;
  running_tracker& operator=(const running_tracker&) = delete;
  ~running_tracker() { stop(); }

  void stop() {
    client_.reset();
    CHECK_FALSE(server_.shutdown(gofer::background()));
  }

  api_client& client() { return *client_; }
  tracker::server& server() { return server_; }
  const temp_dir& dir() const { return dir_; }

 private:
  temp_dir dir_;
  tracker::server server_;
  std::optional<api_client> client_;
};

}  // namespace tracker_test
