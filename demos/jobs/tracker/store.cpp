#include "store.hpp"

#include <sqlite3.h>

#include <boost/json.hpp>
#include <gofer/chan.hpp>
#include <gofer/errors.hpp>
#include <gofer/runtime.hpp>

#include <algorithm>
#include <atomic>
#include <functional>
#include <map>
#include <stdexcept>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <variant>

namespace tracker {

namespace {

// The schema. `jobs` holds one row per job, its summary kept up to date by
// each event (so a list is one query); the other three hold what the events
// brought, each keyed by the event's identity. rowid order of `jobs` is the
// order the tracker first heard of each job ("newest first" sorts by it).
// A job is finished when `outcome` is not null; its state is then the
// outcome and never changes again.
constexpr const char* schema = R"sql(
CREATE TABLE IF NOT EXISTS jobs (
  id TEXT PRIMARY KEY,
  state TEXT NOT NULL,
  command TEXT,
  agent TEXT NOT NULL DEFAULT '',
  host TEXT NOT NULL DEFAULT '',
  pid INTEGER,
  heartbeat_ms INTEGER,
  started_ms INTEGER,
  finished_ms INTEGER,
  last_heartbeat_ms INTEGER,
  last_heartbeat_seq INTEGER,
  cpu_percent REAL,
  rss_bytes INTEGER,
  outcome TEXT,
  exit_code INTEGER,
  signal INTEGER,
  wall_ms INTEGER,
  user_cpu_ms INTEGER,
  system_cpu_ms INTEGER,
  max_rss_bytes INTEGER,
  error TEXT,
  cancel_requested INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS events (
  job_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  type TEXT NOT NULL,
  time_ms INTEGER NOT NULL,
  body TEXT NOT NULL,
  PRIMARY KEY (job_id, seq)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS samples (
  job_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  time_ms INTEGER NOT NULL,
  cpu_percent REAL NOT NULL,
  rss_bytes INTEGER NOT NULL,
  processes INTEGER NOT NULL,
  PRIMARY KEY (job_id, seq)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS output (
  job_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  stream TEXT NOT NULL,
  data BLOB NOT NULL,
  PRIMARY KEY (job_id, seq)
) WITHOUT ROWID;
)sql";

constexpr const char* summary_columns =
    "id, state, command, agent, host, pid, started_ms, finished_ms, last_heartbeat_ms, "
    "heartbeat_ms, cpu_percent, rss_bytes, outcome, exit_code, signal, wall_ms, user_cpu_ms, "
    "system_cpu_ms, max_rss_bytes, error, cancel_requested";

// A SQLite failure inside the owner: caught per request (its answer's
// error) or per batch (the commit's). Never leaves this file.
class sqlite_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// One prepared statement, reset after each use. Owned by the connection's
// cache below; used only by the owner goroutine.
class statement {
 public:
  statement(sqlite3* db, const char* sql) : db_(db) {
    if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt_, nullptr) != SQLITE_OK) {
      throw sqlite_error(std::string("prepare: ") + sqlite3_errmsg(db));
    }
  }
  statement(const statement&) = delete;
  statement& operator=(const statement&) = delete;
  ~statement() { sqlite3_finalize(stmt_); }

  // Binds the arguments in order (1, 2, ...); std::nullopt binds NULL.
  template <class... Args>
  statement& bind(const Args&... args) {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
    int index = 0;
    (bind_one(++index, args), ...);
    return *this;
  }

  // True while there is a row; throws on an error.
  bool step() {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    throw sqlite_error(sqlite3_errmsg(db_));
  }
  // Runs a statement that returns no rows.
  void run() {
    while (step()) {
    }
    sqlite3_reset(stmt_);
  }

  bool is_null(int column) const { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }
  std::int64_t integer(int column) const { return sqlite3_column_int64(stmt_, column); }
  double real(int column) const { return sqlite3_column_double(stmt_, column); }
  std::string text(int column) const {
    const auto* data = static_cast<const char*>(sqlite3_column_blob(stmt_, column));
    return data == nullptr ? std::string()
                           : std::string(data, std::size_t(sqlite3_column_bytes(stmt_, column)));
  }
  std::optional<std::int64_t> optional_integer(int column) const {
    return is_null(column) ? std::nullopt : std::optional<std::int64_t>(integer(column));
  }
  void reset() { sqlite3_reset(stmt_); }

 private:
  void bind_one(int index, std::int64_t value) { check(sqlite3_bind_int64(stmt_, index, value)); }
  void bind_one(int index, int value) { check(sqlite3_bind_int64(stmt_, index, value)); }
  void bind_one(int index, double value) { check(sqlite3_bind_double(stmt_, index, value)); }
  void bind_one(int index, std::string_view value) {
    check(sqlite3_bind_text(stmt_, index, value.data(), int(value.size()), SQLITE_TRANSIENT));
  }
  void bind_one(int index, const std::string& value) { bind_one(index, std::string_view(value)); }
  void bind_one(int index, const char* value) { bind_one(index, std::string_view(value)); }
  void bind_one(int index, const std::optional<std::int64_t>& value) {
    if (value) {
      bind_one(index, *value);
    } else {
      check(sqlite3_bind_null(stmt_, index));
    }
  }
  // Output bytes need not be UTF-8: a BLOB, not TEXT.
  struct blob {
    std::string_view bytes;
  };

 public:
  static blob as_blob(std::string_view bytes) { return {bytes}; }

 private:
  void bind_one(int index, blob value) {
    check(sqlite3_bind_blob(stmt_, index, value.bytes.data(), int(value.bytes.size()),
                            SQLITE_TRANSIENT));
  }
  void check(int rc) {
    if (rc != SQLITE_OK) throw sqlite_error(std::string("bind: ") + sqlite3_errmsg(db_));
  }

  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

// The requests the owner serves, each with the channel its answer goes to
// (buffered, capacity 1: the owner never waits for the asker).
struct append_request {
  event e;
  gofer::time_point received;
  gofer::chan<append_result> reply;
};
struct cancel_request {
  std::string job_id;
  gofer::chan<cancel_result> reply;
};
struct jobs_request {
  std::size_t samples_per_job = 0;
  gofer::chan<jobs_result> reply;
};
struct job_request {
  std::string job_id;
  gofer::chan<job_result> reply;
};
struct output_request {
  std::string job_id;
  gofer::chan<output_result> reply;
};
struct sweep_request {
  gofer::time_point now;
  gofer::chan<sweep_result> reply;
};
using request = std::variant<append_request, cancel_request, jobs_request, job_request,
                             output_request, sweep_request>;

// What the health rule needs of an unfinished job (see store.hpp's top).
struct liveness {
  gofer::time_point last_event;
  std::int64_t heartbeat_ms = 0;
  std::string state;  // running, unhealthy or lost
};

}  // namespace

namespace detail {

struct store_state {
  store_options options;
  sqlite3* db = nullptr;  // owned by the owner goroutine from open() on
  gofer::chan<request> requests;
  gofer::chan<gofer::signal> owner_done = gofer::make_chan<gofer::signal>();
  std::atomic<bool> closed{false};

