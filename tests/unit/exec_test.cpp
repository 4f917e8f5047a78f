// Tests for gofer/exec.hpp: Go's os/exec, with real child processes
// (/bin/true, /bin/false, /bin/sh, cat, sleep, ls), at every scheduler
// setup. Each checks what Go's os/exec would give, and that nothing is left
// behind: no descriptor, no zombie, no process of a killed group.
#include <doctest/doctest.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <gofer/exec.hpp>
#include <gofer/gofer.hpp>

#include "../support/counted.hpp"
#include "../support/fds.hpp"
#include "../support/processes.hpp"

using gofer_test::for_each_scheduler;
using gofer_test::open_fds;
namespace exec = gofer::exec;
using namespace std::chrono_literals;

namespace {

// No child of this process is left to reap (a zombie would be one).
bool no_children_left() {
  const pid_t pid = ::waitpid(-1, nullptr, WNOHANG);
  return pid == -1 && errno == ECHILD;
}

using gofer_test::live_processes_in_group;

// Parks until `done()` or about 5 s (the real clock), for things the kernel
// finishes on its own time (init reaping an orphan).
template <class Condition>
bool eventually(Condition done) {
  for (int i = 0; i < 500; ++i) {
    if (done()) return true;
    gofer::sleep(10ms);
  }
  return done();
}

}  // namespace

TEST_CASE("true succeeds and false fails with exit status 1") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          exec::cmd ok = exec::command("/bin/true");
          CHECK_FALSE(ok.run());
          REQUIRE(ok.state() != nullptr);
          CHECK(ok.state()->success());
          CHECK(ok.state()->exited());
          CHECK(ok.state()->exit_code() == 0);
          CHECK(ok.state()->string() == "exit status 0");
          CHECK(ok.state()->pid() == ok.pid());

          exec::cmd bad = exec::command("/bin/false");
          const gofer::failure err = bad.run();
          REQUIRE(err);
          CHECK(err.message() == "exit status 1");
          CHECK(err.holds<exec::exit_error>());
          const exec::exit_error* exit = exec::as_exit_error(err);
          REQUIRE(exit != nullptr);
          CHECK(exit->exit_code() == 1);
          CHECK_FALSE(exit->state().success());
          CHECK(bad.state()->exit_code() == 1);

          exec::cmd three = exec::command("sh", "-c", "exit 3");
          CHECK(exec::as_exit_error(three.run())->exit_code() == 3);
        },
        options);
  });
}

TEST_CASE("output returns stdout, and its exit_error carries stderr") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          auto [out, err] = exec::command("echo", "hello", "world").output();
          CHECK_FALSE(err);
          CHECK(out == "hello world\n");

          auto [partial, failed] =
              exec::command("sh", "-c", "echo out; echo oops >&2; exit 2").output();
          CHECK(partial == "out\n");
          const exec::exit_error* exit = exec::as_exit_error(failed);
          REQUIRE(exit != nullptr);
          CHECK(exit->exit_code() == 2);
          CHECK(exit->stderr_output() == "oops\n");
          CHECK(failed.message() == "exit status 2");
        },
        options);
  });
}

TEST_CASE("output keeps only the first and last 32 KiB of a long stderr, as Go does") {
  gofer::run([] {
    // 100,000 bytes of 'x' on stderr: 32768 kept at each end.
    auto [out, err] =
        exec::command("sh", "-c", "head -c 100000 /dev/zero | tr '\\0' x >&2; exit 1").output();
    const exec::exit_error* exit = exec::as_exit_error(err);
    REQUIRE(exit != nullptr);
    const std::string kept(32768, 'x');
    CHECK(exit->stderr_output() == kept + "\n... omitting 34464 bytes ...\n" + kept);
  });
}

TEST_CASE("combined_output keeps stdout and stderr in the order they were written") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          auto [out, err] =
              exec::command("sh", "-c", "echo one; echo two >&2; echo three").combined_output();
          CHECK_FALSE(err);
          CHECK(out == "one\ntwo\nthree\n");
        },
        options);
  });
}

