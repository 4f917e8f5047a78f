// Tests for the lock order check (gofer/detail/lock_rank.hpp,
// docs/design/locks.md): locks taken in rank order pass; an inversion, a
// lock taken under a leaf, channels out of address order and a goroutine
// parking with a lock held abort, naming the locks. The aborting cases run
// in a forked child, whose stderr the test reads. In builds without
// GOFER_LOCK_RANKING (release) there is nothing to test.
#include <doctest/doctest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <string>

#include <gofer/gofer.hpp>

using gofer::detail::lock_rank;
using gofer::detail::spinlock;

namespace {

struct child_result {
  bool aborted = false;
  std::string stderr_text;
};

// Runs `body` in a child process with its stderr on a pipe.
template <typename F>
child_result run_in_child(F body) {
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  std::fflush(nullptr);
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    std::signal(SIGABRT, SIG_DFL);  // not doctest's crash report
    ::dup2(fds[1], STDERR_FILENO);
    ::close(fds[0]);
    ::close(fds[1]);
    body();
    ::_exit(0);
  }
  ::close(fds[1]);
  child_result result;
  char buffer[512];
  for (ssize_t n; (n = ::read(fds[0], buffer, sizeof buffer)) > 0;) {
    result.stderr_text.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(fds[0]);
  int status = 0;
  REQUIRE(::waitpid(pid, &status, 0) == pid);
  result.aborted = WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT;
  return result;
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("locks taken in the one order pass the check") {
  spinlock timer_send{lock_rank::timer_send};
  spinlock first{lock_rank::channel};
  spinlock second{lock_rank::channel};
  spinlock leaf{lock_rank::leaf};
  spinlock& low = &first < &second ? first : second;
  spinlock& high = &first < &second ? second : first;
  timer_send.lock();
  low.lock();
  high.lock();  // channels: ascending address, as select takes them
  leaf.lock();
  leaf.unlock();
  low.unlock();  // released out of order, as select may
  high.unlock();
  timer_send.unlock();
  low.lock();  // nothing is left recorded
  low.unlock();
}

TEST_CASE("a lock taken below one it must come after aborts, naming both") {
  if (!GOFER_LOCK_RANKING) return;
  const child_result result = run_in_child([] {
    spinlock channel{lock_rank::channel};
    spinlock timer_send{lock_rank::timer_send};
    channel.lock();
    timer_send.lock();  // rank 10 under rank 30
  });
  CHECK(result.aborted);
  CHECK(contains(result.stderr_text, "lock order violated: taking a timer's send lock"));
  CHECK(contains(result.stderr_text, "while holding a channel's lock"));
}

TEST_CASE("a leaf lock takes nothing while held") {
  if (!GOFER_LOCK_RANKING) return;
  const child_result result = run_in_child([] {
    spinlock leaf{lock_rank::leaf};
    spinlock other_leaf{lock_rank::leaf};
    leaf.lock();
    other_leaf.lock();
  });
  CHECK(result.aborted);
  CHECK(contains(result.stderr_text, "while holding a leaf lock"));
}

TEST_CASE("channel locks nest only in ascending address order") {
  if (!GOFER_LOCK_RANKING) return;
  const child_result result = run_in_child([] {
    spinlock first{lock_rank::channel};
    spinlock second{lock_rank::channel};
    spinlock& low = &first < &second ? first : second;
    spinlock& high = &first < &second ? second : first;
    high.lock();
    low.lock();
  });
  CHECK(result.aborted);
  CHECK(contains(result.stderr_text, "taking a channel's lock"));
}

TEST_CASE("a goroutine that parks holding a lock aborts") {
  if (!GOFER_LOCK_RANKING) return;
  const child_result result = run_in_child([] {
    gofer::run([] {
      spinlock held{lock_rank::timer_send};  // a channel's may nest under it
      auto ch = gofer::make_chan<int>();     // nobody sends: the receive must park
      held.lock();
      (void)ch.recv();  // parks with `held` taken
    });
  });
  CHECK(result.aborted);
  CHECK(contains(result.stderr_text, "a goroutine parks with 1 lock(s) held"));
}
