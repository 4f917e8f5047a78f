// Samples the job's whole process tree from /proc at each heartbeat: the job's
// process and every descendant, found by parent pid (not by process group, so
// that a child that made a group or session of its own still counts).
//
// What each heartbeat reports (docs/design/jobs.md):
//   cpu_percent  utime + stime of the tree's processes, the difference from
//                the previous sample, over the time between the two samples;
//                100 = one CPU. A process seen for the first time counts
//                with all its CPU time (it was born within the interval, or
//                is the job's first sample). CPU used by a process that
//                ended between two samples is not seen: it leaves /proc
//                with its counters (its parent's cutime gets it only when
//                reaped). The finish event's rusage has the whole truth.
//   rss_bytes    the sum of the processes' resident sets now. Pages shared
//                between them (a forked child, shared libraries) count once
//                per process, as `ps` would add them up.
//   processes    how many processes the tree has now.
// Zombies (exited, not yet reaped: the job itself between its exit and the
// agent's wait) count in none of these: they hold no memory and run no more.
//
// A process is known by (pid, start time), so a pid reused between two
// samples is a new process, not a jump in an old one's counters.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "event.hpp"

namespace agent {

// One process's line of /proc/<pid>/stat, the fields the sampler uses.
struct process_stat {
  int pid = 0;
  int parent_pid = 0;
  char state = 0;                // R, S, D, Z (a zombie: exited, not yet reaped) ...
  std::uint64_t cpu_ticks = 0;   // utime + stime, in clock ticks (sysconf(_SC_CLK_TCK))
  std::uint64_t start_time = 0;  // in clock ticks after boot
  std::int64_t rss_pages = 0;
};

// Parses the text of /proc/<pid>/stat. The command name (field 2) is in
// parentheses and may hold spaces and parentheses itself, so the fields after
// it are counted from the last ')'. Empty for text that does not parse.
std::optional<process_stat> parse_process_stat(std::string_view text);

// Every process /proc shows now (those that vanish while it is read are
// skipped). `proc` is the mount point, a parameter for tests.
std::vector<process_stat> read_processes(const std::filesystem::path& proc = "/proc");

// The processes of `all` that are `root` or descend from it.
std::vector<process_stat> process_tree(const std::vector<process_stat>& all, int root);

class proc_sampler {
 public:
  explicit proc_sampler(int root_pid);

  // Samples the tree now. The CPU share is over the time since the previous
  // sample (or since this sampler was made, for the first one).
  resource_sample sample();

 private:
  int root_pid_;
  std::chrono::steady_clock::time_point last_time_;
  // CPU ticks per process at the previous sample, by (pid, start time).
  std::map<std::pair<int, std::uint64_t>, std::uint64_t> last_ticks_;
};

}  // namespace agent
