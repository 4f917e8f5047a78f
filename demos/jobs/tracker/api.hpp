// demos/jobs/tracker/api.hpp - the tracker's HTTP side: the JSON API, the
// pages and /healthz of docs/design/jobs.md, as one gofer::http handler.
//
// Routing. gofer's serve_mux has no wildcards, so the mux routes by prefix
// and each handler splits the rest of the path itself:
//   /api/jobs        exact   GET: the list
//   /api/jobs/       subtree {id}, {id}/{action}: split here
//   /api/            subtree anything else under /api: 404
//   /healthz         exact
//   /jobs/           subtree a job's page
//   /                subtree the status page at "/" exactly; 404 elsewhere
// Methods are checked by the handlers, not by the mux, so that a 405 is JSON
// with an Allow header, like every other error. Every error is
// {"error": "..."} (docs/design/jobs.md), and none ends the server.
//
// The checks of a request run in this order, so each answer says the first
// thing wrong: token (401), path (404), method (405), job id (400), body
// size (413), body (400), job (404, 409).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include <gofer/http.hpp>

#include "store.hpp"

namespace tracker {

struct api_options {
  // The bearer token every /api request must carry; empty: none needed.
  std::string token{};
  // The largest body accepted (413 beyond); the server is given the same
  // limit, and json_error_body for its own 413.
  std::size_t max_body_bytes = 1 << 20;
  // The tracker's wall clock in Unix ms, for the pages' ages and durations;
  // system_clock when empty.
  std::function<std::int64_t()> wall_clock_ms{};
};

// The whole site: API, pages, /healthz.
gofer::http::handler make_handler(store jobs, api_options options);

// {"error": message} as text.
std::string error_json(std::string_view message);
// For gofer::http::server_options::error_body_for: the server's own 400,
// 413 and 431 as JSON errors too.
gofer::http::error_body json_error_body(int status);

}  // namespace tracker
