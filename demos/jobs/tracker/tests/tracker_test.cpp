// Tests of gofer-tracker's logic, in-process: the API over real sockets on
// 127.0.0.1:0 with a real SQLite file in a temporary directory, the health
// rule on gofer's virtual clock, and the pieces (events, pages) alone. No
// assert depends on how long anything takes.
#include <doctest/doctest.h>

#include <gofer/gofer.hpp>

#include <chrono>
#include <string>
#include <vector>

#include "health.hpp"
#include "page.hpp"
#include "store.hpp"
#include "support.hpp"

namespace http = gofer::http;
namespace json = boost::json;
using namespace std::chrono_literals;
using tracker_test::finish_event;
using tracker_test::heartbeat_event;
using tracker_test::output_event;
using tracker_test::parse_json;
using tracker_test::running_tracker;
using tracker_test::start_event;

namespace {

bool contains(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

// A 4xx (or 5xx) as docs/design/jobs.md says: JSON, {"error": "<text>"}.
void check_json_error(const http::response& response, int status) {
  INFO(response.status << ": " << response.body);
  CHECK(response.status_code == status);
  CHECK(response.header.get("Content-Type") == "application/json");
  const json::value body = parse_json(response.body);
  REQUIRE(body.is_object());
  REQUIRE(body.as_object().contains("error"));
  CHECK(body.as_object().at("error").is_string());
  CHECK_FALSE(body.as_object().at("error").as_string().empty());
}

// The server still answers: the last check after every bad request.
void check_still_serving(tracker_test::api_client& client) {
  const http::response response = client.get("/healthz");
  CHECK(response.status_code == 200);
  CHECK(parse_json(response.body) == json::value(json::object{{"ok", true}}));
}

std::string state_of(const tracker::store& store, const std::string& job_id) {
  const tracker::job_result result = store.job(job_id);
  REQUIRE(result.error.empty());
  REQUIRE(result.job.has_value());
  return result.job->summary.state;
}

tracker::event parsed(const std::string& job_id, tracker::event_type type,
                      const std::string& body) {
  tracker::parse_result result = tracker::parse_event(job_id, type, body);
  INFO(result.error);
  REQUIRE(result.event.has_value());
  return std::move(*result.event);
}

}  // namespace

TEST_CASE("every endpoint answers as docs/design/jobs.md says") {
  gofer::run([] {
    running_tracker t;
    auto& api = t.client();

    CHECK(api.post_event("build-1", "start", start_event(1, {"make", "-j2"})) ==
          json::object{{"stored", true}, {"cancel", false}});
    CHECK(api.post_event("build-1", "heartbeat", heartbeat_event(2, 50.0, 1 << 20, 2000)) ==
          json::object{{"stored", true}, {"cancel", false}});
    CHECK(api.post_event("build-1", "output", output_event(3, "stdout", "compiling\n"))
              .at("stored") == true);
    CHECK(api.post_event("build-1", "output", output_event(4, "stderr", "warning: x\n"))
              .at("stored") == true);
    CHECK(api.post_event("build-1", "heartbeat", heartbeat_event(5, 150.0, 3 << 20, 3000))
              .at("stored") == true);
    CHECK(api.post_event("build-1", "finish", finish_event(6, "succeeded", 0)).at("stored") ==
          true);
    CHECK(api.post_event("other", "start", start_event(1, {"sleep", "60"})).at("stored") == true);

    SUBCASE("GET /api/jobs lists the summaries, newest first") {
      const http::response response = api.get("/api/jobs");
      CHECK(response.status_code == 200);
      CHECK(response.header.get("Content-Type") == "application/json");
      const json::value body = parse_json(response.body);
      const json::array& jobs = body.at("jobs").as_array();
      REQUIRE(jobs.size() == 2);
      CHECK(jobs[0].at("id") == "other");
      CHECK(jobs[0].at("state") == "running");
      CHECK(jobs[0].at("finished_ms").is_null());
      CHECK(jobs[0].at("last_heartbeat_ms").is_null());
      const json::object& build = jobs[1].as_object();
      CHECK(build.at("id") == "build-1");
      CHECK(build.at("state") == "succeeded");
      CHECK(build.at("command") == json::value_from(std::vector<std::string>{"make", "-j2"}));
      CHECK(build.at("agent") == "gofer");
      CHECK(build.at("host") == "test-host");
      CHECK(build.at("pid") == 4242);
      CHECK(build.at("started_ms") == 1000);
      CHECK(build.at("finished_ms") == 9000);
      CHECK(build.at("last_heartbeat_ms") == 3000);
      CHECK(build.at("heartbeat_ms") == 1000);
      CHECK(build.at("cpu_percent").to_number<double>() == 150.0);
      CHECK(build.at("rss_bytes") == 3 << 20);
      CHECK(build.at("outcome") == "succeeded");
      CHECK(build.at("exit_code") == 0);
      CHECK(build.at("signal").is_null());
      CHECK(build.at("wall_ms") == 8000);
      CHECK(build.at("user_cpu_ms") == 120);
      CHECK(build.at("system_cpu_ms") == 30);
      CHECK(build.at("max_rss_bytes") == 5 << 20);
      CHECK(build.at("error") == "");
      CHECK(build.at("cancel_requested") == false);
    }
    SUBCASE("GET /api/jobs/{id} adds the samples and the count of events") {
      const json::object job = api.job("build-1");
      CHECK(job.at("state") == "succeeded");
      CHECK(job.at("events") == 6);
      const json::array& samples = job.at("samples").as_array();
      REQUIRE(samples.size() == 2);
      CHECK(samples[0].at("time_ms") == 2000);
      CHECK(samples[0].at("cpu_percent").to_number<double>() == 50.0);
      CHECK(samples[0].at("rss_bytes") == 1 << 20);
      CHECK(samples[1].at("time_ms") == 3000);
    }
    SUBCASE("GET /api/jobs/{id}/output is the output in order, as text") {
      const http::response response = api.get("/api/jobs/build-1/output");
      CHECK(response.status_code == 200);
      CHECK(response.header.get("Content-Type") == "text/plain; charset=utf-8");
      CHECK(response.body == "compiling\nwarning: x\n");
      CHECK(api.get("/api/jobs/other/output").body.empty());
    }
    SUBCASE("GET /healthz") {
      check_still_serving(api);
    }
    SUBCASE("GET / is the status page, and ?fragment=jobs its table alone") {
      const http::response page = api.get("/");
      CHECK(page.status_code == 200);
      CHECK(page.header.get("Content-Type") == "text/html; charset=utf-8");
      CHECK(page.body.starts_with("<!DOCTYPE html>"));
      CHECK(contains(page.body,
                     "<tr class=\"job\" data-job-id=\"build-1\" data-state=\"succeeded\">"));
      CHECK(contains(page.body, "<tr class=\"job\" data-job-id=\"other\" data-state=\"running\">"));
      CHECK(contains(page.body, "<svg class=\"spark cpu\""));
      CHECK(contains(page.body, "fetch('/?fragment=jobs'"));
      const http::response fragment = api.get("/?fragment=jobs");
      CHECK(fragment.status_code == 200);
      CHECK(fragment.body.starts_with("<table id=\"jobs\">"));
      CHECK(contains(fragment.body, "data-job-id=\"build-1\""));
    }
    SUBCASE("GET /jobs/{id} is a job's page with its output") {
      const http::response page = api.get("/jobs/build-1");
      CHECK(page.status_code == 200);
      CHECK(contains(page.body,
                     "<dl id=\"details\" data-job-id=\"build-1\" data-state=\"succeeded\">"));
      CHECK(contains(
          page.body,
          "<pre id=\"output\">compiling\n<span class=\"stderr\">warning: x\n</span></pre>"));
      check_json_error(api.get("/jobs/nobody"), 404);
    }
    t.stop();
  });
}

TEST_CASE("a repeated event is answered stored:false and changes nothing") {
  gofer::run([] {
    running_tracker t;
    auto& api = t.client();
    api.post_event("job", "start", start_event(1, {"true"}));
    CHECK(api.post_event("job", "heartbeat", heartbeat_event(2, 10.0, 100, 2000)).at("stored") ==
          true);
    const json::object before = api.job("job");
    // The same identity (job, seq) again, even with other content: a no-op.
    for (const std::string& again :
         {heartbeat_event(2, 10.0, 100, 2000), heartbeat_event(2, 99.0, 999, 5000)}) {
      CHECK(api.post_event("job", "heartbeat", again) ==
            json::object{{"stored", false}, {"cancel", false}});
    }
    CHECK(api.post_event("job", "start", start_event(1, {"false"})).at("stored") == false);
    CHECK(api.job("job") == before);
    CHECK(api.job("job").at("events") == 2);
    t.stop();
  });
}

TEST_CASE("bad requests get a JSON 4xx, and the server keeps serving") {
  gofer::run([] {
    running_tracker t;
    auto& api = t.client();
    api.post_event("job", "start", start_event(1, {"true"}));

    struct bad_request {
      std::string name, method, path, body;
      int status;
    };
    const std::string long_id(129, 'a');
    const std::vector<bad_request> cases{
        {"malformed JSON", "POST", "/api/jobs/job/heartbeat", "{\"seq\": 2,", 400},
        {"not an object", "POST", "/api/jobs/job/heartbeat", "[1, 2]", 400},
        {"empty body", "POST", "/api/jobs/job/heartbeat", "", 400},
        {"seq as a string", "POST", "/api/jobs/job/heartbeat",
         R"({"seq": "2", "type": "heartbeat", "time_ms": 1, "cpu_percent": 1, "rss_bytes": 1, "processes": 1})",
         400},
        {"seq 0", "POST", "/api/jobs/job/heartbeat",
         R"({"seq": 0, "type": "heartbeat", "time_ms": 1, "cpu_percent": 1, "rss_bytes": 1, "processes": 1})",
         400},
        {"seq as a fraction", "POST", "/api/jobs/job/heartbeat",
         R"({"seq": 2.5, "type": "heartbeat", "time_ms": 1, "cpu_percent": 1, "rss_bytes": 1, "processes": 1})",
         400},
        {"cpu_percent as a string", "POST", "/api/jobs/job/heartbeat",
         R"({"seq": 2, "type": "heartbeat", "time_ms": 1, "cpu_percent": "1", "rss_bytes": 1, "processes": 1})",
         400},
        {"a missing field", "POST", "/api/jobs/job/heartbeat",
         R"({"seq": 2, "type": "heartbeat", "time_ms": 1, "cpu_percent": 1, "rss_bytes": 1})", 400},
        {"command not an array of strings", "POST", "/api/jobs/job2/start",
         R"({"seq": 1, "type": "start", "time_ms": 1, "command": ["a", 1], "pid": 1, "heartbeat_ms": 1000, "agent": "gofer", "host": "h"})",
         400},
        {"heartbeat_ms 0", "POST", "/api/jobs/job2/start",
         R"({"seq": 1, "type": "start", "time_ms": 1, "command": ["a"], "pid": 1, "heartbeat_ms": 0, "agent": "gofer", "host": "h"})",
         400},
        {"an unknown stream", "POST", "/api/jobs/job/output",
         R"({"seq": 2, "type": "output", "time_ms": 1, "stream": "stdin", "data_b64": ""})", 400},
        {"data_b64 not base64", "POST", "/api/jobs/job/output",
         R"({"seq": 2, "type": "output", "time_ms": 1, "stream": "stdout", "data_b64": "a*=="})",
         400},
        {"an unknown outcome", "POST", "/api/jobs/job/finish",
         R"({"seq": 2, "type": "finish", "time_ms": 1, "outcome": "fine", "exit_code": 0, "signal": null, "wall_ms": 1, "user_cpu_ms": 1, "system_cpu_ms": 1, "max_rss_bytes": 1, "error": ""})",
         400},
        {"exit_code as a string", "POST", "/api/jobs/job/finish",
         R"({"seq": 2, "type": "finish", "time_ms": 1, "outcome": "failed", "exit_code": "1", "signal": null, "wall_ms": 1, "user_cpu_ms": 1, "system_cpu_ms": 1, "max_rss_bytes": 1, "error": ""})",
         400},
        {"a type that does not match the path", "POST", "/api/jobs/job/heartbeat",
         finish_event(2, "failed", 1), 400},
        {"an unknown type", "POST", "/api/jobs/job/heartbeat",
         R"({"seq": 2, "type": "beat", "time_ms": 1})", 400},
        {"a bad id: a character outside the set", "POST", "/api/jobs/a%20b/heartbeat",
         heartbeat_event(2, 1, 1, 1), 400},
        {"a bad id: too long", "POST", "/api/jobs/" + long_id + "/heartbeat",
         heartbeat_event(2, 1, 1, 1), 400},
        {"a bad id: empty", "GET", "/api/jobs/", "", 400},
        {"a bad id on GET", "GET", "/api/jobs/%3Cscript%3E", "", 400},
        {"an unknown job", "GET", "/api/jobs/nobody", "", 404},
        {"the output of an unknown job", "GET", "/api/jobs/nobody/output", "", 404},
        {"cancel of an unknown job", "POST", "/api/jobs/nobody/cancel", "{}", 404},
        {"an unknown action", "POST", "/api/jobs/job/restart", "{}", 404},
        {"a path too deep", "GET", "/api/jobs/job/output/more", "", 404},
        {"an unknown API path", "GET", "/api/queues", "", 404},
        {"an unknown page", "GET", "/favicon.ico", "", 404},
        {"GET of an event path", "GET", "/api/jobs/job/heartbeat", "", 405},
        {"DELETE of a job", "DELETE", "/api/jobs/job", "", 405},
        {"POST of the list", "POST", "/api/jobs", "{}", 405},
        {"POST of the page", "POST", "/", "{}", 405},
        {"cancel with a malformed body", "POST", "/api/jobs/job/cancel", "{", 400},
    };
    for (const bad_request& bad : cases) {
      CAPTURE(bad.name);
      check_json_error(api.send(bad.method, bad.path, bad.body), bad.status);
      check_still_serving(api);
    }
    const http::response not_allowed = api.send("GET", "/api/jobs/job/start");
    CHECK(not_allowed.header.get("Allow") == "POST");
    // Nothing of the above was stored.
    CHECK(api.job("job").at("events") == 1);
    CHECK(api.get("/api/jobs").body.find("job2") == std::string::npos);
    t.stop();
  });
}

TEST_CASE("a body over 1 MiB is a JSON 413, and the server keeps serving") {
  gofer::run([] {
    running_tracker t;
    auto& api = t.client();
    // A whole body a little over the limit: the server reads no more than
    // the limit, answers, and closes (the client may see the answer or,
    // having not finished writing, a reset; both are fine for an agent,
    // which would drop the event on a 4xx or retry it on an error).
    const std::string padding(1 << 20, ' ');
    const std::string body = heartbeat_event(2, 1, 1, 1) + padding;
    gofer::http::client fresh;
    auto [response, err] =
        fresh.post(api.url() + "/api/jobs/job/heartbeat", "application/json", body);
    if (!err) check_json_error(response, 413);
    // A declared Content-Length over the limit is answered before the body is sent.
    auto [c, dial_err] = gofer::net::dial("tcp", t.server().addr());
    REQUIRE_FALSE(dial_err);
    (void)c.write(
        "POST /api/jobs/job/heartbeat HTTP/1.1\r\nHost: x\r\nContent-Length: 2000000\r\n"
        "Content-Type: application/json\r\n\r\n{");
    std::string reply;
    std::array<char, 4096> buffer{};
    for (;;) {
      auto [n, read_err] = c.read(buffer);
      if (read_err) break;
      reply.append(buffer.data(), n);
    }
    c.close();
    INFO(reply);
    CHECK(reply.starts_with("HTTP/1.1 413 "));
    CHECK(contains(reply, "Content-Type: application/json\r\n"));
    CHECK(reply.ends_with("\r\n\r\n" + tracker::error_json("body over the size limit")));
    check_still_serving(api);
    fresh.close_idle_connections();
    t.stop();
  });
}

TEST_CASE("with a token, every request but /healthz needs it; a page takes it as a cookie") {
  gofer::run([] {
    running_tracker t{{.token = "s3cret"}};
    auto& api = t.client();
    CHECK(api.post_event("job", "start", start_event(1, {"true"})).at("stored") == true);
    const std::string none, wrong = "s3cre", longer = "s3cret2";
    for (const std::string* token : {&none, &wrong, &longer}) {
      CAPTURE(*token);
      const http::response response = api.send("GET", "/api/jobs", "", token);
      check_json_error(response, 401);
      CHECK(response.header.get("WWW-Authenticate") == "Bearer");
      check_json_error(
          api.send("POST", "/api/jobs/job/heartbeat", heartbeat_event(2, 1, 1, 1), token), 401);
      check_json_error(api.send("GET", "/api/nothing", "", token), 401);
      CHECK(api.send("GET", "/healthz", "", token).status_code == 200);
      CHECK(api.send("GET", "/", "", token).status_code == 401);
      CHECK(api.send("GET", "/jobs/job", "", token).status_code == 401);
    }
    // A browser: ?token= sets the cookie and redirects; the cookie then opens
    // every page, and a wrong one opens none.
    CHECK(api.send("GET", "/?token=s3cre", "", &none).status_code == 401);
    const http::response opened = api.send("GET", "/jobs/job?token=s3cret", "", &none);
    CHECK(opened.status_code == 303);
    CHECK(opened.header.get("Location") == "/jobs/job");
    const std::string cookie = opened.header.get("Set-Cookie");
    CHECK(cookie.starts_with("gofer_tracker_token=s3cret;"));
    CHECK(cookie.find("HttpOnly") != std::string::npos);
    http::client browser;
    for (const auto& [value, status] :
         {std::pair{"other=1; gofer_tracker_token=s3cret", 200},
          std::pair{"gofer_tracker_token=s3cre", 401}, std::pair{"gofer_tracker_token=", 401}}) {
      CAPTURE(value);
      http::client_request request;
      request.method = "GET";
      request.url = t.server().url() + "/";
      request.header.set("Cookie", value);
      auto [response, err] = browser.send(gofer::background(), request);
      REQUIRE_FALSE(err);
      CHECK(response.status_code == status);
    }
    browser.close_idle_connections();
    CHECK(api.job("job").at("events") == 1);  // the unauthorized heartbeat was not stored
    CHECK(api.get("/api/jobs").status_code == 200);
    t.stop();
  });
}

TEST_CASE("cancel: the next answers carry cancel:true; after the finish it is a 409") {
  gofer::run([] {
    running_tracker t;
    auto& api = t.client();
    api.post_event("job", "start", start_event(1, {"sleep", "100"}));
    CHECK(api.post_event("job", "heartbeat", heartbeat_event(2, 1, 1, 2000)).at("cancel") == false);

    const http::response cancelled = api.post("/api/jobs/job/cancel", "{}");
    CHECK(cancelled.status_code == 202);
    CHECK(parse_json(cancelled.body) == json::value(json::object{{"cancel", true}}));
    CHECK(api.post("/api/jobs/job/cancel", "").status_code == 202);  // again: the same answer

    CHECK(api.post_event("job", "heartbeat", heartbeat_event(3, 1, 1, 3000)) ==
          json::object{{"stored", true}, {"cancel", true}});
    // A repeated event's answer carries it too: an agent that missed the answer learns it.
    CHECK(api.post_event("job", "heartbeat", heartbeat_event(2, 1, 1, 2000)) ==
          json::object{{"stored", false}, {"cancel", true}});
    CHECK(api.job("job").at("cancel_requested") == true);

    api.post_event("job", "finish", finish_event(4, "cancelled", 143));
    check_json_error(api.post("/api/jobs/job/cancel", "{}"), 409);
    CHECK(api.job("job").at("state") == "cancelled");
    t.stop();
  });
}

TEST_CASE("an event before the job's start makes the job, with an unknown command") {
  gofer::run([] {
    running_tracker t;
    auto& api = t.client();
    CHECK(api.post_event("late", "heartbeat", heartbeat_event(5, 1, 1, 5000)).at("stored") == true);
    json::object job = api.job("late");
    CHECK(job.at("state") == "running");
    CHECK(job.at("command").is_null());
    CHECK(api.get("/").body.find("unknown until its start arrives") != std::string::npos);
    api.post_event("late", "start", start_event(1, {"make"}));
    job = api.job("late");
    CHECK(job.at("command") == json::value_from(std::vector<std::string>{"make"}));
    CHECK(job.at("last_heartbeat_ms") == 5000);
    t.stop();
  });
}

TEST_CASE("the page escapes what came from outside, and output that is not UTF-8 shows U+FFFD") {
  gofer::run([] {
    running_tracker t;
    auto& api = t.client();
    api.post_event("evil", "start",
                   start_event(1, {"sh", "-c", "echo '<script>alert(1)</script>'"}));
    api.post_event("evil", "output",
                   output_event(2, "stdout", "<b>bold</b> & \"q\" \xff\xfe end \xe2\x82\n"));
    const std::string page = api.get("/").body;
    CHECK_FALSE(contains(page, "<script>alert"));
    CHECK(contains(page, "&lt;script&gt;alert(1)&lt;/script&gt;"));
    const std::string job_page = api.get("/jobs/evil").body;
    CHECK_FALSE(contains(job_page, "<script>alert"));
    CHECK_FALSE(contains(job_page, "<b>bold"));
    CHECK(contains(job_page,
                   "&lt;b&gt;bold&lt;/b&gt; &amp; &quot;q&quot; \uFFFD\uFFFD end \uFFFD\n"));
    // The API's text has the same replacement, unescaped (it is text/plain).
    CHECK(api.get("/api/jobs/evil/output").body == "<b>bold</b> & \"q\" \uFFFD\uFFFD end \uFFFD\n");
    t.stop();
  });
}

TEST_CASE("health: running, unhealthy, lost, and running again, on the virtual clock") {
  // No sockets here: a listener's pending accept would hold the virtual
  // clock still. The store and the health watcher are all there is to it.
  tracker_test::temp_dir dir;
  gofer::run(
      [&dir] {
        auto [store, error] = tracker::store::open(
            {.path = dir.file("health.db"), .health = {.unhealthy_after = 3, .lost_after = 10}});
        REQUIRE(error.empty());
        auto changes = gofer::make_chan<tracker::state_change>(16);
        auto [ctx, cancel] = gofer::with_cancel(gofer::background());
        gofer::wait_group watcher;
        watcher.go([store = store, ctx = ctx, changes] {
          tracker::watch_health(store, 1s, ctx,
                                [changes](const tracker::state_change& c) { changes.send(c); });
        });
        using tracker::event_type;
        // Heartbeats every second; the watcher looks every second, from now.
        store.append(parsed("job", event_type::start, start_event(1, {"x"}, 1000)), gofer::now());
        store.append(parsed("done", event_type::start, start_event(1, {"y"}, 1000)), gofer::now());
        store.append(parsed("done", event_type::finish, finish_event(2, "failed", 1)),
                     gofer::now());

        gofer::sleep(2500ms);  // silent 2.5 s < 3 intervals
        CHECK(state_of(store, "job") == "running");
        gofer::sleep(1s);  // 3.5 s: the tick at 3 s saw 3 intervals of silence
        CHECK(state_of(store, "job") == "unhealthy");
        gofer::sleep(6s);  // 9.5 s
        CHECK(state_of(store, "job") == "unhealthy");
        gofer::sleep(1s);  // 10.5 s: the tick at 10 s saw 10 intervals
        CHECK(state_of(store, "job") == "lost");

        // Any event brings it back, at once; the silence starts again.
        store.append(parsed("job", event_type::heartbeat, heartbeat_event(2, 1, 1, 1)),
                     gofer::now());
        CHECK(state_of(store, "job") == "running");
        gofer::sleep(3s);  // 13.5 s: the tick at 13 s saw 2.5 s of silence
        CHECK(state_of(store, "job") == "running");
        gofer::sleep(1s);
        CHECK(state_of(store, "job") == "unhealthy");
        store.append(parsed("job", event_type::finish, finish_event(3, "succeeded", 0)),
                     gofer::now());
        gofer::sleep(30s);  // a finished job is final
        CHECK(state_of(store, "job") == "succeeded");
        CHECK(state_of(store, "done") == "failed");

        cancel();
        watcher.wait();
        std::vector<std::string> seen;
        while (auto change = changes.try_recv()) {
          seen.push_back(change->value.job_id + ": " + change->value.from + " -> " +
                         change->value.to);
        }
        CHECK(seen == std::vector<std::string>{"job: running -> unhealthy",
                                               "job: unhealthy -> lost",
                                               "job: running -> unhealthy"});
        store.close();
      },
      {.virtual_time = true});
}

TEST_CASE("the store keeps everything across a close and a reopen") {
  tracker_test::temp_dir dir;
  gofer::run([&dir] {
    using tracker::event_type;
    {
      auto [store, error] = tracker::store::open({.path = dir.file("t.db")});
      REQUIRE(error.empty());
      CHECK(
          store.append(parsed("a", event_type::start, start_event(1, {"x"})), gofer::now()).stored);
      CHECK(store
                .append(parsed("a", event_type::output, output_event(2, "stdout", "hi\n")),
                        gofer::now())
                .stored);
      CHECK(store.request_cancel("a").outcome == tracker::cancel_outcome::requested);
      store.close();
      store.close();  // idempotent
    }
    auto [store, error] = tracker::store::open({.path = dir.file("t.db")});
    REQUIRE(error.empty());
    const tracker::job_result job = store.job("a");
    REQUIRE(job.job.has_value());
    CHECK(job.job->events == 2);
    CHECK(job.job->summary.cancel_requested);
    const tracker::append_result again = store.append(
        parsed("a", event_type::output, output_event(2, "stdout", "hi\n")), gofer::now());
    CHECK_FALSE(again.stored);
    CHECK(again.cancel);
    CHECK(store.output("a").chunks->size() == 1);
    store.close();
  });
}

TEST_CASE("a database that cannot be opened is an error, not an exception") {
  tracker_test::temp_dir dir;
  gofer::run([&dir] {
    auto [store, error] = tracker::store::open({.path = dir.file("no/such/dir/t.db")});
    CHECK_FALSE(error.empty());
    std::FILE* f = std::fopen(dir.file("junk.db").c_str(), "w");
    std::fputs(
        "this is not a database, but long enough to look like a header of one.....\n"
        "more text more text more text more text more text more text more text\n",
        f);
    std::fclose(f);
    auto [junk, junk_error] = tracker::store::open({.path = dir.file("junk.db")});
    INFO(junk_error);
    CHECK_FALSE(junk_error.empty());
  });
}

TEST_CASE("decide_health follows the table of health.hpp") {
  const tracker::health_rule rule{.unhealthy_after = 3, .lost_after = 10};
  const gofer::duration beat = 2s;
  CHECK(tracker::decide_health("running", 5999ms, beat, rule) == "running");
  CHECK(tracker::decide_health("running", 6s, beat, rule) == "unhealthy");
  CHECK(tracker::decide_health("running", 20s, beat, rule) == "lost");
  CHECK(tracker::decide_health("unhealthy", 19s, beat, rule) == "unhealthy");
  CHECK(tracker::decide_health("unhealthy", 20s, beat, rule) == "lost");
  CHECK(tracker::decide_health("lost", 0s, beat, rule) == "lost");  // only an event revives
  for (const char* outcome : {"succeeded", "failed", "killed", "cancelled", "failed_to_start"}) {
    CHECK(tracker::decide_health(outcome, 1h, beat, rule) == outcome);
  }
}

TEST_CASE("valid_utf8 replaces each maximal invalid subsequence with one U+FFFD") {
  CHECK(tracker::valid_utf8("plain ascii") == "plain ascii");
  CHECK(tracker::valid_utf8("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80") ==
        "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
  CHECK(tracker::valid_utf8("\xff") == "\uFFFD");
  CHECK(tracker::valid_utf8("a\x80z") == "a\uFFFDz");                  // a lone continuation byte
  CHECK(tracker::valid_utf8("\xe2\x82z") == "\uFFFDz");                // a truncated sequence: one
  CHECK(tracker::valid_utf8("\xc0\xaf") == "\uFFFD\uFFFD");            // overlong: never valid
  CHECK(tracker::valid_utf8("\xed\xa0\x80") == "\uFFFD\uFFFD\uFFFD");  // a surrogate
  CHECK(tracker::valid_utf8("\xf4\x90\x80\x80") == "\uFFFD\uFFFD\uFFFD\uFFFD");  // > U+10FFFF
  CHECK(tracker::valid_utf8("end \xf0\x9f\x98") == "end \uFFFD");
  CHECK(tracker::valid_utf8(std::string("nul\0in", 6)) == std::string("nul\0in", 6));
}

TEST_CASE("html_escape escapes what could end text or an attribute") {
  CHECK(tracker::html_escape("<a href=\"x\">'&'</a>") ==
        "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
}

TEST_CASE("base64 round-trips, and decoding is strict") {
  using namespace std::string_literals;
  for (const std::string& bytes :
       {""s, "f"s, "fo"s, "foo"s, "foob"s, "fooba"s, "foobar"s, "\xff\x00\x80"s}) {
    CHECK(tracker::decode_base64(tracker::encode_base64(bytes)) == bytes);
  }
  CHECK(tracker::encode_base64("foobar") == "Zm9vYmFy");
  CHECK(tracker::encode_base64("fo") == "Zm8=");
  for (const char* bad :
       {"Zm9", "Zm8", "Z===", "Zm=8", "Zm9v YmFy", "Zm9=Zm9v", "Zm9vYmF-", "Zm9="}) {
    CAPTURE(bad);
    CHECK_FALSE(tracker::decode_base64(bad).has_value());
  }
}

TEST_CASE("a listen address needs a token unless its host is a loopback one") {
  CHECK(tracker::is_loopback_listen("127.0.0.1:8080"));
  CHECK(tracker::is_loopback_listen("127.0.0.2:0"));
  CHECK(tracker::is_loopback_listen("localhost:80"));
  CHECK(tracker::is_loopback_listen("[::1]:80"));
  CHECK_FALSE(tracker::is_loopback_listen("0.0.0.0:8080"));
  CHECK_FALSE(tracker::is_loopback_listen(":8080"));
  CHECK_FALSE(tracker::is_loopback_listen("192.168.1.2:8080"));
  CHECK_FALSE(tracker::is_loopback_listen("no port"));
}
