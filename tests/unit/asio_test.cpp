// Tests for gofer/asio.hpp: Asio operations called from goroutines as
// blocking calls (use_go), on the runtime's own poller (lib/io_service.hpp).
// Real sockets on loopback (port 0), a real signal; no timing asserts.
#include <doctest/doctest.h>

#include <dirent.h>
#include <signal.h>

#include <array>
#include <atomic>
#include <chrono>
#include <set>
#include <string>
#include <thread>

#include <boost/asio/buffer.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>

#include <gofer/asio.hpp>
#include <gofer/gofer.hpp>

#include "../support/counted.hpp"
#include "../support/fds.hpp"

using boost::asio::ip::tcp;
using gofer_test::for_each_scheduler;
using gofer_test::open_fds;

namespace {

tcp::acceptor loopback_listener() {
  return tcp::acceptor{gofer::io_executor(),
                       tcp::endpoint{boost::asio::ip::address_v4::loopback(), 0}};
}

}  // namespace

TEST_CASE("an echo over loopback: accept, connect, read and write park only their goroutines") {
  for_each_scheduler([](const gofer::run_options& options) {
    const std::set<std::string> fds_before = open_fds();
    gofer::run(
        [] {
          tcp::acceptor acceptor = loopback_listener();
          const tcp::endpoint endpoint = acceptor.local_endpoint();
          gofer::wait_group wg;
          wg.go([&acceptor] {
            tcp::socket peer = acceptor.async_accept(gofer::use_go);
            std::array<char, 64> buffer{};
            for (;;) {
              boost::system::error_code ec;
              const std::size_t n =
                  peer.async_read_some(boost::asio::buffer(buffer), gofer::use_go[ec]);
              if (ec == boost::asio::error::eof) return;
              REQUIRE_FALSE(ec);
              boost::asio::async_write(peer, boost::asio::buffer(buffer.data(), n), gofer::use_go);
            }
          });
          tcp::socket client{gofer::io_executor()};
          client.async_connect(endpoint, gofer::use_go);
          for (int i = 0; i < 100; ++i) {
            const std::string message = "ping " + std::to_string(i);
            boost::asio::async_write(client, boost::asio::buffer(message), gofer::use_go);
            std::string reply(message.size(), '\0');
            const std::size_t n =
                boost::asio::async_read(client, boost::asio::buffer(reply), gofer::use_go);
            CHECK(n == message.size());
            CHECK(reply == message);
          }
          client.shutdown(tcp::socket::shutdown_send);
          wg.wait();
        },
        options);
    CHECK_NO_FD_LEAKED(fds_before);
  });
}

TEST_CASE("use_go[ec] returns the error; plain use_go throws it") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          tcp::endpoint closed;
          {
            tcp::acceptor acceptor = loopback_listener();
            closed = acceptor.local_endpoint();
          }  // nobody listens there any more
          tcp::socket socket{gofer::io_executor()};
          boost::system::error_code ec;
          socket.async_connect(closed, gofer::use_go[ec]);
          CHECK(ec == boost::asio::error::connection_refused);
          tcp::socket again{gofer::io_executor()};
          CHECK_THROWS_AS(again.async_connect(closed, gofer::use_go), boost::system::system_error);
        },
        options);
  });
}

TEST_CASE("cancelling the context ends a blocked read with the context's error") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          tcp::acceptor acceptor = loopback_listener();
          tcp::socket client{gofer::io_executor()};
          client.async_connect(acceptor.local_endpoint(), gofer::use_go);
          tcp::socket server = acceptor.async_accept(gofer::use_go);  // never writes
          auto [ctx, cancel] = gofer::with_cancel(gofer::background());
          auto result = gofer::make_chan<boost::system::error_code>(1);
          gofer::go([&client, ctx = ctx, result] {
            std::array<char, 16> buffer{};
            boost::system::error_code ec;
            client.async_read_some(boost::asio::buffer(buffer), gofer::use_go(ctx)[ec]);
            result.send(ec);
          });
          cancel();  // before or after the read parks: either way it ends
          const boost::system::error_code ec = result.get();
          CHECK(ec == boost::system::error_code(gofer::canceled));
          // The same with a deadline on the real clock, and an accept.
          auto [deadline_ctx, stop] =
              gofer::with_timeout(gofer::background(), std::chrono::milliseconds(20));
          boost::system::error_code accept_ec;
          tcp::socket never = acceptor.async_accept(gofer::use_go(deadline_ctx)[accept_ec]);
          CHECK(accept_ec == boost::system::error_code(gofer::deadline_exceeded));
          CHECK_FALSE(never.is_open());
          stop();
        },
        options);
  });
}

