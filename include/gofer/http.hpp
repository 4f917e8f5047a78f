// gofer/http.hpp - Go's net/http for goroutines: an HTTP/1.1 server that
// runs each connection in its own goroutine, a mux with Go 1.22 patterns,
// and a client with a keep-alive pool. http:// only (no TLS). Built on
// gofer/net.hpp; the parsing is Boost.Beast's, inside lib/http.cpp.
//
//   gofer::http::serve_mux mux;
//   mux.handle_func("GET /hello", [](gofer::http::response_writer& w,
//                                    const gofer::http::request& r) {
//     w.header().set("Content-Type", "text/plain");
//     w.write("hello, " + r.query("name") + "\n");
//   });
//   gofer::http::server srv{mux, {.read_header_timeout = 5s}};
//   auto [ln, err] = gofer::net::listen("tcp", "127.0.0.1:8080");
//   gofer::go([srv, ln] { srv.serve(ln); });     // returns errc::server_closed
//   ...
//   auto [resp, gerr] = gofer::http::get("http://127.0.0.1:8080/hello?name=go");
//   // resp.status_code == 200, resp.body == "hello, go\n"
//   srv.shutdown(ctx);                            // graceful
//
// Errors. As in gofer/net.hpp, expected failures are values: result<T>
// (Go's (value, err)) with a std::error_code, which is the system's
// (std::errc::connection_refused), gofer::net::errc (eof, closed, timeout),
// a context's (canceled, deadline_exceeded) or gofer::http::errc below.
// Misuse throws, where Go panics: an invalid or duplicate mux pattern, an
// empty handler (gofer::invalid_argument), calls outside gofer::run
// (runtime_misuse).
//
// The server (Go: http.Server). Each accepted connection gets one
// goroutine, which reads a request, runs the handler in that same goroutine,
// writes the response, and loops while the connection is kept alive: so
// requests on one connection are handled in order, as Go does. A slow
// client only ever parks its connection's goroutine, and the timeouts
// (server_options) close it. Per request, a second short-lived goroutine
// reads ahead in the background while the handler runs (Go's
// connReader.backgroundRead), so that the request's context() is cancelled
// when the client goes away.
//
//   request                      | the server answers, then
//   well-formed                  | the handler's response; keeps the conn
//                                | alive unless the client or the handler
//                                | said "Connection: close"
//   bad request line, bad header,| 400 Bad Request; closes the conn
//   bad chunking, no Host (1.1)  |
//   header over max_header_bytes | 431 Request Header Fields Too Large; closes
//   body over max_body_bytes     | 413 Request Entity Too Large; closes
//   incomplete, then EOF/timeout | nothing; closes (Go closes silently too)
//   handler throws               | 500 if nothing was sent yet, logs; closes
// The 400, 431 and 413 carry Go's plain text ("413 Request Entity Too
// Large"), or what server_options::error_body_for makes.
//
// Timeouts (zero: none, Go's defaults), each only a deadline on the
// connection's socket:
//   read_header_timeout  from the first byte of a request (the accept, for
//                        the first one) to the end of its header; if zero,
//                        read_timeout is used
//   read_timeout         from the same start to the end of the body
//   write_timeout        from the end of the request to the end of the
//                        response
//   idle_timeout         waiting for the next request on a kept-alive
//                        connection; if zero, read_timeout is used
//
// Shutdown (Go: Server.Shutdown, Server.Close):
//   shutdown(ctx)  closes the listeners (serve returns errc::server_closed),
//                  closes connections idle between requests, then waits
//                  until every active one has ended; a connection ends after
//                  its current response. If ctx is done first, it closes
//                  the rest (their requests' contexts are cancelled) and
//                  returns ctx.err(), without waiting for their handlers to
//                  return. Unlike Go, which leaves them open then.
//   close()        closes listeners and every connection at once.
//
// Differences from Go, each deliberate:
//   - The request body arrives whole in request::body() (up to
//     max_body_bytes, 10 MiB by default, Go's ParseForm limit); Go streams
//     it. So "100-continue" is answered before the handler runs.
//   - The response is buffered: headers go out with the first flush(), or
//     when more than 4 KiB is written (then chunked), or at the end (then
//     with Content-Length), as Go's does (its buffer is 4 KiB too). Go
//     sniffs Content-Type; gofer sets "text/plain; charset=utf-8" for a
//     non-empty body that has none.
//   - serve_mux: Go 1.22 patterns without wildcards ({name}, {$}) and
//     without host parts; paths are not cleaned (no redirect of /a/../b).
//   - The package functions get/post (Go's DefaultClient) reuse no
//     connection: a pool belongs to one gofer::run, and these functions
//     have none to keep it in. Make an http::client for keep-alive.
//   - The client follows no redirects (Go's follows up to 10).
//   - server_options::error_body_for sets the body of the server's own
//     400, 413 and 431 answers (an API's JSON); Go's are fixed plain text.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "gofer/context.hpp"
#include "gofer/net.hpp"
#include "gofer/time.hpp"