TEST_CASE("stdin and stdout pipes: cat echoes what is written, parking only goroutines") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          exec::cmd cat = exec::command("cat");
          exec::write_pipe in = cat.stdin_pipe();
          exec::read_pipe out = cat.stdout_pipe();
          REQUIRE_FALSE(cat.start());
          // More than a pipe holds (64 KiB), so the writer parks until the
          // reader drains: both must run at once, on any number of threads.
          std::string sent;
          for (int i = 0; sent.size() < 1 << 20; ++i)
            sent += "line " + std::to_string(i) + "\n";
          gofer::go([in, sent]() mutable {
            CHECK(in.write(sent) == sent.size());
            in.close();
          });
          CHECK(out.read_all() == sent);
          CHECK_FALSE(cat.wait());
        },
        options);
  });
}

TEST_CASE("stream::from feeds stdin; stream::into collects stdout and stderr") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          std::string out;
          std::string errors;
          exec::cmd c = exec::command("sh", "-c", "cat; echo done >&2");
          c.std_in = exec::stream::from("abc\n");
          c.std_out = exec::stream::into(out);
          c.std_err = exec::stream::into(errors);
          CHECK_FALSE(c.run());
          CHECK(out == "abc\n");
          CHECK(errors == "done\n");

          // A child that reads none of its input is no failure (Go:
          // skipStdinCopyError), even with more than a pipe holds.
          exec::cmd ignores = exec::command("/bin/true");
          ignores.std_in = exec::stream::from(std::string(1 << 20, 'x'));
          CHECK_FALSE(ignores.run());
        },
        options);
  });
}

TEST_CASE("stream::inherit passes this process's descriptor; stream::file a descriptor of yours") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          char own_stderr[256] = {};
          REQUIRE(::readlink("/proc/self/fd/2", own_stderr, sizeof own_stderr - 1) > 0);
          exec::cmd c = exec::command("readlink", "/proc/self/fd/2");
          c.std_err = exec::stream::inherit();
          auto [out, err] = c.output();
          CHECK_FALSE(err);
          CHECK(out == std::string(own_stderr) + "\n");

          // stdout into a pipe of ours, stderr into the same descriptor.
          int ends[2];
          REQUIRE(::pipe2(ends, O_CLOEXEC) == 0);
          exec::cmd to_file = exec::command(
              "sh", std::vector<std::string>{"-c", "echo to-stdout; echo to-stderr >&2"});
          to_file.std_out = exec::stream::file(ends[1]);
          to_file.std_err = exec::stream::file(ends[1]);
          CHECK_FALSE(to_file.run());
          ::close(ends[1]);  // still ours: gofer closed only its copies
          std::string got(64, '\0');
          got.resize(static_cast<std::size_t>(::read(ends[0], got.data(), got.size())));
          ::close(ends[0]);
          CHECK(got == "to-stdout\nto-stderr\n");
        },
        options);
  });
}

TEST_CASE("without a pidfd (GOFER_EXEC_PIDFD=0), wait polls and gives the same results") {
  ::setenv("GOFER_EXEC_PIDFD", "0", 1);
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          CHECK_FALSE(exec::command("/bin/true").run());
          CHECK(exec::command("sh", "-c", "sleep 0.05; exit 4").run().message() == "exit status 4");
          auto [ctx, cancel] = gofer::with_timeout(gofer::background(), 20ms);
          CHECK(exec::command_context(ctx, "sleep", "60").run().message() == "signal: killed");
          cancel();
        },
        options);
    CHECK(no_children_left());
  });
  ::unsetenv("GOFER_EXEC_PIDFD");
}

TEST_CASE("env replaces the environment and dir sets the working directory") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          exec::cmd c = exec::command("/bin/sh", "-c", "echo \"$GOFER_X|$HOME\"; pwd");
          c.env = std::vector<std::string>{"GOFER_X=42"};
          c.dir = "/";
          auto [out, err] = c.output();
          CHECK_FALSE(err);
          CHECK(out == "42|\n/\n");

          ::setenv("GOFER_INHERITED", "yes", 1);
          auto [inherited, err2] = exec::command("sh", "-c", "echo $GOFER_INHERITED").output();
          CHECK(inherited == "yes\n");
          ::unsetenv("GOFER_INHERITED");

          exec::cmd nowhere = exec::command("/bin/true");
          nowhere.dir = "/nonexistent-gofer-dir";
          const gofer::failure bad_dir = nowhere.run();
          CHECK(bad_dir.message() == "chdir /nonexistent-gofer-dir: no such file or directory");
        },
        options);
  });
}

