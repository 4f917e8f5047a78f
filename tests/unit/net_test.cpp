// Tests for gofer/net.hpp: Go's net package for goroutines. Real sockets on
// loopback (port 0) and real Unix sockets; no timing asserts (deadlines are
// checked for their outcome, never their duration).
#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <gofer/gofer.hpp>
#include <gofer/net.hpp>

#include "../support/counted.hpp"
#include "../support/fds.hpp"

namespace net = gofer::net;
using gofer_test::for_each_scheduler;
using gofer_test::open_fds;
using namespace std::chrono_literals;

namespace {

// Echoes every connection of `ln` until the listener is closed.
void serve_echo(net::listener ln, gofer::wait_group wg) {
  for (;;) {
    auto [c, err] = ln.accept();
    if (err) {
      CHECK(err == net::errc::closed);
      return;
    }
    wg.go([c = c] {
      std::array<char, 256> buffer{};
      for (;;) {
        auto [n, read_err] = c.read(buffer);
        if (read_err) {
          CHECK(read_err == net::errc::eof);
          c.close();
          return;
        }
        auto [written, write_err] = c.write(std::string_view(buffer.data(), n));
        REQUIRE_FALSE(write_err);
        CHECK(written == n);
      }
    });
  }
}

std::string read_exactly(const net::conn& c, std::size_t size) {
  std::string text(size, '\0');
  std::size_t got = 0;
  while (got < size) {
    auto [n, err] = c.read(std::span<char>(text.data() + got, size - got));
    REQUIRE_FALSE(err);
    got += n;
  }
  return text;
}

// A listener on 127.0.0.1 and both ends of one connection to it.
struct pair_on_loopback {
  net::listener ln;
  net::conn client;
  net::conn server;
};

pair_on_loopback connected_pair() {
  auto [ln, err] = net::listen("tcp", "127.0.0.1:0");
  REQUIRE_FALSE(err);
  auto [client, dial_err] = net::dial("tcp", ln.addr());
  REQUIRE_FALSE(dial_err);
  auto [server, accept_err] = ln.accept();
  REQUIRE_FALSE(accept_err);
  return {ln, client, server};
}

}  // namespace

TEST_CASE("an echo server on 127.0.0.1, with many clients at once") {
  for_each_scheduler([](const gofer::run_options& options) {
    const std::set<std::string> fds_before = open_fds();
    gofer::run(
        [] {
          auto [ln, err] = net::listen("tcp", "127.0.0.1:0");
          REQUIRE_FALSE(err);
          CHECK(ln.addr().rfind("127.0.0.1:", 0) == 0);
          gofer::wait_group server_wg;
          gofer::wait_group handlers;
          server_wg.go([ln = ln, handlers] { serve_echo(ln, handlers); });
          gofer::wait_group clients;
          for (int id = 0; id < 20; ++id) {
            clients.go([address = ln.addr(), id] {
              auto [c, dial_err] = net::dial("tcp", address);
              REQUIRE_FALSE(dial_err);
              CHECK(c.remote_addr() == address);
              for (int i = 0; i < 20; ++i) {
                const std::string message = std::to_string(id) + ":" + std::to_string(i) + ";";
                REQUIRE_FALSE(c.write(message).err);
                CHECK(read_exactly(c, message.size()) == message);
              }
              CHECK_FALSE(c.close());
              CHECK(c.close() == net::errc::closed);  // a second close
            });
          }
          clients.wait();
          handlers.wait();
          ln.close();
          server_wg.wait();
        },
        options);
    CHECK_NO_FD_LEAKED(fds_before);
  });
}

TEST_CASE("a Unix socket, whose file the listener removes on close") {
  for_each_scheduler([](const gofer::run_options& options) {
    const std::string path = (std::filesystem::temp_directory_path() /
                              ("gofer-net-test-" + std::to_string(::getpid()) + ".sock"))
                                 .string();
    gofer::run(
        [&path] {
          auto [ln, err] = net::listen("unix", path);
          REQUIRE_FALSE(err);
          CHECK(std::filesystem::exists(path));
          gofer::wait_group wg;
          gofer::wait_group handlers;
          wg.go([ln = ln, handlers] { serve_echo(ln, handlers); });
          auto [c, dial_err] = net::dial("unix", path);
          REQUIRE_FALSE(dial_err);
          REQUIRE_FALSE(c.write("over a unix socket").err);
          CHECK(read_exactly(c, 18) == "over a unix socket");
          c.close();
          handlers.wait();
          ln.close();
          wg.wait();
          CHECK_FALSE(std::filesystem::exists(path));
        },
        options);
  });
}

