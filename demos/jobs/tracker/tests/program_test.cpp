// Tests of the gofer-tracker program itself, run as a user runs it: a child
// process (gofer::exec) on 127.0.0.1:0, with its database in a temporary
// directory. The one that matters most: events acknowledged before a
// SIGKILL are all there, exactly once, after a restart on the same --db.
#include <doctest/doctest.h>

#include <signal.h>

#include <gofer/exec.hpp>
#include <gofer/gofer.hpp>

#include <array>
#include <atomic>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "support.hpp"

namespace exec = gofer::exec;
namespace http = gofer::http;
namespace json = boost::json;
using tracker_test::api_client;
using tracker_test::finish_event;
using tracker_test::heartbeat_event;
using tracker_test::parse_json;
using tracker_test::start_event;

namespace {

const std::string tracker_program = GOFER_TRACKER_PROGRAM;  // CMake passes it

// gofer-tracker as a child: started, its URL read from the line it prints.
// What it prints after that is collected by a goroutine, so that a full
// pipe never stops it.
class child_tracker {
 public:
  explicit child_tracker(std::vector<std::string> args)
      : cmd_(exec::command(tracker_program, std::move(args))) {
    out_ = cmd_.stdout_pipe();
    REQUIRE_FALSE(cmd_.start());
    constexpr std::string_view prefix = "gofer-tracker: listening on ";
    std::array<char, 256> buffer{};
    while (printed_->find('\n') == std::string::npos) {
      const std::size_t n = out_.read(buffer);
      REQUIRE(n > 0);  // it printed its line before anything else
      printed_->append(buffer.data(), n);
    }
    INFO(*printed_);
    REQUIRE(printed_->starts_with(prefix));
    url_ = printed_->substr(prefix.size(), printed_->find('\n') - prefix.size());
    drained_ = gofer::make_chan<gofer::signal>();
    gofer::go([out = out_, printed = printed_, drained = drained_] {
      *printed += out.read_all();
      drained.close();
    });
  }

  const std::string& url() const { return url_; }
  std::error_code signal(int number) { return cmd_.send_signal(number); }
  // Waits for it to end; what it printed is then complete.
  gofer::failure wait() {
    drained_.recv();
    return cmd_.wait();
  }
  const std::string& printed() const { return *printed_; }

 private:
  exec::cmd cmd_;
  exec::read_pipe out_;
  std::string url_;
  std::shared_ptr<std::string> printed_ = std::make_shared<std::string>();
  gofer::chan<gofer::signal> drained_;
};

// The events of one job: a start, `heartbeats` heartbeats (heartbeat seq s
// at time_ms s * 1000: so a sample names its event), a finish.
std::vector<std::pair<std::string, std::string>> job_events(int heartbeats) {
  std::vector<std::pair<std::string, std::string>> events;
  events.emplace_back("start", start_event(1, {"sleep", "1"}));
  for (int seq = 2; seq < heartbeats + 2; ++seq) {
    events.emplace_back("heartbeat", heartbeat_event(seq, seq, seq * 1000, seq * 1000));
  }
  events.emplace_back("finish", finish_event(heartbeats + 2, "succeeded", 0));
  return events;
}

// What one simulated agent got through before the tracker went away.
struct delivery {
  std::vector<int> acknowledged;  // seqs answered 200
  int attempted = 0;              // the last seq sent (answered or not)
};

int exit_code_of(const gofer::failure& err) {
  const exec::exit_error* exit = exec::as_exit_error(err);
  return exit == nullptr ? (err ? -1 : 0) : exit->exit_code();
}

}  // namespace

