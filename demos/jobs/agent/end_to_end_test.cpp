// gofer-agent end to end: the program run as a user runs it, on real jobs,
// reporting over real HTTP on 127.0.0.1 to a small tracker written here with
// gofer::http (until gofer-tracker is on this branch). The fake tracker keeps
// what docs/design/jobs.md asks of the real one: it stores each (job_id, seq)
// once, answers {"stored", "cancel"}, and can be told to fail (503), to lose
// its answers (store, then 503), to be down (its listener closed) and to ask
// for a cancel.
//
// Every test checks the contract on what the tracker stored: seq 1..N, each
// once, start first and finish last; and that nothing is left behind: the
// job's process group is gone, and this process has the descriptors it had.
// No test asserts on how fast anything runs: a test that waits for something
// waits for the thing (a log line, an event), never for a time.
#include <doctest/doctest.h>

#include <gofer/exec.hpp>
#include <gofer/gofer.hpp>
#include <gofer/http.hpp>
#include <gofer/net.hpp>

#include <boost/json.hpp>

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "../../../tests/support/processes.hpp"
#include "../../../tests/support/temp_dir.hpp"
#include "event.hpp"

using namespace std::chrono_literals;
namespace exec = gofer::exec;
namespace fs = std::filesystem;
namespace http = gofer::http;
namespace json = boost::json;

namespace {

const std::string agent_program = GOFER_AGENT_PROGRAM;

// The fake tracker. A handle: copies share one state, which the handlers
// (goroutines of the test's gofer::run) and the test read and change.
class fake_tracker {
 public:
  enum class answers { normally, fail, lose };  // lose: store, then answer 503

  fake_tracker() : state_(std::make_shared<state>()) {
    auto [ln, err] = gofer::net::listen("tcp", "127.0.0.1:0");
    REQUIRE_FALSE(err);
    address_ = ln.addr();
    serve(ln);
  }

  std::string url() const { return "http://" + address_; }

  // Down: the listener closes, so connections are refused.
  void stop() {
    if (!up_) return;
    server_.close();
    up_ = false;
  }
  // Up again on the same address.
  void start() {
    if (up_) return;
    auto [ln, err] = gofer::net::listen("tcp", address_);
    REQUIRE_FALSE(err);
    serve(ln);
  }
  void answer(answers how) {
    std::lock_guard guard(state_->lock);
    state_->how = how;
  }
  void cancel(const std::string& job) {
    std::lock_guard guard(state_->lock);
    state_->cancelled.insert(job);
  }

  // The events stored for `job`, by seq.
  std::vector<json::object> events(const std::string& job) const {
    std::lock_guard guard(state_->lock);
    std::vector<json::object> found;
    for (const auto& [key, event] : state_->stored) {
      if (key.first == job) found.push_back(event);
    }
    return found;
  }
  // How many requests for `job` carried an event stored already.
  int duplicates(const std::string& job) const {
    std::lock_guard guard(state_->lock);
    return state_->duplicates[job];
  }
  bool has(const std::string& job, std::string_view type) const {
    for (const json::object& event : events(job)) {
      if (agent::type_of(event) == type) return true;
    }
    return false;
  }

 private:
  struct state {
    std::mutex lock;  // guards what follows
    std::map<std::pair<std::string, std::int64_t>, json::object> stored;
    std::map<std::string, int> duplicates;
    std::set<std::string> cancelled;
    answers how = answers::normally;
  };

  void serve(const gofer::net::listener& ln) {
    server_ = http::server{[state = state_](http::response_writer& w, const http::request& r) {
      handle(*state, w, r);
    }};
    gofer::go([server = server_, ln] { server.serve(ln); });
    up_ = true;
  }

  static void reply(http::response_writer& w, int status, const json::object& body) {
    w.header().set("Content-Type", "application/json");
    w.write_header(status);
    w.write(json::serialize(body));
  }

