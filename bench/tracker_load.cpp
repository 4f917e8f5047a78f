// bench/tracker_load.cpp - a load generator for gofer-tracker, written with
// gofer: N simulated agents, one goroutine each, post a job's events as
// gofer-agent does (docs/design/jobs.md): a start, a heartbeat every
// interval (with an output event every few), a finish. Each agent has its
// own keep-alive connection and sends one request at a time, as the
// agent's delivery goroutine does. It prints the events acknowledged per
// second and the latency of each request (p50, p99, max).
//
//   tracker_load --url http://127.0.0.1:8080 --agents 1000 --duration 30s
//   tracker_load --tracker build/release/demos/jobs/tracker/gofer-tracker --agents 20 --duration 1s
//
// --tracker PROGRAM starts that gofer-tracker itself (on 127.0.0.1:0, with
// a database in a temporary directory) and stops it with SIGTERM at the
// end: one command for a smoke test. --heartbeat 0s sends back to back:
// the tracker's saturation, rather than a realistic load.
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <boost/json.hpp>
#include <gofer/exec.hpp>
#include <gofer/gofer.hpp>
#include <gofer/http.hpp>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <random>
#include <string>
#include <vector>

using namespace std::chrono_literals;
namespace json = boost::json;

namespace {

struct options {
  std::string url;
  std::string tracker_program;
  std::string token;
  int agents = 1000;
  gofer::duration duration = 30s;
  gofer::duration heartbeat = 1s;
  int output_every = 5;  // heartbeats per output event
  std::size_t threads = gofer::default_threads();
};

// What one agent saw.
struct agent_result {
  std::vector<gofer::duration> latencies;  // of acknowledged requests
  std::size_t errors = 0;                  // failed sends and non-200 answers
};

std::int64_t unix_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string event(std::int64_t seq, const char* type, json::object fields) {
  fields["seq"] = seq;
  fields["type"] = type;
  fields["time_ms"] = unix_ms();
  return json::serialize(fields);
}

// One agent: its events in order, one request at a time, until `deadline`.
void run_agent(const options& opts, const std::string& job_id, gofer::time_point deadline,
               gofer::duration first_delay, agent_result& result) {
  gofer::http::client client;
  const std::string base = opts.url + "/api/jobs/" + job_id + "/";
  std::int64_t seq = 0;
  auto post = [&](const char* type, std::string body) {
    gofer::http::client_request request;
    request.method = "POST";
    request.url = base + type;
    request.header.set("Content-Type", "application/json");
    if (!opts.token.empty()) request.header.set("Authorization", "Bearer " + opts.token);
    request.body = std::move(body);
    const gofer::time_point sent = gofer::now();
    auto [response, err] = client.send(gofer::background(), request);
    if (err || response.status_code != 200) {
      if (result.errors++ == 0) {  // the first of each agent, to see why
        std::fprintf(stderr, "%s%s: %s\n", base.c_str(), type,
                     err ? err.message().c_str() : response.status.c_str());
        if (!err) std::fprintf(stderr, "%s", response.body.c_str());
      }
      return;
    }
    result.latencies.push_back(gofer::since(sent));
  };

  gofer::sleep(first_delay);  // agents spread over one interval, not all at once
  // Back to back (--heartbeat 0s), an agent still claims a real interval:
  // 1 s, so that the tracker's health rule judges it as it would a real one.
  const std::int64_t heartbeat_ms =
      opts.heartbeat > gofer::duration::zero()
          ? std::max<std::int64_t>(
                1, std::chrono::duration_cast<std::chrono::milliseconds>(opts.heartbeat).count())
          : 1000;
  post("start", event(++seq, "start",
                      {{"command", json::array{"sleep", "3600"}},
                       {"pid", 10000},
                       {"heartbeat_ms", heartbeat_ms},
                       {"agent", "gofer"},
                       {"host", "load"}}));
  const std::string output_b64 = "aGVsbG8sIHRyYWNrZXIK";  // "hello, tracker\n"
  int beats = 0;
  while (gofer::now() < deadline) {
    if (opts.heartbeat > gofer::duration::zero()) gofer::sleep(opts.heartbeat);
    post("heartbeat", event(++seq, "heartbeat",
                            {{"cpu_percent", 12.5}, {"rss_bytes", 50 << 20}, {"processes", 1}}));
    if (++beats % opts.output_every == 0) {
      post("output", event(++seq, "output", {{"stream", "stdout"}, {"data_b64", output_b64}}));
    }
  }
  post("finish", event(++seq, "finish",
                       {{"outcome", "succeeded"},
                        {"exit_code", 0},
                        {"signal", nullptr},
                        {"wall_ms", 1000},
                        {"user_cpu_ms", 1},
                        {"system_cpu_ms", 1},
                        {"max_rss_bytes", 50 << 20},
                        {"error", ""}}));
  client.close_idle_connections();
}

double ms(gofer::duration d) {
  return std::chrono::duration<double, std::milli>(d).count();
}

int run(options opts) {
  // --tracker: our own tracker, on a free port, with a throwaway database.
  std::optional<gofer::exec::cmd> tracker;
  gofer::chan<gofer::signal> tracker_drained;
  std::filesystem::path temp;
  if (!opts.tracker_program.empty()) {
    std::string pattern = (std::filesystem::temp_directory_path() / "tracker-load-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) {
      std::perror("mkdtemp");
      return 1;
    }
    temp = pattern;
    tracker.emplace(gofer::exec::command(opts.tracker_program, "--listen", "127.0.0.1:0", "--db",
                                         (temp / "load.db").string()));
    const gofer::exec::read_pipe out = tracker->stdout_pipe();
    if (gofer::failure err = tracker->start()) {
      std::fprintf(stderr, "start %s: %s\n", opts.tracker_program.c_str(), err.message().c_str());
      return 1;
    }
    std::string line;
    std::array<char, 256> buffer{};
    while (line.find('\n') == std::string::npos) {
      const std::size_t n = out.read(buffer);
      if (n == 0) break;
      line.append(buffer.data(), n);
    }
    const auto at = line.find("http://");
    if (at == std::string::npos) {
      std::fprintf(stderr, "the tracker did not say where it listens: %s\n", line.c_str());
      return 1;
    }
    opts.url = line.substr(at, line.find('\n') - at);
    // What it prints next (state changes) is read and dropped, to the end,
    // before wait() closes the pipe.
    tracker_drained = gofer::make_chan<gofer::signal>();
    gofer::go([out, drained = tracker_drained] {
      (void)out.read_all();
      drained.close();
    });
  }

  const std::string run_id = std::to_string(unix_ms()) + "-" + std::to_string(getpid());
  std::vector<agent_result> results(std::size_t(opts.agents));
  std::mt19937 random{42};
  std::uniform_int_distribution<std::int64_t> spread(
      0, std::max<std::int64_t>(
             0, std::chrono::duration_cast<std::chrono::microseconds>(opts.heartbeat).count()));
  const gofer::time_point start = gofer::now();
  const gofer::time_point deadline = start + opts.duration;
  gofer::wait_group agents;
  for (int i = 0; i < opts.agents; ++i) {
    const gofer::duration delay = std::chrono::microseconds(spread(random));
    agents.go(
        [&opts, &results, i, deadline, delay, id = "load-" + run_id + "-" + std::to_string(i)] {
          run_agent(opts, id, deadline, delay, results[std::size_t(i)]);
        });
  }
  agents.wait();
  const gofer::duration elapsed = gofer::since(start);

  std::vector<gofer::duration> all;
  std::size_t errors = 0;
  for (agent_result& r : results) {
    all.insert(all.end(), r.latencies.begin(), r.latencies.end());
    errors += r.errors;
  }
  std::sort(all.begin(), all.end());
  // Fairness: how many events the least and the most served agents got
  // through, and how long the slowest first request (connect included) took.
  std::size_t fewest = all.size(), most = 0;
  gofer::duration slowest_first{};
  for (const agent_result& r : results) {
    fewest = std::min(fewest, r.latencies.size());
    most = std::max(most, r.latencies.size());
    if (!r.latencies.empty()) slowest_first = std::max(slowest_first, r.latencies.front());
  }
  auto percentile = [&all](double p) {
    return all.empty() ? gofer::duration::zero()
                       : all[std::min(all.size() - 1, std::size_t(p * double(all.size())))];
  };
  std::printf("tracker_load: %d agents, heartbeat %s, %s, %zu threads, against %s\n", opts.agents,
              gofer::format_duration(opts.heartbeat).c_str(),
              gofer::format_duration(opts.duration).c_str(), opts.threads, opts.url.c_str());
  std::printf("events acknowledged: %zu in %.2f s = %.0f events/s; errors: %zu\n", all.size(),
              std::chrono::duration<double>(elapsed).count(),
              double(all.size()) / std::chrono::duration<double>(elapsed).count(), errors);
  std::printf("latency: p50 %.2f ms, p99 %.2f ms, max %.2f ms\n", ms(percentile(0.50)),
              ms(percentile(0.99)), all.empty() ? 0.0 : ms(all.back()));
  std::printf("per agent: %zu to %zu events; slowest first request %.2f ms\n", fewest, most,
              ms(slowest_first));

  int status = errors == 0 && !all.empty() ? 0 : 1;
  if (tracker) {
    (void)tracker->send_signal(SIGTERM);
    tracker_drained.recv();
    if (gofer::failure err = tracker->wait()) {
      std::fprintf(stderr, "the tracker ended with: %s\n", err.message().c_str());
      status = 1;
    }
    std::error_code ignored;
    std::filesystem::remove_all(temp, ignored);
  }
  return status;
}

}  // namespace

