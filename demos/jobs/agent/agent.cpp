#include "agent.hpp"

#include <gofer/exec.hpp>
#include <gofer/gofer.hpp>
#include <gofer/http.hpp>
#include <gofer/signal.hpp>

#include <fmt/core.h>

#include <signal.h>
#include <time.h>
#include <unistd.h>

#include <array>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>

#include "backoff.hpp"
#include "event.hpp"
#include "outbox.hpp"
#include "proc_sampler.hpp"

using namespace std::chrono_literals;

namespace agent {

namespace {

namespace exec = gofer::exec;
namespace http = gofer::http;

// Output is flushed to the tracker this often, or as soon as a stream has
// this much (docs/design/jobs.md).
constexpr gofer::duration output_flush_period = 200ms;
constexpr std::size_t output_batch_bytes = 64 << 10;
// Retries start from this ceiling and double up to --max-backoff.
constexpr gofer::duration backoff_base = 100ms;
// One request, dial to the end of the answer: a tracker that takes longer
// counts as down, and the event is sent again.
constexpr gofer::duration request_timeout = 10s;
// EX_TEMPFAIL (sysexits.h): the job ran, but its events may not all have
// reached the tracker, and no spool keeps them.
constexpr int exit_undelivered = 75;

void write_own_output(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t written = ::write(fd, data.data(), data.size());
    if (written < 0 && errno == EINTR) continue;
    if (written <= 0) return;  // our own stdout or stderr is gone: nothing to tell
    data.remove_prefix(static_cast<std::size_t>(written));
  }
}

// "12:00:01.234", local time.
std::string clock_text() {
  const auto now = std::chrono::system_clock::now();
  const std::time_t seconds = std::chrono::system_clock::to_time_t(now);
  const auto milliseconds =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm local{};
  ::localtime_r(&seconds, &local);
  return fmt::format("{:02}:{:02}:{:02}.{:03}", local.tm_hour, local.tm_min, local.tm_sec,
                     milliseconds);
}

// One log line, in one write so that lines from goroutines never mix (see
// agent.hpp for the format).
template <class... Args>
void log(fmt::format_string<Args...> format, Args&&... args) {
  write_own_output(STDERR_FILENO, "gofer-agent: " + clock_text() + " " +
                                      fmt::format(format, std::forward<Args>(args)...) + "\n");
}

// Go's error texts are lower case ("connection refused"); strerror's are not.
std::string error_text(const std::error_code& error) {
  std::string text = error.message();
  if (!text.empty()) text[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(text[0])));
  return text;
}

std::string milliseconds_text(gofer::duration d) {
  return gofer::format_duration(std::chrono::round<std::chrono::milliseconds>(d));
}

std::string host_name() {
  std::array<char, 256> name{};
  if (::gethostname(name.data(), name.size() - 1) != 0) return "unknown";
  return name.data();
}

std::string signal_name(int signal_number) {
  const char* abbreviation = ::sigabbrev_np(signal_number);
  return abbreviation != nullptr ? std::string("SIG") + abbreviation
                                 : "signal " + std::to_string(signal_number);
}

// What the goroutines share: the outbox under its lock, and the channels
// that tell the sender there is more and tell main the outbox is empty.
struct delivery {
  gofer::mutex lock;  // guards box
  outbox box;
  // A new event (or the finish): buffered, so adding never waits.
  gofer::chan<gofer::signal> more = gofer::make_chan<gofer::signal>(1);
  // Closed by the sender once the finish is recorded and every event is
  // acknowledged.
  gofer::chan<gofer::signal> drained = gofer::make_chan<gofer::signal>();
  // A tracker's answer asked to cancel the job: buffered, and only tried,
  // so that the sender never waits for main.
  gofer::chan<gofer::signal> cancel_requested = gofer::make_chan<gofer::signal>(1);

  void add(boost::json::object event) {
    std::error_code spool_error;
    const std::string type =
        event.contains("type") ? std::string(event.at("type").as_string()) : "";
    std::int64_t seq = 0;
    {
      std::lock_guard guard(lock);
      seq = box.add(std::move(event), spool_error);
    }
    // The send log's optional "queued" line (docs/design/jobs.md): when the
    // event was made, which the timeline picture shows.
    log("queued seq={} type={}", seq, type);
    if (spool_error) log("spool write failed: {}", error_text(spool_error));
    more.try_send(gofer::signal{});
  }
};

