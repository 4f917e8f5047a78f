// lib/dump.cpp - gofer::dump and run_options::dump_on_sigquit: the goroutine
// dump a Go program prints on SIGQUIT, without the stacks (each goroutine's
// id, name and what it waits for, as in deadlock reports). Go:
// runtime/traceback.go goroutineheader, runtime/signal_unix.go sighandler.
#include "dump.hpp"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <ostream>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#include "foreign_threads.hpp"
#include "gofer/defer.hpp"
#include "gofer/runtime.hpp"
#include "runtime_state.hpp"

namespace gofer::detail {

std::string runtime::describe_goroutines(report_kind kind) {
  struct line {
    std::uint64_t id;
    std::string text;
  };
  std::vector<line> lines;
  const bool main_returned = shutting_down();
  auto describe = [&](const goroutine& g) {
    std::string text = "goroutine " + std::to_string(g.id);
    if (g.id == 1) text += " (main)";
    if (!g.name.empty()) text += " \"" + g.name + "\"";
    text += " [";
    // Acquire: the reason the owner wrote before it published `waiting` is
    // visible (or a later one, if it has moved on since: still a literal).
    const std::uint32_t state = g.parker.state.load(std::memory_order_acquire);
    if (state == parker::waiting) {
      text += g.parker.wait_reason.get();
    } else if (kind == report_kind::deadlock) {
      text += "blocked outside gofer";  // every goroutine is asleep
    } else if (state == parker::claimed) {
      text += "runnable";  // woken, not yet resumed
    } else if (g.unstarted_body.load(std::memory_order_relaxed) != nullptr) {
      text += "runnable";  // made by go(), not yet run (Go says the same)
    } else if (&g == main_ && main_returned) {
      text += "main ended, waiting for goroutines";  // in runtime::shutdown
    } else {
      text += "running";
    }
    text += "]:\n";
    lines.push_back({g.id, std::move(text)});
  };
  // main_ is not in the list, and lives as long as the runtime is reachable.
  describe(*main_);
  {
    // Records in the list live at least until they leave it (remove), which
    // takes this lock.
    spinlock_lock lock{goroutines_lock_};
    for (goroutine* g = goroutines_; g != nullptr; g = g->next)
      describe(*g);
  }
  std::sort(lines.begin(), lines.end(), [](const line& a, const line& b) { return a.id < b.id; });
  std::string report;
  for (const line& l : lines)
    report += l.text;
  return report;
}

namespace {

constexpr std::string_view no_run = "no gofer::run is running\n";

ranked_mutex runs_mutex{
    lock_rank::dump_registry};  // guards the list below and keeps its runtimes alive
listed_run* runs = nullptr;     // in order of listing
listed_run* last_run = nullptr;

// Every listed run's goroutines; a header per run when there are several.
std::string describe_every_run() {
  std::lock_guard lock{runs_mutex};
  if (runs == nullptr) return std::string(no_run);
  if (runs->next == nullptr) return runs->rt.describe_goroutines(runtime::report_kind::dump);
  std::size_t count = 0;
  for (const listed_run* r = runs; r != nullptr; r = r->next)
    ++count;
  std::string report;
  std::size_t number = 0;
  for (const listed_run* r = runs; r != nullptr; r = r->next) {
    if (number > 0) report += '\n';
    report += "gofer::run " + std::to_string(++number) + " of " + std::to_string(count) + ":\n";
    report += r->rt.describe_goroutines(runtime::report_kind::dump);
  }
  return report;
}

// SIGQUIT. A signal handler may not lock or allocate, so it only writes a
// byte to a pipe (write is async-signal-safe), and a watcher thread, blocked
// reading the pipe, writes the report. The pipe is made once and never
// closed: a handler still running on another thread while the last
// sigquit_dump restores the disposition never writes to a closed, or
// reused, descriptor.
constexpr char quit_byte = 'q';
constexpr char stop_byte = 's';

static_assert(std::atomic<int>::is_always_lock_free, "the signal handler reads it");
std::atomic<int> sigquit_pipe_in{-1};  // the write end, once made

std::mutex sigquit_mutex;                // guards what follows
int sigquit_pipe_out = -1;               // the read end, once made
std::size_t sigquit_users = 0;           // enabled sigquit_dumps alive
struct sigaction sigquit_before {};      // the disposition the first one found
std::thread* sigquit_watcher = nullptr;  // never a static std::thread: exit()
                                         // would destroy it while joinable

void on_sigquit(int) {
  const int saved_errno = errno;
  const int pipe_in = sigquit_pipe_in.load(std::memory_order_relaxed);
  if (pipe_in >= 0) {
    // Non-blocking: if the pipe were full, a quit is already on its way.
    [[maybe_unused]] const ssize_t written = ::write(pipe_in, &quit_byte, 1);
  }
  errno = saved_errno;
}

void write_all(int fd, std::string_view text) noexcept {
  while (!text.empty()) {
    const ssize_t written = ::write(fd, text.data(), text.size());
    if (written < 0 && errno == EINTR) continue;
    if (written <= 0) return;
    text.remove_prefix(static_cast<std::size_t>(written));
  }
}

// Go: "SIGQUIT: quit", the goroutines, exit status 2.
[[noreturn]] void quit_with_dump() noexcept {
  std::string report = "SIGQUIT: quit\n\n";
  try {
    report += describe_every_run();
  } catch (...) {
    report += "(no goroutine report: it could not be built)\n";
  }
  // Keep what the program printed before, as Go's unbuffered stdout would.
  std::fflush(stdout);
  write_all(STDERR_FILENO, report);
  std::_Exit(2);
}

void watch_sigquit(int pipe_out) noexcept {
  gofer_thread_started();  // gofer's own: it never sends to a goroutine
  const gofer::defer ended{[] { gofer_thread_ended(); }};
  for (;;) {
    char byte = 0;
    const ssize_t got = ::read(pipe_out, &byte, 1);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0 || byte == stop_byte) return;
    quit_with_dump();
  }
}

// Throws std::system_error; installs nothing unless everything is ready.
void start_watching() {
  if (sigquit_pipe_out < 0) {
    int fds[2];
    if (::pipe(fds) != 0) {
      throw std::system_error(errno, std::generic_category(), "gofer: dump_on_sigquit: pipe");
    }
    ::fcntl(fds[0], F_SETFD, FD_CLOEXEC);
    ::fcntl(fds[1], F_SETFD, FD_CLOEXEC);
    ::fcntl(fds[1], F_SETFL, ::fcntl(fds[1], F_GETFL) | O_NONBLOCK);
    sigquit_pipe_out = fds[0];
    sigquit_pipe_in.store(fds[1], std::memory_order_relaxed);
  }
  // Drop what a handler wrote after the previous watcher stopped (it ran as
  // the disposition was being restored): that quit was not ours to act on.
  pollfd ready{sigquit_pipe_out, POLLIN, 0};
  while (::poll(&ready, 1, 0) > 0 && (ready.revents & POLLIN) != 0) {
    char byte = 0;
    if (::read(sigquit_pipe_out, &byte, 1) <= 0) break;
  }
  sigquit_watcher = new std::thread(watch_sigquit, sigquit_pipe_out);
  struct sigaction action {};
  action.sa_handler = on_sigquit;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;  // interrupted system calls go on
  ::sigaction(SIGQUIT, &action, &sigquit_before);
}

void stop_watching() noexcept {
  // A quit written before this is read before the stop, and acted on.
  ::sigaction(SIGQUIT, &sigquit_before, nullptr);
  write_all(sigquit_pipe_in.load(std::memory_order_relaxed), std::string_view(&stop_byte, 1));
  sigquit_watcher->join();
  delete std::exchange(sigquit_watcher, nullptr);
}

}  // namespace