  // POST /api/jobs/{id}/{type}, as docs/design/jobs.md has it.
  static void handle(state& s, http::response_writer& w, const http::request& r) {
    const std::string prefix = "/api/jobs/";
    const std::string& path = r.path();
    const std::size_t slash = path.rfind('/');
    if (r.method() != "POST" || !path.starts_with(prefix) || slash <= prefix.size()) {
      return reply(w, 404, {{"error", "not found"}});
    }
    const std::string job = path.substr(prefix.size(), slash - prefix.size());
    const std::string type = path.substr(slash + 1);
    boost::system::error_code error;
    json::value body = json::parse(r.body(), error);
    if (error || !body.is_object() || agent::seq_of(body.as_object()) < 1 ||
        agent::type_of(body.as_object()) != type) {
      return reply(w, 400, {{"error", "bad event"}});
    }
    std::lock_guard guard(s.lock);
    if (s.how == answers::fail) return reply(w, 503, {{"error", "failing, as told"}});
    const std::int64_t seq = agent::seq_of(body.as_object());
    const bool stored = s.stored.emplace(std::pair{job, seq}, std::move(body.as_object())).second;
    if (!stored) ++s.duplicates[job];
    if (s.how == answers::lose) return reply(w, 503, {{"error", "answer lost, as told"}});
    reply(w, 200, {{"stored", stored}, {"cancel", s.cancelled.contains(job)}});
  }

  std::shared_ptr<state> state_;
  std::string address_;
  http::server server_{[](http::response_writer&, const http::request&) {}};
  bool up_ = false;
};

// A running gofer-agent: its stdout collected, its stderr read as it comes.
class agent_process {
 public:
  explicit agent_process(std::vector<std::string> args)
      : out_(std::make_unique<std::string>()), cmd_(exec::command(agent_program, std::move(args))) {
    cmd_.std_out = exec::stream::into(*out_);
    err_pipe_ = cmd_.stderr_pipe();
    REQUIRE_FALSE(cmd_.start());
  }

  // Reads the agent's stderr until `text` is in it; false if it ends first.
  bool wait_for(std::string_view text) {
    std::array<char, 4096> buffer{};
    while (err_.find(text) == std::string::npos) {
      std::error_code error;
      const std::size_t n = err_pipe_.read(buffer, error);
      if (error || n == 0) return false;
      err_.append(buffer.data(), n);
    }
    return true;
  }
  void send_signal(int signal_number) { REQUIRE_FALSE(cmd_.send_signal(signal_number)); }

  // Reads stderr to its end and reaps the agent: its exit status, 128 + the
  // signal if one ended it.
  int finish() {
    wait_for("\x01 never printed");
    (void)cmd_.wait();
    const exec::process_state* state = cmd_.state();
    REQUIRE(state != nullptr);
    return state->exited() ? state->exit_code() : 128 + state->signal();
  }

  const std::string& out() const { return *out_; }
  const std::string& err() const { return err_; }

