// lib/http.cpp - gofer/http.hpp: Go's net/http on gofer::net, with
// Boost.Beast's parsers fed from conn::read (request_parser::put on a
// flat_buffer) and responses serialized here.
//
// Who owns what (server):
//   server_state   shared by the server handles, every serve() loop and every
//                  connection goroutine. Its `mutex` guards listeners,
//                  conns, all_done_closed; shutting_down is also an atomic
//                  so the hot path reads it without the lock.
//   a connection   one goroutine (serve_conn) owns its flat_buffer, parser
//                  and response_writer, and runs the handler itself: the
//                  requests of one connection are handled in order. The
//                  net::conn is shared with server_state::conns (so that
//                  shutdown and close can close it) and, while a handler
//                  runs, with one background reader goroutine.
//
// Invariants:
//   - conns holds exactly the connections whose goroutine has not ended;
//     `idle` is true only while that goroutine waits for the first byte of
//     a request (it sets it under the mutex), so shutdown closes only
//     connections with no request in progress.
//   - Once shutting_down is set, no connection is added, and a connection
//     that finishes a response ends instead of waiting for another request.
//   - all_done is closed exactly once, when shutting_down && conns is empty.
//   - The background reader is the only other goroutine that reads the
//     conn; the connection goroutine reads again only after it has joined
//     it (its result channel), so the flat_buffer has one user at a time.
//   - No std::mutex here is held across a park. Lock order: server_state::
//     mutex, then a conn's own mutex (net::conn::close); client_state::mutex
//     likewise; mux_state::mutex takes nothing.
//
// Thread safety of the sockets is net::conn's (lib/net.cpp): any goroutine
// may close a conn or set its deadlines while another reads or writes it.
#include "gofer/http.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <cctype>
#include <cstdio>
#include <ctime>
#include <exception>
#include <limits>
#include <mutex>
#include <optional>
#include <tuple>
#include <unordered_map>

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/status.hpp>
#include <boost/beast/http/string_body.hpp>

#include "gofer/chan.hpp"
#include "gofer/errors.hpp"
#include "gofer/runtime.hpp"
#include "gofer/select.hpp"
#include "net_internal.hpp"

namespace gofer::http {

namespace beast_http = boost::beast::http;

namespace {

class http_error_category final : public std::error_category {
 public:
  const char* name() const noexcept override { return "gofer.http"; }
  std::string message(int code) const override {
    switch (static_cast<errc>(code)) {
      case errc::server_closed:
        return "http: Server closed";
      case errc::bad_url:
        return "http: bad URL";
      case errc::unsupported_scheme:
        return "unsupported protocol scheme";
      case errc::malformed_response:
        return "malformed HTTP response";
      case errc::response_too_large:
        return "http: response too large";
    }
    return "unknown http error";
  }
};

bool iequals(std::string_view a, std::string_view b) noexcept {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

// A header value as sent: CR and LF would start a new field (response
// splitting), so they become spaces, as Go's header writer does.
void append_field(std::string& out, std::string_view name, std::string_view value) {
  out.append(name);
  out.append(": ");
  for (const char c : value)
    out.push_back(c == '\r' || c == '\n' ? ' ' : c);
  out.append("\r\n");
}

int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Go: url.PathUnescape / url.QueryUnescape (plus_is_space). nullopt for a
// bad escape.
std::optional<std::string> unescape(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '%') {
      if (i + 2 >= text.size()) return std::nullopt;
      const int hi = hex_value(text[i + 1]);
      const int lo = hex_value(text[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

// Go's http.TimeFormat, for the Date header; made once per second per thread.
std::string_view http_date() {
  thread_local std::time_t cached_second = 0;
  thread_local std::array<char, 40> cached{};
  thread_local std::size_t cached_size = 0;
  const std::time_t t = std::time(nullptr);
  if (t != cached_second || cached_size == 0) {
    std::tm utc{};
    ::gmtime_r(&t, &utc);
    cached_size = std::strftime(cached.data(), cached.size(), "%a, %d %b %Y %H:%M:%S GMT", &utc);
    cached_second = t;
  }
  return {cached.data(), cached_size};
}

bool body_allowed(int status) noexcept {
  return !(status >= 100 && status < 200) && status != 204 && status != 304;
}

}  // namespace

const std::error_category& http_category() noexcept {
  static const http_error_category category;
  return category;
}

std::string status_text(int code) {
  if (code == 413) return "Request Entity Too Large";  // Go's wording, not RFC 9110's
  if (code < 100 || code > 999) return "";
  const auto status = beast_http::int_to_status(static_cast<unsigned>(code));
  if (status == beast_http::status::unknown) return "";
  return std::string(beast_http::obsolete_reason(status));
}

// ---- header ----

std::string canonical_header_key(std::string_view name) {
  // Go: textproto.CanonicalMIMEHeaderKey; a name with a byte outside a
  // token is returned unchanged, as Go does.
  std::string out(name);
  for (const char c : name) {
    if (c == ' ' || c == ':' || static_cast<unsigned char>(c) < 0x21 ||
        static_cast<unsigned char>(c) > 0x7e) {
      return out;
    }
  }
  bool upper = true;
  for (char& c : out) {
    c = upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c)))
              : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    upper = c == '-';
  }
  return out;
}

std::string header::get(std::string_view name) const {
  for (const auto& [key, value] : fields_) {
    if (iequals(key, name)) return value;
  }
  return {};
}

std::vector<std::string> header::values(std::string_view name) const {
  std::vector<std::string> out;
  for (const auto& [key, value] : fields_) {
    if (iequals(key, name)) out.push_back(value);
  }
  return out;
}

bool header::has(std::string_view name) const {
  return std::any_of(fields_.begin(), fields_.end(),
                     [&](const field& f) { return iequals(f.first, name); });
}

void header::set(std::string_view name, std::string_view value) {
  del(name);
  add(name, value);
}

void header::add(std::string_view name, std::string_view value) {
  fields_.emplace_back(canonical_header_key(name), std::string(value));
}

void header::del(std::string_view name) {
  std::erase_if(fields_, [&](const field& f) { return iequals(f.first, name); });
}

// ---- request ----

std::string request::query(std::string_view key) const {
  std::string_view rest = raw_query_;
  while (!rest.empty()) {
    const auto amp = rest.find('&');
    const std::string_view pair = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view{} : rest.substr(amp + 1);
    const auto eq = pair.find('=');
    const std::optional<std::string> name = unescape(pair.substr(0, eq), true);
    if (!name || *name != key) continue;
    if (eq == std::string_view::npos) return {};
    if (std::optional<std::string> value = unescape(pair.substr(eq + 1), true)) return *value;
  }
  return {};
}

struct detail_access {
  static std::string& method(request& r) { return r.method_; }
  static std::string& target(request& r) { return r.target_; }
  static std::string& path(request& r) { return r.path_; }
  static std::string& raw_query(request& r) { return r.raw_query_; }
  static std::string& proto(request& r) { return r.proto_; }
  static std::string& host(request& r) { return r.host_; }
  static std::string& body(request& r) { return r.body_; }
  static std::string& remote_addr(request& r) { return r.remote_addr_; }
  static gofer::http::header& header(request& r) { return r.header_; }
  static gofer::context& context(request& r) { return r.ctx_; }
  static response_writer make_writer(std::unique_ptr<detail::response_state> s) {
    return response_writer(std::move(s));
  }
  static detail::response_state& state(response_writer& w) { return *w.state_; }
};

// ---- response_writer ----

namespace detail {

// One response, owned by the connection goroutine (through the writer).
struct response_state {
  net::conn c;
  gofer::http::header header;
  int status = 0;                                    // 0 until write_header or the first write
  bool head = false;                                 // a HEAD request: no body goes out
  bool http10 = false;                               // an HTTP/1.0 request: no chunking
  bool close = false;                                // "Connection: close" goes (or went) out
  bool keep_alive_10 = false;                        // a 1.0 client asked for keep-alive
  const std::atomic<bool>* shutting_down = nullptr;  // the server's: no keep-alive then
  bool header_sent = false;
  bool chunked = false;
  std::optional<std::uint64_t> declared_length;  // the handler's Content-Length
  std::uint64_t body_sent = 0;
  std::string buffer;  // body bytes not sent yet
  std::error_code write_err;