  // The rest is the owner goroutine's alone.
  std::map<std::string, std::unique_ptr<statement>, std::less<>> statements;
  std::unordered_map<std::string, liveness> live;

  ~store_state() {
    statements.clear();  // finalized before the connection closes
    if (db != nullptr) sqlite3_close(db);
  }

  statement& sql(const char* text) {
    auto it = statements.find(std::string_view(text));
    if (it == statements.end()) {
      it = statements.emplace(text, std::make_unique<statement>(db, text)).first;
    }
    return *it->second;
  }

  void exec(const char* text) {
    char* message = nullptr;
    if (sqlite3_exec(db, text, nullptr, nullptr, &message) != SQLITE_OK) {
      std::string what = message != nullptr ? message : sqlite3_errmsg(db);
      sqlite3_free(message);
      throw sqlite_error(what);
    }
  }

  // Every unfinished job's silence starts now (see store.hpp's top).
  void load_liveness(gofer::time_point now) {
    live.clear();
    statement& select = sql("SELECT id, state, heartbeat_ms FROM jobs WHERE outcome IS NULL");
    select.bind();
    while (select.step()) {
      live[select.text(0)] = liveness{
          now, select.optional_integer(2).value_or(options.default_heartbeat_ms), select.text(1)};
    }
    select.reset();
  }

  bool cancel_requested(const std::string& job_id) {
    statement& select = sql("SELECT cancel_requested FROM jobs WHERE id = ?");
    select.bind(job_id);
    const bool requested = select.step() && select.integer(0) != 0;
    select.reset();
    return requested;
  }

