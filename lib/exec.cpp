// lib/exec.cpp - gofer/exec.hpp: child processes spawned with posix_spawn,
// awaited through a pidfd in the runtime's poller, their pipes read and
// written by parking goroutines (gofer::use_go).
//
// The pieces, and who holds them:
//   command_state  one per cmd, owned by it: the child's ends of its stdio
//                  until start() closes them (Go: childIOFiles), the parent's
//                  ends that *_pipe() handed out, closed by wait() (Go:
//                  closeAfterWait), the copy goroutines' pipes and results,
//                  and the child_process.
//   child_process  shared by the cmd and, once it is abandoned, the goroutine
//                  that reaps it; command_context's after_func holds it weakly.
//   pipe_state     shared by the pipe handles and the copy goroutines.
//
// Invariants:
//   child_process::lock_ guards reaped_ and killed_by_context_. A signal is
//     sent only under lock_ and while !reaped_, so it cannot reach a pid
//     that was reaped and reused (a process group id cannot be reused while
//     the group has a member, and the leader is one until it is reaped).
//   pipe_state::lock_ guards users_ and closed_. The descriptor is closed
//     only once closed_ is set and users_ is 0, so a read or write never
//     touches a closed descriptor number (which another open could reuse).
//     close() cancels closing_, which ends a parked read or write.
//   No std::mutex is held across a park or a call into gofer's channels.
//   Every descriptor made here is close-on-exec and numbered 3 or more, so
//     the child gets one only through its 0, 1 or 2 (and posix_spawn closes
//     every other from 3 up in the child anyway).
#include "gofer/exec.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <mutex>

#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>

#include "gofer/asio.hpp"
#include "gofer/chan.hpp"
#include "gofer/runtime.hpp"
#include "gofer/sync.hpp"

extern char** environ;