 private:
  std::unique_ptr<std::string> out_;  // where stream::into writes: must not move
  exec::cmd cmd_;
  exec::read_pipe err_pipe_;
  std::string err_;
};

// The flags every test gives: short intervals, so that runs take well under
// a second, and a job id of the test's own.
std::vector<std::string> agent_args(const fake_tracker& tracker, const std::string& job,
                                    std::vector<std::string> extra,
                                    std::vector<std::string> command) {
  std::vector<std::string> args = {"--tracker",   tracker.url(), "--job-id",      job,
                                   "--heartbeat", "50ms",        "--max-backoff", "100ms"};
  args.insert(args.end(), extra.begin(), extra.end());
  args.push_back("--");
  args.insert(args.end(), command.begin(), command.end());
  return args;
}

std::string unique_job(std::string_view name) {
  static int counter = 0;
  return std::string(name) + "-" + std::to_string(::getpid()) + "-" + std::to_string(++counter);
}

// The contract on what the tracker holds for a finished job: seq 1..N each
// once (the map is keyed by seq), start first, finish last and only there.
// Returns the finish event.
json::object check_complete(const fake_tracker& tracker, const std::string& job) {
  const std::vector<json::object> events = tracker.events(job);
  REQUIRE(events.size() >= 2);
  for (std::size_t i = 0; i < events.size(); ++i) {
    CHECK(agent::seq_of(events[i]) == static_cast<std::int64_t>(i + 1));
    CHECK((agent::type_of(events[i]) == "start") == (i == 0));
    CHECK((agent::type_of(events[i]) == "finish") == (i + 1 == events.size()));
  }
  return events.back();
}

// What the job wrote to `stream`, from the output events in seq order.
std::string output_of(const fake_tracker& tracker, const std::string& job,
                      std::string_view stream) {
  std::string bytes;
  for (const json::object& event : tracker.events(job)) {
    if (agent::type_of(event) != "output" || event.at("stream").as_string() != stream) continue;
    const std::optional<std::string> decoded =
        agent::base64_decode(event.at("data_b64").as_string());
    REQUIRE(decoded.has_value());
    bytes += *decoded;
  }
  return bytes;
}

int job_pid(const fake_tracker& tracker, const std::string& job) {
  const std::vector<json::object> events = tracker.events(job);
  REQUIRE_FALSE(events.empty());
  return static_cast<int>(events.front().at("pid").as_int64());
}

// No live process of the job's group is left (a zombie is not live).
bool group_alive(int pgid) {
  return gofer_test::live_processes_in_group(pgid) > 0;
}

std::size_t open_descriptors() {
  return static_cast<std::size_t>(
      std::distance(fs::directory_iterator("/proc/self/fd"), fs::directory_iterator()));
}

// Runs a test body in gofer::run, and checks that it left no descriptor
// open (the tracker's sockets, the agent's pipes).
template <class F>
void run_test(F body) {
  const std::size_t before = open_descriptors();
  gofer::run([&] {
    fake_tracker tracker;
    body(tracker);
    tracker.stop();
  });
  CHECK(open_descriptors() == before);
}

using gofer_test::temp_dir;

// Polls `ready` until it holds: a bounded wait for a thing, not a timing.
template <class F>
bool eventually(F ready) {
  for (int i = 0; i < 2000; ++i) {
    if (ready()) return true;
    gofer::sleep(5ms);
  }
  return false;
}

}  // namespace

TEST_CASE("a job that succeeds: output through and to the tracker, heartbeats, finish") {
  run_test([](fake_tracker& tracker) {
    temp_dir dir;
    const fs::path go_on = dir.path() / "go-on";
    const std::string job = unique_job("succeeds");
    // The job waits until the tracker has a heartbeat, so that one is sure
    // to come without betting on how fast anything runs.
    agent_process agent{agent_args(
        tracker, job, {},
        {"sh", "-c",
         "echo hello; echo oops >&2; while [ ! -e " + go_on.string() + " ]; do sleep 0.01; done"})};
    REQUIRE(eventually([&] { return tracker.has(job, "heartbeat"); }));
    std::ofstream{go_on};
    CHECK(agent.finish() == 0);
    INFO(agent.err());

    const json::object finish = check_complete(tracker, job);
    CHECK(finish.at("outcome") == "succeeded");
    CHECK(finish.at("exit_code") == 0);
    CHECK(finish.at("signal").is_null());
    CHECK(finish.at("error") == "");
    const json::object start = tracker.events(job).front();
    CHECK(start.at("command").as_array().size() == 3);
    CHECK(start.at("agent") == "gofer");
    CHECK(start.at("heartbeat_ms") == 50);
    // Through to the agent's own stdout and stderr, and to the tracker.
    CHECK(agent.out() == "hello\n");
    CHECK(agent.err().find("oops\n") != std::string::npos);
    CHECK(output_of(tracker, job, "stdout") == "hello\n");
    CHECK(output_of(tracker, job, "stderr") == "oops\n");
    // The first heartbeat came while the job waited; a later one may find
    // it exited already (a zombie counts as nothing).
    bool seen_alive = false;
    for (const json::object& event : tracker.events(job)) {
      if (agent::type_of(event) != "heartbeat") continue;
      CHECK(event.at("cpu_percent").as_double() >= 0);
      if (event.at("processes").as_int64() >= 1 && event.at("rss_bytes").as_int64() > 0) {
        seen_alive = true;
      }
    }
    CHECK(seen_alive);
    CHECK(tracker.duplicates(job) == 0);
    CHECK(agent.err().find("send seq=1 type=start attempt=1 -> 200 stored") != std::string::npos);
    CHECK(eventually([&] { return !group_alive(job_pid(tracker, job)); }));
  });
}