// What one send attempt came to.
enum class send_result { acknowledged, dropped, retry };

// The sender goroutine: the oldest event first, one request per event, until
// ctx is done or the finish is acknowledged (then it closes `drained`).
void send_events(const gofer::context& ctx, delivery& shared, const options& options) {
  http::client client{{.timeout = request_timeout}};
  backoff retry{backoff_base, options.max_backoff};
  for (;;) {
    boost::json::object event;
    bool have_event = false, finished = false;
    {
      std::lock_guard guard(shared.lock);
      if (const boost::json::object* oldest = shared.box.oldest()) {
        event = *oldest;
        have_event = true;
      }
      finished = shared.box.finish().has_value();
    }
    if (!have_event) {
      if (finished) {
        shared.drained.close();
        return;
      }
      gofer::select(gofer::recv_case(shared.more), gofer::recv_case(ctx.done()));
      if (ctx.err()) return;
      continue;
    }

    const std::int64_t seq = seq_of(event);
    const std::string type(type_of(event));
    http::client_request request;
    request.method = "POST";
    request.url = options.tracker + "/api/jobs/" + options.job_id + "/" + type;
    request.header.set("Content-Type", "application/json");
    if (!options.token.empty()) request.header.set("Authorization", "Bearer " + options.token);
    request.body = boost::json::serialize(event);

    for (int attempt = 1;; ++attempt) {
      auto [response, error] = client.send(ctx, request);
      if (ctx.err()) return;
      std::string what;
      send_result result = send_result::retry;
      if (error) {
        what = error_text(error);
      } else if (response.status_code == http::status_ok) {
        result = send_result::acknowledged;
        boost::system::error_code parse_error;
        const boost::json::value answer = boost::json::parse(response.body, parse_error);
        const boost::json::object* fields = parse_error ? nullptr : answer.if_object();
        const boost::json::value* stored = fields ? fields->if_contains("stored") : nullptr;
        const boost::json::value* cancel = fields ? fields->if_contains("cancel") : nullptr;
        what = stored != nullptr && stored->is_bool() && !stored->get_bool() ? "200 duplicate"
                                                                             : "200 stored";
        if (cancel != nullptr && cancel->is_bool() && cancel->get_bool()) {
          what += " cancel";
          shared.cancel_requested.try_send(gofer::signal{});
        }
      } else {
        const int code = response.status_code;
        what = std::to_string(code);
        if (code >= 400 && code < 500 && code != 408 && code != 429) {
          result = send_result::dropped;  // it would never succeed
          what += " dropped: " + response.body.substr(0, 200);
          while (!what.empty() && (what.back() == '\n' || what.back() == ' '))
            what.pop_back();
        } else {
          what += " retry";
        }
      }

      if (result == send_result::retry) {
        const gofer::duration delay = retry.delay(attempt);
        // The send log's line format is docs/design/jobs.md's; the delay
        // follows it as an addition that readers of the log skip.
        log("send seq={} type={} attempt={} -> {}; retry in {}", seq, type, attempt, what,
            milliseconds_text(delay));
        gofer::select(gofer::recv_case(gofer::after(delay)), gofer::recv_case(ctx.done()));
        if (ctx.err()) return;
        continue;
      }
      log("send seq={} type={} attempt={} -> {}", seq, type, attempt, what);
      std::error_code spool_error;
      {
        std::lock_guard guard(shared.lock);
        spool_error = shared.box.acknowledge(seq);
      }
      if (spool_error) log("spool write failed: {}", error_text(spool_error));
      break;
    }
  }
}