namespace gofer::http {

using net::result;

enum class errc {
  server_closed = 1,   // Go: ErrServerClosed, "http: Server closed"
  bad_url,             // the URL could not be parsed
  unsupported_scheme,  // not http:// (Go: "unsupported protocol scheme")
  malformed_response,  // the server's response could not be parsed
  response_too_large,  // a response header or body over client_options' limits
};
const std::error_category& http_category() noexcept;
inline std::error_code make_error_code(errc e) noexcept {
  return {static_cast<int>(e), http_category()};
}

// Go: the http.Status* constants used most; any int from 100 to 999 works.
inline constexpr int status_continue = 100;
inline constexpr int status_ok = 200;
inline constexpr int status_created = 201;
inline constexpr int status_accepted = 202;
inline constexpr int status_no_content = 204;
inline constexpr int status_moved_permanently = 301;
inline constexpr int status_found = 302;
inline constexpr int status_see_other = 303;
inline constexpr int status_not_modified = 304;
inline constexpr int status_bad_request = 400;
inline constexpr int status_unauthorized = 401;
inline constexpr int status_not_found = 404;
inline constexpr int status_method_not_allowed = 405;
inline constexpr int status_conflict = 409;
inline constexpr int status_request_entity_too_large = 413;
inline constexpr int status_request_header_fields_too_large = 431;
inline constexpr int status_internal_server_error = 500;
inline constexpr int status_service_unavailable = 503;

// Go: http.StatusText ("Not Found"); "" for a code it does not know.
std::string status_text(int code);

// Go: http.Header. Field names compare case-insensitively and are stored
// canonicalized ("content-type" -> "Content-Type"), in insertion order.
class header {
 public:
  using field = std::pair<std::string, std::string>;

  // The first value of `name`, or "" (Go: Get).
  std::string get(std::string_view name) const;
  std::vector<std::string> values(std::string_view name) const;
  bool has(std::string_view name) const;
  // Replaces every value of `name` (Go: Set).
  void set(std::string_view name, std::string_view value);
  void add(std::string_view name, std::string_view value);
  void del(std::string_view name);

  std::size_t size() const noexcept { return fields_.size(); }
  bool empty() const noexcept { return fields_.empty(); }
  auto begin() const noexcept { return fields_.begin(); }
  auto end() const noexcept { return fields_.end(); }

 private:
  std::vector<field> fields_;
};

// Go: textproto.CanonicalMIMEHeaderKey.
std::string canonical_header_key(std::string_view name);

// A request as a handler sees it (Go: *http.Request on the server side).
class request {
 public:
  request() = default;

  const std::string& method() const noexcept { return method_; }        // "GET"
  const std::string& target() const noexcept { return target_; }        // "/a%20b?x=1"
  const std::string& path() const noexcept { return path_; }            // "/a b", decoded
  const std::string& raw_query() const noexcept { return raw_query_; }  // "x=1"
  // The first value of `key` in the query, decoded; "" if none
  // (Go: r.URL.Query().Get(key)).
  std::string query(std::string_view key) const;
  const std::string& proto() const noexcept { return proto_; }  // "HTTP/1.1"
  const gofer::http::header& header() const noexcept { return header_; }
  const std::string& host() const noexcept { return host_; }
  const std::string& body() const noexcept { return body_; }
  const std::string& remote_addr() const noexcept { return remote_addr_; }  // "127.0.0.1:5123"
  // Cancelled when the client goes away, when the server is closed (or
  // shutdown's ctx expires), and once the handler has returned (Go: Context).
  const gofer::context& context() const noexcept { return ctx_; }

 private:
  friend struct detail_access;
  std::string method_, target_, path_, raw_query_, proto_, host_, body_, remote_addr_;
  gofer::http::header header_;
  gofer::context ctx_;
};

namespace detail {
struct response_state;
struct server_state;
struct mux_state;
struct client_state;
}  // namespace detail

// Go: http.ResponseWriter (with http.Flusher). Lives as long as one call of
// the handler; use it from the handler's goroutine only.
class response_writer {
 public:
  response_writer(const response_writer&) = delete;
  response_writer& operator=(const response_writer&) = delete;
  ~response_writer();

  // The response's header: change it before the first write or flush.
  gofer::http::header& header();
  // Go: WriteHeader. The status, 200 unless set; only the first call counts.
  void write_header(int status_code);
  // Go: Write. Buffers, sending as described at the top; an error means the
  // client is gone or write_timeout passed (the handler may just return).
  result<std::size_t> write(std::string_view data);
  // Go: Flush. Sends the header and what is buffered now (chunked).
  std::error_code flush();
  int status() const noexcept;