TEST_CASE("a job that fails with exit status 3: the agent exits 3, outcome failed") {
  run_test([](fake_tracker& tracker) {
    const std::string job = unique_job("fails");
    agent_process agent{agent_args(tracker, job, {}, {"sh", "-c", "exit 3"})};
    CHECK(agent.finish() == 3);
    const json::object finish = check_complete(tracker, job);
    CHECK(finish.at("outcome") == "failed");
    CHECK(finish.at("exit_code") == 3);
    CHECK(finish.at("signal").is_null());
  });
}

TEST_CASE("a job that kills itself: outcome killed, the agent exits 128 + the signal") {
  run_test([](fake_tracker& tracker) {
    const std::string job = unique_job("killed");
    agent_process agent{agent_args(tracker, job, {}, {"sh", "-c", "kill -KILL $$"})};
    CHECK(agent.finish() == 128 + SIGKILL);
    const json::object finish = check_complete(tracker, job);
    CHECK(finish.at("outcome") == "killed");
    CHECK(finish.at("exit_code").is_null());
    CHECK(finish.at("signal") == SIGKILL);
  });
}

TEST_CASE("the tracker asks to cancel: SIGTERM to the job, outcome cancelled") {
  run_test([](fake_tracker& tracker) {
    const std::string job = unique_job("tracker-cancels");
    tracker.cancel(job);  // the first answer, to the start, carries it
    agent_process agent{agent_args(tracker, job, {"--grace", "10s"}, {"sleep", "30"})};
    CHECK(agent.finish() == 128 + SIGTERM);
    INFO(agent.err());
    const json::object finish = check_complete(tracker, job);
    CHECK(finish.at("outcome") == "cancelled");
    CHECK(finish.at("signal") == SIGTERM);
    CHECK(agent.err().find("200 stored cancel") != std::string::npos);
    CHECK(eventually([&] { return !group_alive(job_pid(tracker, job)); }));
  });
}

TEST_CASE("SIGTERM to the agent: SIGTERM to a job that ignores it, the grace, then SIGKILL") {
  run_test([](fake_tracker& tracker) {
    const std::string job = unique_job("agent-terminated");
    agent_process agent{agent_args(tracker, job, {"--grace", "200ms"},
                                   {"sh", "-c", "trap '' TERM; echo ready >&2; sleep 30"})};
    REQUIRE(agent.wait_for("ready\n"));  // the trap is set
    agent.send_signal(SIGTERM);
    CHECK(agent.finish() == 128 + SIGKILL);
    INFO(agent.err());
    const json::object finish = check_complete(tracker, job);
    CHECK(finish.at("outcome") == "cancelled");
    CHECK(finish.at("signal") == SIGKILL);
    CHECK(agent.err().find("cancelling (SIGTERM received)") != std::string::npos);
    CHECK(agent.err().find("grace period over: SIGKILL") != std::string::npos);
    // The shell's sleep ignored SIGTERM too; SIGKILL to the group took both.
    CHECK(eventually([&] { return !group_alive(job_pid(tracker, job)); }));
  });
}