namespace gofer::exec {

namespace {

// Go's error strings for errno values are strerror's, lower-cased at the
// start ("no such file or directory").
std::string go_errno_text(int errno_value) {
  std::string text = std::generic_category().message(errno_value);
  if (!text.empty() && text[0] >= 'A' && text[0] <= 'Z') text[0] = static_cast<char>(text[0] + 32);
  return text;
}

std::error_code errno_code(int errno_value) noexcept {
  return {errno_value, std::generic_category()};
}

// Go: strconv.Quote, for the names in error texts.
std::string quoted(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  out += '"';
  return out;
}

failure exec_failure(std::string name, int errno_value, std::string message) {
  return std::make_exception_ptr(
      error(std::move(name), errno_code(errno_value), std::move(message)));
}

// Go: "fork/exec /bin/x: permission denied" (the *fs.PathError of
// os.StartProcess), and "chdir /x: no such file or directory".
failure path_failure(const char* op, const std::string& path, int errno_value) {
  return exec_failure(path, errno_value,
                      std::string(op) + " " + path + ": " + go_errno_text(errno_value));
}

failure system_failure(std::error_code code, const char* what) {
  return std::make_exception_ptr(std::system_error(code, what));
}

// Closes a descriptor we own, if any, and forgets it.
void close_fd(int& fd) noexcept {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

// A descriptor numbered 3 or more: 0, 1 and 2 are the child's to receive
// (a pipe made while this process has its stdin closed would take 0).
int above_stdio(int fd) noexcept {
  if (fd < 0 || fd > 2) return fd;
  const int moved = ::fcntl(fd, F_DUPFD_CLOEXEC, 3);
  const int saved = errno;
  ::close(fd);
  errno = saved;
  return moved;
}

// pipe2(O_CLOEXEC): nothing leaks into a child another goroutine spawns
// meanwhile. [0] reads, [1] writes. False with errno set.
bool make_pipe(std::array<int, 2>& ends) noexcept {
  int raw[2];
  if (::pipe2(raw, O_CLOEXEC) != 0) return false;
  ends = {above_stdio(raw[0]), above_stdio(raw[1])};
  if (ends[0] < 0 || ends[1] < 0) {
    const int saved = errno;
    close_fd(ends[0]);
    close_fd(ends[1]);
    errno = saved;
    return false;
  }
  return true;
}

// A write that reports EPIPE instead of raising SIGPIPE, which would end
// this process (Go ignores SIGPIPE on every descriptor but 1 and 2). The
// signal a write to a broken pipe raises is directed at the writing thread,
// so blocking it here and taking it back before unblocking keeps it from
// the process; one already pending (sent by someone else) is left alone.
ssize_t write_without_sigpipe(int fd, const char* data, std::size_t size) noexcept {
  sigset_t sigpipe_only;
  sigset_t old_mask;
  ::sigemptyset(&sigpipe_only);
  ::sigaddset(&sigpipe_only, SIGPIPE);
  ::pthread_sigmask(SIG_BLOCK, &sigpipe_only, &old_mask);
  sigset_t pending;
  ::sigpending(&pending);
  const bool was_pending = ::sigismember(&pending, SIGPIPE) == 1;
  const ssize_t written = ::write(fd, data, size);
  const int saved = errno;
  if (written < 0 && saved == EPIPE && !was_pending) {
    const timespec no_wait{};
    while (::sigtimedwait(&sigpipe_only, nullptr, &no_wait) < 0 && errno == EINTR) {
    }
  }
  ::pthread_sigmask(SIG_SETMASK, &old_mask, nullptr);
  errno = saved;
  return written;
}

duration to_duration(const timeval& tv) noexcept {
  return std::chrono::seconds(tv.tv_sec) + std::chrono::microseconds(tv.tv_usec);
}

// Go: syscall's signal names on Linux ("signal: killed").
std::string signal_text(int number) {
  static constexpr std::array<const char*, 32> names = {
      nullptr,
      "hangup",
      "interrupt",
      "quit",
      "illegal instruction",
      "trace/breakpoint trap",
      "aborted",
      "bus error",
      "floating point exception",
      "killed",
      "user defined signal 1",
      "segmentation fault",
      "user defined signal 2",
      "broken pipe",
      "alarm clock",
      "terminated",
      "stack fault",
      "child exited",
      "continued",
      "stopped (signal)",
      "stopped",
      "stopped (tty input)",
      "stopped (tty output)",
      "urgent I/O condition",
      "CPU time limit exceeded",
      "file size limit exceeded",
      "virtual timer expired",
      "profiling timer expired",
      "window changed",
      "I/O possible",
      "power failure",
      "bad system call",
  };
  if (number > 0 && number < static_cast<int>(names.size())) return names[number];
  return "signal " + std::to_string(number);
}

}  // namespace

// ---- process_state, exit_error ------------------------------------------

bool process_state::exited() const noexcept {
  return WIFEXITED(wait_status_);
}

int process_state::exit_code() const noexcept {
  return WIFEXITED(wait_status_) ? WEXITSTATUS(wait_status_) : -1;
}

int process_state::signal() const noexcept {
  return WIFSIGNALED(wait_status_) ? WTERMSIG(wait_status_) : 0;
}

bool process_state::core_dumped() const noexcept {
  return WIFSIGNALED(wait_status_) && WCOREDUMP(wait_status_);
}

// Go: os.ProcessState.String (only exits and signals reach here: wait4 is
// not asked for stopped or continued children).
std::string process_state::string() const {
  std::string text;
  if (WIFEXITED(wait_status_)) {
    text = "exit status " + std::to_string(WEXITSTATUS(wait_status_));
  } else if (WIFSIGNALED(wait_status_)) {
    text = "signal: " + signal_text(WTERMSIG(wait_status_));
  }
  if (core_dumped()) text += " (core dumped)";
  return text;
}

const exit_error* as_exit_error(const failure& err) noexcept {
  if (!err) return nullptr;
  try {
    std::rethrow_exception(err.exception());
  } catch (const exit_error& e) {
    return &e;  // the exception object lives as long as an exception_ptr to it
  } catch (...) {
    return nullptr;
  }
}

// ---- pipes ------------------------------------------------------------------

namespace detail {

struct pipe_state {
  pipe_state(boost::asio::io_context& io, int fd) : descriptor_(io, fd) {
    descriptor_.non_blocking(true);  // this end only: the child's is another open file
    auto [ctx, cancel] = with_cancel(background());
    closing_ = std::move(ctx);
    close_now_ = std::move(cancel);
  }
  ~pipe_state() {
    boost::system::error_code ignored;
    descriptor_.close(ignored);
  }
  pipe_state(const pipe_state&) = delete;
  pipe_state& operator=(const pipe_state&) = delete;

  // What a read or write on a closed pipe reports (Go: os.ErrClosed).
  static std::error_code closed_error() noexcept { return errno_code(EBADF); }

  std::size_t read_some(char* data, std::size_t size, std::error_code& ec) {
    ec.clear();
    std::lock_guard one_at_a_time(one_at_a_time_);
    if (!enter()) {
      ec = closed_error();
      return 0;
    }
    user_guard in_use{*this};
    const int fd = descriptor_.native_handle();
    for (;;) {
      const ssize_t n = ::read(fd, data, size);
      if (n >= 0) return static_cast<std::size_t>(n);
      if (errno == EINTR) continue;
      if (errno != EAGAIN && errno != EWOULDBLOCK) {
        ec = errno_code(errno);
        return 0;
      }
      if (!await(boost::asio::posix::stream_descriptor::wait_read, ec)) return 0;
    }
  }

