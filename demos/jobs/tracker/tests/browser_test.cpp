// The status page in a real browser: headless Chromium loads it from a
// tracker running in this process, with jobs in every state, and this
// checks the DOM Chromium built (rows, data-state values, escaped text) and
// saves a screenshot (the one docs/learn/img/jobs-status.png copies).
//
//   tracker_browser_test SCREENSHOT.png
//
// Exit status: 0 passed, 1 failed, 77 skipped (no chromium on $PATH;
// CTest's SKIP_RETURN_CODE). A plain program, not doctest: the skip needs
// its own exit status.
// support.hpp's helpers check with doctest's macros; here they are no-ops
// (what this test checks, it checks in the DOM).
#define DOCTEST_CONFIG_DISABLE

#include <gofer/exec.hpp>
#include <gofer/gofer.hpp>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#include "support.hpp"

using namespace std::chrono_literals;
namespace exec = gofer::exec;
using tracker_test::finish_event;
using tracker_test::heartbeat_event;
using tracker_test::output_event;
using tracker_test::start_event;

namespace {

int failures = 0;

void check(bool ok, const std::string& what) {
  std::printf("%s: %s\n", ok ? "ok" : "FAILED", what.c_str());
  if (!ok) ++failures;
}

std::size_t count(const std::string& text, std::string_view part) {
  std::size_t n = 0;
  for (std::size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) {
    ++n;
  }
  return n;
}

// Chromium, headless, with a profile of its own in `profile` (not $HOME's);
// its stderr (D-Bus complaints in a container) is dropped. A minute at most.
exec::output_result chromium(const std::string& chromium_path, const std::string& profile,
                             std::vector<std::string> args) {
  std::vector<std::string> all{"--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                               "--user-data-dir=" + profile};
  all.insert(all.end(), args.begin(), args.end());
  auto [ctx, cancel] = gofer::with_timeout(gofer::background(), 60s);
  exec::cmd browser = exec::command_context(ctx, chromium_path, all);
  exec::output_result result = browser.output();
  cancel();
  return result;
}

// The jobs of the picture: one per state, with samples for the
// sparklines, started over the last twelve minutes (as the agent's clock
// says: the page shows the agents' times).
void post_jobs(tracker_test::api_client& api) {
  const std::int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                  std::chrono::system_clock::now().time_since_epoch())
                                  .count();
  const std::int64_t t0 = now_ms - 12 * 60'000;
  // n heartbeats of job `id` every `every_ms` from `start`: a CPU wave, a growing RSS.
  auto samples = [&](const std::string& id, std::int64_t start, std::int64_t every_ms, int n,
                     double cpu_base, std::int64_t rss_base) {
    for (int i = 0; i < n; ++i) {
      const double cpu = cpu_base * (1.0 + 0.6 * std::sin(i / 2.0));
      const std::int64_t rss = rss_base + std::int64_t(i) * (rss_base / 20);
      api.post_event(id, "heartbeat", heartbeat_event(2 + i, cpu, rss, start + (i + 1) * every_ms));
    }
  };
  api.post_event("nightly-build", "start", start_event(1, {"make", "-j2", "all"}, 5000, t0));
  samples("nightly-build", t0, 5000, 24, 150, 200 << 20);
  api.post_event("nightly-build", "finish",
                 finish_event(26, "succeeded", 0, t0 + 125'000, 125'000));

  const std::int64_t etl = t0 + 60'000;
  api.post_event("etl-import", "start",
                 start_event(1, {"python3", "etl.py", "--since", "2023-11-01"}, 60'000, etl));
  samples("etl-import", etl, 20'000, 30, 60, 80 << 20);

  const std::int64_t flaky = t0 + 150'000;
  api.post_event("flaky-test", "start", start_event(1, {"ctest", "-R", "flaky"}, 5000, flaky));
  samples("flaky-test", flaky, 5000, 8, 90, 30 << 20);
  api.post_event("flaky-test", "finish", finish_event(10, "failed", 8, flaky + 43'000, 43'000));

  const std::int64_t deploy = t0 + 200'000;
  api.post_event("deploy-canary", "start", start_event(1, {"./deploy.sh", "canary"}, 5000, deploy));
  samples("deploy-canary", deploy, 5000, 6, 20, 12 << 20);
  api.post_event("deploy-canary", "finish",
                 finish_event(8, "cancelled", 143, deploy + 31'000, 31'000));

  const std::int64_t typo = t0 + 260'000;
  api.post_event("typo", "start", start_event(1, {"mkae", "install"}, 5000, typo));
  api.post_event("typo", "finish", finish_event(2, "failed_to_start", 127, typo + 2, 2));

  // These two go quiet: the health rule of main makes one unhealthy, one lost.
  const std::int64_t slow = t0 + 300'000;
  api.post_event("slow-agent", "start", start_event(1, {"rsync", "-a", "src/", "dst/"}, 200, slow));
  samples("slow-agent", slow, 5000, 12, 35, 40 << 20);
  const std::int64_t stuck = t0 + 400'000;
  api.post_event("stuck-sync", "start", start_event(1, {"sync-mirror", "--all"}, 1, stuck));
  samples("stuck-sync", stuck, 5000, 10, 5, 10 << 20);

  // What must come out escaped: HTML in a command, and output that is
  // HTML and not UTF-8.
  const std::int64_t evil = t0 + 600'000;
  api.post_event("evil", "start",
                 start_event(1, {"sh", "-c", "echo '<script>alert(1)</script>'"}, 60'000, evil));
  api.post_event("evil", "output",
                 output_event(2, "stdout", "<b>not bold</b> \xff\xfe bytes\n", evil + 1000));
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: tracker_browser_test SCREENSHOT.png\n");
    return 2;
  }
  const std::string screenshot = argv[1];
  return gofer::run([&] {
    const exec::path_result found = exec::look_path("chromium");
    if (found.err) {
      std::printf("skipped: %s\n", found.err.message().c_str());
      return 77;
    }
    tracker_test::temp_dir dir;
    // Short intervals for the two quiet jobs, long ones for the running:
    // every state is reached within a second and then holds for minutes,
    // however slow the browser is.
    tracker::server_options options;
    options.listen = "127.0.0.1:0";
    options.db_path = dir.file("tracker.db");
    options.health = {.unhealthy_after = 3, .lost_after = 500};
    options.check_every = 50ms;
    auto [server, error] = tracker::server::start(options);
    if (!error.empty()) {
      std::printf("FAILED: start: %s\n", error.c_str());
      return 1;
    }
    {
      tracker_test::api_client api{server.url()};
      post_jobs(api);
      // Wait (no time limit here: CTest's TIMEOUT is the limit) until the
      // health ticker has decided the two quiet jobs.
      for (;;) {
        const tracker::jobs_result result = server.store().jobs();
        std::string slow, stuck;
        for (const tracker::job_row& row : result.jobs) {
          if (row.summary.id == "slow-agent") slow = row.summary.state;
          if (row.summary.id == "stuck-sync") stuck = row.summary.state;
        }
        if (slow == "unhealthy" && stuck == "lost") break;
        gofer::sleep(20ms);
      }
    }

    const std::string profile = dir.file("chromium-profile");
    const exec::output_result dom =
        chromium(found.path, profile, {"--dump-dom", server.url() + "/"});
    check(!dom.err, "chromium --dump-dom ran: " + dom.err.message());
    const std::string& html = dom.output;
    check(count(html, "<tr class=\"job\"") == 8, "eight job rows");
    const std::vector<std::pair<std::string, std::string>> states{
        {"nightly-build", "succeeded"}, {"etl-import", "running"},   {"flaky-test", "failed"},
        {"deploy-canary", "cancelled"}, {"typo", "failed_to_start"}, {"slow-agent", "unhealthy"},
        {"stuck-sync", "lost"},         {"evil", "running"},
    };
    for (const auto& [id, state] : states) {
      check(
          html.find("data-job-id=\"" + id + "\" data-state=\"" + state + "\"") != std::string::npos,
          id + " is " + state);
    }
    check(html.find("&lt;script&gt;alert(1)&lt;/script&gt;") != std::string::npos,
          "the command's <script> shows as text");
    check(html.find("<script>alert") == std::string::npos, "and is no element");
    check(count(html, "<svg class=\"spark cpu\"") == 6, "a CPU sparkline per job with samples");

    const exec::output_result job_dom =
        chromium(found.path, profile, {"--dump-dom", server.url() + "/jobs/evil"});
    check(!job_dom.err, "chromium --dump-dom of a job page ran");
    check(
        job_dom.output.find("&lt;b&gt;not bold&lt;/b&gt; \uFFFD\uFFFD bytes") != std::string::npos,
        "the output's HTML shows as text, its invalid UTF-8 as U+FFFD");
    check(job_dom.output.find("<b>not bold") == std::string::npos, "and is no element");

    std::remove(screenshot.c_str());
    const exec::output_result shot =
        chromium(found.path, profile,
                 {"--screenshot=" + screenshot, "--window-size=1200,700", "--hide-scrollbars",
                  server.url() + "/"});
    check(!shot.err, "chromium --screenshot ran");
    std::ifstream png{screenshot, std::ios::binary};
    const std::string bytes{std::istreambuf_iterator<char>(png), {}};
    check(bytes.starts_with("\x89PNG\r\n\x1a\n") && bytes.size() > 10'000,
          "a PNG screenshot in " + screenshot);

    server.shutdown(gofer::background());
    std::printf("%s\n", failures == 0 ? "PASSED" : "FAILED");
    return failures == 0 ? 0 : 1;
  });
}