TEST_CASE("the tracker down for the whole job, then up: everything arrives, once") {
  run_test([](fake_tracker& tracker) {
    const std::string job = unique_job("tracker-down");
    tracker.stop();
    agent_process agent{agent_args(tracker, job, {}, {"sh", "-c", "echo out; echo err >&2"})};
    REQUIRE(agent.wait_for("job ended succeeded"));
    REQUIRE(agent.wait_for("type=start attempt=2 -> connection refused; retry in"));
    CHECK(tracker.events(job).empty());
    tracker.start();
    CHECK(agent.finish() == 0);
    INFO(agent.err());
    const json::object finish = check_complete(tracker, job);
    CHECK(finish.at("outcome") == "succeeded");
    CHECK(output_of(tracker, job, "stdout") == "out\n");
    CHECK(output_of(tracker, job, "stderr") == "err\n");
    CHECK(tracker.duplicates(job) == 0);  // one acknowledged send per event
  });
}

TEST_CASE("answers lost after the tracker stored: re-sent, stored once, nothing duplicated") {
  run_test([](fake_tracker& tracker) {
    const std::string job = unique_job("answers-lost");
    tracker.answer(fake_tracker::answers::lose);
    agent_process agent{agent_args(tracker, job, {}, {"sh", "-c", "echo x"})};
    REQUIRE(agent.wait_for("job ended succeeded"));
    REQUIRE(agent.wait_for("type=start attempt=2 -> 503 retry; retry in"));
    tracker.answer(fake_tracker::answers::normally);
    CHECK(agent.finish() == 0);
    INFO(agent.err());
    check_complete(tracker, job);
    CHECK(tracker.duplicates(job) > 0);
    CHECK(agent.err().find("200 duplicate") != std::string::npos);
  });
}

TEST_CASE("the agent SIGKILLed mid-job and restarted with its spool: nothing lost or duplicated") {
  run_test([](fake_tracker& tracker) {
    temp_dir spool;
    const std::string job = unique_job("agent-restarted");
    const std::vector<std::string> args = agent_args(
        tracker, job, {"--spool", spool.path().string()}, {"sh", "-c", "echo before; sleep 30"});
    {
      // Some events acknowledged, then some kept back by a failing tracker.
      agent_process agent{args};
      REQUIRE(agent.wait_for("type=start attempt=1 -> 200 stored"));
      tracker.answer(fake_tracker::answers::fail);
      REQUIRE(agent.wait_for("-> 503 retry; retry in"));
      // Output is in the outbox (and the spool) once its batch is made: the
      // at most 200 ms of it the agent holds before that die with it.
      REQUIRE(eventually([&] {
        std::ifstream file(spool.path() / (job + ".spool"));
        const std::string text{std::istreambuf_iterator<char>(file),
                               std::istreambuf_iterator<char>()};
        return text.find(R"("type":"output")") != std::string::npos;
      }));
      agent.send_signal(SIGKILL);  // the agent only: its job runs on
      CHECK(agent.finish() == 128 + SIGKILL);
    }
    const int pgid = job_pid(tracker, job);
    CHECK(group_alive(pgid));
    tracker.answer(fake_tracker::answers::normally);
    agent_process restarted{args};
    CHECK(restarted.finish() == 128 + SIGKILL);
    INFO(restarted.err());
    const json::object finish = check_complete(tracker, job);
    CHECK(finish.at("outcome") == "killed");
    CHECK(finish.at("error") == "agent restarted");
    CHECK(finish.at("signal") == SIGKILL);
    CHECK(output_of(tracker, job, "stdout") == "before\n");
    CHECK(restarted.out().empty());  // the job did not run again
    CHECK(eventually([&] { return !group_alive(pgid); }));
    CHECK(fs::is_empty(spool.path()));  // all delivered: the spool is removed
  });
}

