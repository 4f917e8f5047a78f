// Exercise 10.1, an echo server that counts its connections
// (docs/learn/exercises.md): the server listens on 127.0.0.1, on a port the
// system picks; three clients at once each send a line and read it back.
// Closing the listener ends the accept loop, which waits for its handlers
// and reports how many connections it served.
#include <gofer/gofer.hpp>
#include <gofer/net.hpp>

#include <fmt/core.h>

#include <array>
#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace net = gofer::net;

// Accepts until ln is closed, echoes each connection in a goroutine of its
// own, and sends on served how many it accepted.
void serve(net::listener ln, gofer::send_chan<int> served) {
  gofer::wait_group handlers;
  int count = 0;  // only this goroutine touches it
  for (;;) {
    auto [conn, err] = ln.accept();
    if (err) {  // net::errc::closed: main closed the listener
      handlers.wait();
      served.send(count);
      return;
    }
    ++count;
    handlers.go([conn = conn] {
      std::array<char, 1024> buffer{};
      for (;;) {  // until the client closes its side
        auto [n, read_err] = conn.read(buffer);
        if (read_err || conn.write(std::string_view(buffer.data(), n)).err) break;
      }
      conn.close();
    });
  }
}

// Reads up to and including the next '\n', a byte at a time (simple, not
// fast: Go's bufio.Reader reads ahead); returns the line without it.
std::string read_line(const net::conn& conn) {
  std::string line;
  for (char c = 0;;) {
    auto [n, err] = conn.read(std::span(&c, 1));
    if (err) throw std::system_error(err, "read");
    if (c == '\n') return line;
    line += c;
  }
}

int main() {
  gofer::run([] {
    auto [ln, err] = net::listen("tcp", "127.0.0.1:0");  // port 0: the system picks a free one
    if (err) throw std::system_error(err, "listen");
    auto served = gofer::make_chan<int>();
    gofer::go(serve, ln, served);

    std::vector<std::string> replies(3);
    gofer::wait_group clients;
    for (std::size_t i = 0; i < replies.size(); ++i) {
      clients.go([&replies, addr = ln.addr(), i] {
        auto [conn, dial_err] = net::dial("tcp", addr);
        if (dial_err) throw std::system_error(dial_err, "dial");
        if (auto write_err = conn.write(fmt::format("hello from client {}\n", i + 1)).err) {
          throw std::system_error(write_err, "write");
        }
        replies[i] = read_line(conn);
        conn.close();
      });
    }
    clients.wait();
    for (const std::string& r : replies) {
      fmt::print("echo: {}\n", r);
    }
    ln.close();
    fmt::print("server: served {} connections\n", served.get());
  });
}

// Output:
// echo: hello from client 1
// echo: hello from client 2
// echo: hello from client 3
// server: served 3 connections
