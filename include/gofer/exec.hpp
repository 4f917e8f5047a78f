// gofer/exec.hpp - Go's os/exec: child processes run and waited for from
// goroutines. A wait, a pipe read or a pipe write parks only the calling
// goroutine; the worker thread runs others meanwhile.
//
//   auto [out, err] = gofer::exec::command("git", "rev-parse", "HEAD").output();
//   if (err) std::cerr << err.message() << "\n";     // "exit status 128"
//
//   auto [ctx, cancel] = gofer::with_timeout(gofer::background(), 5s);
//   gofer::exec::cmd job = gofer::exec::command_context(ctx, "make", "-j2");
//   if (gofer::failure err = job.run()) ...          // "signal: killed" after 5 s
//
// Errors, the one rule (errors.hpp's three kinds):
//   - misuse, where Go's os/exec returns an error that only a wrong program
//     sees ("exec: already started", "exec: not started", "exec: Wait was
//     already called", "exec: Stdout already set", "exec: StdoutPipe after
//     process started", ...), throws exec::misuse (a gofer::error) with Go's
//     text;
//   - every outcome Go returns as an `error` is returned as a
//     gofer::failure (empty on success), never thrown: start(), wait() and
//     run() return one; output() and combined_output() return
//     {output, failure}, look_path() {path, failure}. What it holds:
//       exec::error        the program was not found or could not be started
//                          (Go's *exec.Error and the *fs.PathError of
//                          fork/exec): "exec: \"nope\": executable file not
//                          found in $PATH", "fork/exec /x: permission denied"
//       exec::exit_error   it ran and did not succeed (Go's *ExitError):
//                          "exit status 1", "signal: killed"
//       std::system_error  a context's error (== gofer::canceled /
//                          deadline_exceeded), or a failed copy to or from
//                          std_in / std_out / std_err
//     exec::as_exit_error(err) is Go's errors.As(err, &exitErr).
//   - pipes (stdin_pipe() ...) do I/O as gofer/asio.hpp's use_go does: read
//     and write throw std::system_error, or take a std::error_code& to
//     return it; read returns 0 at the end of the stream (Go's io.EOF).
//
// The states of a cmd, and what each call does in each:
//            | start()              | wait()                | *_pipe(), output()
// made       | spawns -> started    | throws "not started"  | allowed
// started    | throws "already ..." | reaps -> waited       | throws (Go's errors)
// waited     | throws "already ..." | throws "Wait was ..." | throws
// A start() that fails ends the cmd's use: its pipes are closed, a second
// start() throws "exec: already started" (Go would try again, with those
// pipes closed) and wait() throws "exec: not started", as in Go.
//
// command_context(ctx, ...): once ctx is done (before the child exits), the
// child is killed with SIGKILL, as Go's default Cmd.Cancel does; gofer also
// starts it in a process group of its own (new_process_group, Go's
// SysProcAttr.Setpgid) and kills the whole group, so a shell's children go
// with it. What wait() then returns follows Go 1.20+: the exit_error
// ("signal: killed") when the kill made the child fail, and ctx.err() only
// when the child still exited with status 0 after the kill was sent (it had
// exited just before). A ctx done before start() makes start() return
// ctx.err() without spawning anything.
//
// How it works (lib/exec.cpp): posix_spawn, with every descriptor gofer
// makes close-on-exec (pipe2(O_CLOEXEC)) and, besides, all descriptors from 3
// up closed in the child (posix_spawn_file_actions_addclosefrom_np), so the
// child gets exactly its 0, 1 and 2. The exit is awaited through a pidfd in
// the runtime's poller (no SIGCHLD handler, no thread per child) and reaped
// with wait4, whose rusage fills the process_state. A pending wait counts as
// pending I/O: a goroutine waiting for a child is not deadlocked. On a kernel
// without pidfd_open (before Linux 5.3, or a sandbox that refuses it) wait()
// polls waitid(WNOHANG | WNOWAIT) instead, on a real-time Asio timer
// backing off from 1 ms to 50 ms (GOFER_EXEC_PIDFD=0 in the environment
// forces that, to test it).
//
// Rules of use:
//   - a cmd is one goroutine's object (Go: a *Cmd used by one goroutine at a
//     time); it is movable, not copyable. Pipes are handles that any
//     goroutine may use: one read (or write) at a time per pipe, and close()
//     from anywhere, which ends a read or write in progress with
//     std::errc::bad_file_descriptor.
//   - everything is done inside gofer::run, and a cmd or pipe must be
//     destroyed before the gofer::run that made it returns (as Asio objects
//     made on gofer::io_executor()).
//   - a std::string given to stream::into must outlive wait().
//   - destroying a started cmd without wait() abandons it: its pipes are
//     closed, nothing more is written to its sinks, and a goroutine reaps
//     the child when it exits (the child is not killed). Go leaves a zombie.
//
// Where gofer differs from Go (docs/differences.md): no Cmd.Cancel or
// WaitDelay (the kill is always SIGKILL, and wait() waits for the copies of
// std_out / std_err to end, as Go does when WaitDelay is 0); no ExtraFiles;
// env std::nullopt inherits (Go's nil), and PWD is not set for dir; a read
// or write on a closed pipe reports std::errc::bad_file_descriptor where Go
// says "file already closed". The child starts with no signal blocked and
// SIGPIPE at its default action (a parent that ignores SIGPIPE, as servers
// do, would otherwise pass that on); other ignored signals stay ignored, as
// nohup relies on.
#pragma once

