#include "api.hpp"

#include <boost/json.hpp>
#include <gofer/time.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <utility>

#include "events.hpp"
#include "page.hpp"

namespace http = gofer::http;
namespace json = boost::json;

namespace tracker {

namespace {

constexpr std::string_view jobs_prefix = "/api/jobs/";
constexpr std::size_t page_samples = 30;  // per job, for the status page's sparklines

void write_json(http::response_writer& w, int status, const json::value& value) {
  w.header().set("Content-Type", "application/json");
  w.header().set("Cache-Control", "no-store");
  w.write_header(status);
  w.write(json::serialize(value));
  w.write("\n");
}

void write_error(http::response_writer& w, int status, std::string_view message) {
  w.header().set("Content-Type", "application/json");
  w.write_header(status);
  w.write(error_json(message));
}

void method_not_allowed(http::response_writer& w, std::string_view allow) {
  w.header().set("Allow", allow);
  write_error(w, http::status_method_not_allowed, "method not allowed; use " + std::string(allow));
}

bool is_get(const http::request& r) {
  return r.method() == "GET" || r.method() == "HEAD";
}

json::value optional_value(const std::optional<std::int64_t>& value) {
  return value ? json::value(*value) : json::value(nullptr);
}

json::object summary_json(const job_summary& job) {
  json::object o;
  o["id"] = job.id;
  o["state"] = job.state;
  o["command"] = job.command ? json::value_from(*job.command) : json::value(nullptr);
  o["agent"] = job.agent;
  o["host"] = job.host;
  o["pid"] = optional_value(job.pid);
  o["started_ms"] = optional_value(job.started_ms);
  o["finished_ms"] = optional_value(job.finished_ms);
  o["last_heartbeat_ms"] = optional_value(job.last_heartbeat_ms);
  o["heartbeat_ms"] = optional_value(job.heartbeat_ms);
  o["cpu_percent"] = job.cpu_percent ? json::value(*job.cpu_percent) : json::value(nullptr);
  o["rss_bytes"] = optional_value(job.rss_bytes);
  if (job.finish) {
    const finish_fields& f = *job.finish;
    o["outcome"] = f.outcome;
    o["exit_code"] = optional_value(f.exit_code);
    o["signal"] = optional_value(f.signal);
    o["wall_ms"] = f.wall_ms;
    o["user_cpu_ms"] = f.user_cpu_ms;
    o["system_cpu_ms"] = f.system_cpu_ms;
    o["max_rss_bytes"] = f.max_rss_bytes;
    o["error"] = f.error;
  }
  o["cancel_requested"] = job.cancel_requested;
  return o;
}

// Compares without stopping at the first difference, so that the time a
// 401 takes says nothing about how much of a guess was right.
bool same_token(std::string_view given, std::string_view expected) {
  unsigned char difference = given.size() == expected.size() ? 0 : 1;
  for (std::size_t i = 0; i < given.size(); ++i) {
    difference |= static_cast<unsigned char>(given[i] ^ expected[i % expected.size()]);
  }
  return difference == 0;
}

// The handlers share one of these (the mux copies handlers).
struct site {
  store jobs;
  api_options options;

  std::int64_t wall_ms() const {
    if (options.wall_clock_ms) return options.wall_clock_ms();
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }

  // A store failure is the tracker's, not the client's: 500, and the agent retries.
  static void store_failed(http::response_writer& w, const std::string& error) {
    write_error(w, http::status_internal_server_error, "store: " + error);
  }

  void list(http::response_writer& w, const http::request& r) const {
    if (!is_get(r)) return method_not_allowed(w, "GET, HEAD");
    const jobs_result result = jobs.jobs();
    if (!result.error.empty()) return store_failed(w, result.error);
    json::array list;
    for (const job_row& row : result.jobs)
      list.push_back(summary_json(row.summary));
    write_json(w, http::status_ok, json::object{{"jobs", std::move(list)}});
  }