  std::size_t write_all(const char* data, std::size_t size, std::error_code& ec) {
    ec.clear();
    std::lock_guard one_at_a_time(one_at_a_time_);
    if (!enter()) {
      ec = closed_error();
      return 0;
    }
    user_guard in_use{*this};
    const int fd = descriptor_.native_handle();
    std::size_t written = 0;
    while (written < size) {
      const ssize_t n = write_without_sigpipe(fd, data + written, size - written);
      if (n >= 0) {
        written += static_cast<std::size_t>(n);
        continue;
      }
      if (errno == EINTR) continue;
      if (errno != EAGAIN && errno != EWOULDBLOCK) {
        ec = errno_code(errno);
        return written;
      }
      if (!await(boost::asio::posix::stream_descriptor::wait_write, ec)) return written;
    }
    return written;
  }

  void close() noexcept {
    {
      std::lock_guard guard(lock_);
      if (closed_) return;
      closed_ = true;
      if (users_ == 0) close_descriptor();
    }
    // Ends a read or write parked in await(); it closes the descriptor as
    // it leaves. Outside the lock: cancelling wakes goroutines.
    try {
      close_now_();
    } catch (...) {
      // A cancel outside gofer::run with after_funcs would throw; this
      // context has none.
    }
  }

 private:
  struct user_guard {
    pipe_state& pipe;
    ~user_guard() { pipe.leave(); }
  };

  bool enter() noexcept {
    std::lock_guard guard(lock_);
    if (closed_) return false;
    ++users_;
    return true;
  }
  void leave() noexcept {
    std::lock_guard guard(lock_);
    if (--users_ == 0 && closed_) close_descriptor();
  }
  void close_descriptor() noexcept {
    boost::system::error_code ignored;
    descriptor_.close(ignored);
  }

  // Parks until the descriptor is ready. Asio re-arms the descriptor in
  // epoll when the wait is queued (EPOLL_CTL_MOD), so readiness that came
  // after our EAGAIN is not missed. False, with ec set, if the pipe was
  // closed meanwhile.
  bool await(boost::asio::posix::stream_descriptor::wait_type type, std::error_code& ec) {
    boost::system::error_code wait_ec;
    descriptor_.async_wait(type, use_go(closing_)[wait_ec]);
    if (!wait_ec) return true;
    ec = closing_.err() ? closed_error() : std::error_code(wait_ec);
    return false;
  }

  boost::asio::posix::stream_descriptor descriptor_;
  context closing_;  // cancelled by close()
  cancel_func close_now_;
  gofer::mutex one_at_a_time_;  // one read (or write) at a time; held while parked
  std::mutex lock_;             // guards users_ and closed_
  int users_ = 0;
  bool closed_ = false;
};

}  // namespace detail

std::size_t read_pipe::read(std::span<char> data, std::error_code& ec) const {
  if (!state_) {
    ec = detail::pipe_state::closed_error();
    return 0;
  }
  return state_->read_some(data.data(), data.size(), ec);
}

std::size_t read_pipe::read(std::span<char> data) const {
  std::error_code ec;
  const std::size_t n = read(data, ec);
  if (ec) throw std::system_error(ec, "read");
  return n;
}

std::string read_pipe::read_all() const {
  std::string all;
  std::array<char, 4096> chunk;
  while (const std::size_t n = read(chunk))
    all.append(chunk.data(), n);
  return all;
}

void read_pipe::close() const noexcept {
  if (state_) state_->close();
}

std::size_t write_pipe::write(std::string_view data, std::error_code& ec) const {
  if (!state_) {
    ec = detail::pipe_state::closed_error();
    return 0;
  }
  return state_->write_all(data.data(), data.size(), ec);
}

std::size_t write_pipe::write(std::string_view data) const {
  std::error_code ec;
  const std::size_t n = write(data, ec);
  if (ec) throw std::system_error(ec, "write");
  return n;
}

void write_pipe::close() const noexcept {
  if (state_) state_->close();
}

// ---- look_path --------------------------------------------------------------

namespace {

// Go: exec's findExecutable on Unix: 0 or the errno why `file` is not a
// regular file this process may execute.
int executable_error(const std::string& file) noexcept {
  struct stat st {};
  if (::stat(file.c_str(), &st) != 0) return errno;
  if (S_ISDIR(st.st_mode)) return EISDIR;
  if (::faccessat(AT_FDCWD, file.c_str(), X_OK, AT_EACCESS) == 0) return 0;
  const int access_errno = errno;
  // ENOSYS, or EPERM from a seccomp filter: fall back to the mode bits.
  if (access_errno != ENOSYS && access_errno != EPERM) return access_errno;
  return (st.st_mode & 0111) != 0 ? 0 : EACCES;
}

}  // namespace

path_result look_path(std::string_view file) {
  const std::string name(file);
  if (name.find('/') != std::string::npos) {
    if (const int not_executable = executable_error(name))
      return {{},
              exec_failure(name, not_executable,
                           "exec: " + quoted(name) + ": stat " + name + ": " +
                               go_errno_text(not_executable))};
    return {name, {}};
  }
  const char* path_variable = std::getenv("PATH");
  const std::string path_list = path_variable != nullptr ? path_variable : "";
  std::size_t start = 0;
  // Go: filepath.SplitList("") is no entry at all, not one empty entry.
  while (!path_list.empty() && start <= path_list.size()) {
    std::size_t end = path_list.find(':', start);
    if (end == std::string::npos) end = path_list.size();
    std::string dir = path_list.substr(start, end - start);
    start = end + 1;
    if (dir.empty()) dir = ".";  // Unix shells: an empty entry is "."
    const std::string candidate = dir + "/" + name;
    if (executable_error(candidate) != 0) continue;
    if (candidate[0] != '/') {
      // Go 1.19: ErrDot. A program found relative to the current directory
      // is refused: running it is a classic attack.
      return {candidate,
              exec_failure(name, EACCES,
                           "exec: " + quoted(name) +
                               ": cannot run executable found relative to current directory")};
    }
    return {candidate, {}};
  }
  return {
      {},
      exec_failure(name, ENOENT, "exec: " + quoted(name) + ": executable file not found in $PATH")};
}

// ---- the child process ------------------------------------------------------

namespace detail {

class child_process {
 public:
  child_process(boost::asio::io_context& io, pid_t pid, bool own_group)
      : io_(io), pid_(pid), own_group_(own_group) {
    // Linux 5.3+. Without it (ENOSYS, or EPERM from a seccomp filter, or
    // out of descriptors) wait_for_exit polls instead; GOFER_EXEC_PIDFD=0
    // asks for that, to test it.
    if (pidfd_wanted()) {
      const long pidfd = ::syscall(SYS_pidfd_open, pid, 0);  // close-on-exec by definition
      if (pidfd >= 0) exit_watch_.emplace(io, static_cast<int>(pidfd));
    }
  }
  child_process(const child_process&) = delete;
  child_process& operator=(const child_process&) = delete;