  static constexpr std::size_t buffer_limit =
      4096;  // Go's bufferBeforeChunkingSize is 2 KiB, its bufio 4 KiB

  std::error_code send(std::string_view data) {
    if (write_err) return write_err;
    if (auto [n, err] = c.write(data); err) {
      write_err = err;
      close = true;
    }
    return write_err;
  }

  // The status line and header; `final_length` when the whole body is known.
  std::string head_block(std::optional<std::uint64_t> final_length) {
    if (status == 0) status = status_ok;
    std::string out = "HTTP/1.1 " + std::to_string(status) + " " + status_text(status) + "\r\n";
    if (iequals(header.get("Connection"), "close") ||
        (shutting_down != nullptr && shutting_down->load(std::memory_order_relaxed))) {
      close = true;  // Go: a shutting-down server adds "Connection: close"
    }
    if (std::optional<std::string> cl = content_length_field()) {
      char* end = nullptr;
      declared_length = std::strtoull(cl->c_str(), &end, 10);
    }
    const bool allows_body = body_allowed(status);
    for (const auto& [name, value] : header) {
      if (iequals(name, "Connection") || iequals(name, "Transfer-Encoding")) continue;
      if (iequals(name, "Content-Length") && !allows_body) continue;
      append_field(out, name, value);
    }
    if (!header.has("Date")) append_field(out, "Date", http_date());
    const bool has_body = final_length ? *final_length > 0 : true;
    if (allows_body && has_body && !header.has("Content-Type")) {
      append_field(out, "Content-Type", "text/plain; charset=utf-8");
    }
    if (allows_body && !declared_length) {
      if (final_length) {
        append_field(out, "Content-Length", std::to_string(*final_length));
      } else if (http10) {
        close = true;  // the body ends with the connection
      } else {
        chunked = true;
        append_field(out, "Transfer-Encoding", "chunked");
      }
    }
    if (close) {
      append_field(out, "Connection", "close");
    } else if (http10 && keep_alive_10) {
      append_field(out, "Connection", "keep-alive");
    }
    out.append("\r\n");
    header_sent = true;
    return out;
  }

  std::optional<std::string> content_length_field() const {
    if (!header.has("Content-Length")) return std::nullopt;
    return header.get("Content-Length");
  }

