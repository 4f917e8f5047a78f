// Tests for gofer/http.hpp: Go's net/http for goroutines. Real sockets on
// 127.0.0.1:0, the client of gofer/http.hpp or raw bytes through
// gofer::net; no timing asserts (timeouts are checked for their outcome,
// never their duration), and no descriptor left open.
#include <doctest/doctest.h>

#include <dirent.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <chrono>
#include <set>
#include <string>
#include <vector>

#include <gofer/gofer.hpp>
#include <gofer/http.hpp>
#include <gofer/net.hpp>

#include "../support/counted.hpp"
#include "../support/fds.hpp"

namespace http = gofer::http;
namespace net = gofer::net;
using gofer_test::for_each_scheduler;
using gofer_test::open_fds;
using namespace std::chrono_literals;

namespace {

// A server on 127.0.0.1:0, serving in a goroutine of `wg`.
struct test_server {
  http::server srv;
  std::string addr;  // "127.0.0.1:port"
  std::string url;   // "http://127.0.0.1:port"
  gofer::wait_group wg;
};

test_server start(http::handler h, http::server_options options = {}) {
  auto [ln, err] = net::listen("tcp", "127.0.0.1:0");
  REQUIRE_FALSE(err);
  test_server t{
      http::server{std::move(h), std::move(options)}, ln.addr(), "http://" + ln.addr(), {}};
  t.wg.go([srv = t.srv, ln = ln] { CHECK(srv.serve(ln) == http::errc::server_closed); });
  return t;
}

void stop(test_server& t) {
  CHECK_FALSE(t.srv.shutdown(gofer::background()));
  t.wg.wait();
}

// Sends `bytes` on a new connection and reads until the server closes it.
std::string raw_exchange(const std::string& addr, std::string_view bytes) {
  auto [c, err] = net::dial("tcp", addr);
  REQUIRE_FALSE(err);
  (void)c.write(bytes);  // the server may close before reading it all
  std::string out;
  std::array<char, 4096> buffer{};
  for (;;) {
    auto [n, read_err] = c.read(buffer);
    if (read_err) break;
    out.append(buffer.data(), n);
  }
  c.close();
  return out;
}

void hello(http::response_writer& w, const http::request& r) {
  w.write("hello, " + (r.query("name").empty() ? std::string("world") : r.query("name")));
}

// Records the remote address of every request: one per connection.
struct remote_addrs {
  std::shared_ptr<std::set<std::string>> seen = std::make_shared<std::set<std::string>>();
  std::shared_ptr<gofer::mutex> mu = std::make_shared<gofer::mutex>();
  void add(const std::string& a) const {
    std::lock_guard lock{*mu};
    seen->insert(a);
  }
  std::size_t count() const {
    std::lock_guard lock{*mu};
    return seen->size();
  }
};

}  // namespace

TEST_CASE("hello: a GET answered with a Content-Length body") {
  for_each_scheduler([](const gofer::run_options& options) {
    const std::set<std::string> fds_before = open_fds();
    gofer::run(
        [] {
          test_server t = start(hello);
          auto [resp, err] = http::get(t.url + "/hi?name=gopher%21");
          REQUIRE_FALSE(err);
          CHECK(resp.status_code == 200);
          CHECK(resp.status == "200 OK");
          CHECK(resp.proto == "HTTP/1.1");
          CHECK(resp.body == "hello, gopher!");
          CHECK(resp.header.get("content-length") == "14");
          CHECK(resp.header.get("Content-Type") == "text/plain; charset=utf-8");
          CHECK(resp.header.has("Date"));

          // Two requests in one write (pipelined), answered in order; then
          // an HTTP/1.0 one, which ends the connection.
          const std::string reply = raw_exchange(
              t.addr,
              "GET /?name=one HTTP/1.1\r\nHost: x\r\n\r\n"
              "GET /?name=two HTTP/1.1\r\nHost: x\r\n\r\nGET /?name=three HTTP/1.0\r\n\r\n");
          const auto one = reply.find("hello, one");
          const auto two = reply.find("hello, two");
          const auto three = reply.find("hello, three");
          CHECK(one != std::string::npos);
          CHECK(two != std::string::npos);
          CHECK(three != std::string::npos);
          CHECK((one < two && two < three));
          CHECK(reply.ends_with("Connection: close\r\n\r\nhello, three"));
          stop(t);
        },
        options);
    CHECK_NO_FD_LEAKED(fds_before);
  });
}

