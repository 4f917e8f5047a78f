// lib/net.cpp - gofer/net.hpp on Boost.Asio, through use_go (gofer/asio.hpp).
//
// Thread safety. Go lets any goroutines read, write and close one conn at
// once; an Asio socket object must not be used by two threads at once. So
// every call on a socket object (starting an operation, cancel, close)
// happens under the conn's `mutex`, which is never held while the goroutine
// parks. Completions run in the poller and touch only use_go's state, never
// the socket. Sockets are made non-blocking when they are created, so that
// starting an operation only reads the socket's state, which close alone
// changes (under the mutex).
//
// Deadlines. A call with a deadline waits with use_go(ctx), ctx carrying
// the deadline (and the caller's context, if any). Setting a deadline while
// a call is blocked cancels the socket's operations (socket.cancel()) and
// bumps `deadline_generation`: a call that sees its operation aborted with
// a changed generation starts it again under the new deadline. A call with
// neither a deadline nor a context waits with plain use_go: no context or
// timer is made on the common path.
#include "gofer/net.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <cstring>
#include <mutex>
#include <optional>
#include <vector>

#include <boost/asio/generic/stream_protocol.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/v6_only.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/socket_base.hpp>

#include "gofer/asio.hpp"
#include "gofer/errors.hpp"
#include "io_service.hpp"
#include "net_internal.hpp"

namespace gofer::net {

namespace {

class net_error_category final : public std::error_category {
 public:
  const char* name() const noexcept override { return "gofer.net"; }
  bool equivalent(int code, const std::error_condition& condition) const noexcept override {
    // Go: os.ErrDeadlineExceeded.Timeout() is true.
    if (condition == std::errc::timed_out) return code == static_cast<int>(errc::timeout);
    return std::error_category::equivalent(code, condition);
  }
  std::string message(int code) const override {
    switch (static_cast<errc>(code)) {
      case errc::eof:
        return "EOF";
      case errc::closed:
        return "use of closed network connection";
      case errc::timeout:
        return "i/o timeout";
      case errc::unknown_network:
        return "unknown network";
      case errc::bad_address:
        return "bad address";
    }
    return "unknown net error";
  }
};

using generic_socket = boost::asio::generic::stream_protocol::socket;
using generic_acceptor = boost::asio::basic_socket_acceptor<boost::asio::generic::stream_protocol>;
using boost::asio::ip::tcp;
using local_stream = boost::asio::local::stream_protocol;

enum class family { tcp, tcp4, tcp6, unix_socket };

std::optional<family> parse_network(std::string_view network) {
  if (network == "tcp") return family::tcp;
  if (network == "tcp4") return family::tcp4;
  if (network == "tcp6") return family::tcp6;
  if (network == "unix") return family::unix_socket;
  return std::nullopt;
}

std::string endpoint_string(const tcp::endpoint& endpoint) {
  return join_host_port(endpoint.address().to_string(), std::to_string(endpoint.port()));
}

bool family_allows(family f, const boost::asio::ip::address& address) {
  return f == family::tcp || (f == family::tcp4 && address.is_v4()) ||
         (f == family::tcp6 && address.is_v6());
}

}  // namespace

const std::error_category& net_category() noexcept {
  static const net_error_category category;
  return category;
}

namespace detail {

struct conn_state {
  conn_state(generic_socket s, std::string local, std::string remote)
      : socket(std::move(s)), local_addr(std::move(local)), remote_addr(std::move(remote)) {}
  ~conn_state() {
    boost::system::error_code ignored;
    socket.close(ignored);
  }

  std::mutex mutex;  // guards every call on `socket` and the members below
  generic_socket socket;
  bool closed = false;
  time_point read_deadline{};  // time_point{}: none
  time_point write_deadline{};
  std::uint64_t deadline_generation = 0;
  const std::string local_addr;
  const std::string remote_addr;
};

struct listener_state {
  listener_state(generic_acceptor a, std::string address, std::string path)
      : acceptor(std::move(a)), addr(std::move(address)), unix_path(std::move(path)) {}
  ~listener_state() {
    boost::system::error_code ignored;
    acceptor.close(ignored);
    if (!unix_path.empty()) ::unlink(unix_path.c_str());
  }