#include <concepts>
#include <csignal>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "gofer/context.hpp"
#include "gofer/errors.hpp"
#include "gofer/time.hpp"

namespace gofer::exec {

// Misuse of a cmd, with Go's error text ("exec: already started"). Go
// returns these as errors; they can only come from a wrong program, so
// gofer throws, as for its other misuse.
class misuse : public gofer::error {
 public:
  explicit misuse(const std::string& what) : gofer::error(what) {}
};

// The program could not be found or started. Go: *exec.Error (the lookup)
// and the *fs.PathError that fork/exec returns. code() is the errno
// (ENOENT when not found in $PATH); what() is Go's text.
class error : public std::system_error {
 public:
  error(std::string name, std::error_code code, std::string message)
      : std::system_error(code), name_(std::move(name)), message_(std::move(message)) {}
  // The name or path that was looked up or spawned.
  const std::string& name() const noexcept { return name_; }
  const char* what() const noexcept override { return message_.c_str(); }

 private:
  std::string name_;
  std::string message_;
};

// Go: os.ProcessState, filled from wait4's status and rusage.
class process_state {
 public:
  process_state(int pid, int wait_status, duration user_time, duration system_time,
                std::int64_t max_rss_bytes) noexcept
      : pid_(pid),
        wait_status_(wait_status),
        user_time_(user_time),
        system_time_(system_time),
        max_rss_bytes_(max_rss_bytes) {}

  int pid() const noexcept { return pid_; }
  // Go: Exited(): ended by exit() rather than by a signal.
  bool exited() const noexcept;
  // Go: ExitCode(): the exit status, or -1 if a signal ended the process.
  int exit_code() const noexcept;
  // The signal that ended the process, or 0 (Go: Sys().(WaitStatus).Signal()).
  int signal() const noexcept;
  bool core_dumped() const noexcept;
  // Go: Success(): exited with status 0.
  bool success() const noexcept { return exit_code() == 0; }
  // Go: UserTime(), SystemTime(): CPU time of the process (and of its
  // children that it waited for, as rusage counts it).
  duration user_time() const noexcept { return user_time_; }
  duration system_time() const noexcept { return system_time_; }
  // Peak resident set size in bytes (Go: SysUsage().Maxrss, which Linux
  // reports in KiB).
  std::int64_t max_rss_bytes() const noexcept { return max_rss_bytes_; }
  // The raw wait status, for the W* macros of <sys/wait.h>.
  int wait_status() const noexcept { return wait_status_; }
  // Go: String(): "exit status 1", "signal: killed",
  // "signal: segmentation fault (core dumped)".
  std::string string() const;

 private:
  int pid_;
  int wait_status_;
  duration user_time_;
  duration system_time_;
  std::int64_t max_rss_bytes_;
};

// The process ran and did not succeed. Go: *exec.ExitError; what() is the
// state's string(). stderr_output() holds what the process wrote to stderr
// when output() collected it (Go: ExitError.Stderr; at most the first and
// the last 32 KiB, as Go keeps).
class exit_error : public std::runtime_error {
 public:
  explicit exit_error(process_state state, std::string stderr_output = {})
      : std::runtime_error(state.string()),
        state_(state),
        stderr_output_(std::move(stderr_output)) {}
  const process_state& state() const noexcept { return state_; }
  int exit_code() const noexcept { return state_.exit_code(); }
  const std::string& stderr_output() const noexcept { return stderr_output_; }