TEST_CASE("a program that cannot be found or run: Go's errors, returned by start") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          exec::cmd missing = exec::command("gofer-no-such-program");
          CHECK(missing.lookup_error);
          CHECK(missing.path == "gofer-no-such-program");
          const gofer::failure err = missing.start();
          CHECK(err.message() ==
                "exec: \"gofer-no-such-program\": executable file not found in $PATH");
          CHECK(err.holds<exec::error>());
          CHECK(err.code() == std::errc::no_such_file_or_directory);
          CHECK(missing.pid() == 0);
          CHECK_THROWS_WITH_AS((void)missing.wait(), "exec: not started", exec::misuse);

          const gofer::failure by_path = exec::command("/nonexistent/prog").run();
          CHECK(by_path.message() == "fork/exec /nonexistent/prog: no such file or directory");
          CHECK(by_path.holds<exec::error>());

          const gofer::failure not_executable = exec::command("/etc/passwd").run();
          CHECK(not_executable.message() == "fork/exec /etc/passwd: permission denied");

          auto [sh, found] = exec::look_path("sh");
          CHECK_FALSE(found);
          CHECK(sh.front() == '/');
          CHECK(exec::command("sh", "-c", "true").path == sh);
          CHECK(exec::command("sh", "-c", "x y").string() == sh + " -c x y");
          CHECK(exec::look_path("/etc").err.message() ==
                "exec: \"/etc\": stat /etc: is a directory");
        },
        options);
  });
}

TEST_CASE("misuse throws with Go's text") {
  gofer::run([] {
    exec::cmd c = exec::command("/bin/true");
    CHECK_THROWS_WITH_AS((void)c.wait(), "exec: not started", exec::misuse);
    REQUIRE_FALSE(c.start());
    CHECK_THROWS_WITH_AS((void)c.start(), "exec: already started", exec::misuse);
    CHECK_THROWS_WITH_AS(c.stdout_pipe(), "exec: StdoutPipe after process started", exec::misuse);
    CHECK_FALSE(c.wait());
    CHECK_THROWS_WITH_AS((void)c.wait(), "exec: Wait was already called", exec::misuse);

    exec::cmd piped = exec::command("/bin/true");
    exec::read_pipe out = piped.stdout_pipe();
    CHECK_THROWS_WITH_AS(piped.stdout_pipe(), "exec: Stdout already set", exec::misuse);
    CHECK_THROWS_WITH_AS((void)piped.output(), "exec: Stdout already set", exec::misuse);
    exec::cmd set = exec::command("/bin/true");
    set.std_err = exec::stream::inherit();
    CHECK_THROWS_WITH_AS((void)set.combined_output(), "exec: Stderr already set", exec::misuse);
    CHECK_THROWS_AS((void)exec::command("/bin/true").send_signal(SIGTERM), exec::misuse);
  });
}

TEST_CASE("command_context: a done context kills the child, and wait says signal: killed") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          auto [ctx, cancel] = gofer::with_cancel(gofer::background());
          exec::cmd sleeper = exec::command_context(ctx, "sleep", "60");
          REQUIRE_FALSE(sleeper.start());
          gofer::go([cancel = cancel] {
            gofer::sleep(10ms);
            cancel();
          });
          const gofer::failure err = sleeper.wait();
          // Go 1.20+: the exit error, not ctx.Err(), since the kill made it fail.
          CHECK(err.message() == "signal: killed");
          REQUIRE(sleeper.state() != nullptr);
          CHECK(sleeper.state()->signal() == SIGKILL);
          CHECK(sleeper.state()->exit_code() == -1);
          CHECK_FALSE(sleeper.state()->exited());

          // A deadline does the same.
          auto [timed, stop] = gofer::with_timeout(gofer::background(), 20ms);
          const gofer::failure late = exec::command_context(timed, "sleep", "60").run();
          CHECK(late.message() == "signal: killed");
          CHECK(timed.err() == gofer::deadline_exceeded);
          stop();

          // Done before start: nothing is spawned, start returns ctx.err().
          exec::cmd never = exec::command_context(ctx, "/bin/true");
          const gofer::failure refused = never.start();
          CHECK(refused == gofer::canceled);
          CHECK(never.pid() == 0);

          // A context never done changes nothing.
          auto [quiet, quiet_cancel] = gofer::with_cancel(gofer::background());
          CHECK_FALSE(exec::command_context(quiet, "/bin/true").run());
          quiet_cancel();
        },
        options);
  });
}

