// bench/conn_memory.cpp - resident memory per idle connection: N loopback
// TCP connections accepted, each served by a goroutine blocked in read
// with a 4 KiB buffer (a keep-alive connection between requests, as a
// net/http server holds it). Each client sends one byte first, so that each
// buffer has been read into, as after a first request. Reports (VmRSS with them all parked - VmRSS
// before) / N. Twin: bench/go/conn_memory.go.
//
//   conn_memory [N [THREADS]]        # N defaults to 10000
//
// The client is a forked child holding N plain sockets, so only the
// server's memory is counted (the kernel's socket buffers are not RSS in
// either program).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "gofer/net.hpp"
#include "gofer/runtime.hpp"
#include "gofer/sync.hpp"
#include "gofer/time.hpp"

namespace {

long rss_kib() {
  std::ifstream status{"/proc/self/status"};
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("VmRSS:", 0) == 0) return std::strtol(line.c_str() + 6, nullptr, 10);
  }
  return 0;
}

// The child: N connections to port, held until the parent closes `hold`.
[[noreturn]] void client(int port, int n, int hold) {
  std::vector<int> fds;
  for (int i = 0; i < n; ++i) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<std::uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
      std::perror("client connect");
      std::_Exit(1);
    }
    if (::write(fd, "x", 1) != 1) std::_Exit(1);  // a first "request": the buffer is used
    fds.push_back(fd);
  }
  char byte;
  (void)::read(hold, &byte, 1);  // until the parent is done
  std::_Exit(0);
}

}  // namespace

int main(int argc, char** argv) {
  const int n = argc > 1 ? std::atoi(argv[1]) : 10000;
  const std::size_t threads = argc > 2 ? std::strtoul(argv[2], nullptr, 10) : 1;
  gofer::run(
      [&] {
        auto [ln, err] = gofer::net::listen("tcp", "127.0.0.1:0");
        if (err) std::abort();
        const int port = std::atoi(ln.addr().substr(ln.addr().rfind(':') + 1).c_str());
        int hold[2];
        if (::pipe(hold) != 0) std::abort();
        const long before = rss_kib();
        const pid_t child =
            ::fork();  // one thread at this point's goroutine; the child only connects
        if (child == 0) {
          ::close(hold[1]);
          client(port, n, hold[0]);
        }
        ::close(hold[0]);
        gofer::wait_group serving;
        for (int i = 0; i < n; ++i) {
          auto [c, accept_err] = ln.accept();
          if (accept_err) std::abort();
          serving.go([c = c] {
            std::vector<char> buffer(4096);  // Go: make([]byte, 4096)
            for (;;) {
              auto [got, read_err] = c.read(buffer);
              if (read_err) break;
            }
            c.close();
          });
        }
        gofer::sleep(std::chrono::milliseconds(200));  // every server goroutine parked in read
        const long after = rss_kib();
        std::printf("%-8s %-8s %14s\n", "threads", "conns", "bytes/conn");
        std::printf("%-8zu %-8d %14.0f\n", threads, n,
                    static_cast<double>(after - before) * 1024 / n);
        ::close(hold[1]);  // the client exits, the reads end with EOF
        serving.wait();
        ln.close();
        int status = 0;
        ::waitpid(child, &status, 0);
      },
      {.threads = threads});
}
