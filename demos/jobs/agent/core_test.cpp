// Unit tests of gofer-agent's core (gofer_agent_core): base64 and the events'
// JSON, the backoff's bounds, the outbox and its spool (replay, acks, a line
// torn by a kill mid-write), and the /proc sampler on a real process tree.
#include <doctest/doctest.h>

#include <gofer/exec.hpp>
#include <gofer/gofer.hpp>

#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <system_error>

#include "../../../tests/support/temp_dir.hpp"
#include "backoff.hpp"
#include "event.hpp"
#include "outbox.hpp"
#include "proc_sampler.hpp"

using namespace std::chrono_literals;
namespace fs = std::filesystem;
namespace json = boost::json;

namespace {

using gofer_test::temp_dir;

std::string read_file(const fs::path& path) {
  std::ifstream file(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
}

void append_file(const fs::path& path, std::string_view text) {
  std::ofstream file(path, std::ios::binary | std::ios::app);
  file << text;
}

json::object heartbeat() {
  return agent::make_heartbeat_event({.cpu_percent = 12.5, .rss_bytes = 4096, .processes = 2});
}

std::int64_t add(agent::outbox& box, json::object event) {
  std::error_code error;
  const std::int64_t seq = box.add(std::move(event), error);
  REQUIRE_FALSE(error);
  return seq;
}

}  // namespace

TEST_CASE("base64 encodes RFC 4648's test vectors and decodes them back") {
  const std::pair<std::string, std::string> vectors[] = {
      {"", ""},
      {"f", "Zg=="},
      {"fo", "Zm8="},
      {"foo", "Zm9v"},
      {"foob", "Zm9vYg=="},
      {"fooba", "Zm9vYmE="},
      {"foobar", "Zm9vYmFy"},
  };
  for (const auto& [bytes, text] : vectors) {
    CHECK(agent::base64_encode(bytes) == text);
    CHECK(agent::base64_decode(text) == bytes);
  }
  std::string every_byte;
  for (int i = 0; i < 256; ++i)
    every_byte.push_back(static_cast<char>(i));
  for (std::size_t length = 0; length <= every_byte.size(); length += 37) {
    const std::string bytes = every_byte.substr(0, length);
    CHECK(agent::base64_decode(agent::base64_encode(bytes)) == bytes);
  }
}

TEST_CASE("base64_decode refuses what is not base64") {
  CHECK_FALSE(agent::base64_decode("Zm9"));       // not a multiple of 4
  CHECK_FALSE(agent::base64_decode("Zm9v!A=="));  // outside the alphabet
  CHECK_FALSE(agent::base64_decode("Z==="));      // three padding characters
  CHECK_FALSE(agent::base64_decode("Zg==Zm8="));  // padding in the middle
}

TEST_CASE("the events carry the fields and types of docs/design/jobs.md") {
  const json::object start = agent::make_start_event({"sh", "-c", "true"}, 42, 5000, "box");
  CHECK(agent::type_of(start) == "start");
  CHECK(start.at("time_ms").as_int64() > 1'600'000'000'000);
  CHECK(start.at("command") == json::array{"sh", "-c", "true"});
  CHECK(start.at("pid") == 42);
  CHECK(start.at("heartbeat_ms") == 5000);
  CHECK(start.at("agent") == "gofer");
  CHECK(start.at("host") == "box");

  const json::object beat = heartbeat();
  CHECK(beat.at("cpu_percent").as_double() == 12.5);
  CHECK(beat.at("rss_bytes") == 4096);
  CHECK(beat.at("processes") == 2);

  // Output need not be UTF-8: the bytes travel as base64.
  const json::object output = agent::make_output_event("stderr", std::string("\xff<b>\0", 5));
  CHECK(output.at("stream") == "stderr");
  CHECK(agent::base64_decode(output.at("data_b64").as_string()) == std::string("\xff<b>\0", 5));

  agent::process_end end;
  end.signal = SIGKILL;
  end.wall_ms = 1500;
  end.user_cpu_ms = 10;
  end.system_cpu_ms = 3;
  end.max_rss_bytes = 1 << 20;
  const json::object finish = agent::make_finish_event(agent::outcome_killed, end, "");
  CHECK(finish.at("outcome") == "killed");
  CHECK(finish.at("exit_code").is_null());
  CHECK(finish.at("signal") == SIGKILL);
  CHECK(finish.at("wall_ms") == 1500);
  CHECK(finish.at("user_cpu_ms") == 10);
  CHECK(finish.at("system_cpu_ms") == 3);
  CHECK(finish.at("max_rss_bytes") == 1 << 20);
  CHECK(finish.at("error") == "");
  // A round trip through the text a spool line holds changes nothing.
  CHECK(json::parse(json::serialize(finish)) == finish);
}

TEST_CASE("the outcome and the exit status follow how the job ended") {
  agent::process_end exited;
  exited.exit_code = 0;
  CHECK(agent::outcome_of(exited, false) == "succeeded");
  CHECK(agent::exit_status_of_finish(agent::make_finish_event("succeeded", exited, "")) == 0);
  exited.exit_code = 3;
  CHECK(agent::outcome_of(exited, false) == "failed");
  CHECK(agent::exit_status_of_finish(agent::make_finish_event("failed", exited, "")) == 3);
  agent::process_end signalled;
  signalled.signal = SIGTERM;
  CHECK(agent::outcome_of(signalled, false) == "killed");
  CHECK(agent::outcome_of(signalled, true) == "cancelled");
  CHECK(agent::exit_status_of_finish(agent::make_finish_event("cancelled", signalled, "")) ==
        128 + SIGTERM);
  // A restarted agent that found its job gone knows neither.
  CHECK(agent::exit_status_of_finish(agent::make_finish_event("killed", {}, "agent restarted")) ==
        1);
  CHECK_THROWS_AS(agent::exit_status_of_finish(json::object{{"outcome", "failed"}}),
                  std::invalid_argument);
}

TEST_CASE("the backoff's ceiling doubles from the base up to the cap") {
  agent::backoff backoff{100ms, 1s, 1};
  CHECK(backoff.ceiling(1) == 100ms);
  CHECK(backoff.ceiling(2) == 200ms);
  CHECK(backoff.ceiling(3) == 400ms);
  CHECK(backoff.ceiling(4) == 800ms);
  CHECK(backoff.ceiling(5) == 1s);
  CHECK(backoff.ceiling(1000) == 1s);  // no overflow however long the outage
  agent::backoff small_cap{100ms, 30ms, 1};
  CHECK(small_cap.ceiling(1) == 30ms);
  CHECK_THROWS_AS(agent::backoff(0ms, 1s), std::invalid_argument);
}

TEST_CASE("a backoff delay is anywhere from zero to the ceiling (full jitter)") {
  agent::backoff backoff{100ms, 5s, 42};
  for (int attempt = 1; attempt <= 10; ++attempt) {
    auto lowest = backoff.ceiling(attempt), highest = std::chrono::nanoseconds::zero();
    for (int i = 0; i < 2000; ++i) {
      const auto delay = backoff.delay(attempt);
      REQUIRE(delay >= 0ns);
      REQUIRE(delay <= backoff.ceiling(attempt));
      lowest = std::min(lowest, delay);
      highest = std::max(highest, delay);
    }
    // Spread over the whole range, not bunched under the ceiling.
    CHECK(lowest < backoff.ceiling(attempt) / 10);
    CHECK(highest > backoff.ceiling(attempt) * 9 / 10);
  }
}

TEST_CASE("an outbox numbers events from 1 and gives them up oldest first") {
  agent::outbox box;
  CHECK(box.oldest() == nullptr);
  CHECK(add(box, heartbeat()) == 1);
  CHECK(add(box, heartbeat()) == 2);
  REQUIRE(box.oldest() != nullptr);
  CHECK(agent::seq_of(*box.oldest()) == 1);
  // The seq leads the event, as in the protocol's table.
  CHECK(box.oldest()->begin()->key() == "seq");
  CHECK_THROWS_AS(box.acknowledge(2), std::logic_error);  // not the oldest: a bug
  CHECK_FALSE(box.acknowledge(1));
  CHECK(agent::seq_of(*box.oldest()) == 2);
  CHECK_FALSE(box.acknowledge(2));
  CHECK(box.empty());
  CHECK_FALSE(box.has_spool());
}

TEST_CASE("a reopened spool sends again what was not acknowledged and continues the seq") {
  temp_dir dir;
  {
    agent::outbox box;
    REQUIRE_FALSE(box.open_spool(dir.path(), "job-1"));
    add(box, agent::make_start_event({"true"}, 7, 100, "box"));
    add(box, heartbeat());
    add(box, heartbeat());
    CHECK_FALSE(box.acknowledge(1));
  }  // the agent is killed here
  const fs::path spool = dir.path() / "job-1.spool";
  REQUIRE(fs::exists(spool));

  agent::outbox box;
  REQUIRE_FALSE(box.open_spool(dir.path(), "job-1"));
  CHECK(box.replayed() == 2);
  CHECK(box.last_seq() == 3);
  REQUIRE(box.start().has_value());
  CHECK(box.start()->at("pid") == 7);
  CHECK_FALSE(box.finish().has_value());
  CHECK(agent::seq_of(*box.oldest()) == 2);
  CHECK(add(box, heartbeat()) == 4);
  CHECK(box.size() == 3);
}

TEST_CASE("a line torn by a kill mid-write is cut off, and what follows starts on its own line") {
  temp_dir dir;
  const fs::path spool = dir.path() / "job-2.spool";
  {
    agent::outbox box;
    REQUIRE_FALSE(box.open_spool(dir.path(), "job-2"));
    add(box, heartbeat());
    add(box, heartbeat());
  }
  // Killed while writing event 3: it was never sent, so its seq is free.
  append_file(spool, R"({"seq":3,"type":"heartb)");
  {
    agent::outbox box;
    REQUIRE_FALSE(box.open_spool(dir.path(), "job-2"));
    CHECK(box.torn_bytes() == 23);
    CHECK(box.last_seq() == 2);
    CHECK(box.size() == 2);
    CHECK(add(box, heartbeat()) == 3);
    CHECK_FALSE(box.acknowledge(1));
  }
  // Killed while writing the ack of 2: event 2 is sent again, and the
  // tracker answers that duplicate as stored already.
  append_file(spool, R"({"ack":)");
  agent::outbox box;
  REQUIRE_FALSE(box.open_spool(dir.path(), "job-2"));
  CHECK(box.torn_bytes() == 7);
  CHECK(box.malformed_lines() == 0);
  CHECK(box.size() == 2);
  CHECK(agent::seq_of(*box.oldest()) == 2);
  // Every line of the file parses again.
  const std::string text = read_file(spool);
  REQUIRE(text.ends_with('\n'));
  std::size_t begin = 0;
  while (begin < text.size()) {
    const std::size_t end = text.find('\n', begin);
    CHECK(json::parse(text.substr(begin, end - begin)).is_object());
    begin = end + 1;
  }
}

TEST_CASE("a malformed line in the middle of a spool is skipped and counted") {
  temp_dir dir;
  const fs::path spool = dir.path() / "job-3.spool";
  append_file(spool, json::serialize(json::object{{"seq", 1}, {"type", "heartbeat"}}) + "\n");
  append_file(spool, "not json\n");
  append_file(spool, json::serialize(json::object{{"seq", 2}, {"type", "heartbeat"}}) + "\n");
  agent::outbox box;
  REQUIRE_FALSE(box.open_spool(dir.path(), "job-3"));
  CHECK(box.malformed_lines() == 1);
  CHECK(box.size() == 2);
  CHECK(box.last_seq() == 2);
}

TEST_CASE("the spool is removed once the finish is recorded and everything acknowledged") {
  temp_dir dir;
  const fs::path spool = dir.path() / "job-4.spool";
  agent::outbox box;
  REQUIRE_FALSE(box.open_spool(dir.path(), "job-4"));
  add(box, agent::make_start_event({"true"}, 7, 100, "box"));
  agent::process_end end;
  end.exit_code = 0;
  add(box, agent::make_finish_event("succeeded", end, ""));
  CHECK_FALSE(box.acknowledge(1));
  {
    // Restarted with the finish unacknowledged: the job is not run again.
    agent::outbox reopened;
    REQUIRE_FALSE(reopened.open_spool(dir.path(), "job-4-copy"));  // another job: empty
    CHECK_FALSE(reopened.finish().has_value());
  }
  CHECK(fs::exists(spool));
  CHECK_FALSE(box.acknowledge(2));
  CHECK_FALSE(fs::exists(spool));
  CHECK_FALSE(box.has_spool());
  REQUIRE(box.finish().has_value());  // still known, for the exit status
}

TEST_CASE("a reopened spool that holds the finish says so, and removes itself once all is acked") {
  temp_dir dir;
  {
    agent::outbox box;
    REQUIRE_FALSE(box.open_spool(dir.path(), "job-5"));
    add(box, agent::make_start_event({"false"}, 9, 100, "box"));
    agent::process_end end;
    end.exit_code = 1;
    add(box, agent::make_finish_event("failed", end, ""));
    CHECK_FALSE(box.acknowledge(1));
  }
  agent::outbox box;
  REQUIRE_FALSE(box.open_spool(dir.path(), "job-5"));
  REQUIRE(box.finish().has_value());
  CHECK(agent::exit_status_of_finish(*box.finish()) == 1);
  CHECK(box.size() == 1);
  CHECK_FALSE(box.acknowledge(2));
  CHECK_FALSE(fs::exists(dir.path() / "job-5.spool"));
}

TEST_CASE("a spool that cannot be made is an error, and the outbox stays in memory") {
  temp_dir dir;
  append_file(dir.path() / "file", "x");
  agent::outbox box;
  CHECK(box.open_spool(dir.path() / "file" / "below", "job"));
  CHECK_FALSE(box.has_spool());
  CHECK(add(box, heartbeat()) == 1);
}

TEST_CASE("/proc/<pid>/stat parses, whatever the command's name holds") {
  // Fields from a real line; the name holds a space and a ") ".
  const std::string line =
      "4242 (a) b (c)) S 4241 4242 4242 0 -1 4194560 120 0 0 0 17 5 0 0 20 0 1 0 987654 "
      "8503296 321 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n";
  const std::optional<agent::process_stat> stat = agent::parse_process_stat(line);
  REQUIRE(stat.has_value());
  CHECK(stat->pid == 4242);
  CHECK(stat->parent_pid == 4241);
  CHECK(stat->state == 'S');
  CHECK(stat->cpu_ticks == 22);
  CHECK(stat->start_time == 987654);
  CHECK(stat->rss_pages == 321);
  CHECK_FALSE(agent::parse_process_stat("4242 (cut"));
  CHECK_FALSE(agent::parse_process_stat(""));
}

TEST_CASE("the process tree is the root and its descendants by parent pid") {
  const std::vector<agent::process_stat> all = {
      {.pid = 1, .parent_pid = 0},   {.pid = 10, .parent_pid = 1}, {.pid = 30, .parent_pid = 20},
      {.pid = 20, .parent_pid = 10}, {.pid = 11, .parent_pid = 1}, {.pid = 40, .parent_pid = 30},
  };
  std::vector<int> pids;
  for (const agent::process_stat& stat : agent::process_tree(all, 10))
    pids.push_back(stat.pid);
  CHECK(pids == std::vector<int>{10, 30, 20, 40});
  CHECK(agent::process_tree(all, 99).empty());
}

TEST_CASE("the sampler sees a real tree: a shell, its sleeping children and a busy one") {
  gofer::run([] {
    // Two sleepers and a busy loop under one shell: 4 processes at least.
    gofer::exec::cmd shell =
        gofer::exec::command("sh", "-c", "sleep 30 & sleep 30 & (while :; do :; done) & wait");
    shell.new_process_group = true;
    REQUIRE_FALSE(shell.start());
    agent::proc_sampler sampler{shell.pid()};
    agent::resource_sample sample;
    // The children take a moment to appear, and the busy one a tick of CPU
    // to show: look again until both are seen (a bound, not a timing).
    for (int i = 0; i < 500 && (sample.processes < 4 || sample.cpu_percent <= 0); ++i) {
      gofer::sleep(10ms);
      const agent::resource_sample now = sampler.sample();
      sample.processes = std::max(sample.processes, now.processes);
      sample.cpu_percent = std::max(sample.cpu_percent, now.cpu_percent);
      sample.rss_bytes = std::max(sample.rss_bytes, now.rss_bytes);
    }
    CHECK(sample.processes >= 4);
    CHECK(sample.cpu_percent > 0);
    CHECK(sample.rss_bytes > 0);
    REQUIRE(::kill(-shell.pid(), SIGKILL) == 0);
    CHECK(shell.wait());  // "signal: killed"
    CHECK(sampler.sample().processes == 0);
  });
}