TEST_CASE("command_context kills the whole process group: no process of it survives") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          auto [ctx, cancel] = gofer::with_cancel(gofer::background());
          exec::cmd shell = exec::command_context(ctx, "sh", "-c", "sleep 60 & echo started; wait");
          exec::read_pipe out = shell.stdout_pipe();
          REQUIRE_FALSE(shell.start());
          const pid_t group = shell.pid();
          CHECK(::getpgid(group) == group);  // a group of its own, named by its leader
          std::array<char, 8> line{};
          CHECK(out.read(line) == 8);  // "started\n": the background sleep runs
          CHECK(live_processes_in_group(group) == 2);
          cancel();
          CHECK(shell.wait().message() == "signal: killed");
          // The orphaned sleep was killed too; only init's reaping is left,
          // after which kill(-group, 0) finds nobody.
          CHECK(eventually([group] { return live_processes_in_group(group) == 0; }));
          if (::kill(-group, 0) != 0) CHECK(errno == ESRCH);
        },
        options);
  });
}

TEST_CASE("closing a pipe ends a read parked on it, and a write to a gone reader fails") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          exec::cmd sleeper = exec::command("sleep", "60");
          exec::read_pipe out = sleeper.stdout_pipe();
          REQUIRE_FALSE(sleeper.start());
          auto result = gofer::make_chan<std::error_code>(1);
          gofer::go([out, result] {
            std::array<char, 16> buffer{};
            std::error_code ec;
            out.read(buffer, ec);  // parks: sleep writes nothing
            result.send(ec);
          });
          gofer::sleep(5ms);
          out.close();
          CHECK(result.get() == std::errc::bad_file_descriptor);
          CHECK_FALSE(sleeper.kill());
          CHECK(sleeper.wait().message() == "signal: killed");
          CHECK(sleeper.kill() == std::errc::no_such_process);

          // true exits without reading: the write gets EPIPE, and this
          // process no SIGPIPE.
          exec::cmd quick = exec::command("/bin/true");
          exec::write_pipe in = quick.stdin_pipe();
          REQUIRE_FALSE(quick.start());
          std::error_code ec;
          const std::string lots(1 << 20, 'x');
          in.write(lots, ec);
          CHECK(ec == std::errc::broken_pipe);
          CHECK_FALSE(quick.wait());
          CHECK_THROWS_AS(in.write("more"), std::system_error);  // wait() closed it
        },
        options);
  });
}

TEST_CASE("the child gets only 0, 1 and 2, even of descriptors opened without O_CLOEXEC") {
  for_each_scheduler([](const gofer::run_options& options) {
    const int leaky = ::open("/dev/null", O_RDONLY);  // no O_CLOEXEC
    REQUIRE(leaky >= 3);
    gofer::run(
        [] {
          auto [out, err] = exec::command("sh", "-c", "ls /proc/self/fd").output();
          CHECK_FALSE(err);
          std::set<std::string> fds;
          std::istringstream lines(out);
          for (std::string fd; std::getline(lines, fd);)
            fds.insert(fd);
          // 0, 1, 2, and the directory ls opened to list (3).
          CHECK(fds == std::set<std::string>{"0", "1", "2", "3"});
        },
        options);
    ::close(leaky);
  });
}