TEST_CASE("events acknowledged before a SIGKILL are all there, exactly once, after a restart") {
  tracker_test::temp_dir dir;
  const std::string db = dir.file("tracker.db");
  constexpr int jobs = 4;
  constexpr int heartbeats = 40;
  const auto events = job_events(heartbeats);
  gofer::run([&] {
    std::vector<delivery> deliveries(jobs);
    {
      child_tracker first{{"--listen", "127.0.0.1:0", "--db", db}};
      // Each job's agent posts its events in order, one at a time, until
      // the tracker stops answering; every acknowledgement is counted.
      auto acks = gofer::make_chan<gofer::signal>(jobs * std::ptrdiff_t(events.size()));
      gofer::wait_group agents;
      for (int j = 0; j < jobs; ++j) {
        agents.go([&, j, url = first.url()] {
          http::client client;
          for (std::size_t i = 0; i < events.size(); ++i) {
            const int seq = int(i) + 1;
            deliveries[j].attempted = seq;
            auto [response, err] =
                client.post(url + "/api/jobs/job-" + std::to_string(j) + "/" + events[i].first,
                            "application/json", events[i].second);
            if (err || response.status_code != 200) break;
            deliveries[j].acknowledged.push_back(seq);
            acks.send({});
          }
          client.close_idle_connections();
        });
      }
      // Kill it mid-stream: after a third of the events were acknowledged,
      // while the agents are still sending.
      for (std::size_t n = 0; n < jobs * events.size() / 3; ++n)
        acks.recv();
      REQUIRE_FALSE(first.signal(SIGKILL));
      const gofer::failure killed = first.wait();
      const exec::exit_error* exit = exec::as_exit_error(killed);
      REQUIRE(exit != nullptr);
      CHECK(exit->state().signal() == SIGKILL);
      agents.wait();
      std::size_t delivered = 0;
      for (const delivery& d : deliveries)
        delivered += d.acknowledged.size();
      MESSAGE("acknowledged before the SIGKILL: " << delivered << " of " << jobs * events.size());
      CHECK(delivered < jobs * events.size());  // the kill came mid-stream
    }

    child_tracker second{{"--listen", "127.0.0.1:0", "--db", db}};
    api_client api{second.url()};
    for (int j = 0; j < jobs; ++j) {
      const std::string id = "job-" + std::to_string(j);
      const delivery& d = deliveries[j];
      CAPTURE(id);
      CAPTURE(d.acknowledged.size());
      REQUIRE_FALSE(d.acknowledged.empty());
      // Every acknowledged heartbeat is a sample, once.
      const json::object job = api.job(id);
      std::map<std::int64_t, int> samples;  // time_ms -> how many
      for (const json::value& s : job.at("samples").as_array()) {
        ++samples[s.at("time_ms").as_int64()];
      }
      for (const int seq : d.acknowledged) {
        if (seq >= 2) CHECK(samples[seq * 1000] == 1);
      }
      for (const auto& [time_ms, count] : samples)
        CHECK(count == 1);
      CHECK(job.at("events").as_int64() >= std::int64_t(d.acknowledged.size()));
      CHECK(job.at("events").as_int64() <= d.attempted);

      // The agent re-sends what it may not have delivered, and what follows:
      // an acknowledged event is stored:false, the rest arrive once.
      for (std::size_t i = 0; i < events.size(); ++i) {
        const int seq = int(i) + 1;
        const json::object answer = api.post_event(id, events[i].first, events[i].second);
        if (seq <= int(d.acknowledged.size())) CHECK(answer.at("stored") == false);
        if (seq > d.attempted) CHECK(answer.at("stored") == true);
      }
      const json::object final_job = api.job(id);
      CHECK(final_job.at("events") == std::int64_t(events.size()));
      CHECK(final_job.at("samples").as_array().size() == std::size_t(heartbeats));
      CHECK(final_job.at("state") == "succeeded");
    }

    // SIGTERM: a graceful shutdown, exit status 0.
    REQUIRE_FALSE(second.signal(SIGTERM));
    const gofer::failure stopped = second.wait();
    INFO(second.printed());
    CHECK(exit_code_of(stopped) == 0);
    CHECK(second.printed().ends_with("gofer-tracker: SIGTERM received, shutting down\n"));
  });
}

TEST_CASE("on a non-loopback address with --token-file, /api needs the token") {
  tracker_test::temp_dir dir;
  {
    std::ofstream token{dir.file("token")};
    token << "t0ken\n";  // the line break is not part of it
  }
  gofer::run([&] {
    child_tracker t{
        {"--listen", "0.0.0.0:0", "--db", dir.file("t.db"), "--token-file", dir.file("token")}};
    // It listens on every interface; reach it on loopback.
    const std::string port = t.url().substr(t.url().rfind(':') + 1);
    api_client with{"http://127.0.0.1:" + port, "t0ken"};
    api_client without{"http://127.0.0.1:" + port};
    CHECK(with.post_event("job", "start", start_event(1, {"true"})).at("stored") == true);
    CHECK(without.get("/api/jobs").status_code == 401);
    CHECK(with.get("/api/jobs").status_code == 200);
    REQUIRE_FALSE(t.signal(SIGINT));
    CHECK(exit_code_of(t.wait()) == 0);
    CHECK(t.printed().ends_with("gofer-tracker: SIGINT received, shutting down\n"));
  });
}

TEST_CASE("bad flags: the usage on stderr, exit status 2") {
  tracker_test::temp_dir dir;
  const std::string db = dir.file("t.db");
  const std::vector<std::vector<std::string>> bad_flags{
      {"--bogus"},
      {"--listen", "0.0.0.0:8080", "--db", db},  // not loopback, no token
      {"--listen", "no-port", "--db", db},
      {"--check-every", "0s", "--db", db},
      {"--check-every", "soon", "--db", db},
      {"--unhealthy-after", "0", "--db", db},
      {"--lost-after", "x", "--db", db},
      {"--token-file", dir.file("missing"), "--db", db},
  };
  gofer::run([&] {
    for (const std::vector<std::string>& args : bad_flags) {
      CAPTURE(args.front());
      exec::cmd tracker = exec::command(tracker_program, args);
      std::string err;
      tracker.std_err = exec::stream::into(err);
      auto [out, failure] = tracker.output();
      INFO(err);
      CHECK(exit_code_of(failure) == 2);
      CHECK(out.empty());
      CHECK(err.find("Usage: gofer-tracker") != std::string::npos);
    }
  });
}