TEST_CASE("read: eof after the peer's close_write; close ends a blocked read and accept") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          auto [ln, client, server] = connected_pair();
          REQUIRE_FALSE(client.write("last words").err);
          CHECK_FALSE(client.close_write());
          CHECK(read_exactly(server, 10) == "last words");
          std::array<char, 8> buffer{};
          CHECK(server.read(buffer).err == net::errc::eof);

          // A read blocked on a conn that another goroutine closes.
          auto done = gofer::make_chan<std::error_code>(1);
          gofer::go([client = client, done] {
            std::array<char, 8> b{};
            done.send(client.read(b).err);
          });
          gofer::sleep(5ms);  // usually parked by now; either way the result is the same
          client.close();
          CHECK(done.get() == net::errc::closed);

          auto accepted = gofer::make_chan<std::error_code>(1);
          gofer::go([ln = ln, accepted] { accepted.send(ln.accept().err); });
          gofer::sleep(5ms);
          ln.close();
          CHECK(accepted.get() == net::errc::closed);
          server.close();
        },
        options);
  });
}

TEST_CASE("deadlines: a read past its deadline times out, even one set while it waits") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          auto [ln, client, server] = connected_pair();
          std::array<char, 8> buffer{};
          client.set_read_deadline(gofer::now() + 10ms);
          const std::error_code timed_out = client.read(buffer).err;
          CHECK(timed_out == net::errc::timeout);
          CHECK(gofer::is_timeout(timed_out));
          CHECK(timed_out.message() == "i/o timeout");
          // A deadline in the past fails at once; none (time_point{}) clears it.
          client.set_read_deadline(gofer::now() - 1s);
          CHECK(client.read(buffer).err == net::errc::timeout);
          client.set_read_deadline(gofer::time_point{});
          REQUIRE_FALSE(server.write("x").err);
          CHECK(client.read(buffer).value == 1);

          // Set from another goroutine while the read is blocked without one.
          auto done = gofer::make_chan<std::error_code>(1);
          gofer::go([client = client, done] {
            std::array<char, 8> b{};
            done.send(client.read(b).err);
          });
          gofer::sleep(5ms);
          client.set_deadline(gofer::now() + 5ms);
          CHECK(done.get() == net::errc::timeout);
          client.close();
          server.close();
          ln.close();
        },
        options);
  });
}

TEST_CASE("a context ends a blocked read, accept and dial with its error") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          auto [ln, client, server] = connected_pair();

          auto [ctx, cancel] = gofer::with_cancel(gofer::background());
          auto done = gofer::make_chan<std::error_code>(1);
          gofer::go([client = client, ctx = ctx, done] {
            std::array<char, 8> b{};
            done.send(client.read(ctx, b).err);
          });
          cancel();
          CHECK(done.get() == gofer::canceled);
          // The conn still works after a cancelled read.
          REQUIRE_FALSE(server.write("ok").err);
          CHECK(read_exactly(client, 2) == "ok");

          auto [short_ctx, stop] = gofer::with_timeout(gofer::background(), 10ms);
          CHECK(ln.accept(short_ctx).err == gofer::deadline_exceeded);
          stop();

          auto [dead, kill] = gofer::with_cancel(gofer::background());
          kill();
          CHECK(net::dial_context(dead, "tcp", ln.addr()).err == gofer::canceled);
          client.close();
          server.close();
          ln.close();
        },
        options);
  });
}

TEST_CASE("dial and listen errors are Go's") {
  gofer::run([] {
    std::string closed_address;
    {
      auto [ln, err] = net::listen("tcp", "127.0.0.1:0");
      REQUIRE_FALSE(err);
      closed_address = ln.addr();
      ln.close();
    }
    CHECK(net::dial("tcp", closed_address).err == std::errc::connection_refused);
    CHECK(net::dial("udp", "127.0.0.1:1").err == net::errc::unknown_network);
    CHECK(net::dial("tcp", "127.0.0.1").err == net::errc::bad_address);
    CHECK(net::listen("tcp", "127.0.0.1:99999").err == net::errc::bad_address);
    CHECK(net::dial_timeout("tcp", closed_address, 1s).err == std::errc::connection_refused);
    auto [first, err] = net::listen("tcp", "127.0.0.1:0");
    REQUIRE_FALSE(err);
    CHECK(net::listen("tcp", first.addr()).err == std::errc::address_in_use);
    first.close();
    CHECK_THROWS_AS(net::conn{}.read(std::span<char>{}), gofer::runtime_misuse);
  });
}