  // Sends what is buffered (after the header, if it has not gone yet).
  std::error_code flush() {
    std::string out;
    if (!header_sent) out = head_block(std::nullopt);
    if (!buffer.empty() && !head && body_allowed(status)) {
      if (chunked) {
        char size[32];
        const int len = std::snprintf(size, sizeof size, "%zx\r\n", buffer.size());
        out.append(size, static_cast<std::size_t>(len));
        out.append(buffer);
        out.append("\r\n");
      } else {
        out.append(buffer);
      }
      body_sent += buffer.size();
    }
    buffer.clear();
    if (out.empty()) return write_err;
    return send(out);
  }

  // After the handler: the rest, and the end of a chunked body.
  void finish() {
    if (!header_sent) {
      const std::uint64_t length = buffer.size();
      std::string out = head_block(length);
      if (!head && body_allowed(status)) {
        out.append(buffer);
        body_sent += length;
      }
      buffer.clear();
      send(out);
    } else {
      flush();
      if (chunked) send("0\r\n\r\n");
    }
    if (declared_length && !head && body_allowed(status) && body_sent != *declared_length) {
      close = true;  // the client cannot tell where this response ended
    }
  }
};

}  // namespace detail

response_writer::response_writer(std::unique_ptr<detail::response_state> state) noexcept
    : state_(std::move(state)) {}
response_writer::~response_writer() = default;

header& response_writer::header() {
  return state_->header;
}

void response_writer::write_header(int status_code) {
  if (state_->status != 0 || state_->header_sent) return;  // Go logs "superfluous WriteHeader"
  if (status_code < 100 || status_code > 999) {
    throw gofer::invalid_argument("invalid WriteHeader code " + std::to_string(status_code));
  }
  state_->status = status_code;
}

result<std::size_t> response_writer::write(std::string_view data) {
  detail::response_state& s = *state_;
  if (s.write_err) return {0, s.write_err};
  if (s.status == 0) s.status = status_ok;
  s.buffer.append(data);
  if (s.buffer.size() > detail::response_state::buffer_limit) {
    if (std::error_code err = s.flush()) return {0, err};
  }
  return {data.size(), {}};
}

std::error_code response_writer::flush() {
  return state_->flush();
}

int response_writer::status() const noexcept {
  return state_->status == 0 ? status_ok : state_->status;
}

void error(response_writer& w, std::string_view text, int status_code) {
  // Go: http.Error.
  w.header().del("Content-Length");
  w.header().set("Content-Type", "text/plain; charset=utf-8");
  w.header().set("X-Content-Type-Options", "nosniff");
  w.write_header(status_code);
  w.write(std::string(text) + "\n");
}

void not_found(response_writer& w, const request&) {
  error(w, "404 page not found", status_not_found);
}

// ---- serve_mux ----

namespace detail {

struct mux_route {
  std::string method;  // "" for any
  std::string path;
  bool subtree = false;  // path ends with '/'
  std::shared_ptr<const handler> h;
};

struct mux_state {
  std::mutex mutex;  // guards routes; a leaf: nothing else is taken under it
  std::vector<mux_route> routes;
};

}  // namespace detail

serve_mux::serve_mux() : state_(std::make_shared<detail::mux_state>()) {}

void serve_mux::handle(std::string_view pattern, handler h) const {
  if (!h) throw gofer::invalid_argument("http: nil handler");
  detail::mux_route route;
  std::string_view path = pattern;
  if (const auto space = pattern.find_first_of(" \t"); space != std::string_view::npos) {
    route.method = std::string(pattern.substr(0, space));
    path = pattern.substr(space);
    while (!path.empty() && (path.front() == ' ' || path.front() == '\t'))
      path.remove_prefix(1);
    const bool token =
        !route.method.empty() && std::all_of(route.method.begin(), route.method.end(), [](char c) {
          return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
        });
    if (!token)
      throw gofer::invalid_argument("http: invalid method in pattern " + std::string(pattern));
  }
  if (path.empty() || path.front() != '/') {
    throw gofer::invalid_argument(
        "http: pattern must be a path starting with / (host patterns are "
        "not supported): " +
        std::string(pattern));
  }
  if (path.find_first_of("{} \t") != std::string_view::npos) {
    throw gofer::invalid_argument("http: wildcards are not supported in pattern " +
                                  std::string(pattern));
  }
  route.path = std::string(path);
  route.subtree = route.path.back() == '/';
  route.h = std::make_shared<const handler>(std::move(h));
  std::lock_guard lock{state_->mutex};
  for (const detail::mux_route& existing : state_->routes) {
    if (existing.method == route.method && existing.path == route.path) {
      throw gofer::invalid_argument("http: pattern " + std::string(pattern) +
                                    " conflicts with one registered before");
    }
  }
  state_->routes.push_back(std::move(route));
}

void serve_mux::operator()(response_writer& w, const request& r) const {
  // Go 1.22 ServeMux, reduced to literal paths: the most specific matching
  // pattern wins (exact over subtree, longer over shorter, a method over
  // none); GET patterns also match HEAD.
  const std::string& path = r.path();
  std::shared_ptr<const handler> best;
  std::tuple<bool, std::size_t, bool> best_rank{};
  std::vector<std::string> allowed;
  bool redirect = false;
  {
    std::lock_guard lock{state_->mutex};
    for (const detail::mux_route& route : state_->routes) {
      const bool path_matches = route.subtree ? path.starts_with(route.path) : path == route.path;
      if (!path_matches) {
        if (route.subtree && route.path.size() == path.size() + 1 && route.path.starts_with(path)) {
          redirect = true;
        }
        continue;
      }
      if (!route.method.empty() && route.method != r.method() &&
          !(route.method == "GET" && r.method() == "HEAD")) {
        allowed.push_back(route.method);
        if (route.method == "GET") allowed.emplace_back("HEAD");
        continue;
      }
      const std::tuple<bool, std::size_t, bool> rank{!route.subtree, route.path.size(),
                                                     !route.method.empty()};
      if (!best || rank > best_rank) {
        best = route.h;
        best_rank = rank;
      }
    }
  }
  if (best) {
    (*best)(w, r);
    return;
  }
  if (!allowed.empty()) {
    std::sort(allowed.begin(), allowed.end());
    allowed.erase(std::unique(allowed.begin(), allowed.end()), allowed.end());
    std::string allow;
    for (const std::string& m : allowed)
      allow += (allow.empty() ? "" : ", ") + m;
    w.header().set("Allow", allow);
    error(w, status_text(status_method_not_allowed), status_method_not_allowed);
    return;
  }
  if (redirect) {
    std::string location = path + "/";
    if (!r.raw_query().empty()) location += "?" + r.raw_query();
    w.header().set("Location", location);
    w.write_header(status_moved_permanently);
    return;
  }
  not_found(w, r);
}

// ---- server ----

namespace detail {

struct tracked_conn {
  net::conn c;
  bool idle = true;  // waiting for a request's first byte (see the top)
};

struct server_state {
  server_state(handler h, server_options o) : handle(std::move(h)), options(std::move(o)) {
    auto [ctx, cancel] = gofer::with_cancel(gofer::background());
    base = ctx;
    cancel_base = cancel;
  }