TEST_CASE("serve_mux: exact paths, subtrees, methods; 404, 405 and the subtree redirect") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          http::serve_mux mux;
          auto say = [](std::string text) {
            return [text](http::response_writer& w, const http::request& r) {
              w.write(text + " " + r.method() + " " + r.path());
            };
          };
          mux.handle("GET /items", say("list"));
          mux.handle("POST /items", say("create"));
          mux.handle("/static/", say("static"));
          mux.handle("/static/special", say("special"));
          mux.handle("PUT /static/", say("put-static"));
          CHECK_THROWS_AS(mux.handle("GET /items", say("again")), gofer::invalid_argument);
          CHECK_THROWS_AS(mux.handle("/users/{id}", say("x")), gofer::invalid_argument);
          CHECK_THROWS_AS(mux.handle("example.com/", say("x")), gofer::invalid_argument);
          CHECK_THROWS_AS(mux.handle("/x", http::handler{}), gofer::invalid_argument);
          test_server t = start(mux);
          http::client c;

          auto expect = [&](std::string method, std::string path, int code, std::string body) {
            http::client_request req;
            req.method = method;
            req.url = t.url + path;
            auto [resp, err] = c.send(gofer::background(), req);
            REQUIRE_FALSE(err);
            CHECK_MESSAGE(resp.status_code == code, method, " ", path);
            if (!body.empty()) CHECK_MESSAGE(resp.body == body, method, " ", path);
            return resp;
          };
          expect("GET", "/items", 200, "list GET /items");
          expect("POST", "/items", 200, "create POST /items");
          CHECK(expect("HEAD", "/items", 200, "").body.empty());  // GET also serves HEAD
          auto not_allowed = expect("DELETE", "/items", 405, "Method Not Allowed\n");
          CHECK(not_allowed.header.get("Allow") == "GET, HEAD, POST");
          expect("GET", "/static/a/b.css", 200, "static GET /static/a/b.css");
          expect("PUT", "/static/a", 200, "put-static PUT /static/a");           // a method wins
          expect("PUT", "/static/special", 200, "special PUT /static/special");  // exact wins
          expect("GET", "/nothing", 404, "404 page not found\n");
          auto moved = expect("GET", "/static?x=1", 301, "");
          CHECK(moved.header.get("Location") == "/static/?x=1");
          c.close_idle_connections();
          stop(t);
        },
        options);
  });
}

TEST_CASE("POST: the body reaches the handler; a long response goes out chunked") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          test_server t = start([](http::response_writer& w, const http::request& r) {
            if (r.path() == "/echo") {
              w.header().set("Content-Type", r.header().get("Content-Type"));
              w.write(r.body());
              return;
            }
            for (int i = 0; i < 1000; ++i)  // 10,000 bytes: over the 4 KiB buffer
              w.write("0123456789");
          });
          const std::string json = R"({"name":"gopher","langs":["go","c++"]})";
          auto [resp, err] = http::post(t.url + "/echo", "application/json", json);
          REQUIRE_FALSE(err);
          CHECK(resp.status_code == 200);
          CHECK(resp.body == json);
          CHECK(resp.header.get("Content-Type") == "application/json");

          auto [big, big_err] = http::get(t.url + "/big");
          REQUIRE_FALSE(big_err);
          CHECK(big.header.get("Transfer-Encoding") == "chunked");
          CHECK(big.body.size() == 10000);

          // A chunked request body, sent raw.
          const std::string reply = raw_exchange(
              t.addr,
              "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: "
              "close\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n");
          CHECK(reply.starts_with("HTTP/1.1 200 OK\r\n"));
          CHECK(reply.ends_with("\r\n\r\nhello world"));
          stop(t);
        },
        options);
  });
}

TEST_CASE("keep-alive: a client reuses one connection; an idle one the server closed is replaced") {
  for_each_scheduler([](const gofer::run_options& options) {
    const std::set<std::string> fds_before = open_fds();
    gofer::run(
        [] {
          remote_addrs conns;
          test_server t = start(
              [conns](http::response_writer& w, const http::request& r) {
                conns.add(r.remote_addr());
                w.write(r.method());
              },
              {.idle_timeout = 50ms});
          http::client c;
          for (int i = 0; i < 5; ++i) {
            auto [resp, err] =
                i % 2 == 0 ? c.get(t.url + "/") : c.post(t.url + "/", "text/plain", "x");
            REQUIRE_FALSE(err);
            CHECK(resp.body == (i % 2 == 0 ? "GET" : "POST"));
          }
          CHECK(conns.count() == 1);

          gofer::sleep(150ms);  // past idle_timeout: the server closed it
          auto [resp, err] = c.post(t.url + "/", "text/plain", "after");
          REQUIRE_FALSE(err);
          CHECK(resp.body == "POST");
          CHECK(conns.count() == 2);

          // The package functions keep nothing.
          REQUIRE_FALSE(http::get(t.url + "/").err);
          CHECK(conns.count() == 3);
          c.close_idle_connections();
          stop(t);
        },
        options);
    CHECK_NO_FD_LEAKED(fds_before);
  });
}