  // /api/jobs/{id} and /api/jobs/{id}/{action}.
  void job_subtree(http::response_writer& w, const http::request& r) const {
    const std::string_view rest = std::string_view(r.path()).substr(jobs_prefix.size());
    const std::size_t slash = rest.find('/');
    const std::string_view id = rest.substr(0, slash);
    const std::optional<std::string_view> action =
        slash == std::string_view::npos ? std::nullopt
                                        : std::optional<std::string_view>(rest.substr(slash + 1));
    if (!action) {
      if (!is_get(r)) return method_not_allowed(w, "GET, HEAD");
      if (!valid_job_id(id)) return bad_id(w);
      return job(w, std::string(id));
    }
    if (*action == "output" && is_get(r)) {
      if (!valid_job_id(id)) return bad_id(w);
      return output(w, std::string(id));
    }
    const std::optional<event_type> type = parse_event_type(*action);
    if (!type && *action != "cancel") {
      return write_error(w, http::status_not_found, "no such path: " + r.path());
    }
    if (r.method() != "POST") {
      return method_not_allowed(w, *action == "output" ? "GET, HEAD, POST" : "POST");
    }
    if (!valid_job_id(id)) return bad_id(w);
    if (r.body().size() > options.max_body_bytes) {
      return write_error(w, http::status_request_entity_too_large,
                         "body over " + std::to_string(options.max_body_bytes) + " bytes");
    }
    if (type) return post_event(w, r, std::string(id), *type);
    return cancel(w, r, std::string(id));
  }

  static void bad_id(http::response_writer& w) {
    write_error(w, http::status_bad_request, "a job id is 1-128 characters of [A-Za-z0-9._-]");
  }

  void job(http::response_writer& w, const std::string& id) const {
    const job_result result = jobs.job(id);
    if (!result.error.empty()) return store_failed(w, result.error);
    if (!result.job) return write_error(w, http::status_not_found, "no job " + id);
    json::object o = summary_json(result.job->summary);
    json::array samples;
    for (const sample& s : result.job->samples) {
      samples.push_back(json::object{
          {"time_ms", s.time_ms}, {"cpu_percent", s.cpu_percent}, {"rss_bytes", s.rss_bytes}});
    }
    o["samples"] = std::move(samples);
    o["events"] = result.job->events;
    write_json(w, http::status_ok, o);
  }

  void output(http::response_writer& w, const std::string& id) const {
    const output_result result = jobs.output(id);
    if (!result.error.empty()) return store_failed(w, result.error);
    if (!result.chunks) return write_error(w, http::status_not_found, "no job " + id);
    w.header().set("Content-Type", "text/plain; charset=utf-8");
    w.header().set("X-Content-Type-Options", "nosniff");  // never rendered as HTML
    w.write(output_text(*result.chunks));
  }

  void post_event(http::response_writer& w, const http::request& r, std::string id,
                  event_type type) const {
    parse_result parsed = parse_event(id, type, r.body());
    if (!parsed.event) return write_error(w, http::status_bad_request, parsed.error);
    const append_result result = jobs.append(std::move(*parsed.event), gofer::now());
    if (!result.error.empty()) return store_failed(w, result.error);
    write_json(w, http::status_ok,
               json::object{{"stored", result.stored}, {"cancel", result.cancel}});
  }

  void cancel(http::response_writer& w, const http::request& r, std::string id) const {
    // The body is {} (or empty): nothing in it is read, but it must be JSON.
    if (!r.body().empty()) {
      boost::system::error_code ec;
      const json::value body = json::parse(r.body(), ec);
      if (ec) return write_error(w, http::status_bad_request, "malformed JSON: " + ec.message());
      if (!body.is_object()) {
        return write_error(w, http::status_bad_request, "the body must be a JSON object");
      }
    }
    const cancel_result result = jobs.request_cancel(id);
    if (!result.error.empty()) return store_failed(w, result.error);
    switch (result.outcome) {
      case cancel_outcome::requested:
        return write_json(w, http::status_accepted, json::object{{"cancel", true}});
      case cancel_outcome::unknown_job:
        return write_error(w, http::status_not_found, "no job " + id);
      case cancel_outcome::finished:
        return write_error(w, http::status_conflict, "job " + id + " has finished");
    }
  }

  void status_page(http::response_writer& w, const http::request& r) const {
    if (r.path() != "/") {
      return write_error(w, http::status_not_found, "no such path: " + r.path());
    }
    if (!is_get(r)) return method_not_allowed(w, "GET, HEAD");
    const jobs_result result = jobs.jobs(page_samples);
    if (!result.error.empty()) return store_failed(w, result.error);
    w.header().set("Content-Type", "text/html; charset=utf-8");
    w.header().set("Cache-Control", "no-store");
    if (r.query("fragment") == "jobs") {
      w.write(render_jobs_table(result.jobs, wall_ms()));
    } else {
      w.write(render_status_page(result.jobs, wall_ms()));
    }
  }