  const handler handle;
  const server_options options;
  // The parent of every request's context: cancelled by close() and by a
  // shutdown whose ctx expired.
  gofer::context base;
  gofer::cancel_func cancel_base;

  std::atomic<bool> shutting_down{false};                      // written under mutex
  std::mutex mutex;                                            // guards the members below
  std::unordered_map<std::uint64_t, net::listener> listeners;  // of running serve() calls
  std::uint64_t next_listener_id = 0;
  std::unordered_map<std::uint64_t, tracked_conn> conns;
  std::uint64_t next_conn_id = 0;
  chan<signal> all_done = make_chan<signal>();
  bool all_done_closed = false;

  void log(std::string_view text) const {
    if (options.error_log) {
      options.error_log(text);
    } else {
      std::fprintf(stderr, "%.*s\n", static_cast<int>(text.size()), text.data());
    }
  }

  // Under mutex: closes all_done if this was the last connection of a
  // shutdown. Returns whether the caller must close it (after unlocking).
  bool finish_if_done() {
    if (shutting_down.load(std::memory_order_relaxed) && conns.empty() && !all_done_closed) {
      all_done_closed = true;
      return true;
    }
    return false;
  }

  void begin_shutdown(bool close_active) {
    bool close_done = false;
    std::unordered_map<std::uint64_t, net::listener> to_close;
    {
      std::lock_guard lock{mutex};
      shutting_down.store(true, std::memory_order_relaxed);
      to_close.swap(listeners);
      for (auto& [id, t] : conns) {
        if (t.idle || close_active) t.c.close();  // its goroutine's read ends: errc::closed
      }
      close_done = finish_if_done();
    }
    for (auto& [id, ln] : to_close)
      ln.close();  // serve() sees errc::closed and returns server_closed
    if (close_done) all_done.close();
  }
};

}  // namespace detail

namespace {

using flat_buffer = boost::beast::flat_buffer;

// Reads more of `c` into `buffer`.
std::error_code fill(const net::conn& c, flat_buffer& buffer, const gofer::context* ctx,
                     std::size_t size = 4096) {
  const auto space = buffer.prepare(size);
  const std::span<char> into(static_cast<char*>(space.data()), space.size());
  auto [n, err] = ctx != nullptr ? c.read(*ctx, into) : c.read(into);
  buffer.commit(n);
  return err;
}

// The read deadline of a conn, set only when it changes (each change
// cancels and restarts a pending read in lib/net.cpp).
class read_deadline {
 public:
  explicit read_deadline(net::conn c) : c_(std::move(c)) {}
  void set(time_point deadline) {
    if (deadline == current_) return;
    current_ = deadline;
    c_.set_read_deadline(deadline);
  }
  static time_point after(duration d) {
    return d > duration::zero() ? gofer::now() + d : time_point{};
  }