  append_result apply(append_request& r) {
    const event& e = r.e;
    sql("INSERT OR IGNORE INTO events (job_id, seq, type, time_ms, body) VALUES (?, ?, ?, ?, ?)")
        .bind(e.job_id, e.seq, to_string(e.type()), e.time_ms, e.json)
        .run();
    if (sqlite3_changes(db) == 0) {  // a repeated (job_id, seq): answered, nothing changed
      return {false, cancel_requested(e.job_id), {}};
    }
    // An event of a job not heard of before, start or not, makes the job.
    sql("INSERT OR IGNORE INTO jobs (id, state) VALUES (?, 'running')").bind(e.job_id).run();

    std::optional<std::int64_t> heartbeat_ms;
    if (const auto* start = std::get_if<start_fields>(&e.fields)) {
      sql("UPDATE jobs SET command = ?, agent = ?, host = ?, pid = ?, heartbeat_ms = ?, "
          "started_ms = ? WHERE id = ?")
          .bind(boost::json::serialize(boost::json::value_from(start->command)), start->agent,
                start->host, start->pid, start->heartbeat_ms, e.time_ms, e.job_id)
          .run();
      heartbeat_ms = start->heartbeat_ms;
    } else if (const auto* beat = std::get_if<heartbeat_fields>(&e.fields)) {
      sql("INSERT INTO samples (job_id, seq, time_ms, cpu_percent, rss_bytes, processes) "
          "VALUES (?, ?, ?, ?, ?, ?)")
          .bind(e.job_id, e.seq, e.time_ms, beat->cpu_percent, beat->rss_bytes, beat->processes)
          .run();
      // The last sample is the one of the highest seq, whatever the order of arrival.
      sql("UPDATE jobs SET last_heartbeat_ms = ?, last_heartbeat_seq = ?, cpu_percent = ?, "
          "rss_bytes = ? WHERE id = ? AND (last_heartbeat_seq IS NULL OR last_heartbeat_seq < ?)")
          .bind(e.time_ms, e.seq, beat->cpu_percent, beat->rss_bytes, e.job_id, e.seq)
          .run();
    } else if (const auto* out = std::get_if<output_fields>(&e.fields)) {
      sql("INSERT INTO output (job_id, seq, stream, data) VALUES (?, ?, ?, ?)")
          .bind(e.job_id, e.seq, out->stream, statement::as_blob(out->data))
          .run();
    } else if (const auto* finish = std::get_if<finish_fields>(&e.fields)) {
      // The first finish is the outcome (an agent sends one; a second would be its bug).
      sql("UPDATE jobs SET state = ?, outcome = ?, exit_code = ?, signal = ?, wall_ms = ?, "
          "user_cpu_ms = ?, system_cpu_ms = ?, max_rss_bytes = ?, error = ?, finished_ms = ? "
          "WHERE id = ? AND outcome IS NULL")
          .bind(finish->outcome, finish->outcome, finish->exit_code, finish->signal,
                finish->wall_ms, finish->user_cpu_ms, finish->system_cpu_ms, finish->max_rss_bytes,
                finish->error, e.time_ms, e.job_id)
          .run();
      live.erase(e.job_id);
    }

    // Any event brings an unfinished job back to running, and restarts its silence.
    if (e.type() != event_type::finish) {
      statement& select = sql("SELECT outcome IS NULL, heartbeat_ms, state FROM jobs WHERE id = ?");
      select.bind(e.job_id);
      if (select.step() && select.integer(0) != 0) {
        const bool was_running = select.text(2) == "running";
        const std::int64_t interval =
            select.optional_integer(1).value_or(options.default_heartbeat_ms);
        select.reset();
        if (!was_running)
          sql("UPDATE jobs SET state = 'running' WHERE id = ?").bind(e.job_id).run();
        live[e.job_id] = liveness{r.received, heartbeat_ms.value_or(interval), "running"};
      }
      select.reset();
    }
    return {true, cancel_requested(e.job_id), {}};
  }

  cancel_result apply(cancel_request& r) {
    statement& select = sql("SELECT outcome IS NOT NULL FROM jobs WHERE id = ?");
    select.bind(r.job_id);
    if (!select.step()) return {cancel_outcome::unknown_job, {}};
    const bool finished = select.integer(0) != 0;
    select.reset();
    if (finished) return {cancel_outcome::finished, {}};
    sql("UPDATE jobs SET cancel_requested = 1 WHERE id = ?").bind(r.job_id).run();
    return {cancel_outcome::requested, {}};
  }