TEST_CASE("many clients at once, each its own goroutine") {
  for_each_scheduler([](const gofer::run_options& options) {
    const std::set<std::string> fds_before = open_fds();
    gofer::run(
        [] {
          test_server t = start(hello);
          http::client shared;
          std::atomic<int> ok{0};
          gofer::wait_group clients;
          for (int id = 0; id < 20; ++id) {
            clients.go([&, id] {
              for (int i = 0; i < 5; ++i) {
                const std::string name = std::to_string(id) + "-" + std::to_string(i);
                auto [resp, err] = shared.get(t.url + "/?name=" + name);
                REQUIRE_FALSE(err);
                CHECK(resp.body == "hello, " + name);
                ok.fetch_add(1);
              }
            });
          }
          clients.wait();
          CHECK(ok.load() == 100);
          shared.close_idle_connections();
          stop(t);
        },
        options);
    CHECK_NO_FD_LEAKED(fds_before);
  });
}

TEST_CASE("a malformed request gets a 4xx and a close; the next connection is served") {
  for_each_scheduler([](const gofer::run_options& options) {
    const std::set<std::string> fds_before = open_fds();
    gofer::run(
        [] {
          test_server t = start(hello, {.max_header_bytes = 1024, .max_body_bytes = 64});
          struct bad {
            std::string name;
            std::string bytes;
            std::string status_line;
          };
          const std::vector<bad> cases{
              {"bad request line", "GARBAGE\r\n\r\n", "HTTP/1.1 400 Bad Request"},
              {"bad version", "GET / HTTP/9.9x\r\nHost: x\r\n\r\n", "HTTP/1.1 400 Bad Request"},
              {"no Host", "GET / HTTP/1.1\r\n\r\n", "HTTP/1.1 400 Bad Request"},
              {"header over the limit",
               "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(2000, 'a') + "\r\n\r\n",
               "HTTP/1.1 431 Request Header Fields Too Large"},
              {"bad chunking",
               "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: "
               "chunked\r\n\r\nZZ\r\nhello\r\n0\r\n\r\n",
               "HTTP/1.1 400 Bad Request"},
              {"Content-Length over the limit",
               "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n" +
                   std::string(1000, 'b'),
               "HTTP/1.1 413 Request Entity Too Large"},
              {"chunked body over the limit",
               "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n50\r\n" +
                   std::string(80, 'c') + "\r\n0\r\n\r\n",
               "HTTP/1.1 413 Request Entity Too Large"},
          };
          for (const bad& b : cases) {
            CAPTURE(b.name);
            const std::string reply = raw_exchange(t.addr, b.bytes);
            CHECK(reply.starts_with(b.status_line + "\r\n"));
            CHECK(reply.find("Connection: close\r\n") != std::string::npos);
            auto [resp, err] = http::get(t.url + "/");
            REQUIRE_FALSE(err);
            CHECK(resp.body == "hello, world");
          }
          stop(t);
        },
        options);
    CHECK_NO_FD_LEAKED(fds_before);
  });
}

TEST_CASE("error_body_for: the server's own 413 and 400 carry the body it makes") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          test_server t = start(hello, {.max_body_bytes = 64, .error_body_for = [](int status) {
                                          return http::error_body{
                                              "application/json",
                                              "{\"error\": \"" + std::to_string(status) + "\"}"};
                                        }});
          const std::string too_large = raw_exchange(
              t.addr, "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\nbbbb");
          CHECK(too_large.starts_with("HTTP/1.1 413 Request Entity Too Large\r\n"));
          CHECK(too_large.find("Content-Type: application/json\r\n") != std::string::npos);
          CHECK(too_large.find("Content-Length: 16\r\n") != std::string::npos);
          CHECK(too_large.find("Connection: close\r\n") != std::string::npos);
          CHECK(too_large.ends_with("\r\n\r\n{\"error\": \"413\"}"));
          const std::string bad = raw_exchange(t.addr, "GARBAGE\r\n\r\n");
          CHECK(bad.starts_with("HTTP/1.1 400 Bad Request\r\n"));
          CHECK(bad.ends_with("\r\n\r\n{\"error\": \"400\"}"));
          auto [resp, err] = http::get(t.url + "/");  // and the server goes on
          REQUIRE_FALSE(err);
          CHECK(resp.body == "hello, world");
          stop(t);
        },
        options);
  });
}