 private:
  friend struct detail_access;
  explicit response_writer(std::unique_ptr<detail::response_state> state) noexcept;
  std::unique_ptr<detail::response_state> state_;
};

// Go: http.Handler / http.HandlerFunc.
using handler = std::function<void(response_writer&, const request&)>;

// Go: http.Error and http.NotFound.
void error(response_writer& w, std::string_view text, int status_code);
void not_found(response_writer& w, const request& r);

// Go 1.22's http.ServeMux, without wildcards. A handle: copies share the
// routes, and a mux is itself a handler. Patterns:
//   "/exact"          that path only
//   "/tree/"          that path and everything under it; a request for
//                     "/tree" is redirected there (301), as Go does
//   "/"               everything (the root subtree)
//   "GET /x"          only that method ("GET" also matches HEAD)
// The most specific pattern wins: an exact path over a subtree, a longer
// subtree over a shorter one, a method over none. No match: 404; a path
// that matches only under other methods: 405 with an Allow header.
// handle() throws gofer::invalid_argument for a malformed pattern, an empty
// handler, or a pattern registered twice (Go panics).
class serve_mux {
 public:
  serve_mux();

  void handle(std::string_view pattern, handler h) const;
  void handle_func(std::string_view pattern, handler h) const { handle(pattern, std::move(h)); }
  void operator()(response_writer& w, const request& r) const;

 private:
  std::shared_ptr<detail::mux_state> state_;
};

// What server_options::error_body_for returns.
struct error_body {
  std::string content_type;  // "application/json"
  std::string body;
};

struct server_options {
  duration read_header_timeout{};
  duration read_timeout{};
  duration write_timeout{};
  duration idle_timeout{};
  std::size_t max_header_bytes = 1 << 20;  // Go's DefaultMaxHeaderBytes
  std::size_t max_body_bytes = 10 << 20;
  // Where the server reports a handler that threw (Go: ErrorLog); stderr
  // when empty.
  std::function<void(std::string_view)> error_log{};
  // The body of the answers the server makes by itself, to a request it
  // cannot pass to the handler (the 400, 413 and 431 of the table at the
  // top): given the status, what to send instead of Go's plain text ("413
  // Request Entity Too Large"), so that an API can answer in its own format
  // (JSON) even then. The connection is closed after it either way. Not
  // Go's: net/http's answers are fixed.
  std::function<error_body(int status_code)> error_body_for{};
};

// Go: http.Server. A handle: copies share one server (serve in one
// goroutine, shutdown from another).
class server {
 public:
  // Throws gofer::invalid_argument for an empty handler.
  explicit server(handler h, server_options options = {});

  // Go: Serve. Accepts until shutdown/close (-> errc::server_closed) or an
  // error of the listener; closes the listener when it returns. May be
  // called for several listeners at once.
  std::error_code serve(const net::listener& ln) const;
  // Go: ListenAndServe. "host:port" on "tcp".
  std::error_code listen_and_serve(std::string_view address) const;
  // See the top of this file.
  std::error_code shutdown(const gofer::context& ctx) const;
  std::error_code close() const;

 private:
  std::shared_ptr<detail::server_state> state_;
};

// Go: http.Response, with the body read whole.
struct response {
  int status_code = 0;
  std::string status;  // "200 OK"
  std::string proto;   // "HTTP/1.1"
  gofer::http::header header;
  std::string body;
};

// Go: http.NewRequest's fields, for client::send (Go: Client.Do).
struct client_request {
  std::string method = "GET";
  std::string url;  // "http://host[:port]/path?query"
  gofer::http::header header;
  std::string body;
};

struct client_options {
  // The whole exchange, dial to the end of the body (Go: Client.Timeout);
  // zero: none, beyond the context passed in.
  duration timeout{};
  // Go: Transport.MaxIdleConnsPerHost (2 by default, as Go's).
  std::size_t max_idle_conns_per_host = 2;
  // Go: Transport.DisableKeepAlives: "Connection: close", no pool.
  bool disable_keep_alives = false;
  std::size_t max_response_header_bytes = 10 << 20;  // Go's default too
  std::size_t max_response_body_bytes = 0;           // zero: no limit
};

// Go: http.Client with its Transport. A handle: copies share the pool of
// idle connections (per host:port), which must not outlive the gofer::run
// it was filled in: call close_idle_connections() or let the last copy go
// before run returns. A connection taken from the pool that the server had
// closed is detected before use; a GET or HEAD that fails on a reused
// connection before any response byte is tried once more on a new one, as
// Go's Transport does.
class client {
 public:
  client();
  explicit client(client_options options);

  result<response> get(std::string_view url) const;
  result<response> get(const gofer::context& ctx, std::string_view url) const;
  result<response> post(std::string_view url, std::string_view content_type,
                        std::string body) const;
  result<response> post(const gofer::context& ctx, std::string_view url,
                        std::string_view content_type, std::string body) const;
  // Go: Do. Fails with ctx.err() when ctx is done first.
  result<response> send(const gofer::context& ctx, const client_request& req) const;
  // Go: CloseIdleConnections.
  void close_idle_connections() const;

 private:
  std::shared_ptr<detail::client_state> state_;
};

// Go: http.Get, http.Post (without connection reuse; see above).
result<response> get(std::string_view url);
result<response> post(std::string_view url, std::string_view content_type, std::string body);

}  // namespace gofer::http

template <>
struct std::is_error_code_enum<gofer::http::errc> : std::true_type {};