  pid_t pid() const noexcept { return pid_; }

  // Parks until the child has exited (it stays a zombie for reap()).
  // Pending I/O all along, so the deadlock detector leaves the goroutine be.
  void wait_for_exit() {
    if (exit_watch_) {
      boost::system::error_code ec;
      exit_watch_->async_wait(boost::asio::posix::stream_descriptor::wait_read, use_go[ec]);
      if (!ec) return;
      // A pidfd that cannot be waited on (not seen in practice): poll.
    }
    boost::asio::steady_timer timer{io_};
    auto delay = std::chrono::milliseconds(1);
    while (!has_exited()) {
      timer.expires_after(delay);
      boost::system::error_code ec;
      timer.async_wait(use_go[ec]);
      delay = std::min(delay * 2, std::chrono::milliseconds(50));
    }
  }

  // Reaps the child, which has exited, with its rusage. After this no
  // signal is sent to its pid.
  failure reap(std::optional<process_state>& state) {
    std::lock_guard guard(lock_);
    int status = 0;
    rusage usage{};
    pid_t reaped;
    do {
      reaped = ::wait4(pid_, &status, 0, &usage);
    } while (reaped < 0 && errno == EINTR);
    const int wait_errno = errno;
    reaped_ = true;
    if (reaped < 0) {
      // Someone else reaped it (a waitpid(-1) of the program's own).
      return std::make_exception_ptr(std::system_error(errno_code(wait_errno), "wait"));
    }
    state.emplace(pid_, status, to_duration(usage.ru_utime), to_duration(usage.ru_stime),
                  static_cast<std::int64_t>(usage.ru_maxrss) * 1024);
    return {};
  }

  std::error_code send_signal(int signal_number) noexcept {
    std::lock_guard guard(lock_);
    if (reaped_) return errno_code(ESRCH);  // Go: os.ErrProcessDone
    if (::kill(pid_, signal_number) != 0) return errno_code(errno);
    return {};
  }

  // Go: the default Cmd.Cancel, Process.Kill, here of the whole group.
  void kill_by_context() noexcept {
    std::lock_guard guard(lock_);
    if (reaped_) return;
    if (::kill(own_group_ ? -pid_ : pid_, SIGKILL) == 0) killed_by_context_ = true;
  }

  bool killed_by_context() noexcept {
    std::lock_guard guard(lock_);
    return killed_by_context_;
  }

  bool reaped() noexcept {
    std::lock_guard guard(lock_);
    return reaped_;
  }

 private:
  static bool pidfd_wanted() noexcept {
    const char* setting = std::getenv("GOFER_EXEC_PIDFD");
    return setting == nullptr || std::string_view(setting) != "0";
  }

  bool has_exited() noexcept {
    siginfo_t info{};
    // WNOWAIT: leave the zombie for reap() and its rusage.
    if (::waitid(P_PID, static_cast<id_t>(pid_), &info, WEXITED | WNOHANG | WNOWAIT) != 0)
      return true;  // ECHILD: reaped by someone else; reap() reports it
    return info.si_pid != 0;
  }