  static job_summary read_summary(const statement& row) {
    job_summary s;
    s.id = row.text(0);
    s.state = row.text(1);
    if (!row.is_null(2)) {
      boost::system::error_code ec;
      const boost::json::value command = boost::json::parse(row.text(2), ec);
      if (!ec) s.command = boost::json::value_to<std::vector<std::string>>(command);
    }
    s.agent = row.text(3);
    s.host = row.text(4);
    s.pid = row.optional_integer(5);
    s.started_ms = row.optional_integer(6);
    s.finished_ms = row.optional_integer(7);
    s.last_heartbeat_ms = row.optional_integer(8);
    s.heartbeat_ms = row.optional_integer(9);
    if (!row.is_null(10)) s.cpu_percent = row.real(10);
    s.rss_bytes = row.optional_integer(11);
    if (!row.is_null(12)) {
      finish_fields f;
      f.outcome = row.text(12);
      f.exit_code = row.optional_integer(13);
      f.signal = row.optional_integer(14);
      f.wall_ms = row.optional_integer(15).value_or(0);
      f.user_cpu_ms = row.optional_integer(16).value_or(0);
      f.system_cpu_ms = row.optional_integer(17).value_or(0);
      f.max_rss_bytes = row.optional_integer(18).value_or(0);
      f.error = row.text(19);
      s.finish = std::move(f);
    }
    s.cancel_requested = row.integer(20) != 0;
    return s;
  }

  // A job's samples, oldest first: all of them, or the last `limit`.
  std::vector<sample> samples(const std::string& job_id, std::optional<std::size_t> limit) {
    statement& select =
        sql("SELECT time_ms, cpu_percent, rss_bytes FROM samples WHERE job_id = ? "
            "ORDER BY seq DESC LIMIT ?");
    select.bind(job_id, limit ? std::int64_t(*limit) : std::int64_t(-1));
    std::vector<sample> result;
    while (select.step())
      result.push_back({select.integer(0), select.real(1), select.integer(2)});
    select.reset();
    std::reverse(result.begin(), result.end());
    return result;
  }

  jobs_result apply(jobs_request& r) {
    static const std::string text =
        std::string("SELECT ") + summary_columns + " FROM jobs ORDER BY rowid DESC";
    statement& select = sql(text.c_str());
    select.bind();
    jobs_result result;
    while (select.step())
      result.jobs.push_back({read_summary(select), {}});
    select.reset();
    if (r.samples_per_job > 0) {
      for (job_row& row : result.jobs) {
        row.recent_samples = samples(row.summary.id, r.samples_per_job);
      }
    }
    return result;
  }

  job_result apply(job_request& r) {
    static const std::string text =
        std::string("SELECT ") + summary_columns + " FROM jobs WHERE id = ?";
    statement& select = sql(text.c_str());
    select.bind(r.job_id);
    if (!select.step()) return {};
    job_detail detail;
    detail.summary = read_summary(select);
    select.reset();
    detail.samples = samples(r.job_id, std::nullopt);
    statement& count = sql("SELECT count(*) FROM events WHERE job_id = ?");
    count.bind(r.job_id);
    count.step();
    detail.events = count.integer(0);
    count.reset();
    return {std::move(detail), {}};
  }

  output_result apply(output_request& r) {
    statement& exists = sql("SELECT 1 FROM jobs WHERE id = ?");
    exists.bind(r.job_id);
    const bool known = exists.step();
    exists.reset();
    if (!known) return {};
    statement& select = sql("SELECT stream, data FROM output WHERE job_id = ? ORDER BY seq");
    select.bind(r.job_id);
    std::vector<output_chunk> chunks;
    while (select.step())
      chunks.push_back({select.text(0), select.text(1)});
    select.reset();
    return {std::move(chunks), {}};
  }

  sweep_result apply(sweep_request& r) {
    sweep_result result;
    for (auto& [job_id, job] : live) {
      const std::string_view next =
          decide_health(job.state, r.now - job.last_event,
                        std::chrono::milliseconds(job.heartbeat_ms), options.health);
      if (next == job.state) continue;
      sql("UPDATE jobs SET state = ? WHERE id = ? AND outcome IS NULL").bind(next, job_id).run();
      result.changes.push_back({job_id, job.state, std::string(next)});
      job.state = std::string(next);
    }
    return result;
  }