 private:
  net::conn c_;
  time_point current_{};
};

enum class read_outcome { ok, quiet_close, bad_request, header_too_large, body_too_large };

read_outcome classify(const boost::system::error_code& ec) {
  if (ec == beast_http::error::header_limit) return read_outcome::header_too_large;
  if (ec == beast_http::error::body_limit) return read_outcome::body_too_large;
  return read_outcome::bad_request;
}

// Go's answer to a request it could not read, then a close: the exact bytes
// of net/http's server.go ("HTTP/1.1 " + publicErr + errorHeaders + publicErr),
// unless server_options::error_body_for gives a body of its own (then with
// its Content-Length, since it need not be one line of text).
std::string error_response(const server_options& opts, int status) {
  const std::string public_err = std::to_string(status) + " " + status_text(status);
  if (opts.error_body_for) {
    const error_body custom = opts.error_body_for(status);
    return "HTTP/1.1 " + public_err + "\r\nContent-Type: " + custom.content_type +
           "\r\nContent-Length: " + std::to_string(custom.body.size()) +
           "\r\nConnection: close\r\n\r\n" + custom.body;
  }
  return "HTTP/1.1 " + public_err +
         "\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n" + public_err;
}

// Closes after the last response without losing it: a close with unread
// bytes from the client would send a reset, which may reach the client
// before it has read the response. So: half-close, read and drop what the
// client still sends (up to a bound, for a while), then close. Go:
// closeWriteAndWait.
void linger_close(const net::conn& c) {
  c.close_write();
  c.set_read_deadline(gofer::now() + std::chrono::milliseconds(500));  // Go's rstAvoidanceDelay
  std::array<char, 4096> sink{};
  for (std::size_t drained = 0; drained < (256u << 10);) {
    auto [n, err] = c.read(sink);
    if (err) break;
    drained += n;
  }
  c.close();
}

// The background read while a handler runs (see the top of http.hpp): one
// byte, so that a pipelined request is not read past; its result tells the
// connection goroutine whether the client is still there.
struct background_read {
  char byte = 0;
  std::size_t n = 0;
  std::error_code err;
  chan<signal> done = make_chan<signal>(1);
};

void serve_conn(const std::shared_ptr<detail::server_state>& state, const net::conn& c,
                std::uint64_t id) {
  struct unregister {
    detail::server_state& s;
    std::uint64_t id;
    ~unregister() {
      bool close_done = false;
      {
        std::lock_guard lock{s.mutex};
        s.conns.erase(id);
        close_done = s.finish_if_done();
      }
      if (close_done) s.all_done.close();
    }
  } on_exit{*state, id};

  const server_options& opts = state->options;
  const duration header_timeout =
      opts.read_header_timeout > duration::zero() ? opts.read_header_timeout : opts.read_timeout;
  const duration idle_timeout =
      opts.idle_timeout > duration::zero() ? opts.idle_timeout : opts.read_timeout;
  read_deadline deadline{c};
  time_point write_deadline{};
  flat_buffer buffer;
  bool first = true;
  bool graceful_close = false;  // linger_close rather than close
  const std::string remote = c.remote_addr();

  for (;;) {
    // Waiting for the first byte of a request: the connection is idle.
    // Go measures read_header_timeout for the first request from the accept.
    time_point started = gofer::now();
    if (buffer.size() == 0) {
      deadline.set(first ? read_deadline::after(header_timeout)
                         : read_deadline::after(idle_timeout));
      if (fill(c, buffer, nullptr)) break;  // EOF, closed by shutdown, or the timeout
    }
    if (!first) {  // read_header_timeout runs from the request's first byte
      started = gofer::now();
      deadline.set(read_deadline::after(header_timeout));
    }
    {
      std::lock_guard lock{state->mutex};
      state->conns[id].idle = false;
    }

    // The header.
    beast_http::request_parser<beast_http::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(
        std::min<std::size_t>(opts.max_header_bytes, std::numeric_limits<std::uint32_t>::max())));
    parser.body_limit(opts.max_body_bytes);
    read_outcome outcome = read_outcome::ok;
    boost::system::error_code ec;
    while (!parser.is_header_done()) {
      if (buffer.size() > 0) {
        const std::size_t used = parser.put(buffer.data(), ec);
        buffer.consume(used);
        if (!ec) continue;
        if (ec != beast_http::error::need_more) {
          outcome = classify(ec);
          break;
        }
      }
      if (fill(c, buffer, nullptr)) {
        outcome = read_outcome::quiet_close;
        break;
      }
    }
    // A 1.1 request must name its host (Go: "missing required Host header").
    if (outcome == read_outcome::ok && parser.get().version() == 11 &&
        parser.get().find(beast_http::field::host) == parser.get().end()) {
      outcome = read_outcome::bad_request;
    }

    // The body.
    if (outcome == read_outcome::ok) {
      if (parser.get().version() == 11 &&
          iequals(parser.get()[beast_http::field::expect], "100-continue") && !parser.is_done()) {
        if (c.write("HTTP/1.1 100 Continue\r\n\r\n").err) break;
      }
      deadline.set(opts.read_timeout > duration::zero() ? started + opts.read_timeout
                                                        : time_point{});
      parser.eager(true);
      while (!parser.is_done()) {
        if (buffer.size() > 0) {
          const std::size_t used = parser.put(buffer.data(), ec);
          buffer.consume(used);
          if (!ec) continue;
          if (ec != beast_http::error::need_more) {
            outcome = classify(ec);
            break;
          }
        }
        const std::error_code err =
            fill(c, buffer, nullptr,
                 std::max<std::size_t>(4096, std::min<std::size_t>(64 << 10, buffer.capacity())));
        if (err == net::errc::eof) {
          parser.put_eof(ec);
          if (ec) {
            outcome = read_outcome::quiet_close;
            break;
          }
        } else if (err) {
          outcome = read_outcome::quiet_close;
          break;
        }
      }
    }
    if (outcome == read_outcome::quiet_close) break;
    if (outcome != read_outcome::ok) {
      const int status = outcome == read_outcome::header_too_large
                             ? status_request_header_fields_too_large
                         : outcome == read_outcome::body_too_large ? status_request_entity_too_large
                                                                   : status_bad_request;
      c.set_write_deadline(gofer::now() + std::chrono::seconds(1));
      c.write(error_response(opts, status));
      graceful_close = true;
      break;
    }

    // The request, as the handler sees it.
    auto& message = parser.get();
    request req;
    detail_access::method(req) = std::string(message.method_string());
    detail_access::target(req) = std::string(message.target());
    detail_access::proto(req) = message.version() == 10 ? "HTTP/1.0" : "HTTP/1.1";
    for (const auto& field : message)
      detail_access::header(req).add(field.name_string(), field.value());
    detail_access::host(req) = std::string(message[beast_http::field::host]);
    detail_access::remote_addr(req) = remote;
    std::string_view target = message.target();
    if (target.starts_with("http://")) {  // absolute form: the path starts after the authority
      const auto slash = target.find('/', 7);
      target = slash == std::string_view::npos ? std::string_view("/") : target.substr(slash);
    }
    const auto question = target.find('?');
    std::optional<std::string> path = unescape(target.substr(0, question), false);
    if (!path || path->empty() || (path->front() != '/' && *path != "*")) {
      c.write(error_response(opts, status_bad_request));
      graceful_close = true;
      break;
    }
    detail_access::path(req) = std::move(*path);
    if (question != std::string_view::npos) {
      detail_access::raw_query(req) = std::string(target.substr(question + 1));
    }
    detail_access::body(req) = std::move(message.body());
    auto [req_ctx, cancel_req] = gofer::with_cancel(state->base);
    detail_access::context(req) = req_ctx;

    auto response = std::make_unique<detail::response_state>();
    response->c = c;
    response->head = message.method() == beast_http::verb::head;
    response->http10 = message.version() == 10;
    response->keep_alive_10 = response->http10 && message.keep_alive();
    response->close = !message.keep_alive();
    response->shutting_down = &state->shutting_down;
    response_writer writer = detail_access::make_writer(std::move(response));
    detail::response_state& rs = detail_access::state(writer);

    // Timeouts while the handler runs: the write deadline only (the
    // background read must not time out).
    deadline.set(time_point{});
    const time_point wd = read_deadline::after(opts.write_timeout);
    if (wd != write_deadline) {
      write_deadline = wd;
      c.set_write_deadline(wd);
    }

    auto [stop_ctx, stop_read] = gofer::with_cancel(gofer::background());
    auto bg = std::make_shared<background_read>();
    gofer::go([c, bg, stop_ctx = stop_ctx, cancel_req = cancel_req] {
      auto [n, err] = c.read(stop_ctx, std::span<char>(&bg->byte, 1));
      bg->n = n;
      bg->err = err;
      if (err && !stop_ctx.err()) cancel_req();  // the client went away: Go's handleReadError
      bg->done.send(signal{});
    });

    bool handler_failed = false;
    try {
      state->handle(writer, req);
    } catch (const gofer::detail::goroutine_exit&) {
      throw;  // the runtime is unwinding this goroutine: let it
    } catch (const gofer::deadlock&) {
      throw;
    } catch (const std::exception& e) {
      handler_failed = true;
      state->log("http: panic serving " + remote + ": " + e.what());
    } catch (...) {
      handler_failed = true;
      state->log("http: panic serving " + remote + ": unknown exception");
    }
    if (handler_failed) {
      // Go closes the connection; gofer answers 500 first when it still can.
      rs.close = true;
      if (!rs.header_sent) {
        rs.header = gofer::http::header{};
        rs.buffer.clear();
        rs.status = status_internal_server_error;
        rs.declared_length.reset();
        rs.buffer = status_text(status_internal_server_error) + "\n";
        rs.finish();
      }
    } else {
      rs.finish();
    }
    cancel_req();  // Go cancels the request's context once ServeHTTP returns

    stop_read();
    bg->done.recv();
    if (bg->n > 0) {
      const auto space = buffer.prepare(1);
      static_cast<char*>(space.data())[0] = bg->byte;
      buffer.commit(1);
    }
    const bool client_gone = bg->err && bg->err != gofer::canceled;
    if (rs.close || rs.write_err || client_gone) {
      graceful_close = !rs.write_err && !client_gone;
      break;
    }
    {
      std::lock_guard lock{state->mutex};
      if (state->shutting_down.load(std::memory_order_relaxed)) break;
      if (buffer.size() == 0) state->conns[id].idle = true;
    }
    first = false;
  }
  if (graceful_close) {
    linger_close(c);
  } else {
    c.close();
  }
}

}  // namespace

server::server(handler h, server_options options) {
  if (!h) throw gofer::invalid_argument("http: nil handler");
  state_ = std::make_shared<detail::server_state>(std::move(h), std::move(options));
}

std::error_code server::serve(const net::listener& ln) const {
  const std::shared_ptr<detail::server_state>& s = state_;
  std::uint64_t listener_id = 0;
  {
    std::lock_guard lock{s->mutex};
    if (s->shutting_down.load(std::memory_order_relaxed)) {
      ln.close();
      return errc::server_closed;
    }
    listener_id = s->next_listener_id++;
    s->listeners.emplace(listener_id, ln);
  }
  duration backoff{};
  for (;;) {
    auto [c, err] = ln.accept();
    if (err) {
      if (s->shutting_down.load(std::memory_order_acquire)) return errc::server_closed;
      // Go retries temporary errors (out of descriptors, an aborted
      // connection) after 5 ms, doubling up to 1 s.
      if (err == std::errc::too_many_files_open ||
          err == std::errc::too_many_files_open_in_system || err == std::errc::connection_aborted ||
          err == std::errc::no_buffer_space || err == std::errc::not_enough_memory) {
        backoff = backoff == duration::zero()
                      ? std::chrono::milliseconds(5)
                      : std::min<duration>(backoff * 2, std::chrono::seconds(1));
        gofer::sleep(backoff);
        continue;
      }
      {
        std::lock_guard lock{s->mutex};
        s->listeners.erase(listener_id);
      }
      ln.close();
      return err;
    }
    backoff = duration::zero();
    std::uint64_t id = 0;
    {
      std::lock_guard lock{s->mutex};
      if (s->shutting_down.load(std::memory_order_relaxed)) {
        c.close();
        continue;  // the listener is closed too: the next accept ends the loop
      }
      id = s->next_conn_id++;
      s->conns.emplace(id, detail::tracked_conn{c, true});
    }
    gofer::go([s, c = c, id] { serve_conn(s, c, id); });
  }
}

std::error_code server::listen_and_serve(std::string_view address) const {
  auto [ln, err] = net::listen("tcp", address);
  if (err) return err;
  return serve(ln);
}

std::error_code server::shutdown(const gofer::context& ctx) const {
  detail::server_state& s = *state_;
  s.begin_shutdown(false);
  if (gofer::select(recv_case(s.all_done), recv_case(ctx.done())) == 0) return {};
  {
    // select picks at random when both are ready: done in time wins.
    std::lock_guard lock{s.mutex};
    if (s.all_done_closed) return {};
  }
  s.begin_shutdown(true);
  s.cancel_base();
  return ctx.err();
}

std::error_code server::close() const {
  state_->begin_shutdown(true);
  state_->cancel_base();
  return {};
}

// ---- client ----

namespace detail {

struct client_state {
  explicit client_state(client_options o) : options(std::move(o)) {}
  const client_options options;
  std::mutex mutex;                                              // guards idle
  std::unordered_map<std::string, std::vector<net::conn>> idle;  // by "host:port"

