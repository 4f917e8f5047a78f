// Tests of the monitor's real checks and of its signal case (real_checks.hpp,
// monitor.cpp). Each runs the monitor program as a user would, from a
// goroutine, against a listener this test opens, and asserts on the lines it
// prints and on how it ends; never on timings.
#include <doctest/doctest.h>

#include <signal.h>

#include <array>
#include <atomic>
#include <memory>
#include <string>
#include <string_view>

#include <gofer/exec.hpp>
#include <gofer/gofer.hpp>
#include <gofer/http.hpp>
#include <gofer/net.hpp>

namespace exec = gofer::exec;

namespace {

// The monitor demo's path (CMake passes it).
const std::string monitor_program = GOFER_MONITOR_PROGRAM;

// Appends what the monitor prints to `seen` until `wanted` is in it; false
// if its stdout ends first.
bool read_until(const exec::read_pipe& out, std::string& seen, std::string_view wanted) {
  std::array<char, 512> buffer{};
  while (seen.find(wanted) == std::string::npos) {
    const std::size_t n = out.read(buffer);
    if (n == 0) return false;
    seen.append(buffer.data(), n);
  }
  return true;
}

bool contains(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

bool ends_with(const std::string& text, std::string_view end) {
  return text.ends_with(end);
}

// The monitor said it stopped. Its checkers go on while main stops (this
// monitor's flaw, which cancel.cpp fixes): one that was mid-check when main
// returned may still report, on another thread, before the run ends it.
// Only such reports (lines starting with `report`) may follow.
void check_stopped(const std::string& seen, const std::string& stopped, const std::string& report) {
  const std::size_t at = seen.find(stopped);
  REQUIRE(at != std::string::npos);
  std::string after = seen.substr(at + stopped.size());
  while (!after.empty()) {
    const std::size_t end = after.find('\n');
    REQUIRE(end != std::string::npos);
    INFO("after the stop: ", after.substr(0, end));
    CHECK(after.rfind(report, 0) == 0);
    after.erase(0, end + 1);
  }
}

}  // namespace

TEST_CASE("a tcp check is up while the listener listens, and down once it is closed") {
  gofer::run([] {
    auto [ln, err] = gofer::net::listen("tcp", "127.0.0.1:0");
    REQUIRE_FALSE(err);
    const std::string spec = "tcp://" + ln.addr();
    exec::cmd monitor = exec::command(monitor_program, "--check", spec, "--periods", "20ms,1s,1s",
                                      "--timeout", "10s");
    const exec::read_pipe out = monitor.stdout_pipe();
    REQUIRE_FALSE(monitor.start());

    // The kernel completes the monitor's connections in the listener's
    // backlog; nobody needs to accept them.
    std::string seen;
    REQUIRE(read_until(out, seen, "check " + spec + " up @"));
    ln.close();
    seen += out.read_all();
    const gofer::failure result = monitor.wait();
    INFO(seen);
    CHECK_FALSE(result);
    CHECK(contains(seen, "check " + spec + " down ("));
    CHECK(ends_with(seen, "Problem detected on first checker\n"));
  });
}

TEST_CASE("an http check is up on 2xx and down on any other status") {
  gofer::run([] {
    auto [ln, err] = gofer::net::listen("tcp", "127.0.0.1:0");
    REQUIRE_FALSE(err);
    auto healthy = std::make_shared<std::atomic<bool>>(true);
    gofer::http::server server{
        [healthy](gofer::http::response_writer& w, const gofer::http::request&) {
          if (!healthy->load()) w.write_header(503);
          w.write("ok\n");
        }};
    gofer::go([server, ln = ln] { server.serve(ln); });
    const std::string spec = "http://" + ln.addr() + "/health";
    exec::cmd monitor = exec::command(monitor_program, "--check", spec, "--periods", "20ms,1s,1s",
                                      "--timeout", "10s");
    const exec::read_pipe out = monitor.stdout_pipe();
    REQUIRE_FALSE(monitor.start());
    std::string seen;
    REQUIRE(read_until(out, seen, "check " + spec + " up @"));
    healthy->store(false);
    seen += out.read_all();
    const gofer::failure result = monitor.wait();
    INFO(seen);
    CHECK_FALSE(result);
    CHECK(contains(seen, "check " + spec + " down (503 Service Unavailable)"));
    CHECK(ends_with(seen, "Problem detected on first checker\n"));
    server.close();
  });
}

TEST_CASE("an exec check is down when the command exits with a status other than 0") {
  gofer::run([] {
    exec::cmd monitor =
        exec::command(monitor_program, "--check", "exec:false", "--periods", "20ms,1s,1s");
    auto [out, err] = monitor.output();
    INFO(out);
    CHECK_FALSE(err);
    CHECK(out == "check exec:false down (exit status 1) @" + out.substr(out.find('@') + 1));
    CHECK(ends_with(out, "\nProblem detected on first checker\n"));
  });
}

TEST_CASE("SIGINT after the first report stops the monitor cleanly, with exit status 0") {
  gofer::run([] {
    exec::cmd monitor = exec::command(monitor_program, "--check", "exec:true", "--check",
                                      "exec:sh -c true", "--periods", "20ms,30ms,1s");
    const exec::read_pipe out = monitor.stdout_pipe();
    REQUIRE_FALSE(monitor.start());
    std::string seen;
    REQUIRE(read_until(out, seen, "check exec:true up @"));
    REQUIRE_FALSE(monitor.send_signal(SIGINT));
    seen += out.read_all();
    const gofer::failure result = monitor.wait();
    INFO(seen);
    CHECK_FALSE(result);
    CHECK_FALSE(contains(seen, " down ("));
    check_stopped(seen, "SIGINT received, stopping\nmonitor stopped\n", "check exec:");
  });
}

TEST_CASE("SIGTERM stops the simulated monitor too, through the same case") {
  gofer::run([] {
    exec::cmd monitor = exec::command(monitor_program, "--periods", "20ms,30ms,1h");
    const exec::read_pipe out = monitor.stdout_pipe();
    REQUIRE_FALSE(monitor.start());
    std::string seen;
    REQUIRE(read_until(out, seen, "check health 20ms @"));
    REQUIRE_FALSE(monitor.send_signal(SIGTERM));
    seen += out.read_all();
    const gofer::failure result = monitor.wait();
    INFO(seen);
    CHECK_FALSE(result);
    CHECK_FALSE(contains(seen, "Problem detected"));
    check_stopped(seen, "SIGTERM received, stopping\nmonitor stopped\n", "check health ");
  });
}
