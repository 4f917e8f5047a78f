// An echo server and its client in one program. The server listens on
// 127.0.0.1, port 0 (the system picks a free one), accepts in a goroutine
// of its own and serves each connection in another. The client dials it,
// writes two messages and reads each one back. Closing the listener ends
// the blocked accept, and so the server. Each blocking call parks only its
// goroutine, on the runtime's poller, as Go's netpoller does.
#include <gofer/gofer.hpp>
#include <gofer/net.hpp>

#include <fmt/core.h>

#include <array>
#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <system_error>

namespace net = gofer::net;

namespace {

// Go's io.ReadFull: reads until `buffer` is full, or an error comes first.
std::error_code read_full(const net::conn& conn, std::span<char> buffer) {
  for (std::size_t got = 0; got < buffer.size();) {
    auto [n, err] = conn.read(buffer.subspan(got));
    if (err) return err;
    got += n;
  }
  return {};
}

// serve accepts until ln is closed; each connection gets a goroutine that
// writes back what it reads, until the client closes its side.
void serve(net::listener ln, gofer::wait_group handlers) {
  for (;;) {
    auto [conn, err] = ln.accept();
    if (err == net::errc::closed) {
      fmt::print("server: listener closed\n");
      return;
    } else if (err) {
      throw std::system_error(err, "accept");
    }
    handlers.add(1);
    gofer::go([conn = conn, handlers] {
      gofer::defer done{[&] { handlers.done(); }};
      std::array<char, 1024> buffer{};
      std::size_t echoed = 0;
      for (;;) {
        auto [n, read_err] = conn.read(buffer);
        if (read_err) break;  // net::errc::eof: the client closed its side
        if (conn.write(std::string_view(buffer.data(), n)).err) break;
        echoed += n;
      }
      conn.close();
      fmt::print("server: echoed {} bytes, client gone\n", echoed);
    });
  }
}

}  // namespace

int main() {
  gofer::run([] {
    auto [ln, err] = net::listen("tcp", "127.0.0.1:0");
    if (err) throw std::system_error(err, "listen");
    gofer::wait_group handlers;
    auto served = gofer::make_chan<gofer::signal>();
    gofer::go([ln = ln, handlers, served] {
      serve(ln, handlers);
      served.close();
    });

    auto [conn, dial_err] = net::dial("tcp", ln.addr());
    if (dial_err) throw std::system_error(dial_err, "dial");
    for (std::string message : {"hello", "goroutines"}) {
      if (auto write_err = conn.write(message).err) throw std::system_error(write_err, "write");
      std::string reply(message.size(), '\0');
      if (auto read_err = read_full(conn, reply)) throw std::system_error(read_err, "read");
      fmt::print("client: {}\n", reply);
    }
    conn.close();  // the server reads EOF

    handlers.wait();  // every handler has returned
    ln.close();       // ends the blocked accept
    served.recv();
  });
}

// Output:
// client: hello
// client: goroutines
// server: echoed 15 bytes, client gone
// server: listener closed