  boost::asio::io_context& io_;
  const pid_t pid_;
  const bool own_group_;
  std::optional<boost::asio::posix::stream_descriptor> exit_watch_;  // the pidfd
  std::mutex lock_;  // guards reaped_, killed_by_context_, and orders kill before reap
  bool reaped_ = false;
  bool killed_by_context_ = false;
};

// Where a copy goroutine puts what it reads: the user's string, until the
// cmd is abandoned. keep_ends > 0 keeps only that many bytes at each end
// (Go: prefixSuffixSaver, for output()'s stderr).
class sink_target {
 public:
  sink_target(std::string* sink, std::size_t keep_ends) noexcept
      : sink_(sink), keep_ends_(keep_ends) {}

  void append(const char* data, std::size_t size) {
    std::lock_guard guard(lock_);
    if (sink_ == nullptr) return;
    if (keep_ends_ == 0) {
      sink_->append(data, size);
      return;
    }
    const std::size_t to_prefix = std::min(size, keep_ends_ - std::min(keep_ends_, prefix_));
    sink_->append(data, to_prefix);
    prefix_ += to_prefix;
    suffix_.append(data + to_prefix, size - to_prefix);
    if (suffix_.size() > 2 * keep_ends_) trim_suffix();
  }

  // At the end of the stream: the kept suffix joins the prefix.
  void finish() {
    std::lock_guard guard(lock_);
    if (sink_ == nullptr || keep_ends_ == 0) return;
    trim_suffix();
    if (omitted_ > 0) *sink_ += "\n... omitting " + std::to_string(omitted_) + " bytes ...\n";
    *sink_ += suffix_;
  }

  // The cmd went away without wait(): its string may be gone too.
  void abandon() noexcept {
    std::lock_guard guard(lock_);
    sink_ = nullptr;
  }

 private:
  void trim_suffix() {
    if (suffix_.size() <= keep_ends_) return;
    const std::size_t excess = suffix_.size() - keep_ends_;
    suffix_.erase(0, excess);
    omitted_ += excess;
  }

  std::mutex lock_;  // guards everything below
  std::string* sink_;
  const std::size_t keep_ends_;
  std::size_t prefix_ = 0;
  std::string suffix_;
  std::size_t omitted_ = 0;
};

struct command_state {
  enum class phase { made, start_failed, started, waited };

  ~command_state() {
    for (int& fd : child_fds)
      close_fd(fd);
    if (phase_now != phase::started) return;
    // Abandoned: started, never waited for (or its wait was unwound).
    for (auto& sink : sinks)
      sink->abandon();
    for (auto& pipe : copy_pipes)
      pipe->close();
    for (auto& pipe : close_after_wait)
      pipe->close();
    if (child->reaped()) return;
    try {
      go(named{"exec: reap abandoned child"}, [child = child, stop = stop_watching] {
        child->wait_for_exit();
        std::optional<process_state> ignored;
        (void)child->reap(ignored);
        stop();
      });
    } catch (...) {
      // No runtime to run it (the cmd outlived its gofer::run): the child
      // stays a zombie until this process ends.
    }
  }

  // Creates a pipe whose child end becomes the child's `fd` and whose
  // other end is returned to the parent.
  std::shared_ptr<pipe_state> pipe_for_child(int fd) {
    std::array<int, 2> ends;
    if (!make_pipe(ends)) throw std::system_error(errno_code(errno), "pipe2");
    const bool child_reads = fd == 0;
    close_fd(child_fds[fd]);
    child_fds[fd] = ends[child_reads ? 0 : 1];
    int parent_end = ends[child_reads ? 1 : 0];
    try {
      return std::make_shared<pipe_state>(gofer::io_context(), parent_end);
    } catch (...) {
      close_fd(parent_end);
      close_fd(child_fds[fd]);
      throw;
    }
  }