// An output pump: the job's stream through to ours at once, and in chunks to
// the batcher. Closes `chunks` at the end of the stream.
void pump_output(exec::read_pipe pipe, int own_fd, gofer::send_chan<std::string> chunks) {
  std::array<char, 16 << 10> buffer{};
  for (;;) {
    std::error_code error;
    const std::size_t n = pipe.read(buffer, error);
    if (error || n == 0) break;
    write_own_output(own_fd, std::string_view(buffer.data(), n));
    chunks.send(std::string(buffer.data(), n));
  }
  chunks.close();
}

// The batcher: one output event per stream per flush, every
// output_flush_period or at output_batch_bytes, each stream in its order.
// Closes `done` once both streams ended and all is flushed.
void batch_output(gofer::recv_chan<std::string> out, gofer::recv_chan<std::string> err,
                  delivery& shared, gofer::send_chan<gofer::signal> done) {
  std::string pending_out, pending_err;
  const auto flush = [&shared](std::string& pending, std::string_view stream, bool whole) {
    // Full batches go at once; what is left waits for the tick (whole=false).
    while (pending.size() >= output_batch_bytes || (whole && !pending.empty())) {
      const std::size_t size = std::min(pending.size(), output_batch_bytes);
      shared.add(make_output_event(stream, std::string_view(pending).substr(0, size)));
      pending.erase(0, size);
    }
  };
  gofer::ticker flush_ticker{output_flush_period};
  // A stream's channel is set to nil once closed, so its case is never ready
  // again (Go's idiom).
  while (out != nullptr || err != nullptr) {
    gofer::select(gofer::on_recv(out,
                                 [&](std::string chunk, bool ok) {
                                   if (!ok) out = {};
                                   pending_out += chunk;
                                   flush(pending_out, "stdout", false);
                                 }),
                  gofer::on_recv(err,
                                 [&](std::string chunk, bool ok) {
                                   if (!ok) err = {};
                                   pending_err += chunk;
                                   flush(pending_err, "stderr", false);
                                 }),
                  gofer::on_recv(flush_ticker.c, [&] {
                    flush(pending_out, "stdout", true);
                    flush(pending_err, "stderr", true);
                  }));
  }
  flush(pending_out, "stdout", true);
  flush(pending_err, "stderr", true);
  done.close();
}

process_end end_of(const exec::process_state& state, gofer::duration wall) {
  process_end end;
  if (state.exited()) {
    end.exit_code = state.exit_code();
  } else {
    end.signal = state.signal();
  }
  const auto ms = [](gofer::duration d) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
  };
  end.wall_ms = ms(wall);
  end.user_cpu_ms = ms(state.user_time());
  end.system_cpu_ms = ms(state.system_time());
  end.max_rss_bytes = state.max_rss_bytes();
  return end;
}

// After the job: waits until the tracker has every event, or --deliver-
// timeout passes, or a signal says stop waiting. True if all were delivered.
bool wait_for_delivery(delivery& shared, const options& options, gofer::recv_chan<int> signals) {
  gofer::recv_chan<gofer::time_point> give_up;  // nil: no timeout
  if (options.deliver_timeout) give_up = gofer::after(*options.deliver_timeout);
  bool delivered = false;
  gofer::select(gofer::on_recv(shared.drained, [&] { delivered = true; }),
                gofer::on_recv(give_up, [] { log("--deliver-timeout passed"); }),
                gofer::on_recv(signals, [](int signal_number) {
                  log("{} received: no more waiting for the tracker", signal_name(signal_number));
                }));
  // select picks at random among ready cases: everything may have been
  // delivered just as the time ran out or the signal came.
  if (!delivered && shared.drained.try_recv().has_value()) delivered = true;
  if (!delivered) {
    std::lock_guard guard(shared.lock);
    log("{} events not delivered{}", shared.box.size(),
        shared.box.has_spool() ? ", kept in " + shared.box.spool_path().string() : "");
  }
  return delivered;
}

