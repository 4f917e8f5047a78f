// The agent's outbox: the events the tracker has not acknowledged yet, in seq
// order, and, with --spool DIR, their append-only record on disk so that an
// agent killed and restarted loses none (docs/design/jobs.md, "The agent's
// delivery").
//
// The spool, DIR/<job-id>.spool, holds one JSON object per line:
//   an event      {"seq": 3, "type": "heartbeat", "time_ms": ..., ...}
//                 written by add(), before anything tries to send it
//   an ack        {"ack": 3}
//                 written by acknowledge(), after the tracker answered 200
// Invariants:
//   - seq is 1, 2, 3 ... in the order of add(), across restarts: a reopened
//     spool continues after the highest seq it holds (of events and acks);
//   - the in-memory queue is exactly the spooled events without an ack, in
//     seq order, and only its oldest event can be acknowledged (one sender,
//     oldest first: the tracker receives a job's events in order);
//   - an event reaches the spool before it can be sent, so a line torn by
//     a kill mid-write (the only line that can be torn: the last) is an
//     event never sent, whose seq is free to reuse, or an ack whose event
//     is then sent again, which the tracker answers as a duplicate. So
//     reopening cuts a torn last line off and carries on.
//   - the spool is removed once the finish event is recorded and every
//     event is acknowledged: the job is over and the tracker has it all.
// Durability: lines are written with write(2), not fsync'd. They survive the
// agent's death (the kernel has them), not the machine's, which would take
// the job down with it anyway.
//
// Not thread-safe: the agent guards its outbox with a gofer::mutex.
#pragma once

#include <boost/json.hpp>

#include <cstdint>
#include <deque>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>

namespace agent {

class outbox {
 public:
  // In memory only: no spool.
  outbox() = default;
  outbox(outbox&& other) noexcept;
  outbox& operator=(outbox&& other) noexcept;
  outbox(const outbox&) = delete;
  outbox& operator=(const outbox&) = delete;
  ~outbox();

  // Opens DIR/<job_id>.spool (making DIR if needed), replays what it holds
  // into the queue and appends to it from then on. A torn last line is cut
  // off; a malformed line elsewhere is skipped and counted. An error (the
  // directory or file cannot be made, read or written) leaves this outbox
  // as it was, in memory only. Misuse (a spool already open) throws
  // std::logic_error.
  std::error_code open_spool(const std::filesystem::path& dir, std::string_view job_id);

  // Takes an event (without its seq), gives it the next seq, spools it and
  // queues it. Returns the seq; `spool_error` says if the spool write
  // failed (the event is queued in memory all the same).
  std::int64_t add(boost::json::object event, std::error_code& spool_error);

  // The oldest unacknowledged event, or null.
  const boost::json::object* oldest() const noexcept;
  // The tracker took `seq` (or refused it for good): drops it from the
  // queue and spools the ack. `seq` must be oldest()'s: anything else is a
  // bug, and throws std::logic_error. Returns the spool's write error.
  std::error_code acknowledge(std::int64_t seq);

  bool empty() const noexcept { return queue_.empty(); }
  std::size_t size() const noexcept { return queue_.size(); }
  std::int64_t last_seq() const noexcept { return last_seq_; }
  // The start and finish events, once added or replayed.
  const std::optional<boost::json::object>& start() const noexcept { return start_; }
  const std::optional<boost::json::object>& finish() const noexcept { return finish_; }
  // The spool's path; empty without one (or once it was removed).
  const std::filesystem::path& spool_path() const noexcept { return spool_path_; }
  bool has_spool() const noexcept { return spool_fd_ >= 0; }
  // What reopening found: bytes cut off the end, malformed lines skipped,
  // and how many events came back into the queue.
  std::size_t torn_bytes() const noexcept { return torn_bytes_; }
  std::size_t malformed_lines() const noexcept { return malformed_lines_; }
  std::size_t replayed() const noexcept { return replayed_; }

 private:
  std::error_code append_line(const boost::json::object& line);
  void remember(const boost::json::object& event);
  void remove_spool_if_done();
  void close_spool() noexcept;

  std::deque<boost::json::object> queue_;
  std::int64_t last_seq_ = 0;
  std::optional<boost::json::object> start_;
  std::optional<boost::json::object> finish_;
  std::filesystem::path spool_path_;
  int spool_fd_ = -1;
  std::size_t torn_bytes_ = 0;
  std::size_t malformed_lines_ = 0;
  std::size_t replayed_ = 0;
};

}  // namespace agent