  std::optional<context> ctx;  // command_context's
  phase phase_now = phase::made;
  std::array<bool, 3> piped{};               // stdin_pipe() and friends were called
  std::array<int, 3> child_fds{-1, -1, -1};  // the child's 0, 1, 2 until start() ends
  std::vector<std::shared_ptr<pipe_state>> close_after_wait;  // handed out by *_pipe()
  std::vector<std::shared_ptr<pipe_state>> copy_pipes;        // the copy goroutines'
  std::vector<std::shared_ptr<sink_target>> sinks;
  // Each copy goroutine sends its outcome once (null: fine). Buffered for
  // all three, so a copy never waits for wait().
  chan<std::exception_ptr> copy_results = make_chan<std::exception_ptr>(3);
  int copies = 0;
  std::shared_ptr<child_process> child;
  stop_func stop_watching;  // command_context's after_func
  std::optional<process_state> state;
};

}  // namespace detail

// ---- cmd ----------------------------------------------------------------------

namespace {

const char* const stream_names[3] = {"Stdin", "Stdout", "Stderr"};

// Go: Cmd.Stdout = os.Stdout and the like, done by posix_spawn in the child.
struct spawn_plan {
  spawn_plan() {
    ::posix_spawn_file_actions_init(&actions);
    ::posix_spawnattr_init(&attributes);
  }
  ~spawn_plan() {
    ::posix_spawn_file_actions_destroy(&actions);
    ::posix_spawnattr_destroy(&attributes);
  }
  spawn_plan(const spawn_plan&) = delete;
  spawn_plan& operator=(const spawn_plan&) = delete;

  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attributes;
};

void go_copy_out(std::shared_ptr<detail::pipe_state> from, std::shared_ptr<detail::sink_target> to,
                 chan<std::exception_ptr> results, const char* name) {
  go(named{std::string("exec: copy ") + name},
     [from = std::move(from), to = std::move(to), results = std::move(results)] {
       std::string buffer(32 * 1024, '\0');
       std::error_code ec;
       for (;;) {
         const std::size_t n = from->read_some(buffer.data(), buffer.size(), ec);
         if (ec || n == 0) break;
         to->append(buffer.data(), n);
       }
       to->finish();
       from->close();
       results.send(ec ? std::make_exception_ptr(std::system_error(ec, "read")) : nullptr);
     });
}

void go_copy_in(std::shared_ptr<detail::pipe_state> to, std::string data,
                chan<std::exception_ptr> results) {
  go(named{"exec: copy Stdin"},
     [to = std::move(to), data = std::move(data), results = std::move(results)] {
       std::error_code ec;
       to->write_all(data.data(), data.size(), ec);
       to->close();
       // Go: skipStdinCopyError. A child that exits without reading all of
       // its input is no failure of the copy.
       if (ec == std::errc::broken_pipe || ec == std::errc::bad_file_descriptor) ec.clear();
       results.send(ec ? std::make_exception_ptr(std::system_error(ec, "write")) : nullptr);
     });
}

}  // namespace

cmd::cmd(std::string name, std::vector<std::string> arguments)
    : state_(std::make_unique<detail::command_state>()) {
  path = name;
  args.reserve(arguments.size() + 1);
  args.push_back(name);
  for (std::string& argument : arguments)
    args.push_back(std::move(argument));
  // Go: Command looks up a bare name now, and keeps the error for Start.
  if (name.find('/') == std::string::npos) {
    path_result found = look_path(name);
    if (!found.path.empty()) path = std::move(found.path);
    lookup_error = std::move(found.err);
  }
}

cmd::cmd(cmd&&) noexcept = default;
cmd& cmd::operator=(cmd&&) noexcept = default;
cmd::~cmd() = default;

cmd command(std::string name, std::vector<std::string> args) {
  return cmd(std::move(name), std::move(args));
}

cmd command_context(const context& ctx, std::string name, std::vector<std::string> args) {
  cmd c(std::move(name), std::move(args));
  c.state_->ctx = ctx;
  c.new_process_group = true;
  return c;
}

failure cmd::start() {
  detail::command_state& s = *state_;
  if (s.phase_now != detail::command_state::phase::made) throw misuse("exec: already started");
  s.phase_now = detail::command_state::phase::start_failed;  // until it succeeds
  const std::array<const stream*, 3> streams = {&std_in, &std_out, &std_err};
  for (int fd = 0; fd < 3; ++fd) {
    if (s.piped[fd] && !streams[fd]->is_null())
      throw misuse(std::string("exec: ") + stream_names[fd] + " already set");
  }
  if (std_in.kind_ == stream::kind::sink)
    throw misuse("exec: Stdin cannot be stream::into: the child reads it");
  if (std_out.kind_ == stream::kind::data || std_err.kind_ == stream::kind::data)
    throw misuse("exec: Stdout and Stderr cannot be stream::from: the child writes them");

  // Whatever the outcome, the parent's copies of the child's ends go (Go:
  // closeAfterStart); on failure, the parent's ends too.
  struct cleanup {
    detail::command_state& s;
    std::vector<int> owned;
    bool started = false;
    ~cleanup() {
      for (int& fd : s.child_fds)
        close_fd(fd);
      for (int& fd : owned)
        close_fd(fd);
      if (started) return;
      for (auto& pipe : s.close_after_wait)
        pipe->close();
      for (auto& pipe : s.copy_pipes)
        pipe->close();
    }
  } after{s, {}};

  if (lookup_error) return lookup_error;
  if (path.empty()) return exec_failure({}, EINVAL, "exec: no command");
  if (s.ctx && s.ctx->err()) return system_failure(s.ctx->err(), "exec");
  if (!dir.empty()) {
    // Go: os.StartProcess stats Dir first, for an error that names it.
    struct stat st {};
    if (::stat(dir.c_str(), &st) != 0) return path_failure("chdir", dir, errno);
    if (!S_ISDIR(st.st_mode)) return path_failure("chdir", dir, ENOTDIR);
  }

  spawn_plan plan;
  std::array<std::shared_ptr<detail::pipe_state>, 3> copy_pipe;
  for (int fd = 0; fd < 3; ++fd) {
    const stream& how = *streams[fd];
    if (s.piped[fd]) {
      ::posix_spawn_file_actions_adddup2(&plan.actions, s.child_fds[fd], fd);
      continue;
    }
    switch (how.kind_) {
      case stream::kind::null:
        ::posix_spawn_file_actions_addopen(&plan.actions, fd, "/dev/null",
                                           fd == 0 ? O_RDONLY : O_WRONLY, 0);
        break;
      case stream::kind::inherit:
        // dup2 onto itself clears close-on-exec (glibc 2.29+, POSIX 2024).
        ::posix_spawn_file_actions_adddup2(&plan.actions, fd, fd);
        break;
      case stream::kind::file: {
        // A copy numbered 3 or more: the user's descriptor may itself be 0,
        // 1 or 2, which the dup2s before this one may have replaced.
        const int copy = ::fcntl(how.descriptor_, F_DUPFD_CLOEXEC, 3);
        if (copy < 0) return system_failure(errno_code(errno), "exec: duplicating descriptor");
        after.owned.push_back(copy);
        ::posix_spawn_file_actions_adddup2(&plan.actions, copy, fd);
        break;
      }
      case stream::kind::data:
      case stream::kind::sink:
        if (fd == 2 && how.kind_ == stream::kind::sink && std_out.kind_ == stream::kind::sink &&
            how.sink_ == std_out.sink_) {
          // Go: Stdout == Stderr shares one pipe, so the order is kept.
          ::posix_spawn_file_actions_adddup2(&plan.actions, s.child_fds[1], 2);
          break;
        }
        try {
          copy_pipe[fd] = s.pipe_for_child(fd);
        } catch (const std::system_error&) {
          return std::current_exception();
        }
        s.copy_pipes.push_back(copy_pipe[fd]);
        ::posix_spawn_file_actions_adddup2(&plan.actions, s.child_fds[fd], fd);
        break;
    }
  }
  if (!dir.empty()) ::posix_spawn_file_actions_addchdir_np(&plan.actions, dir.c_str());
  // Belt and braces: whatever this process opened without close-on-exec
  // (a library, the program itself) stays out of the child.
  ::posix_spawn_file_actions_addclosefrom_np(&plan.actions, 3);

  short flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF;
  sigset_t no_signals;
  ::sigemptyset(&no_signals);
  ::posix_spawnattr_setsigmask(&plan.attributes, &no_signals);
  sigset_t sigpipe_only;
  ::sigemptyset(&sigpipe_only);
  ::sigaddset(&sigpipe_only, SIGPIPE);
  ::posix_spawnattr_setsigdefault(&plan.attributes, &sigpipe_only);
  if (new_process_group) {
    flags |= POSIX_SPAWN_SETPGROUP;
    ::posix_spawnattr_setpgroup(&plan.attributes, 0);  // a group of its own, named by its pid
  }
  ::posix_spawnattr_setflags(&plan.attributes, flags);

  std::vector<char*> argv;
  argv.reserve(args.size() + 1);
  for (std::string& arg : args)
    argv.push_back(arg.data());
  argv.push_back(nullptr);
  std::vector<char*> envp;
  char** environment = environ;
  if (env) {
    envp.reserve(env->size() + 1);
    for (std::string& entry : *env)
      envp.push_back(entry.data());
    envp.push_back(nullptr);
    environment = envp.data();
  }

  pid_t pid = 0;
  // glibc's posix_spawn reports a failed exec (ENOENT, EACCES, ENOEXEC) as
  // its result, through its CLONE_VFORK child.
  const int spawn_error =
      ::posix_spawn(&pid, path.c_str(), &plan.actions, &plan.attributes, argv.data(), environment);
  if (spawn_error != 0) return path_failure("fork/exec", path, spawn_error);

  s.child = std::make_shared<detail::child_process>(gofer::io_context(), pid, new_process_group);
  s.phase_now = detail::command_state::phase::started;
  after.started = true;
  if (s.ctx) {
    std::weak_ptr<detail::child_process> child = s.child;
    s.stop_watching = after_func(*s.ctx, [child] {
      if (auto alive = child.lock()) alive->kill_by_context();
    });
  }
  for (int fd = 0; fd < 3; ++fd) {
    if (!copy_pipe[fd]) continue;
    ++s.copies;
    if (fd == 0) {
      go_copy_in(copy_pipe[fd], std_in.data_, s.copy_results);
    } else {
      const stream& how = *streams[fd];
      auto sink = std::make_shared<detail::sink_target>(how.sink_, how.keep_ends_);
      s.sinks.push_back(sink);
      go_copy_out(copy_pipe[fd], std::move(sink), s.copy_results, stream_names[fd]);
    }
  }
  return {};
}

failure cmd::wait() {
  detail::command_state& s = *state_;
  using phase = detail::command_state::phase;
  if (s.phase_now == phase::made || s.phase_now == phase::start_failed)
    throw misuse("exec: not started");
  if (s.phase_now == phase::waited) throw misuse("exec: Wait was already called");

  s.child->wait_for_exit();
  failure err = s.child->reap(s.state);
  s.stop_watching();
  // Go: the copies end once the child's ends are all closed, which its
  // exit did (unless it passed them on to a process that lives on).
  failure copy_error;
  for (; s.copies > 0; --s.copies) {
    std::exception_ptr outcome = s.copy_results.get();
    if (outcome && !copy_error) copy_error = outcome;
  }
  s.phase_now = phase::waited;
  for (auto& pipe : s.close_after_wait)
    pipe->close();

  if (err) return err;
  if (!s.state->success()) return std::make_exception_ptr(exit_error(*s.state));
  // Go 1.20+: the child exited with 0 after the kill was sent (it had just
  // ended on its own): the context's error still says it was cut short.
  if (s.ctx && s.child->killed_by_context()) return system_failure(s.ctx->err(), "exec");
  return copy_error;
}

failure cmd::run() {
  if (failure err = start()) return err;
  return wait();
}

output_result cmd::output() {
  if (!std_out.is_null() || state_->piped[1]) throw misuse("exec: Stdout already set");
  std::string out;
  std::string errors;
  const bool capture_stderr = std_err.is_null() && !state_->piped[2];
  std_out = stream::into(out);
  if (capture_stderr) {
    std_err = stream::into(errors);
    std_err.keep_ends_ = 32 << 10;  // Go: prefixSuffixSaver{N: 32 << 10}
  }
  // The streams point at these locals: reset them however run() ends.
  struct reset_streams {
    cmd& c;
    bool reset_stderr;
    ~reset_streams() {
      c.std_out = stream();
      if (reset_stderr) c.std_err = stream();
    }
  } reset{*this, capture_stderr};
  failure err = run();
  if (capture_stderr) {
    if (const exit_error* exit = as_exit_error(err))
      err = std::make_exception_ptr(exit_error(exit->state(), std::move(errors)));
  }
  return {std::move(out), std::move(err)};
}

output_result cmd::combined_output() {
  if (!std_out.is_null() || state_->piped[1]) throw misuse("exec: Stdout already set");
  if (!std_err.is_null() || state_->piped[2]) throw misuse("exec: Stderr already set");
  std::string out;
  std_out = stream::into(out);
  std_err = stream::into(out);
  struct reset_streams {
    cmd& c;
    ~reset_streams() { c.std_out = c.std_err = stream(); }
  } reset{*this};
  failure err = run();
  return {std::move(out), std::move(err)};
}

namespace {

void check_pipe_allowed(const detail::command_state& s, const stream& how, int fd) {
  static const char* const pipe_names[3] = {"StdinPipe", "StdoutPipe", "StderrPipe"};
  if (!how.is_null() || s.piped[fd])
    throw misuse(std::string("exec: ") + stream_names[fd] + " already set");
  if (s.phase_now != detail::command_state::phase::made)
    throw misuse(std::string("exec: ") + pipe_names[fd] + " after process started");
}

// Go's StdinPipe, StdoutPipe, StderrPipe: the pipe whose child's end
// becomes `fd`; closed after wait() if the caller has not closed it.
auto pipe_to_child(detail::command_state& s, const stream& how, int fd) {
  check_pipe_allowed(s, how, fd);
  auto pipe = s.pipe_for_child(fd);
  s.piped[fd] = true;
  s.close_after_wait.push_back(pipe);
  return pipe;
}

}  // namespace

write_pipe cmd::stdin_pipe() {
  return write_pipe(pipe_to_child(*state_, std_in, 0));
}

read_pipe cmd::stdout_pipe() {
  return read_pipe(pipe_to_child(*state_, std_out, 1));
}

read_pipe cmd::stderr_pipe() {
  return read_pipe(pipe_to_child(*state_, std_err, 2));
}

int cmd::pid() const noexcept {
  return state_ && state_->child ? state_->child->pid() : 0;
}

const process_state* cmd::state() const noexcept {
  return state_ && state_->state ? &*state_->state : nullptr;
}

std::error_code cmd::send_signal(int signal_number) {
  if (!state_ || !state_->child) throw misuse("exec: not started");
  return state_->child->send_signal(signal_number);
}

std::string cmd::string() const {
  if (lookup_error) {
    std::string text;
    for (const std::string& arg : args)
      text += (text.empty() ? "" : " ") + arg;
    return text;
  }
  std::string text = path;
  for (std::size_t i = 1; i < args.size(); ++i)
    text += " " + args[i];
  return text;
}

}  // namespace gofer::exec