 private:
  process_state state_;
  std::string stderr_output_;
};

// Go: `var ee *exec.ExitError; errors.As(err, &ee)`. Null unless `err`
// holds an exit_error; the pointer lives as long as `err` (or a copy) does.
const exit_error* as_exit_error(const failure& err) noexcept;

namespace detail {
struct pipe_state;
struct command_state;
}  // namespace detail

class cmd;

// The parent's end of a child's stdout or stderr (Go: the io.ReadCloser
// that StdoutPipe returns). A handle: copies share the pipe, which closes
// when close() is called, when wait() has seen the child exit, or when the
// last handle goes.
class read_pipe {
 public:
  read_pipe() noexcept = default;  // no pipe: every read fails with EBADF
  // Reads what is there, at most data.size() bytes, parking until there is
  // something. Returns 0 at the end of the stream (the child closed it).
  std::size_t read(std::span<char> data) const;
  std::size_t read(std::span<char> data, std::error_code& ec) const;
  // Go: io.ReadAll: reads to the end of the stream.
  std::string read_all() const;
  // Idempotent. A read in progress in another goroutine ends with EBADF.
  void close() const noexcept;

 private:
  friend struct detail::command_state;
  friend class cmd;
  explicit read_pipe(std::shared_ptr<detail::pipe_state> state) noexcept
      : state_(std::move(state)) {}
  std::shared_ptr<detail::pipe_state> state_;
};

// The parent's end of a child's stdin (Go: the io.WriteCloser that
// StdinPipe returns). Close it to give the child its end of input.
class write_pipe {
 public:
  write_pipe() noexcept = default;
  // Writes all of data, parking while the pipe is full. A child that has
  // closed its end gives std::errc::broken_pipe (never SIGPIPE).
  std::size_t write(std::string_view data) const;
  std::size_t write(std::string_view data, std::error_code& ec) const;
  void close() const noexcept;

 private:
  friend struct detail::command_state;
  friend class cmd;
  explicit write_pipe(std::shared_ptr<detail::pipe_state> state) noexcept
      : state_(std::move(state)) {}
  std::shared_ptr<detail::pipe_state> state_;
};

// Where a child's stdin, stdout or stderr goes: Go's Cmd.Stdin (an
// io.Reader) and Cmd.Stdout / Stderr (io.Writers).
class stream {
 public:
  // /dev/null: Go's nil, the default.
  stream() noexcept = default;
  // The parent's own descriptor 0, 1 or 2 (Go: cmd.Stdout = os.Stdout).
  static stream inherit() noexcept { return stream{kind::inherit}; }
  // stdin only: the child reads `data`, then the end of input (Go:
  // strings.NewReader(data)). A child that stops reading early is no error.
  static stream from(std::string data) {
    stream s{kind::data};
    s.data_ = std::move(data);
    return s;
  }
  // stdout / stderr only: appended to `sink` until the child closes it;
  // wait() returns after the last byte. Go: &bytes.Buffer. One string for
  // both stdout and stderr shares one pipe, so their order is kept, as Go's
  // CombinedOutput does.
  static stream into(std::string& sink) noexcept {
    stream s{kind::sink};
    s.sink_ = &sink;
    return s;
  }
  // A descriptor of yours, duplicated into the child (Go: an *os.File). It
  // stays yours: gofer neither closes it nor changes its flags.
  static stream file(int descriptor) noexcept {
    stream s{kind::file};
    s.descriptor_ = descriptor;
    return s;
  }

  bool is_null() const noexcept { return kind_ == kind::null; }

 private:
  friend struct detail::command_state;
  friend class cmd;
  enum class kind { null, inherit, data, sink, file };
  explicit stream(kind k) noexcept : kind_(k) {}