TEST_CASE("main waiting on a socket that a plain thread writes later is not a deadlock") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          tcp::acceptor acceptor = loopback_listener();
          const unsigned short port = acceptor.local_endpoint().port();
          std::thread writer{[port] {
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
            boost::asio::io_context io;
            tcp::socket socket{io};
            socket.connect(tcp::endpoint{boost::asio::ip::address_v4::loopback(), port});
            boost::asio::write(socket, boost::asio::buffer(std::string("late")));
          }};
          tcp::socket peer = acceptor.async_accept(gofer::use_go);
          std::string text(4, '\0');
          boost::asio::async_read(peer, boost::asio::buffer(text), gofer::use_go);
          CHECK(text == "late");
          writer.join();
        },
        options);
  });
}

TEST_CASE("a goroutine unwound with a read pending cancels it before its buffer goes") {
  for_each_scheduler([](const gofer::run_options& options) {
    const std::set<std::string> fds_before = open_fds();
    gofer::run(
        [] {
          auto acceptor = std::make_shared<tcp::acceptor>(loopback_listener());
          auto client = std::make_shared<tcp::socket>(gofer::io_executor());
          client->async_connect(acceptor->local_endpoint(), gofer::use_go);
          auto server = std::make_shared<tcp::socket>(acceptor->async_accept(gofer::use_go));
          auto started = gofer::make_chan<gofer::signal>();
          gofer::go([client, acceptor, server, started] {
            std::array<char, 16> buffer{};  // on this goroutine's stack
            started.send({});
            client->async_read_some(boost::asio::buffer(buffer), gofer::use_go);  // never completes
          });
          started.recv();
          // main returns: run unwinds the reader, whose read is cancelled.
        },
        options);
    CHECK_NO_FD_LEAKED(fds_before);
  });
}

TEST_CASE("a signal waited for with Asio's signal_set") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          boost::asio::signal_set signals{gofer::io_executor(), SIGUSR1};
          gofer::go([] { ::kill(::getpid(), SIGUSR1); });
          const int number = signals.async_wait(gofer::use_go);
          CHECK(number == SIGUSR1);
        },
        options);
  });
}

TEST_CASE("any completion signature: a steady_timer's void(error_code)") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          boost::asio::steady_timer timer{gofer::io_executor(), std::chrono::milliseconds(1)};
          timer.async_wait(gofer::use_go);  // returns void
          boost::system::error_code ec = boost::asio::error::fault;
          timer.expires_after(std::chrono::milliseconds(1));
          timer.async_wait(gofer::use_go[ec]);
          CHECK_FALSE(ec);
        },
        options);
  });
}

TEST_CASE("a completion that readies the last goroutine is never reported as a deadlock") {
  // The poller readies a goroutine, which runs on the poller's worker and
  // ends, while main waits for it and the other workers run out of work.
  // A worker that counted the poller as idle could read "no I/O pending"
  // after the completion and "no work anywhere" after the poller had taken
  // the goroutine: a false gofer::deadlock (scheduler.cpp suspend_until).
  for (const std::size_t threads : {std::size_t{2}, std::size_t{4}}) {
    CAPTURE(threads);
    gofer::run(
        [] {
          for (int round = 0; round < 400; ++round) {
            auto done = gofer::make_chan<int>(1);
            gofer::go([done] {
              boost::asio::steady_timer timer{gofer::io_executor(), std::chrono::microseconds(30)};
              timer.async_wait(gofer::use_go);
              // Some work between the wake and the send (a socket's
              // teardown, in the test that first showed the race).
              const auto until = std::chrono::steady_clock::now() + std::chrono::microseconds(20);
              while (std::chrono::steady_clock::now() < until) {
              }
              done.send(1);
            });
            // Main stays busy for about as long as the timer, so that its
            // worker runs out of work while the completion is in flight.
            const auto until =
                std::chrono::steady_clock::now() + std::chrono::microseconds(20 + round % 25);
            while (std::chrono::steady_clock::now() < until) {
            }
            CHECK(done.get() == 1);
          }
        },
        gofer::run_options{.threads = threads});
  }
}

TEST_CASE("use_go outside gofer::run throws runtime_misuse") {
  CHECK_THROWS_AS(gofer::io_executor(), gofer::runtime_misuse);
}