TEST_CASE("slowloris: a client slower than read_header_timeout is closed; others are served") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          test_server t = start(hello, {.read_header_timeout = 50ms});
          auto [c, err] = net::dial("tcp", t.addr);
          REQUIRE_FALSE(err);
          auto closed = gofer::make_chan<std::string>(1);
          gofer::go([c = c, closed] {  // what the server sends before it closes
            std::string got;
            std::array<char, 256> buffer{};
            for (;;) {
              auto [n, read_err] = c.read(buffer);
              if (read_err) break;
              got.append(buffer.data(), n);
            }
            closed.send(got);
          });
          const std::string header =
              "GET / HTTP/1.1\r\nHost: x\r\nX-Slow: " + std::string(200, 's') + "\r\n\r\n";
          std::size_t sent = 0;
          std::string reply;
          bool ended = false;
          while (!ended && sent < header.size()) {
            gofer::timer tick{20ms};
            switch (gofer::select(gofer::recv_case(closed, reply), gofer::recv_case(tick.c))) {
              case 0:
                ended = true;
                break;
              case 1:
                if (c.write(std::string_view(&header[sent], 1)).err) {
                  ended = true;
                  reply = closed.get();
                }
                ++sent;
                break;
            }
          }
          CHECK(ended);
          CHECK(sent < header.size());
          CHECK(reply.empty());  // closed without an answer, as Go does
          c.close();
          // A well-behaved client meanwhile and after.
          auto [resp, get_err] = http::get(t.url + "/");
          REQUIRE_FALSE(get_err);
          CHECK(resp.status_code == 200);
          stop(t);
        },
        options);
  });
}

TEST_CASE("a handler that throws gets a 500; the server goes on and logs it") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          auto log = gofer::make_chan<std::string>(4);
          test_server t = start(
              [](http::response_writer& w, const http::request& r) {
                if (r.path() == "/boom") {
                  w.write("partial, never sent");
                  throw std::runtime_error("boom");
                }
                w.write("fine");
              },
              {.error_log = [log](std::string_view text) { log.try_send(std::string(text)); }});
          auto [resp, err] = http::get(t.url + "/boom");
          REQUIRE_FALSE(err);
          CHECK(resp.status_code == 500);
          CHECK(resp.body == "Internal Server Error\n");
          const std::string logged = log.get();
          CHECK(logged.starts_with("http: panic serving 127.0.0.1:"));
          CHECK(logged.ends_with(": boom"));
          auto [next, next_err] = http::get(t.url + "/ok");
          REQUIRE_FALSE(next_err);
          CHECK(next.body == "fine");
          stop(t);
        },
        options);
  });
}

TEST_CASE("shutdown waits for a request in flight, then returns; new connections are refused") {
  for_each_scheduler([](const gofer::run_options& options) {
    const std::set<std::string> fds_before = open_fds();
    gofer::run(
        [] {
          auto started = gofer::make_chan<gofer::signal>(1);
          auto release = gofer::make_chan<gofer::signal>();
          test_server t = start([started, release](http::response_writer& w, const http::request&) {
            started.send({});
            release.recv();
            w.write("finished");
          });
          auto got = gofer::make_chan<http::result<http::response>>(1);
          http::client keep_alive;
          gofer::go([url = t.url, got, keep_alive] { got.send(keep_alive.get(url + "/slow")); });
          started.recv();

          auto shut = gofer::make_chan<std::error_code>(1);
          gofer::go([srv = t.srv, shut] { shut.send(srv.shutdown(gofer::background())); });
          gofer_test::let_others_run();
          CHECK_FALSE(shut.try_recv().has_value());  // the handler still runs
          release.send({});
          auto [resp, err] = got.get();
          REQUIRE_FALSE(err);
          CHECK(resp.body == "finished");
          // Asked for keep-alive, but the server is shutting down.
          CHECK(resp.header.get("Connection") == "close");
          CHECK_FALSE(shut.get());
          t.wg.wait();  // serve returned server_closed
          CHECK(http::get(t.url + "/").err == std::errc::connection_refused);
        },
        options);
    CHECK_NO_FD_LEAKED(fds_before);
  });
}