int main(int argc, char** argv) {
  options opts;
  std::string duration_text = "30s", heartbeat_text = "1s";
  CLI::App app{"Load for gofer-tracker: N agents, each a goroutine posting a job's events.",
               "tracker_load"};
  auto* url = app.add_option("--url", opts.url, "the tracker, http://HOST:PORT");
  auto* program = app.add_option("--tracker", opts.tracker_program,
                                 "start this gofer-tracker (on 127.0.0.1:0, a temporary --db)");
  url->excludes(program);
  app.add_option("--token", opts.token, "the bearer token, if the tracker wants one");
  app.add_option("--agents", opts.agents, "simulated agents")->capture_default_str();
  app.add_option("--duration", duration_text, "how long they send heartbeats")
      ->capture_default_str();
  app.add_option("--heartbeat", heartbeat_text, "each agent's interval; 0s: back to back")
      ->capture_default_str();
  app.add_option("--output-every", opts.output_every, "heartbeats per output event")
      ->capture_default_str();
  app.add_option("--threads", opts.threads, "gofer::run's threads")->capture_default_str();
  try {
    app.parse(argc, argv);
    opts.duration = gofer::parse_duration(duration_text);
    opts.heartbeat = gofer::parse_duration(heartbeat_text);
    if (opts.url.empty() && opts.tracker_program.empty()) {
      throw CLI::ValidationError("--url or --tracker is required");
    }
    if (opts.agents < 1 || opts.output_every < 1 || opts.threads < 1) {
      throw CLI::ValidationError("--agents, --output-every and --threads must be at least 1");
    }
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);  // --help
    std::fprintf(stderr, "tracker_load: %s\n\n%s", e.what(), app.help().c_str());
    return 2;
  } catch (const std::invalid_argument& e) {
    std::fprintf(stderr, "tracker_load: %s\n%s", e.what(), app.help().c_str());
    return 2;
  }
  return gofer::run([&] { return run(opts); }, {.threads = opts.threads});
}