  void job_page(http::response_writer& w, const http::request& r) const {
    if (!is_get(r)) return method_not_allowed(w, "GET, HEAD");
    const std::string_view id =
        std::string_view(r.path()).substr(std::string_view("/jobs/").size());
    if (!valid_job_id(id)) return bad_id(w);
    const job_result job = jobs.job(std::string(id));
    if (!job.error.empty()) return store_failed(w, job.error);
    if (!job.job) return write_error(w, http::status_not_found, "no job " + std::string(id));
    const output_result output = jobs.output(std::string(id));
    if (!output.error.empty()) return store_failed(w, output.error);
    w.header().set("Content-Type", "text/html; charset=utf-8");
    w.write(
        render_job_page(*job.job, output.chunks.value_or(std::vector<output_chunk>{}), wall_ms()));
  }

  static void healthz(http::response_writer& w, const http::request& r) {
    if (!is_get(r)) return method_not_allowed(w, "GET, HEAD");
    write_json(w, http::status_ok, json::object{{"ok", true}});
  }

  // With a token set, everything but /healthz needs it: the API as a
  // bearer token, the pages too, since they show command lines and output.
  // A browser has no bearer token to send, so a page also accepts the
  // token in a cookie, which visiting any page with ?token=TOKEN sets
  // (HttpOnly, SameSite=Strict; then a redirect drops it from the address
  // bar). The page's own refresh (fetch) sends the cookie along.
  bool authorized(http::response_writer& w, const http::request& r) const {
    if (options.token.empty() || r.path() == "/healthz") return true;
    const std::string header = r.header().get("Authorization");
    constexpr std::string_view scheme = "Bearer ";
    if (header.size() > scheme.size() && header.starts_with(scheme) &&
        same_token(std::string_view(header).substr(scheme.size()), options.token)) {
      return true;
    }
    const bool page = !r.path().starts_with("/api/");
    if (page) {
      if (same_token(cookie_of(r, token_cookie), options.token) &&
          !cookie_of(r, token_cookie).empty()) {
        return true;
      }
      const std::string given = r.query("token");
      if (!given.empty() && same_token(given, options.token)) {
        w.header().set("Set-Cookie", std::string(token_cookie) + "=" + options.token +
                                         "; Path=/; HttpOnly; SameSite=Strict");
        w.header().set("Location", r.path());
        w.write_header(http::status_see_other);
        return false;
      }
      w.header().set("Content-Type", "text/html; charset=utf-8");
      w.write_header(http::status_unauthorized);
      w.write(
          "<!doctype html><title>gofer-tracker</title><p>This tracker needs its token: "
          "open this page once as <code>/?token=TOKEN</code>.</p>\n");
      return false;
    }
    w.header().set("WWW-Authenticate", "Bearer");
    write_error(w, http::status_unauthorized,
                header.empty() ? "missing bearer token" : "wrong bearer token");
    return false;
  }

  static constexpr std::string_view token_cookie = "gofer_tracker_token";

  // The value of cookie `name` in the request's Cookie header, or "".
  static std::string cookie_of(const http::request& r, std::string_view name) {
    const std::string cookies = r.header().get("Cookie");
    std::string_view rest = cookies;
    while (!rest.empty()) {
      const std::size_t end = rest.find(';');
      std::string_view pair = rest.substr(0, end);
      rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end + 1);
      while (!pair.empty() && pair.front() == ' ')
        pair.remove_prefix(1);
      if (pair.size() > name.size() && pair.starts_with(name) && pair[name.size()] == '=') {
        return std::string(pair.substr(name.size() + 1));
      }
    }
    return {};
  }
};

}  // namespace

std::string error_json(std::string_view message) {
  return json::serialize(json::object{{"error", message}}) + "\n";
}

http::error_body json_error_body(int status) {
  std::string message = http::status_text(status);
  if (status == http::status_request_entity_too_large) message = "body over the size limit";
  return {"application/json", error_json(message)};
}

http::handler make_handler(store jobs, api_options options) {
  auto s = std::make_shared<const site>(site{std::move(jobs), std::move(options)});
  http::serve_mux mux;
  mux.handle("/api/jobs", [s](auto& w, const auto& r) { s->list(w, r); });
  mux.handle("/api/jobs/", [s](auto& w, const auto& r) { s->job_subtree(w, r); });
  mux.handle("/api/", [](http::response_writer& w, const http::request& r) {
    write_error(w, http::status_not_found, "no such path: " + r.path());
  });
  mux.handle("/healthz", &site::healthz);
  mux.handle("/jobs/", [s](auto& w, const auto& r) { s->job_page(w, r); });
  mux.handle("/", [s](auto& w, const auto& r) { s->status_page(w, r); });
  return [s, mux](http::response_writer& w, const http::request& r) {
    if (s->authorized(w, r)) mux(w, r);
  };
}

}  // namespace tracker
