#include "outbox.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <iterator>
#include <map>
#include <set>
#include <stdexcept>
#include <utility>

#include "event.hpp"

namespace agent {

namespace {

std::error_code errno_code() {
  return {errno, std::generic_category()};
}

std::error_code write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t written = ::write(fd, data.data(), data.size());
    if (written < 0) {
      if (errno == EINTR) continue;
      return errno_code();
    }
    data.remove_prefix(static_cast<std::size_t>(written));
  }
  return {};
}

// The seq of an ack line ({"ack": n}), or 0.
std::int64_t ack_of(const boost::json::object& line) {
  const boost::json::value* ack = line.if_contains("ack");
  return ack != nullptr && ack->is_int64() ? ack->as_int64() : 0;
}

}  // namespace

outbox::outbox(outbox&& other) noexcept
    : queue_(std::move(other.queue_)),
      last_seq_(other.last_seq_),
      start_(std::move(other.start_)),
      finish_(std::move(other.finish_)),
      spool_path_(std::move(other.spool_path_)),
      spool_fd_(std::exchange(other.spool_fd_, -1)),
      torn_bytes_(other.torn_bytes_),
      malformed_lines_(other.malformed_lines_),
      replayed_(other.replayed_) {}

outbox& outbox::operator=(outbox&& other) noexcept {
  if (this != &other) {
    close_spool();
    queue_ = std::move(other.queue_);
    last_seq_ = other.last_seq_;
    start_ = std::move(other.start_);
    finish_ = std::move(other.finish_);
    spool_path_ = std::move(other.spool_path_);
    spool_fd_ = std::exchange(other.spool_fd_, -1);
    torn_bytes_ = other.torn_bytes_;
    malformed_lines_ = other.malformed_lines_;
    replayed_ = other.replayed_;
  }
  return *this;
}

outbox::~outbox() {
  close_spool();
}

void outbox::close_spool() noexcept {
  if (spool_fd_ >= 0) ::close(spool_fd_);
  spool_fd_ = -1;
}

std::error_code outbox::open_spool(const std::filesystem::path& dir, std::string_view job_id) {
  if (spool_fd_ >= 0) throw std::logic_error("outbox: the spool is open already");
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  if (error) return error;
  const std::filesystem::path path = dir / (std::string(job_id) + ".spool");

  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) return errno_code();
  std::string text;
  {
    std::ifstream file(path, std::ios::binary);
    if (!file) {
      ::close(fd);
      return std::make_error_code(std::errc::io_error);
    }
    text.assign(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
  }

  // Everything after the last newline is a line torn by a kill mid-write:
  // cut it off, so that the next line starts on a line of its own.
  const std::size_t kept = text.rfind('\n') == std::string::npos ? 0 : text.rfind('\n') + 1;
  if (kept < text.size() && ::ftruncate(fd, static_cast<off_t>(kept)) != 0) {
    const std::error_code truncate_error = errno_code();
    ::close(fd);
    return truncate_error;
  }

  std::map<std::int64_t, boost::json::object> events;
  std::set<std::int64_t> acks;
  std::int64_t last_seq = 0;
  std::size_t malformed = 0;
  std::optional<boost::json::object> start, finish;
  std::size_t begin = 0;
  while (begin < kept) {
    const std::size_t end = text.find('\n', begin);
    const std::string_view line(text.data() + begin, end - begin);
    begin = end + 1;
    boost::system::error_code parse_error;
    boost::json::value value = boost::json::parse(line, parse_error);
    if (parse_error || !value.is_object()) {
      ++malformed;
      continue;
    }
    boost::json::object& object = value.as_object();
    if (const std::int64_t ack = ack_of(object); ack > 0) {
      acks.insert(ack);
      last_seq = std::max(last_seq, ack);
    } else if (const std::int64_t seq = seq_of(object); seq > 0 && !type_of(object).empty()) {
      last_seq = std::max(last_seq, seq);
      if (type_of(object) == "start") start = object;
      if (type_of(object) == "finish") finish = object;
      events.emplace(seq, std::move(object));
    } else {
      ++malformed;
    }
  }

  queue_.clear();
  for (auto& [seq, event] : events) {
    if (!acks.contains(seq)) queue_.push_back(std::move(event));
  }
  last_seq_ = last_seq;
  start_ = std::move(start);
  finish_ = std::move(finish);
  spool_path_ = path;
  spool_fd_ = fd;
  torn_bytes_ = text.size() - kept;
  malformed_lines_ = malformed;
  replayed_ = queue_.size();
  remove_spool_if_done();
  return {};
}

std::int64_t outbox::add(boost::json::object event, std::error_code& spool_error) {
  // seq first, so that a spool line reads in the order of the protocol's table.
  boost::json::object numbered;
  numbered["seq"] = ++last_seq_;
  for (auto& field : event)
    numbered[field.key()] = std::move(field.value());
  spool_error = spool_fd_ >= 0 ? append_line(numbered) : std::error_code{};
  remember(numbered);
  queue_.push_back(std::move(numbered));
  return last_seq_;
}

void outbox::remember(const boost::json::object& event) {
  if (type_of(event) == "start") start_ = event;
  if (type_of(event) == "finish") finish_ = event;
}

const boost::json::object* outbox::oldest() const noexcept {
  return queue_.empty() ? nullptr : &queue_.front();
}

std::error_code outbox::acknowledge(std::int64_t seq) {
  if (queue_.empty() || seq_of(queue_.front()) != seq) {
    throw std::logic_error("outbox: acknowledge(" + std::to_string(seq) +
                           ") of an event that is not the oldest");
  }
  queue_.pop_front();
  std::error_code error;
  if (spool_fd_ >= 0) {
    boost::json::object ack;
    ack["ack"] = seq;
    error = append_line(ack);
  }
  remove_spool_if_done();
  return error;
}

std::error_code outbox::append_line(const boost::json::object& line) {
  // One write(2) of the whole line: O_APPEND places it at the end at once,
  // and only a kill during that one call can leave it torn.
  return write_all(spool_fd_, boost::json::serialize(line) + "\n");
}

void outbox::remove_spool_if_done() {
  if (spool_fd_ < 0 || !finish_ || !queue_.empty()) return;
  close_spool();
  std::error_code ignored;  // a spool left behind is replayed as all acknowledged
  std::filesystem::remove(spool_path_, ignored);
  spool_path_.clear();
}

}  // namespace agent