  // An idle conn to `key` that is still usable, or a nil one.
  net::conn take(const std::string& key) {
    std::vector<net::conn> stale;
    net::conn found;
    {
      std::lock_guard lock{mutex};
      auto it = idle.find(key);
      while (it != idle.end() && !it->second.empty()) {
        net::conn c = std::move(it->second.back());
        it->second.pop_back();
        if (net::detail::idle_conn_usable(c)) {
          found = std::move(c);
          break;
        }
        stale.push_back(std::move(c));
      }
    }
    for (const net::conn& c : stale)
      c.close();
    return found;
  }

  void put(const std::string& key, const net::conn& c) {
    {
      std::lock_guard lock{mutex};
      std::vector<net::conn>& conns = idle[key];
      if (conns.size() < options.max_idle_conns_per_host) {
        conns.push_back(c);
        return;
      }
    }
    c.close();
  }

  void close_idle() {
    std::unordered_map<std::string, std::vector<net::conn>> taken;
    {
      std::lock_guard lock{mutex};
      taken.swap(idle);
    }
    for (auto& [key, conns] : taken) {
      for (const net::conn& c : conns)
        c.close();
    }
  }

  ~client_state() { close_idle(); }
};

}  // namespace detail

namespace {

struct parsed_url {
  std::string host_port;  // for dialing and the pool
  std::string host;       // for the Host header (the port kept unless 80)
  std::string target;     // "/path?query"
};

result<parsed_url> parse_url(std::string_view url) {
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return {{}, errc::bad_url};
  if (!iequals(url.substr(0, scheme_end), "http")) return {{}, errc::unsupported_scheme};
  std::string_view rest = url.substr(scheme_end + 3);
  const auto path_start = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, path_start);
  std::string_view target =
      path_start == std::string_view::npos ? std::string_view{} : rest.substr(path_start);
  if (const auto hash = target.find('#'); hash != std::string_view::npos)
    target = target.substr(0, hash);
  if (const auto at = authority.rfind('@'); at != std::string_view::npos) {
    authority = authority.substr(at + 1);  // user info is not sent (no Basic auth here)
  }
  if (authority.empty()) return {{}, errc::bad_url};
  parsed_url out;
  out.host = std::string(authority);
  const bool bracketed = authority.front() == '[';
  const auto colon = authority.rfind(':');
  const bool has_port =
      colon != std::string_view::npos && (!bracketed || colon > authority.find(']'));
  out.host_port = has_port ? std::string(authority) : std::string(authority) + ":80";
  if (has_port && authority.substr(colon + 1) == "80")
    out.host = std::string(authority.substr(0, colon));
  if (target.empty() || target.front() == '?') {
    out.target = "/" + std::string(target);
  } else {
    out.target = std::string(target);
  }
  return {std::move(out), {}};
}

std::string request_bytes(const client_request& req, const parsed_url& url, bool close) {
  std::string out = req.method + " " + url.target + " HTTP/1.1\r\n";
  append_field(out, "Host", req.header.has("Host") ? req.header.get("Host") : url.host);
  if (!req.header.has("User-Agent")) append_field(out, "User-Agent", "gofer-http-client/1.1");
  for (const auto& [name, value] : req.header) {
    if (iequals(name, "Host") || iequals(name, "Content-Length") || iequals(name, "Connection") ||
        iequals(name, "Transfer-Encoding")) {
      continue;
    }
    append_field(out, name, value);
  }
  // Go sends a Content-Length for a body, and "0" for an empty POST/PUT/PATCH.
  if (!req.body.empty() || req.method == "POST" || req.method == "PUT" || req.method == "PATCH") {
    append_field(out, "Content-Length", std::to_string(req.body.size()));
  }
  if (close) append_field(out, "Connection", "close");
  out.append("\r\n");
  out.append(req.body);
  return out;
}

struct exchange_result {
  response resp;
  std::error_code err;
  bool got_bytes = false;  // some of a response arrived
  bool write_failed = false;
  bool reusable = false;
};

exchange_result exchange(const net::conn& c, const gofer::context& ctx, const client_request& req,
                         const std::string& bytes, const client_options& opts) {
  exchange_result out;
  if (auto [n, err] = c.write(ctx, bytes); err) {
    out.err = err;
    out.write_failed = true;
    return out;
  }
  flat_buffer buffer;
  for (;;) {  // until a final (non-1xx) response
    beast_http::response_parser<beast_http::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(std::min<std::size_t>(
        opts.max_response_header_bytes, std::numeric_limits<std::uint32_t>::max())));
    if (opts.max_response_body_bytes > 0) {
      parser.body_limit(opts.max_response_body_bytes);
    } else {
      parser.body_limit(boost::none);
    }
    if (req.method == "HEAD") parser.skip(true);
    parser.eager(true);
    boost::system::error_code ec;
    while (!parser.is_done()) {
      if (buffer.size() > 0) {
        out.got_bytes = true;
        const std::size_t used = parser.put(buffer.data(), ec);
        buffer.consume(used);
        if (!ec) continue;
        if (ec != beast_http::error::need_more) {
          out.err = ec == beast_http::error::header_limit || ec == beast_http::error::body_limit
                        ? errc::response_too_large
                        : errc::malformed_response;
          return out;
        }
      }
      const std::error_code err = fill(c, buffer, &ctx, 16 << 10);
      if (err == net::errc::eof && parser.got_some()) {
        parser.put_eof(ec);
        if (ec) {
          out.err = errc::malformed_response;
          return out;
        }
      } else if (err) {
        out.err = err;
        return out;
      }
    }
    auto& message = parser.get();
    const int code = static_cast<int>(message.result_int());
    if (code >= 100 && code < 200 && code != 101) continue;  // 100 Continue and the like
    out.resp.status_code = code;
    out.resp.status = std::to_string(code) + " " + std::string(message.reason());
    out.resp.proto = message.version() == 10 ? "HTTP/1.0" : "HTTP/1.1";
    for (const auto& field : message)
      out.resp.header.add(field.name_string(), field.value());
    out.resp.body = std::move(message.body());
    out.reusable = message.keep_alive() && buffer.size() == 0 && !parser.need_eof();
    return out;
  }
}

}  // namespace

