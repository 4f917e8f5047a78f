#include "proc_sampler.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstddef>
#include <filesystem>
#include <optional>
#include <set>
#include <string>
#include <system_error>

namespace agent {

namespace {

// Splits on single spaces; /proc/<pid>/stat separates its fields so.
std::vector<std::string_view> split_fields(std::string_view text) {
  std::vector<std::string_view> fields;
  std::size_t begin = 0;
  while (begin < text.size()) {
    std::size_t end = text.find(' ', begin);
    if (end == std::string_view::npos) end = text.size();
    if (end > begin) fields.push_back(text.substr(begin, end - begin));
    begin = end + 1;
  }
  return fields;
}

template <class Number>
bool parse_number(std::string_view text, Number& out) {
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), out);
  return error == std::errc{} && end == text.data() + text.size();
}

}  // namespace

std::optional<process_stat> parse_process_stat(std::string_view text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' '))
    text.remove_suffix(1);
  const std::size_t open = text.find(" (");
  const std::size_t close = text.rfind(") ");
  if (open == std::string_view::npos || close == std::string_view::npos || close < open) {
    return std::nullopt;
  }
  process_stat stat;
  if (!parse_number(text.substr(0, open), stat.pid)) return std::nullopt;
  // After the name: field 3 (state) is after[0], so field n is after[n - 3].
  const std::vector<std::string_view> after = split_fields(text.substr(close + 2));
  if (after.empty() || after[0].size() != 1) return std::nullopt;
  stat.state = after[0][0];
  constexpr std::size_t parent_pid = 4 - 3, utime = 14 - 3, stime = 15 - 3, start_time = 22 - 3,
                        rss = 24 - 3;
  if (after.size() <= rss) return std::nullopt;
  std::uint64_t user_ticks = 0, system_ticks = 0;
  if (!parse_number(after[parent_pid], stat.parent_pid) ||
      !parse_number(after[utime], user_ticks) || !parse_number(after[stime], system_ticks) ||
      !parse_number(after[start_time], stat.start_time) ||
      !parse_number(after[rss], stat.rss_pages)) {
    return std::nullopt;
  }
  stat.cpu_ticks = user_ticks + system_ticks;
  return stat;
}

namespace {

// The whole of a small file (a /proc stat line), or nothing if it cannot be
// read to its end.
std::optional<std::string> read_small_file(const std::filesystem::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  std::string text;
  char buffer[4096];
  for (;;) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ::close(fd);
      if (n < 0) return std::nullopt;
      return text;
    }
    text.append(buffer, static_cast<std::size_t>(n));
  }
}

}  // namespace

std::vector<process_stat> read_processes(const std::filesystem::path& proc) {
  std::vector<process_stat> processes;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(proc, error)) {
    const std::string name = entry.path().filename().string();
    int pid = 0;
    if (!parse_number(std::string_view(name), pid)) continue;  // not a process
    // A process may end between the directory's listing and the read, or
    // during the read (ESRCH): it is then simply not there. Not an
    // ifstream: libstdc++'s filebuf throws from underflow when read() fails
    // (a crash of 4 agents in 200, jobs_system_test).
    const std::optional<std::string> text = read_small_file(entry.path() / "stat");
    if (!text) continue;
    if (std::optional<process_stat> stat = parse_process_stat(*text)) processes.push_back(*stat);
  }
  return processes;
}

std::vector<process_stat> process_tree(const std::vector<process_stat>& all, int root) {
  // Parents before children is not an order /proc promises (pids wrap), so
  // grow the set until a pass adds nothing.
  std::set<int> members{root};
  bool grew = true;
  while (grew) {
    grew = false;
    for (const process_stat& stat : all) {
      if (members.contains(stat.parent_pid) && members.insert(stat.pid).second) grew = true;
    }
  }
  std::vector<process_stat> tree;
  for (const process_stat& stat : all) {
    if (members.contains(stat.pid)) tree.push_back(stat);
  }
  return tree;
}

proc_sampler::proc_sampler(int root_pid)
    : root_pid_(root_pid), last_time_(std::chrono::steady_clock::now()) {}

resource_sample proc_sampler::sample() {
  static const long ticks_per_second = ::sysconf(_SC_CLK_TCK);
  static const long page_size = ::sysconf(_SC_PAGESIZE);
  const auto now = std::chrono::steady_clock::now();
  const std::vector<process_stat> tree = process_tree(read_processes(), root_pid_);

  std::map<std::pair<int, std::uint64_t>, std::uint64_t> ticks;
  std::uint64_t used_ticks = 0;
  resource_sample sample;
  for (const process_stat& stat : tree) {
    if (stat.state == 'Z') continue;
    const std::pair<int, std::uint64_t> key{stat.pid, stat.start_time};
    const auto last = last_ticks_.find(key);
    const std::uint64_t before = last == last_ticks_.end() ? 0 : last->second;
    used_ticks += stat.cpu_ticks >= before ? stat.cpu_ticks - before : 0;
    ticks[key] = stat.cpu_ticks;
    sample.rss_bytes += stat.rss_pages * page_size;
    ++sample.processes;
  }
  const double seconds = std::chrono::duration<double>(now - last_time_).count();
  if (seconds > 0 && ticks_per_second > 0) {
    sample.cpu_percent =
        100.0 * static_cast<double>(used_ticks) / static_cast<double>(ticks_per_second) / seconds;
  }
  last_ticks_ = std::move(ticks);
  last_time_ = now;
  return sample;
}

}  // namespace agent
