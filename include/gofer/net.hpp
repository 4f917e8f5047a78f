// gofer/net.hpp - Go's net package, for goroutines: dial, listen, accept,
// and a conn with read, write, close and deadlines, over TCP and Unix
// sockets. Each blocking call parks only its goroutine, on the runtime's
// poller (gofer/asio.hpp, lib/io_service.hpp).
//
//   auto [ln, err] = gofer::net::listen("tcp", "127.0.0.1:0");
//   gofer::go([ln] {
//     for (;;) {
//       auto [c, err] = ln.accept();
//       if (err) return;                       // net::errc::closed after ln.close()
//       gofer::go([c] { echo(c); });
//     }
//   });
//   auto [c, err] = gofer::net::dial("tcp", ln.addr());
//   c.write("hello\n");
//   char buffer[64];
//   auto [n, rerr] = c.read(buffer);            // rerr == net::errc::eof at the end
//
// Go returns (value, err); gofer returns result<T>, which binds the same
// way. Errors are std::error_codes: the system's (err ==
// std::errc::connection_refused), gofer::net::errc (eof, closed, timeout),
// or a context's (canceled, deadline_exceeded) when the call was given a
// context. Only misuse throws (an operation on a nil conn: runtime_misuse).
//
// Differences from Go, each deliberate:
//   - Every blocking call also takes a gofer::context. Cancelling it ends
//     the call at once with ctx.err(); in Go a blocked Read ends only by a
//     deadline or Close.
//   - Deadlines (set_deadline) are on gofer's clock, so they follow the
//     virtual clock in a virtual-time run; but the virtual clock does not
//     move while a goroutine waits on I/O (it is not durably blocked).
//   - A conn is a cheap copyable handle (shared state); the socket closes
//     when close() is called or the last copy goes.
//
// Addresses are Go's: "host:port", "[::1]:80", ":8080" (every interface,
// as in Go; servers in gofer's demos listen on 127.0.0.1), a path for
// "unix". Host names are resolved (getaddrinfo, off the workers) and tried
// in order. Networks: "tcp", "tcp4", "tcp6", "unix".
#pragma once

#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>

#include "gofer/context.hpp"
#include "gofer/time.hpp"

namespace gofer::net {

// Go's io.EOF, net.ErrClosed and os.ErrDeadlineExceeded (its Timeout() is
// true: timeout is equivalent to std::errc::timed_out, and
// gofer::is_timeout is true for it).
enum class errc {
  eof = 1,          // "EOF": the peer closed its side; read returns n == 0
  closed,           // "use of closed network connection"
  timeout,          // "i/o timeout": a deadline passed
  unknown_network,  // "unknown network <name>"
  bad_address,      // "missing port in address" and the like
};
const std::error_category& net_category() noexcept;
inline std::error_code make_error_code(errc e) noexcept {
  return {static_cast<int>(e), net_category()};
}

// Go's (value, err): auto [value, err] = ...
template <class T>
struct result {
  T value{};
  std::error_code err;
};

namespace detail {
struct conn_state;
struct listener_state;
}  // namespace detail

// Go: net.Conn. A nil conn (default-constructed) throws runtime_misuse on use.
class conn {
 public:
  conn() = default;

  // Go: Read. Waits for at least one byte; n == 0 only with an error
  // (errc::eof at the end of the stream).
  result<std::size_t> read(std::span<char> buffer) const;
  result<std::size_t> read(const context& ctx, std::span<char> buffer) const;
  // Go: Write. Writes all of `data` unless an error comes first (n says
  // how much was written then).
  result<std::size_t> write(std::string_view data) const;
  result<std::size_t> write(const context& ctx, std::string_view data) const;
  // Go: Close. Ends blocked reads and writes with errc::closed; a second
  // close returns errc::closed.
  std::error_code close() const;
  // Go: CloseWrite (TCP and Unix): the peer reads EOF; reading goes on.
  std::error_code close_write() const;

  // Go: SetDeadline, SetReadDeadline, SetWriteDeadline. A call that is
  // blocked or starts after the deadline fails with errc::timeout;
  // time_point{} (Go's zero Time) means none. Applies to calls in progress.
  void set_deadline(time_point deadline) const;
  void set_read_deadline(time_point deadline) const;
  void set_write_deadline(time_point deadline) const;

  // Go: LocalAddr().String(), RemoteAddr().String().
  std::string local_addr() const;
  std::string remote_addr() const;

  explicit operator bool() const noexcept { return state_ != nullptr; }
  friend bool operator==(const conn&, const conn&) = default;

 private:
  friend struct detail_access;
  explicit conn(std::shared_ptr<detail::conn_state> state) noexcept : state_(std::move(state)) {}
  detail::conn_state& state() const;

  std::shared_ptr<detail::conn_state> state_;
};

// Go: net.Listener.
class listener {
 public:
  listener() = default;

  // Go: Accept. errc::closed once close() was called.
  result<conn> accept() const;
  result<conn> accept(const context& ctx) const;
  // Go: Close. Ends a blocked accept with errc::closed.
  std::error_code close() const;
  // Go: Addr().String(), e.g. "127.0.0.1:39817" for a "…:0" listen.
  std::string addr() const;

  explicit operator bool() const noexcept { return state_ != nullptr; }

 private:
  friend struct detail_access;
  explicit listener(std::shared_ptr<detail::listener_state> state) noexcept
      : state_(std::move(state)) {}
  detail::listener_state& state() const;

  std::shared_ptr<detail::listener_state> state_;
};

// Go: net.Dial, net.DialTimeout, Dialer.DialContext.
result<conn> dial(std::string_view network, std::string_view address);
result<conn> dial_timeout(std::string_view network, std::string_view address, duration timeout);
result<conn> dial_context(const context& ctx, std::string_view network, std::string_view address);
// Go: net.Listen. For "tcp", an empty host listens on every interface.
result<listener> listen(std::string_view network, std::string_view address);

// Go: net.SplitHostPort and net.JoinHostPort.
struct host_port {
  std::string host;
  std::string port;
};
result<host_port> split_host_port(std::string_view address);
std::string join_host_port(std::string_view host, std::string_view port);

}  // namespace gofer::net

template <>
struct std::is_error_code_enum<gofer::net::errc> : std::true_type {};