TEST_CASE("split_host_port and join_host_port, as Go's") {
  auto [a, a_err] = net::split_host_port("127.0.0.1:80");
  CHECK_FALSE(a_err);
  CHECK(a.host == "127.0.0.1");
  CHECK(a.port == "80");
  auto [b, b_err] = net::split_host_port("[::1]:8080");
  CHECK_FALSE(b_err);
  CHECK(b.host == "::1");
  CHECK(b.port == "8080");
  auto [c, c_err] = net::split_host_port(":http");
  CHECK_FALSE(c_err);
  CHECK(c.host.empty());
  CHECK(c.port == "http");
  CHECK(net::split_host_port("localhost").err == net::errc::bad_address);  // missing port
  CHECK(net::split_host_port("::1:80").err == net::errc::bad_address);     // too many colons
  CHECK(net::join_host_port("::1", "80") == "[::1]:80");
  CHECK(net::join_host_port("example.com", "443") == "example.com:443");
}

TEST_CASE("main blocked in accept while a plain thread dials later is not a deadlock") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          auto [ln, err] = net::listen("tcp", "127.0.0.1:0");
          REQUIRE_FALSE(err);
          auto [parts, split_err] = net::split_host_port(ln.addr());
          REQUIRE_FALSE(split_err);
          const int port = std::stoi(parts.port);
          std::thread late{[port] {
            std::this_thread::sleep_for(50ms);
            const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
            sockaddr_in address{};
            address.sin_family = AF_INET;
            address.sin_port = htons(static_cast<std::uint16_t>(port));
            address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
            (void)::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
            (void)::write(fd, "hi", 2);
            ::close(fd);
          }};
          auto [c, accept_err] = ln.accept();
          REQUIRE_FALSE(accept_err);
          CHECK(read_exactly(c, 2) == "hi");
          late.join();
          c.close();
          ln.close();
        },
        options);
  });
}

TEST_CASE("a context ends a dial that is blocked (the listener's accept queue is full)") {
  // A listener that never accepts, with a backlog of 0: once a connection
  // or two are queued, Linux drops further SYNs and a connect waits for its
  // retransmission, a second or more away.
  const int listening = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(listening >= 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(listening, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
  REQUIRE(::listen(listening, 0) == 0);
  socklen_t length = sizeof address;
  REQUIRE(::getsockname(listening, reinterpret_cast<sockaddr*>(&address), &length) == 0);
  const std::string target = "127.0.0.1:" + std::to_string(ntohs(address.sin_port));
  for_each_scheduler([&target](const gofer::run_options& options) {
    gofer::run(
        [&target] {
          std::vector<net::conn> queued;
          for (;;) {  // fill the queue: until a dial does not complete at once
            auto [ctx, cancel] = gofer::with_timeout(gofer::background(), 100ms);
            auto [c, err] = net::dial_context(ctx, "tcp", target);
            cancel();
            if (err) {
              CHECK(err == gofer::deadline_exceeded);
              break;
            }
            queued.push_back(c);
            REQUIRE(queued.size() < 64);
          }
          auto [ctx, cancel] = gofer::with_cancel(gofer::background());
          auto done = gofer::make_chan<std::error_code>(1);
          gofer::go(
              [&target, ctx = ctx, done] { done.send(net::dial_context(ctx, "tcp", target).err); });
          gofer::sleep(10ms);
          cancel();
          CHECK(done.get() == gofer::canceled);
          for (const net::conn& c : queued)
            c.close();
        },
        options);
  });
  ::close(listening);
}

TEST_CASE("a deadlock after a host name was resolved is still reported") {
  // Asio resolves on a thread of its own, started at the first lookup. The
  // deadlock detector took it for a thread outside gofer that might still
  // send, and looked again every 50 ms for ever instead of reporting.
  for_each_scheduler([](const gofer::run_options& options) {
    CHECK_THROWS_AS(gofer::run(
                        [] {
                          // localhost comes from /etc/hosts: no network. Whether
                          // anything listens on port 1 does not matter.
                          (void)net::dial("tcp", "localhost:1");
                          gofer::make_chan<int>().recv();  // nobody sends
                        },
                        options),
                    gofer::deadlock);
  });
}
