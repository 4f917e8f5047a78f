// A read that waits for data that never comes: the server accepts and says
// nothing. In gofer every blocking call also takes a context, and
// cancelling it ends the call with ctx.err(); close() from another
// goroutine ends it too, as in Go. (A deadline, set_read_deadline, works as
// Go's; this program leaves it out because the tests run it on the virtual
// clock, which does not move while a goroutine waits on I/O.)
#include <gofer/gofer.hpp>
#include <gofer/net.hpp>

#include <fmt/core.h>

#include <array>
#include <system_error>

namespace net = gofer::net;

int main() {
  gofer::run([] {
    auto [ln, err] = net::listen("tcp", "127.0.0.1:0");
    if (err) throw std::system_error(err, "listen");
    auto quiet = gofer::make_chan<net::conn>(1);
    gofer::go([ln = ln, quiet] {  // a server that accepts and never writes
      auto [c, accept_err] = ln.accept();
      if (accept_err) throw std::system_error(accept_err, "accept");
      quiet.send(c);
    });
    auto [conn, dial_err] = net::dial("tcp", ln.addr());
    if (dial_err) throw std::system_error(dial_err, "dial");
    std::array<char, 64> buffer{};

    auto [ctx, cancel] = gofer::with_cancel(gofer::background());
    gofer::go([cancel] { cancel(); });
    auto [n, read_err] = conn.read(ctx, buffer);
    if (read_err == gofer::canceled)
      fmt::print("the context ended the read: {}\n", read_err.message());

    gofer::go([conn = conn] { conn.close(); });
    auto [m, closed_err] = conn.read(buffer);
    if (closed_err == net::errc::closed)
      fmt::print("close ended the read: {}\n", closed_err.message());

    quiet.get().close();
    ln.close();
  });
}

// Output:
// the context ended the read: context canceled
// close ended the read: use of closed network connection
