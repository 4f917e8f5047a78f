// bench/http_hello.cpp - a gofer::http server answering every request with
// "hello\n", for bench/http_load (wrk with 64 keep-alive connections).
// Twin: bench/go/http_hello.go. Prints the address it listens on, then
// serves until killed.
//
//   http_hello [THREADS]
#include <cstdio>
#include <cstdlib>

#include "gofer/http.hpp"
#include "gofer/net.hpp"
#include "gofer/runtime.hpp"

int main(int argc, char** argv) {
  const std::size_t threads = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 1;
  gofer::run(
      [] {
        auto [ln, err] = gofer::net::listen("tcp", "127.0.0.1:0");
        if (err) {
          std::fprintf(stderr, "listen: %s\n", err.message().c_str());
          std::exit(1);
        }
        std::printf("%s\n", ln.addr().c_str());
        std::fflush(stdout);
        gofer::http::server server{
            [](gofer::http::response_writer& w, const gofer::http::request&) {
              w.header().set("Content-Type", "text/plain");
              w.write("hello\n");
            }};
        server.serve(ln);
      },
      {.threads = threads});
}