listed_run::listed_run(runtime& rt) noexcept : rt(rt) {
  std::lock_guard lock{runs_mutex};
  prev = last_run;
  (last_run != nullptr ? last_run->next : runs) = this;
  last_run = this;
}

listed_run::~listed_run() {
  std::lock_guard lock{runs_mutex};
  (prev != nullptr ? prev->next : runs) = next;
  (next != nullptr ? next->prev : last_run) = prev;
}

sigquit_dump::sigquit_dump(bool enabled) : enabled_(enabled) {
  if (!enabled_) return;
  std::lock_guard lock{sigquit_mutex};
  if (sigquit_users == 0) start_watching();
  ++sigquit_users;
}

sigquit_dump::~sigquit_dump() {
  if (!enabled_) return;
  std::lock_guard lock{sigquit_mutex};
  if (--sigquit_users == 0) stop_watching();
}

}  // namespace gofer::detail

namespace gofer {

void dump(std::ostream& out) {
  // A goroutine (or a worker) reports its own run; any other thread, every
  // run in the process.
  detail::runtime* const rt = detail::current_runtime();
  const std::string report = rt != nullptr
                                 ? rt->describe_goroutines(detail::runtime::report_kind::dump)
                                 : detail::describe_every_run();
  out.write(report.data(), static_cast<std::streamsize>(report.size()));
}

}  // namespace gofer