client::client() : client(client_options{}) {}
client::client(client_options options)
    : state_(std::make_shared<detail::client_state>(std::move(options))) {}

result<response> client::send(const gofer::context& ctx, const client_request& req) const {
  detail::client_state& s = *state_;
  auto [url, url_err] = parse_url(req.url);
  if (url_err) return {{}, url_err};
  gofer::context call_ctx = ctx;
  gofer::cancel_func cancel;
  if (s.options.timeout > duration::zero()) {
    auto [timed, stop] = gofer::with_timeout(ctx, s.options.timeout);
    call_ctx = timed;
    cancel = stop;
  }
  struct cancel_at_end {
    gofer::cancel_func& f;
    ~cancel_at_end() { f(); }
  } at_end{cancel};
  const bool keep_alive = !s.options.disable_keep_alives && s.options.max_idle_conns_per_host > 0;
  const std::string bytes = request_bytes(req, url, !keep_alive);
  const bool idempotent = req.method == "GET" || req.method == "HEAD" || req.method == "OPTIONS" ||
                          req.method == "TRACE";
  for (int attempt = 0;; ++attempt) {
    net::conn c = keep_alive ? s.take(url.host_port) : net::conn{};
    const bool reused = static_cast<bool>(c);
    if (!reused) {
      auto [dialed, dial_err] = net::dial_context(call_ctx, "tcp", url.host_port);
      if (dial_err) return {{}, dial_err};
      c = dialed;
    }
    exchange_result r = exchange(c, call_ctx, req, bytes, s.options);
    if (r.err) {
      c.close();
      // Go's Transport retries on a reused connection the server had closed.
      if (reused && attempt == 0 && !r.got_bytes && (idempotent || r.write_failed) &&
          !call_ctx.err()) {
        continue;
      }
      return {{}, r.err};
    }
    if (keep_alive && r.reusable) {
      s.put(url.host_port, c);
    } else {
      c.close();
    }
    return {std::move(r.resp), {}};
  }
}

result<response> client::get(std::string_view url) const {
  return get(gofer::background(), url);
}
result<response> client::get(const gofer::context& ctx, std::string_view url) const {
  client_request req;
  req.url = std::string(url);
  return send(ctx, req);
}
result<response> client::post(std::string_view url, std::string_view content_type,
                              std::string body) const {
  return post(gofer::background(), url, content_type, std::move(body));
}
result<response> client::post(const gofer::context& ctx, std::string_view url,
                              std::string_view content_type, std::string body) const {
  client_request req;
  req.method = "POST";
  req.url = std::string(url);
  req.header.set("Content-Type", content_type);
  req.body = std::move(body);
  return send(ctx, req);
}
void client::close_idle_connections() const {
  state_->close_idle();
}

result<response> get(std::string_view url) {
  return client{client_options{.disable_keep_alives = true}}.get(url);
}
result<response> post(std::string_view url, std::string_view content_type, std::string body) {
  return client{client_options{.disable_keep_alives = true}}.post(url, content_type,
                                                                  std::move(body));
}

}  // namespace gofer::http