  kind kind_ = kind::null;
  std::string data_;
  std::string* sink_ = nullptr;
  int descriptor_ = -1;
  // For output()'s stderr: keep only this many bytes at each end (0: all).
  std::size_t keep_ends_ = 0;
};

// What output() and combined_output() return: Go's `out, err`.
struct output_result {
  std::string output;
  failure err;
};

// What look_path() returns: Go's `path, err`.
struct path_result {
  std::string path;
  failure err;
};

// Go: exec.LookPath. A name with a slash is checked as it is; any other is
// searched in $PATH (an empty entry is the current directory, whose results
// Go 1.19+ refuses with ErrDot, and so does this). Found means: a regular
// file that this process may execute.
path_result look_path(std::string_view file);

// Go: exec.Cmd. Made by command() or command_context(); set its public
// fields, then start() and wait(), or run(), output(), combined_output().
class cmd {
 public:
  // The program to run: what look_path found, or the name as given.
  std::string path;
  // argv, the name included (Go: Args[0] is the name, not the path).
  std::vector<std::string> args;
  // "KEY=value" entries; std::nullopt inherits this process's environment
  // at start() (Go: Env nil). An empty vector is an empty environment.
  std::optional<std::vector<std::string>> env;
  // The working directory of the child; empty: this process's.
  std::string dir;
  // The child's 0, 1 and 2. Default: /dev/null (Go: nil).
  stream std_in;
  stream std_out;
  stream std_err;
  // Start the child in a process group of its own, and signal the group on
  // cancellation (Go: SysProcAttr.Setpgid). command_context sets it.
  bool new_process_group = false;
  // Why the lookup in command() failed, if it did: start() returns it (Go:
  // Cmd.Err).
  failure lookup_error;

  cmd(cmd&&) noexcept;
  cmd& operator=(cmd&&) noexcept;
  cmd(const cmd&) = delete;
  cmd& operator=(const cmd&) = delete;
  ~cmd();

  // Go: Start. Spawns the child and returns without waiting for it. See the
  // header comment for what the failure can hold.
  [[nodiscard]] failure start();
  // Go: Wait. Parks until the child exits, reaps it, waits for the copies
  // to std_out / std_err to finish, and closes the pipes. Empty on success.
  [[nodiscard]] failure wait();
  // Go: Run: start(), then wait().
  [[nodiscard]] failure run();
  // Go: Output: runs with stdout collected and returned. If std_err is
  // not set, stderr is collected too and an exit_error carries it.
  [[nodiscard]] output_result output();
  // Go: CombinedOutput: stdout and stderr into one string.
  [[nodiscard]] output_result combined_output();

  // Go: StdinPipe / StdoutPipe / StderrPipe: call before start(). The
  // stdout and stderr pipes are closed by wait(), so read them to their
  // end before calling it.
  write_pipe stdin_pipe();
  read_pipe stdout_pipe();
  read_pipe stderr_pipe();

  // Go: Process.Pid: the child's pid once started, else 0.
  int pid() const noexcept;
  // Go: ProcessState: the state once wait() has reaped the child.
  const process_state* state() const noexcept;
  // Go: Process.Signal / Process.Kill: to the child only (not its group).
  // An error once the child has been reaped (Go: "os: process already
  // finished", here std::errc::no_such_process).
  std::error_code send_signal(int signal_number);
  std::error_code kill() { return send_signal(SIGKILL); }

  // Go: String(): the path and the arguments after the name.
  std::string string() const;

 private:
  friend cmd command(std::string name, std::vector<std::string> args);
  friend cmd command_context(const context& ctx, std::string name, std::vector<std::string> args);
  cmd(std::string name, std::vector<std::string> args);

  std::unique_ptr<detail::command_state> state_;
};

// Go: exec.Command(name, arg...). A name without a slash is looked up in
// $PATH now (look_path); a failed lookup is kept in lookup_error for
// start() to return.
cmd command(std::string name, std::vector<std::string> args);
// Go: exec.CommandContext: as command(), killed (with its process group)
// when ctx is done; see the header comment.
cmd command_context(const context& ctx, std::string name, std::vector<std::string> args);

template <class... Args>
requires(std::convertible_to<Args, std::string>&&...) cmd
    command(std::string name, Args&&... args) {
  return command(std::move(name),
                 std::vector<std::string>{std::string(std::forward<Args>(args))...});
}

template <class... Args>
requires(std::convertible_to<Args, std::string>&&...) cmd
    command_context(const context& ctx, std::string name, Args&&... args) {
  return command_context(ctx, std::move(name),
                         std::vector<std::string>{std::string(std::forward<Args>(args))...});
}

}  // namespace gofer::exec
