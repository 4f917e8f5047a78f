// demos/jobs/tracker/store.hpp - the tracker's state, in SQLite.
//
// One goroutine owns the connection (Go's way: share memory by
// communicating). Every other goroutine - an HTTP handler, the health
// ticker - sends it a request on one channel and waits for the answer on a
// channel of its own. So the connection is never used by two at once, and
// no lock guards it.
//
// Group commit: the owner takes the first request waiting, then every other
// one already queued (up to max_batch), and runs them all in ONE
// transaction: a commit is the expensive part of a write, so under load N
// requests cost one commit instead of N. It answers none of them before the
// COMMIT succeeded: an event acknowledged is an event on disk. Each request
// runs inside a SAVEPOINT, so one that fails is undone alone and the others
// of its batch still commit.
//
// A SQLite call blocks the thread it runs on (the owner's worker) for its
// duration; in WAL mode with synchronous=NORMAL a commit appends to the WAL
// without fsync, so that is short. Idle, the owner is parked on its channel:
// no CPU.
//
// Durability: WAL mode, synchronous=NORMAL. A transaction is in the WAL
// file, written with write(2), when COMMIT returns: it survives a SIGKILL
// of the process (the kernel has the pages), which is what the tracker
// promises. Only a power loss or a kernel crash can lose the last commits
// before a checkpoint; synchronous=FULL would cover that too, at an fsync
// per commit.
//
// Health (docs/design/jobs.md, "States"): the owner also keeps, in memory,
// when it last received an event of each job that has not finished, on
// gofer's clock (gofer::now(): the virtual one in tests). sweep(now) asks
// it to decide, with health.hpp's rule, which jobs are now unhealthy or
// lost, and to write their new states. A tracker that restarts does not
// know when the events before it came: it starts every unfinished job's
// silence at its own start (a fresh grace period).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <gofer/time.hpp>

#include "events.hpp"
#include "health.hpp"

namespace tracker {

namespace detail {
struct store_state;
}

// A job as GET /api/jobs shows it (docs/design/jobs.md, "A summary").
struct job_summary {
  std::string id;
  std::string state;  // running, unhealthy, lost, or the outcome once finished
  std::optional<std::vector<std::string>> command;  // empty until the start arrives
  std::string agent;
  std::string host;
  std::optional<std::int64_t> pid;
  std::optional<std::int64_t> started_ms;
  std::optional<std::int64_t> finished_ms;
  std::optional<std::int64_t> last_heartbeat_ms;
  std::optional<std::int64_t> heartbeat_ms;
  std::optional<double> cpu_percent;  // the last sample
  std::optional<std::int64_t> rss_bytes;
  std::optional<finish_fields> finish;  // once finished
  bool cancel_requested = false;
};

struct sample {
  std::int64_t time_ms = 0;
  double cpu_percent = 0;
  std::int64_t rss_bytes = 0;
};

struct job_detail {
  job_summary summary;
  std::vector<sample> samples;  // oldest first
  std::int64_t events = 0;      // how many events are stored
};

// One output event's bytes.
struct output_chunk {
  std::string stream;  // "stdout" or "stderr"
  std::string data;
};

// A job with its last few samples, for the status page.
struct job_row {
  job_summary summary;
  std::vector<sample> recent_samples;  // oldest first
};

// A job whose state the health rule changed.
struct state_change {
  std::string job_id;
  std::string from;
  std::string to;
};

struct store_options {
  std::string path{};  // the database file; created if missing
  // --unhealthy-after and --lost-after.
  health_rule health{};
  // The interval a job is judged by before its start (and heartbeat_ms)
  // arrived: the agent's default --heartbeat.
  std::int64_t default_heartbeat_ms = 5000;
  // The most requests committed in one transaction.
  std::size_t max_batch = 512;
};

// Every answer carries `error`: empty, or why the store failed (a SQLite
// error, which the API answers with 500). Expected outcomes are fields.
struct append_result {
  bool stored = false;  // false for a repeated (job_id, seq): nothing changed
  bool cancel = false;  // a cancel was requested for the job
  std::string error;
};

enum class cancel_outcome { requested, unknown_job, finished };
struct cancel_result {
  cancel_outcome outcome = cancel_outcome::unknown_job;
  std::string error;
};

struct jobs_result {
  std::vector<job_row> jobs;  // newest first (the order the tracker first heard of them)
  std::string error;
};

struct job_result {
  std::optional<job_detail> job;  // empty for an unknown job
  std::string error;
};

struct output_result {
  std::optional<std::vector<output_chunk>> chunks;  // in seq order; empty for an unknown job
  std::string error;
};

struct sweep_result {
  std::vector<state_change> changes;
  std::string error;
};

// A handle: copies share one owner goroutine and its connection. Call from
// goroutines of the gofer::run that opened it.
class store {
 public:
  struct open_result;

  // Opens (or creates) the database, sets WAL mode, creates the tables, and
  // starts the owner goroutine. A failure (an unwritable path, a file that
  // is not a database) is returned, not thrown.
  static open_result open(store_options options);

  store() = default;  // no store: every call throws gofer::invalid_argument

  // Stores an event received at `received` (gofer's clock).
  append_result append(event e, gofer::time_point received) const;
  cancel_result request_cancel(std::string job_id) const;
  // Each job with its last `samples_per_job` samples (none for 0).
  jobs_result jobs(std::size_t samples_per_job = 0) const;
  job_result job(std::string job_id) const;
  output_result output(std::string job_id) const;
  // Applies the health rule at `now` (see the top of this file).
  sweep_result sweep(gofer::time_point now) const;

  // Answers what is queued, stops the owner and closes the database.
  // Idempotent. A call other than close() made after it throws
  // gofer::send_on_closed_channel (misuse: close the store last).
  void close() const;

 private:
  explicit store(std::shared_ptr<detail::store_state> state) : state_(std::move(state)) {}
  std::shared_ptr<detail::store_state> state_;
};

struct store::open_result {
  tracker::store store;
  std::string error;
};

}  // namespace tracker