TEST_CASE("an agent killed after its job finished delivers on restart, and never reruns the job") {
  run_test([](fake_tracker& tracker) {
    temp_dir spool, work;
    const fs::path runs = work.path() / "runs";
    const std::string job = unique_job("finished-then-killed");
    const std::vector<std::string> args =
        agent_args(tracker, job, {"--spool", spool.path().string()},
                   {"sh", "-c", "echo ran >> " + runs.string() + "; exit 4"});
    tracker.answer(fake_tracker::answers::fail);
    {
      agent_process agent{args};
      REQUIRE(agent.wait_for("job ended failed exit_code=4 signal=None (exit status 4)"));
      agent.send_signal(SIGKILL);
      CHECK(agent.finish() == 128 + SIGKILL);
    }
    tracker.answer(fake_tracker::answers::normally);
    agent_process restarted{args};
    CHECK(restarted.finish() == 4);  // the recorded status
    INFO(restarted.err());
    const json::object finish = check_complete(tracker, job);
    CHECK(finish.at("outcome") == "failed");
    CHECK(finish.at("exit_code") == 4);
    std::ifstream file(runs);
    CHECK(std::string{std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()} ==
          "ran\n");
    CHECK(fs::is_empty(spool.path()));
  });
}

TEST_CASE("a command that does not exist: failed_to_start, exit status 127") {
  run_test([](fake_tracker& tracker) {
    const std::string job = unique_job("no-such-command");
    agent_process agent{agent_args(tracker, job, {}, {"/no/such/command", "x"})};
    CHECK(agent.finish() == 127);
    const json::object finish = check_complete(tracker, job);
    CHECK(finish.at("outcome") == "failed_to_start");
    CHECK(finish.at("exit_code") == 127);
    CHECK(finish.at("error").as_string().size() > 0);
    CHECK(tracker.events(job).front().at("pid") == 0);
  });
}

TEST_CASE("undelivered after --deliver-timeout, without a spool: exit status 75") {
  run_test([](fake_tracker& tracker) {
    const std::string job = unique_job("undelivered");
    tracker.stop();
    agent_process agent{agent_args(tracker, job, {"--deliver-timeout", "100ms"}, {"true"})};
    CHECK(agent.finish() == 75);
    CHECK(agent.err().find("events not delivered") != std::string::npos);
  });
}

TEST_CASE("bad flags print the usage on stderr and exit with status 2") {
  const std::vector<std::vector<std::string>> bad = {
      {"--job-id", "j", "--", "true"},                                       // no --tracker
      {"--tracker", "http://127.0.0.1:1", "--", "true"},                     // no --job-id
      {"--tracker", "http://127.0.0.1:1", "--job-id", "j"},                  // no command
      {"--tracker", "http://127.0.0.1:1", "--job-id", "j", "--"},            // still none
      {"--tracker", "http://127.0.0.1:1", "--job-id", "a/b", "--", "true"},  // bad id
      {"--tracker", "ftp://x", "--job-id", "j", "--", "true"},
      {"--tracker", "http://127.0.0.1:1", "--job-id", "j", "--heartbeat", "5", "--", "true"},
      {"--tracker", "http://127.0.0.1:1", "--job-id", "j", "--heartbeat", "0s", "--", "true"},
      {"--tracker", "http://127.0.0.1:1", "--job-id", "j", "--bogus", "--", "true"},
      {"--tracker", "http://127.0.0.1:1", "--job-id", "j", "--token-file", "/no/such", "--",
       "true"},
  };
  gofer::run([&] {
    for (const std::vector<std::string>& args : bad) {
      exec::cmd agent = exec::command(agent_program, args);
      std::string out, err;
      agent.std_out = exec::stream::into(out);
      agent.std_err = exec::stream::into(err);
      const gofer::failure result = agent.run();
      const exec::exit_error* exit = exec::as_exit_error(result);
      INFO(args.size(), " args; stderr: ", err);
      REQUIRE(exit != nullptr);
      CHECK(exit->exit_code() == 2);
      CHECK(err.find("Usage: gofer-agent") != std::string::npos);
      CHECK(out.empty());
    }
  });
}