// Runs the job from start to finish, adding its events; returns its finish
// event's exit status.
int run_job(const options& options, delivery& shared, const gofer::context& ctx,
            gofer::recv_chan<int> signals) {
  exec::cmd job =
      exec::command(options.command.front(),
                    std::vector<std::string>(options.command.begin() + 1, options.command.end()));
  // Its own process group: a cancel signals the job and all it started,
  // and a Ctrl-C at the agent's terminal reaches the agent only.
  job.new_process_group = true;
  const exec::read_pipe stdout_pipe = job.stdout_pipe();
  const exec::read_pipe stderr_pipe = job.stderr_pipe();
  const gofer::time_point started = gofer::now();
  const std::int64_t heartbeat_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(options.heartbeat).count();

  if (gofer::failure error = job.start()) {
    log("failed to start: {}", error.message());
    shared.add(make_start_event(options.command, 0, heartbeat_ms, host_name()));
    process_end end;
    end.exit_code = 127;  // as a shell's
    boost::json::object finish = make_finish_event(outcome_failed_to_start, end, error.message());
    const int status = exit_status_of_finish(finish);
    shared.add(std::move(finish));
    return status;
  }
  const int pid = job.pid();  // also the job's process group id
  log("job started pid={}: {}", pid, job.string());
  shared.add(make_start_event(options.command, pid, heartbeat_ms, host_name()));

  // A context done (the agent giving up) closes the pipes, so that the pumps
  // end even if the job's children keep them open.
  gofer::stop_func stop_closing = gofer::after_func(ctx, [stdout_pipe, stderr_pipe] {
    stdout_pipe.close();
    stderr_pipe.close();
  });
  auto out_chunks = gofer::make_chan<std::string>();
  auto err_chunks = gofer::make_chan<std::string>();
  auto output_done = gofer::make_chan<gofer::signal>();
  auto exited = gofer::make_chan<process_end>(1);
  gofer::go(gofer::named{"stdout pump"}, pump_output, stdout_pipe, STDOUT_FILENO, out_chunks);
  gofer::go(gofer::named{"stderr pump"}, pump_output, stderr_pipe, STDERR_FILENO, err_chunks);
  gofer::go(gofer::named{"batcher"}, [out_chunks, err_chunks, output_done, &shared] {
    batch_output(out_chunks, err_chunks, shared, output_done);
  });
  // The waiter owns the cmd from here: the pipes must be read to their end
  // before wait() (it closes them), so it waits for the batcher first.
  gofer::go(gofer::named{"waiter"}, [job = std::move(job), output_done, exited, started]() mutable {
    output_done.recv();
    const gofer::failure error = job.wait();
    const gofer::duration wall = gofer::since(started);
    if (const exec::process_state* state = job.state()) {
      exited.send(end_of(*state, wall));
    } else {  // not seen: wait() failed before reaping
      log("wait failed: {}", error.message());
      process_end end;
      end.wall_ms = std::chrono::duration_cast<std::chrono::milliseconds>(wall).count();
      exited.send(end);
    }
  });

  // The main select (agent.hpp).
  proc_sampler sampler{pid};
  gofer::ticker heartbeats{options.heartbeat};
  gofer::recv_chan<gofer::time_point> grace_over;  // nil until a cancel starts
  bool cancelling = false;
  const auto signal_group = [pid](int signal_number) {
    // The job is not reaped before main receives from `exited`, so its pid
    // is still its own and its group's: no other process can hold it.
    if (::kill(-pid, signal_number) != 0 && errno != ESRCH) {
      log("kill {} of group {}: {}", signal_name(signal_number), pid, std::strerror(errno));
    }
  };
  const auto cancel = [&](std::string_view why) {
    if (cancelling) return;
    cancelling = true;
    log("cancelling ({}): SIGTERM to process group {}, SIGKILL in {}", why, pid,
        gofer::format_duration(options.grace));
    signal_group(SIGTERM);
    grace_over = gofer::after(options.grace);
  };
  std::optional<process_end> end;
  while (!end) {
    gofer::select(
        gofer::on_recv(heartbeats.c, [&] { shared.add(make_heartbeat_event(sampler.sample())); }),
        gofer::on_recv(exited, [&](process_end ended) { end = ended; }),
        gofer::on_recv(shared.cancel_requested, [&] { cancel("the tracker asked"); }),
        gofer::on_recv(signals,
                       [&](int signal_number) {
                         if (!cancelling) return cancel(signal_name(signal_number) + " received");
                         log("{} received again: SIGKILL to process group {} now",
                             signal_name(signal_number), pid);
                         signal_group(SIGKILL);
                       }),
        gofer::on_recv(grace_over, [&] {
          log("grace period over: SIGKILL to process group {}", pid);
          signal_group(SIGKILL);
          grace_over = {};
        }));
  }
  heartbeats.stop();
  stop_closing();

  const std::string_view outcome = outcome_of(*end, cancelling);
  boost::json::object finish = make_finish_event(outcome, *end, "");
  const int status = exit_status_of_finish(finish);
  shared.add(std::move(finish));  // first: once this line is logged, the spool has the finish
  log("job ended {} exit_code={} signal={} (exit status {}), wall {}ms", outcome,
      end->exit_code ? std::to_string(*end->exit_code) : "None",
      end->signal ? std::to_string(*end->signal) : "None", status, end->wall_ms);
  return status;
}