TEST_CASE("no descriptor leaks and no zombie is left, whatever the ending") {
  for_each_scheduler([](const gofer::run_options& options) {
    const std::set<std::string> fds_before = open_fds();
    gofer::run(
        [] {
          CHECK_FALSE(exec::command("/bin/true").run());
          CHECK(exec::command("/bin/false").run());
          (void)exec::command("sh", "-c", "echo x; echo y >&2").combined_output();
          (void)exec::command("gofer-no-such-program").run();
          (void)exec::command("/nonexistent/prog").run();
          {
            // Pipes asked for and never used: start fails, all are closed.
            exec::cmd unused = exec::command("/nonexistent/prog");
            (void)unused.stdin_pipe();
            (void)unused.stdout_pipe();
            CHECK(unused.start());
          }
          {
            exec::cmd never_started = exec::command("cat");
            (void)never_started.stdin_pipe();
          }
          auto [ctx, cancel] = gofer::with_timeout(gofer::background(), 10ms);
          CHECK(exec::command_context(ctx, "sleep", "60").run());
          cancel();
          // Abandoned: started, never waited for. A goroutine reaps it.
          pid_t abandoned = 0;
          {
            exec::cmd c = exec::command("/bin/true");
            (void)c.stdout_pipe();
            REQUIRE_FALSE(c.start());
            abandoned = c.pid();
          }
          CHECK(eventually([abandoned] {
            return ::access(("/proc/" + std::to_string(abandoned)).c_str(), F_OK) != 0;
          }));
        },
        options);
    CHECK_NO_FD_LEAKED(fds_before);
    CHECK(no_children_left());
  });
}

TEST_CASE("a goroutine unwound in wait() when run ends leaves no descriptor behind") {
  for_each_scheduler([](const gofer::run_options& options) {
    const std::set<std::string> fds_before = open_fds();
    std::atomic<pid_t> child{0};
    gofer::run(
        [&child] {
          auto started = gofer::make_chan<gofer::signal>();
          gofer::go([&child, started] {
            exec::cmd sleeper = exec::command("sleep", "60");
            exec::read_pipe out = sleeper.stdout_pipe();
            REQUIRE_FALSE(sleeper.start());
            child = sleeper.pid();
            started.send({});
            (void)sleeper.wait();  // main returns meanwhile: unwound from here
          });
          started.recv();
        },
        options);
    CHECK_NO_FD_LEAKED(fds_before);
    // The child is not killed (Go would not either); end it here.
    REQUIRE(child.load() > 0);
    CHECK(::kill(child.load(), SIGKILL) == 0);
    CHECK(::waitpid(child.load(), nullptr, 0) == child.load());
    CHECK(no_children_left());
  });
}

TEST_CASE("a goroutine waiting for a child is not deadlocked, nor a main blocked meanwhile") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          auto done = gofer::make_chan<gofer::failure>();
          gofer::go([done] { done.send(exec::command("sleep", "0.1").run()); });
          // Every goroutine is blocked now, one of them on a pending wait.
          CHECK_FALSE(done.get());
        },
        options);
  });
}

TEST_CASE("many children at once, from goroutines on every thread") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          constexpr int children = 32;
          auto results = gofer::make_chan<std::string>(children);
          for (int i = 0; i < children; ++i) {
            gofer::go([i, results] {
              auto [out, err] = exec::command("echo", std::to_string(i)).output();
              CHECK_FALSE(err);
              results.send(out);
            });
          }
          std::set<std::string> seen;
          for (int i = 0; i < children; ++i)
            seen.insert(results.get());
          CHECK(seen.size() == children);
          CHECK(seen.count("17\n") == 1);
        },
        options);
  });
}

TEST_CASE("the process state has wait4's CPU times and peak RSS") {
  gofer::run([] {
    // Busy in the shell itself for a while: surely some CPU time.
    exec::cmd busy = exec::command("sh", "-c", "i=0; while [ $i -lt 300000 ]; do i=$((i+1)); done");
    CHECK_FALSE(busy.run());
    const exec::process_state& state = *busy.state();
    CHECK(state.user_time() + state.system_time() > gofer::duration::zero());
    CHECK(state.max_rss_bytes() > 0);
  });
}

TEST_CASE("process_state::string is Go's ProcessState.String") {
  auto state = [](int status) { return exec::process_state(1, status, {}, {}, 0); };
  CHECK(state(0).string() == "exit status 0");
  CHECK(state(3 << 8).string() == "exit status 3");
  CHECK(state(SIGKILL).string() == "signal: killed");
  CHECK(state(SIGTERM).string() == "signal: terminated");
  CHECK(state(SIGSEGV | 0x80).string() == "signal: segmentation fault (core dumped)");
  CHECK(state(40).string() == "signal: signal 40");
  CHECK(state(SIGKILL).exit_code() == -1);
  CHECK(state(SIGKILL).signal() == SIGKILL);
  CHECK(state(3 << 8).signal() == 0);
}