TEST_CASE("shutdown closes idle keep-alive connections at once") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          test_server t = start(hello);
          http::client c;
          REQUIRE_FALSE(c.get(t.url + "/").err);  // its connection now idles in the pool
          CHECK_FALSE(t.srv.shutdown(gofer::background()));
          t.wg.wait();
          c.close_idle_connections();
        },
        options);
  });
}

TEST_CASE("shutdown with an expired ctx closes active connections and cancels their requests") {
  for_each_scheduler([](const gofer::run_options& options) {
    const std::set<std::string> fds_before = open_fds();
    gofer::run(
        [] {
          auto started = gofer::make_chan<gofer::signal>(1);
          auto handler_saw = gofer::make_chan<std::error_code>(1);
          test_server t =
              start([started, handler_saw](http::response_writer& w, const http::request& r) {
                started.send({});
                r.context().done().recv();  // until the server gives up on it
                handler_saw.send(r.context().err());
                w.write("too late");
              });
          auto got = gofer::make_chan<std::error_code>(1);
          gofer::go([url = t.url, got] { got.send(http::get(url + "/stuck").err); });
          started.recv();
          auto [ctx, cancel] = gofer::with_timeout(gofer::background(), 20ms);
          CHECK(t.srv.shutdown(ctx) == gofer::deadline_exceeded);
          cancel();
          CHECK(handler_saw.get() == gofer::canceled);
          CHECK(got.get());  // the client saw its connection closed
          t.wg.wait();
        },
        options);
    CHECK_NO_FD_LEAKED(fds_before);
  });
}

TEST_CASE(
    "client: a context or a timeout ends a request; the handler's context sees the client go") {
  for_each_scheduler([](const gofer::run_options& options) {
    const std::set<std::string> fds_before = open_fds();
    gofer::run(
        [] {
          auto handler_saw = gofer::make_chan<std::error_code>(2);
          test_server t = start([handler_saw](http::response_writer&, const http::request& r) {
            r.context().done().recv();  // cancelled when the client hangs up
            handler_saw.send(r.context().err());
          });
          auto [ctx, cancel] = gofer::with_timeout(gofer::background(), 30ms);
          http::client c;
          CHECK(c.get(ctx, t.url + "/").err == gofer::deadline_exceeded);
          cancel();
          CHECK(handler_saw.get() == gofer::canceled);

          http::client timed{{.timeout = 30ms}};
          const std::error_code err = timed.get(t.url + "/").err;
          CHECK(err == gofer::deadline_exceeded);
          CHECK(gofer::is_timeout(err));
          CHECK(handler_saw.get() == gofer::canceled);
          stop(t);
        },
        options);
    CHECK_NO_FD_LEAKED(fds_before);
  });
}

TEST_CASE("client errors: bad URLs, another scheme, a refused connection") {
  gofer::run([] {
    CHECK(http::get("no scheme").err == http::errc::bad_url);
    CHECK(http::get("https://example.com/").err == http::errc::unsupported_scheme);
    CHECK(http::get("http:///path").err == http::errc::bad_url);
    std::string closed_address;
    {
      auto [ln, err] = net::listen("tcp", "127.0.0.1:0");
      REQUIRE_FALSE(err);
      closed_address = ln.addr();
      ln.close();
    }
    CHECK(http::get("http://" + closed_address + "/").err == std::errc::connection_refused);
    CHECK(http::errc::server_closed == http::make_error_code(http::errc::server_closed));
    CHECK(std::error_code(http::errc::server_closed).message() == "http: Server closed");
  });
}

TEST_CASE("header: canonical keys, case-insensitive lookup; status_text is Go's") {
  http::header h;
  h.add("content-type", "text/html");
  h.add("X-MULTI", "a");
  h.add("x-multi", "b");
  CHECK(h.get("Content-Type") == "text/html");
  CHECK(h.begin()->first == "Content-Type");
  CHECK(h.values("X-Multi") == std::vector<std::string>{"a", "b"});
  h.set("x-multi", "c");
  CHECK(h.values("X-Multi") == std::vector<std::string>{"c"});
  h.del("X-Multi");
  CHECK_FALSE(h.has("x-multi"));
  CHECK(h.get("missing").empty());
  CHECK(http::canonical_header_key("x-forwarded-for") == "X-Forwarded-For");
  CHECK(http::status_text(404) == "Not Found");
  CHECK(http::status_text(413) == "Request Entity Too Large");
  CHECK(http::status_text(999).empty());
}