// A restarted agent whose spool holds the job's start and no finish: the
// agent died mid-job. Kills what is left of the job and reports it.
int finish_abandoned_job(delivery& shared) {
  boost::json::object start;
  {
    std::lock_guard guard(shared.lock);
    start = *shared.box.start();
  }
  const boost::json::value* pid_value = start.if_contains("pid");
  const int pid =
      pid_value != nullptr && pid_value->is_int64() ? static_cast<int>(pid_value->as_int64()) : 0;
  process_end end;
  // The group is the job's while any of its processes lives: Linux hands out
  // no pid that is still some group's id. (A group that ended and whose id
  // was reused since by a new group leader cannot be told apart.)
  if (pid > 0 && ::kill(-pid, SIGKILL) == 0) {
    end.signal = SIGKILL;
    log("agent restarted: killed process group {}", pid);
  } else {
    log("agent restarted: process group {} is gone", pid);
  }
  const boost::json::value* time_ms = start.if_contains("time_ms");
  if (time_ms != nullptr && time_ms->is_int64()) end.wall_ms = unix_time_ms() - time_ms->as_int64();
  boost::json::object finish = make_finish_event(outcome_killed, end, "agent restarted");
  const int status = exit_status_of_finish(finish);
  shared.add(std::move(finish));
  return status;
}

}  // namespace

int run_agent(const options& options) {
  delivery shared;
  if (options.spool_dir) {
    if (const std::error_code error = shared.box.open_spool(*options.spool_dir, options.job_id)) {
      write_own_output(STDERR_FILENO, "gofer-agent: --spool: cannot use " +
                                          options.spool_dir->string() + ": " + error_text(error) +
                                          "\n");
      return 2;
    }
    if (shared.box.torn_bytes() > 0 || shared.box.malformed_lines() > 0) {
      log("spool: cut {} bytes of a torn last line, skipped {} malformed lines",
          shared.box.torn_bytes(), shared.box.malformed_lines());
    }
    if (shared.box.last_seq() > 0) {
      log("spool: {} events to send again, continuing after seq={}", shared.box.replayed(),
          shared.box.last_seq());
    }
  }

  auto signals = gofer::make_chan<int>(2);  // buffered: the relay never waits
  gofer::signals::notify(signals, {SIGINT, SIGTERM});
  auto [ctx, cancel] = gofer::with_cancel(gofer::background());
  gofer::wait_group goroutines;
  goroutines.add(1);
  gofer::go(gofer::named{"sender"}, [ctx = ctx, &shared, &options, goroutines] {
    send_events(ctx, shared, options);
    goroutines.done();
  });

  int status;
  if (shared.box.finish()) {
    // The job ran to its end before: deliver what is left, never run it again.
    status = exit_status_of_finish(*shared.box.finish());
    log("spool: the job finished before, with exit status {}: not running it again", status);
  } else if (shared.box.start()) {
    status = finish_abandoned_job(shared);
  } else {
    status = run_job(options, shared, ctx, signals);
  }

  const bool delivered = wait_for_delivery(shared, options, signals);
  cancel();
  goroutines.wait();
  gofer::signals::stop(signals);
  if (!delivered && !shared.box.has_spool()) return exit_undelivered;
  return status;
}

}  // namespace agent