  // Runs one batch in one transaction (group commit; see store.hpp's top)
  // and answers each request once the COMMIT succeeded.
  void run_batch(std::vector<request>& batch) {
    // What to send, kept until the commit: each sends its request's answer,
    // or the commit's error in place of it.
    std::vector<std::function<void(const std::string& commit_error)>> answers;
    answers.reserve(batch.size());
    std::string commit_error;
    try {
      exec("BEGIN IMMEDIATE");
    } catch (const sqlite_error& e) {
      commit_error = e.what();
    }
    for (request& r : batch) {
      std::visit(
          [&](auto& req) {
            using answer_type = typename decltype(req.reply)::value_type;
            answer_type answer;
            if (commit_error.empty()) {
              try {
                exec("SAVEPOINT request");
                answer = apply(req);
                exec("RELEASE request");
              } catch (const sqlite_error& e) {
                answer = answer_type{};
                answer.error = e.what();
                // Undo this request alone; the batch goes on.
                try {
                  exec("ROLLBACK TO request");
                  exec("RELEASE request");
                } catch (const sqlite_error&) {
                }
              }
            }
            answers.emplace_back(
                [reply = req.reply, answer = std::move(answer)](const std::string& error) mutable {
                  if (!error.empty()) {
                    answer = answer_type{};
                    answer.error = error;
                  }
                  reply.send(std::move(answer));
                });
          },
          r);
    }
    if (commit_error.empty()) {
      try {
        exec("COMMIT");
      } catch (const sqlite_error& e) {
        commit_error = std::string("commit: ") + e.what();
        sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
        // The memory of this batch's events is not on disk: start again from the disk.
        try {
          load_liveness(gofer::now());
        } catch (const sqlite_error&) {
        }
      }
    }
    for (auto& answer : answers)
      answer(commit_error);
  }

  void serve() {
    std::vector<request> batch;
    for (;;) {
      std::optional<request> first = requests.recv_optional();
      if (!first) break;  // closed by close(): everything queued was answered
      batch.clear();
      batch.push_back(std::move(*first));
      while (batch.size() < options.max_batch) {
        std::optional<gofer::received<request>> next = requests.try_recv();
        if (!next || !next->ok) break;
        batch.push_back(std::move(next->value));
      }
      run_batch(batch);
    }
    statements.clear();
    sqlite3_close(db);
    db = nullptr;
    owner_done.close();
  }
};

}  // namespace detail

namespace {

template <class Answer, class Request>
Answer ask(const std::shared_ptr<detail::store_state>& state, Request r) {
  if (state == nullptr) throw gofer::invalid_argument("tracker::store: no store");
  auto reply = gofer::make_chan<Answer>(1);
  r.reply = reply;
  state->requests.send(request{std::move(r)});
  return reply.get();
}

}  // namespace

store::open_result store::open(store_options options) {
  auto state = std::make_shared<detail::store_state>();
  state->options = std::move(options);
  const int rc = sqlite3_open_v2(state->options.path.c_str(), &state->db,
                                 SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  if (rc != SQLITE_OK) {
    std::string error = state->db != nullptr ? sqlite3_errmsg(state->db) : sqlite3_errstr(rc);
    return {{}, state->options.path + ": " + error};
  }
  try {
    // WAL + NORMAL: see the top of store.hpp for what this survives.
    state->exec("PRAGMA journal_mode = WAL");
    state->exec("PRAGMA synchronous = NORMAL");
    // Another process on the same file (a second tracker, the sqlite3
    // shell) may hold the lock for a moment.
    sqlite3_busy_timeout(state->db, 2000);
    state->exec(schema);
    state->load_liveness(gofer::now());
  } catch (const sqlite_error& e) {
    return {{}, state->options.path + ": " + e.what()};
  }
  // A buffer lets handlers queue while the owner commits: what is queued
  // then is the next batch.
  state->requests = gofer::make_chan<request>(std::ptrdiff_t(state->options.max_batch));
  gofer::go(gofer::named{"tracker store"}, [state] { state->serve(); });
  return {store{state}, {}};
}

append_result store::append(event e, gofer::time_point received) const {
  return ask<append_result>(state_, append_request{std::move(e), received, {}});
}

cancel_result store::request_cancel(std::string job_id) const {
  return ask<cancel_result>(state_, cancel_request{std::move(job_id), {}});
}

jobs_result store::jobs(std::size_t samples_per_job) const {
  return ask<jobs_result>(state_, jobs_request{samples_per_job, {}});
}

job_result store::job(std::string job_id) const {
  return ask<job_result>(state_, job_request{std::move(job_id), {}});
}

output_result store::output(std::string job_id) const {
  return ask<output_result>(state_, output_request{std::move(job_id), {}});
}

sweep_result store::sweep(gofer::time_point now) const {
  return ask<sweep_result>(state_, sweep_request{now, {}});
}

void store::close() const {
  if (state_ == nullptr || state_->closed.exchange(true)) return;
  state_->requests.close();
  state_->owner_done.recv();
}

}  // namespace tracker