  std::mutex mutex;  // guards every call on `acceptor` and `closed`
  generic_acceptor acceptor;
  bool closed = false;
  const std::string addr;
  std::string unix_path;  // a Unix listener removes its socket file on close, as Go's does
};

}  // namespace detail

struct detail_access {
  static conn make_conn(std::shared_ptr<detail::conn_state> s) { return conn(std::move(s)); }
  static listener make_listener(std::shared_ptr<detail::listener_state> s) {
    return listener(std::move(s));
  }
  static detail::conn_state* state_of(const conn& c) noexcept { return c.state_.get(); }
};

bool detail::idle_conn_usable(const conn& c) noexcept {
  detail::conn_state* s = detail_access::state_of(c);
  if (s == nullptr) return false;
  std::lock_guard lock{s->mutex};
  if (s->closed) return false;
  char byte = 0;
  boost::system::error_code ec;
  // The socket is non-blocking (make_conn): would_block means open and quiet;
  // 0 bytes (EOF), a byte nobody asked for, or an error all rule it out.
  s->socket.receive(boost::asio::buffer(&byte, 1), boost::asio::socket_base::message_peek, ec);
  return ec == boost::asio::error::would_block;
}

namespace {

// The error a call reports, from what its operation completed with.
std::error_code call_error(const boost::system::error_code& ec, bool closed, const context* caller,
                           bool had_deadline) {
  if (!ec) return {};
  if (ec == boost::asio::error::eof) return errc::eof;
  if (closed &&
      (ec == boost::asio::error::operation_aborted || ec == boost::asio::error::bad_descriptor)) {
    return errc::closed;
  }
  const std::error_code as_std = ec;
  if (caller != nullptr) {
    if (std::error_code caller_err = caller->err()) return caller_err;
  }
  if (had_deadline && as_std == gofer::deadline_exceeded) return errc::timeout;
  return as_std;
}

// One operation of a conn, run until it completes for good: `start(token)`
// starts it (under the conn's mutex) and waits. Returns the error to report.
template <class Start>
std::error_code run_operation(detail::conn_state& s, const context* caller, bool is_read,
                              Start start) {
  for (;;) {
    // A context done already ends the call before it starts anything: an
    // operation that completes at once could otherwise win the race.
    if (caller != nullptr) {
      if (std::error_code err = caller->err()) return err;
    }
    time_point deadline;
    std::uint64_t generation = 0;
    {
      std::lock_guard lock{s.mutex};
      if (s.closed) return errc::closed;
      deadline = is_read ? s.read_deadline : s.write_deadline;
      generation = s.deadline_generation;
    }
    const bool has_deadline = deadline != time_point{};
    if (has_deadline && gofer::now() >= deadline) return errc::timeout;
    boost::system::error_code ec;
    if (!has_deadline && caller == nullptr) {
      start(s, use_go[ec]);
    } else {
      context base = caller != nullptr ? *caller : context{};
      auto [ctx, cancel] =
          has_deadline ? gofer::with_deadline(base, deadline) : gofer::with_cancel(base);
      start(s, use_go(ctx)[ec]);
      cancel();
    }
    bool closed = false;
    bool deadline_moved = false;
    {
      std::lock_guard lock{s.mutex};
      closed = s.closed;
      deadline_moved = s.deadline_generation != generation;
    }
    if (ec == boost::asio::error::operation_aborted && !closed && deadline_moved &&
        (caller == nullptr || !caller->err())) {
      continue;  // set_deadline cancelled it: again, under the new deadline
    }
    return call_error(ec, closed, caller, has_deadline);
  }
}

result<std::size_t> read_some(detail::conn_state& s, const context* caller,
                              std::span<char> buffer) {
  if (buffer.empty()) return {0, {}};
  std::size_t n = 0;
  const std::error_code err =
      run_operation(s, caller, true, [&](detail::conn_state& st, const use_go_t& token) {
        std::unique_lock lock{st.mutex};
        n = st.socket.async_read_some(boost::asio::buffer(buffer.data(), buffer.size()),
                                      token.unlocking_after_start(lock));
      });
  return {n, err};
}

result<std::size_t> write_all(detail::conn_state& s, const context* caller, std::string_view data) {
  std::size_t written = 0;
  while (written < data.size()) {
    std::size_t n = 0;
    const std::error_code err =
        run_operation(s, caller, false, [&](detail::conn_state& st, const use_go_t& token) {
          std::unique_lock lock{st.mutex};
          n = st.socket.async_write_some(
              boost::asio::buffer(data.data() + written, data.size() - written),
              token.unlocking_after_start(lock));
        });
    written += n;
    if (err) return {written, err};
  }
  return {written, {}};
}

}  // namespace

detail::conn_state& conn::state() const {
  if (!state_) throw runtime_misuse("gofer::net: operation on a nil conn");
  return *state_;
}

result<std::size_t> conn::read(std::span<char> buffer) const {
  return read_some(state(), nullptr, buffer);
}
result<std::size_t> conn::read(const context& ctx, std::span<char> buffer) const {
  return read_some(state(), &ctx, buffer);
}
result<std::size_t> conn::write(std::string_view data) const {
  return write_all(state(), nullptr, data);
}
result<std::size_t> conn::write(const context& ctx, std::string_view data) const {
  return write_all(state(), &ctx, data);
}

std::error_code conn::close() const {
  detail::conn_state& s = state();
  std::lock_guard lock{s.mutex};
  if (s.closed) return errc::closed;
  s.closed = true;
  boost::system::error_code ec;
  s.socket.close(ec);  // pending operations complete with operation_aborted
  return ec;
}

std::error_code conn::close_write() const {
  detail::conn_state& s = state();
  std::lock_guard lock{s.mutex};
  if (s.closed) return errc::closed;
  boost::system::error_code ec;
  s.socket.shutdown(boost::asio::socket_base::shutdown_send, ec);
  return ec;
}

namespace {
void set_deadlines(detail::conn_state& s, std::optional<time_point> read,
                   std::optional<time_point> write) {
  std::lock_guard lock{s.mutex};
  if (read) s.read_deadline = *read;
  if (write) s.write_deadline = *write;
  ++s.deadline_generation;
  if (!s.closed) {
    boost::system::error_code ignored;
    s.socket.cancel(ignored);  // blocked calls start again under the new deadline
  }
}
}  // namespace

void conn::set_deadline(time_point deadline) const {
  set_deadlines(state(), deadline, deadline);
}
void conn::set_read_deadline(time_point deadline) const {
  set_deadlines(state(), deadline, std::nullopt);
}
void conn::set_write_deadline(time_point deadline) const {
  set_deadlines(state(), std::nullopt, deadline);
}

std::string conn::local_addr() const {
  return state().local_addr;
}
std::string conn::remote_addr() const {
  return state().remote_addr;
}

detail::listener_state& listener::state() const {
  if (!state_) throw runtime_misuse("gofer::net: operation on a nil listener");
  return *state_;
}

namespace {

conn make_conn(generic_socket socket, std::string local, std::string remote) {
  socket.non_blocking(true);  // see the top of this file
  return detail_access::make_conn(
      std::make_shared<detail::conn_state>(std::move(socket), std::move(local), std::move(remote)));
}

std::string remote_of(generic_socket& socket, bool is_tcp) {
  boost::system::error_code ec;
  const auto endpoint = socket.remote_endpoint(ec);
  if (ec) return {};
  if (is_tcp) {
    tcp::endpoint ip;
    ip.resize(endpoint.size());
    std::memcpy(ip.data(), endpoint.data(), endpoint.size());
    return endpoint_string(ip);
  }
  return {};
}

result<conn> accept_one(detail::listener_state& s, const context* caller) {
  if (caller != nullptr) {
    if (std::error_code err = caller->err()) return {{}, err};  // see run_operation
  }
  boost::system::error_code ec;
  std::optional<generic_socket> accepted;
  {
    std::unique_lock lock{s.mutex};
    if (s.closed) return {{}, errc::closed};
    // Go's accept: the system call first, and wait in the poller only when
    // no connection is queued (EAGAIN). Asio's async_accept also tries at
    // once, but hands its result to a completion that only runs at the next
    // poll: an accept loop then took one connection per scheduling round,
    // and under load (1,000 busy keep-alive connections, bench/
    // tracker_load) a new client waited up to 11 s for its first request.
    // The acceptor is in user non-blocking mode (listen), so this returns
    // would_block instead of waiting.
    generic_socket ready = s.acceptor.accept(ec);
    if (!ec) {
      accepted.emplace(std::move(ready));
    } else if (ec == boost::asio::error::would_block || ec == boost::asio::error::try_again ||
               ec == boost::asio::error::connection_aborted) {
      ec.clear();  // none queued (or one gone already, which Go skips too): wait
      const use_go_t token = caller != nullptr ? use_go(*caller)[ec] : use_go[ec];
      accepted.emplace(s.acceptor.async_accept(token.unlocking_after_start(lock)));
    }
  }
  if (ec) {
    bool closed = false;
    {
      std::lock_guard lock{s.mutex};
      closed = s.closed;
    }
    return {{}, call_error(ec, closed, caller, false)};
  }
  const bool is_tcp = s.unix_path.empty();
  if (is_tcp) {
    boost::system::error_code ignored;
    accepted->set_option(tcp::no_delay(true), ignored);  // Go sets TCP_NODELAY
  }
  std::string remote = remote_of(*accepted, is_tcp);
  return {make_conn(std::move(*accepted), s.addr, std::move(remote)), {}};
}

}  // namespace

result<conn> listener::accept() const {
  return accept_one(state(), nullptr);
}
result<conn> listener::accept(const context& ctx) const {
  return accept_one(state(), &ctx);
}

std::error_code listener::close() const {
  detail::listener_state& s = state();
  std::lock_guard lock{s.mutex};
  if (s.closed) return errc::closed;
  s.closed = true;
  boost::system::error_code ec;
  s.acceptor.close(ec);
  if (!s.unix_path.empty()) {
    ::unlink(s.unix_path.c_str());
    s.unix_path.clear();
  }
  return ec;
}

std::string listener::addr() const {
  return state().addr;
}

namespace {

// The addresses to dial or listen on for `host`: a literal, or resolved.
result<std::vector<boost::asio::ip::address>> addresses_of(std::string_view host, family f,
                                                           const context* caller) {
  boost::system::error_code ec;
  const auto literal = boost::asio::ip::make_address(std::string(host), ec);
  if (!ec) {
    if (!family_allows(f, literal)) return {{}, errc::bad_address};
    return {{literal}, {}};
  }
  gofer::detail::current_io_service().start_resolver_thread();
  tcp::resolver resolver{io_executor()};
  boost::system::error_code resolve_ec;
  auto results = caller != nullptr
                     ? resolver.async_resolve(std::string(host), "", use_go(*caller)[resolve_ec])
                     : resolver.async_resolve(std::string(host), "", use_go[resolve_ec]);
  if (resolve_ec) return {{}, call_error(resolve_ec, false, caller, false)};
  std::vector<boost::asio::ip::address> found;
  for (const auto& entry : results) {
    if (family_allows(f, entry.endpoint().address())) found.push_back(entry.endpoint().address());
  }
  if (found.empty()) return {{}, std::make_error_code(std::errc::address_not_available)};
  return {std::move(found), {}};
}

result<unsigned short> parse_port(std::string_view port) {
  if (port.empty()) return {0, {}};
  unsigned value = 0;
  for (const char c : port) {
    if (c < '0' || c > '9' || value > 65535) return {0, errc::bad_address};
    value = value * 10 + static_cast<unsigned>(c - '0');
  }
  if (value > 65535) return {0, errc::bad_address};
  return {static_cast<unsigned short>(value), {}};
}

}  // namespace

result<conn> dial_context(const context& ctx, std::string_view network, std::string_view address) {
  return [&]() -> result<conn> {
    const std::optional<family> f = parse_network(network);
    if (!f) return {{}, errc::unknown_network};
    if (std::error_code err = ctx.err()) return {{}, err};  // see run_operation
    const context* caller = &ctx;
    if (*f == family::unix_socket) {
      local_stream::socket socket{io_executor()};
      boost::system::error_code ec;
      socket.async_connect(local_stream::endpoint(std::string(address)), use_go(ctx)[ec]);
      if (ec) return {{}, call_error(ec, false, caller, false)};
      return {make_conn(generic_socket(std::move(socket)), "", std::string(address)), {}};
    }
    auto [parts, split_err] = split_host_port(address);
    if (split_err) return {{}, split_err};
    auto [port, port_err] = parse_port(parts.port);
    if (port_err) return {{}, port_err};
    // Go: an empty host (":80") dials the local system.
    const std::string host = parts.host.empty() ? "127.0.0.1" : parts.host;
    auto [candidates, resolve_err] = addresses_of(host, *f, caller);
    if (resolve_err) return {{}, resolve_err};
    std::error_code last;
    for (const auto& ip : candidates) {  // in order, as Go's serial dial
      tcp::socket socket{io_executor()};
      boost::system::error_code ec;
      socket.async_connect(tcp::endpoint(ip, port), use_go(ctx)[ec]);
      if (ec) {
        last = call_error(ec, false, caller, false);
        if (ctx.err()) return {{}, last};
        continue;
      }
      boost::system::error_code ignored;
      socket.set_option(tcp::no_delay(true), ignored);  // Go sets TCP_NODELAY
      std::string local = endpoint_string(socket.local_endpoint(ignored));
      std::string remote = endpoint_string(socket.remote_endpoint(ignored));
      return {make_conn(generic_socket(std::move(socket)), std::move(local), std::move(remote)),
              {}};
    }
    return {{}, last};
  }();
}

result<conn> dial(std::string_view network, std::string_view address) {
  return dial_context(context{}, network, address);
}

result<conn> dial_timeout(std::string_view network, std::string_view address, duration timeout) {
  auto [ctx, cancel] = gofer::with_timeout(context{}, timeout);
  result<conn> dialed = dial_context(ctx, network, address);
  cancel();
  if (dialed.err == gofer::deadline_exceeded) dialed.err = errc::timeout;
  return dialed;
}

result<listener> listen(std::string_view network, std::string_view address) {
  const std::optional<family> f = parse_network(network);
  if (!f) return {{}, errc::unknown_network};
  boost::system::error_code ec;
  generic_acceptor acceptor{io_executor()};
  if (*f == family::unix_socket) {
    const local_stream::endpoint endpoint{std::string(address)};
    acceptor.open(boost::asio::generic::stream_protocol(AF_UNIX, 0), ec);
    if (!ec) acceptor.bind(endpoint, ec);
    if (!ec) acceptor.listen(boost::asio::socket_base::max_listen_connections, ec);
    if (!ec) acceptor.non_blocking(true, ec);  // for accept_one's first try
    if (ec) return {{}, ec};
    return {detail_access::make_listener(std::make_shared<detail::listener_state>(
                std::move(acceptor), std::string(address), std::string(address))),
            {}};
  }
  auto [parts, split_err] = split_host_port(address);
  if (split_err) return {{}, split_err};
  auto [port, port_err] = parse_port(parts.port);
  if (port_err) return {{}, port_err};
  tcp::endpoint endpoint;
  if (parts.host.empty()) {
    // Go: every interface; dual-stack where the family allows.
    endpoint = *f == family::tcp4 ? tcp::endpoint(tcp::v4(), port) : tcp::endpoint(tcp::v6(), port);
  } else {
    auto [candidates, resolve_err] = addresses_of(parts.host, *f, nullptr);
    if (resolve_err) return {{}, resolve_err};
    endpoint = tcp::endpoint(candidates.front(), port);
  }
  acceptor.open(endpoint.protocol(), ec);
  if (ec && parts.host.empty() && *f == family::tcp) {  // no IPv6 here: IPv4 only
    endpoint = tcp::endpoint(tcp::v4(), port);
    ec.clear();
    acceptor.open(endpoint.protocol(), ec);
  }
  if (!ec) acceptor.set_option(boost::asio::socket_base::reuse_address(true), ec);
  if (!ec && endpoint.address().is_v6() && *f == family::tcp) {
    acceptor.set_option(boost::asio::ip::v6_only(false), ec);
  }
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(boost::asio::socket_base::max_listen_connections, ec);
  if (!ec) acceptor.non_blocking(true, ec);  // for accept_one's first try
  if (ec) return {{}, ec};
  tcp::endpoint bound;
  {
    const auto local = acceptor.local_endpoint(ec);
    bound.resize(local.size());
    std::memcpy(bound.data(), local.data(), local.size());
  }
  return {detail_access::make_listener(std::make_shared<detail::listener_state>(
              std::move(acceptor), endpoint_string(bound), "")),
          {}};
}

result<host_port> split_host_port(std::string_view address) {
  // Go's net.SplitHostPort.
  const auto last_colon = address.rfind(':');
  if (last_colon == std::string_view::npos) return {{}, errc::bad_address};  // missing port
  std::string_view host;
  if (!address.empty() && address.front() == '[') {
    const auto close = address.find(']');
    if (close == std::string_view::npos || close + 1 != last_colon) return {{}, errc::bad_address};
    host = address.substr(1, close - 1);
  } else {
    host = address.substr(0, last_colon);
    if (host.find(':') != std::string_view::npos)
      return {{}, errc::bad_address};  // too many colons
  }
  return {{std::string(host), std::string(address.substr(last_colon + 1))}, {}};
}

std::string join_host_port(std::string_view host, std::string_view port) {
  if (host.find(':') != std::string_view::npos) {
    return "[" + std::string(host) + "]:" + std::string(port);
  }
  return std::string(host) + ":" + std::string(port);
}

}  // namespace gofer::net
