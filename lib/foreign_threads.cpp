// lib/foreign_threads.cpp - see foreign_threads.hpp.
#include "foreign_threads.hpp"

#include <dirent.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "gofer/runtime.hpp"

namespace gofer::detail {

namespace {

struct registry {
  std::mutex mutex;  // unranked: taken with nothing else held, takes nothing
  std::set<pid_t> gofer_threads;
  std::set<pid_t> foreign_touched;
  std::set<pid_t> before_first_run;
  std::set<pid_t> quiet;          // thread_never_sends; left when the thread ends
  std::multiset<pid_t> internal;  // set_aside_internal_threads; left when forgotten
  bool baseline_taken = false;
};

registry& threads() {
  static registry& r = *new registry;  // never destroyed: threads may end after exit
  return r;
}

std::atomic<int> declared_senders{0};
thread_local bool this_thread_never_sends = false;

pid_t this_thread_id() noexcept {
  return static_cast<pid_t>(::syscall(SYS_gettid));
}

template <class F>
void for_each_task(F f) {
  DIR* dir = ::opendir("/proc/self/task");
  if (dir == nullptr) return;
  while (const dirent* entry = ::readdir(dir)) {
    if (entry->d_name[0] == '.') continue;
    f(static_cast<pid_t>(std::atoi(entry->d_name)));
  }
  ::closedir(dir);
}

// Removes the thread from foreign_touched when it ends (a tid may be reused).
struct touched_mark {
  pid_t tid = 0;
  ~touched_mark() {
    if (tid == 0) return;
    registry& r = threads();
    std::lock_guard lock{r.mutex};
    r.foreign_touched.erase(tid);
  }
};

}  // namespace

void gofer_thread_started() noexcept {
  registry& r = threads();
  const pid_t self = this_thread_id();
  static const bool runtime_threads_started = [] {
    // Some runtimes start a thread of their own at the process's first
    // pthread_create (ThreadSanitizer's background thread): make it happen
    // now, so that such a thread is in the baseline below, not taken for a
    // thread that may send.
    try {
      std::thread{[] {}}.join();
    } catch (...) {
    }
    return true;
  }();
  (void)runtime_threads_started;
  std::lock_guard lock{r.mutex};
  if (!r.baseline_taken) {
    r.baseline_taken = true;
    for_each_task([&](pid_t tid) {
      if (tid != self) r.before_first_run.insert(tid);
    });
  }
  r.gofer_threads.insert(self);
}

void gofer_thread_ended() noexcept {
  registry& r = threads();
  std::lock_guard lock{r.mutex};
  r.gofer_threads.erase(this_thread_id());
}

void declare_thread_never_sends() noexcept {
  // Left when the thread ends: its id may be given to a new thread.
  struct quiet_mark {
    pid_t tid = 0;
    ~quiet_mark() {
      registry& r = threads();
      std::lock_guard lock{r.mutex};
      r.quiet.erase(tid);
    }
  };
  thread_local quiet_mark mark;
  if (this_thread_never_sends) return;
  this_thread_never_sends = true;
  mark.tid = this_thread_id();
  registry& r = threads();
  std::lock_guard lock{r.mutex};
  r.quiet.insert(mark.tid);
}

void note_foreign_thread() noexcept {
  if (this_thread_never_sends) return;
  thread_local touched_mark mark;
  if (mark.tid != 0) return;
  mark.tid = this_thread_id();
  registry& r = threads();
  std::lock_guard lock{r.mutex};
  r.foreign_touched.insert(mark.tid);
}

bool foreign_threads_may_send() noexcept {
  if (declared_senders.load(std::memory_order_acquire) > 0) return true;
  registry& r = threads();
  std::lock_guard lock{r.mutex};
  bool found = false;
  for_each_task([&](pid_t tid) {
    if (found || r.gofer_threads.count(tid) != 0 || r.quiet.count(tid) != 0 ||
        r.internal.count(tid) != 0) {
      return;
    }
    if (r.before_first_run.count(tid) != 0 && r.foreign_touched.count(tid) == 0) return;
    found = true;
  });
  return found;
}

std::vector<pid_t> list_threads() {
  std::vector<pid_t> tids;
  for_each_task([&](pid_t tid) { tids.push_back(tid); });
  return tids;
}

void set_aside_internal_threads(const std::vector<pid_t>& tids) {
  registry& r = threads();
  std::lock_guard lock{r.mutex};
  for (const pid_t tid : tids)
    r.internal.insert(tid);
}

void forget_internal_threads(const std::vector<pid_t>& tids) noexcept {
  registry& r = threads();
  std::lock_guard lock{r.mutex};
  for (const pid_t tid : tids) {
    const auto found = r.internal.find(tid);
    if (found != r.internal.end()) r.internal.erase(found);
  }
}

}  // namespace gofer::detail

namespace gofer {

foreign_sender::foreign_sender() noexcept {
  detail::declared_senders.fetch_add(1, std::memory_order_acq_rel);
}

foreign_sender::~foreign_sender() {
  detail::declared_senders.fetch_sub(1, std::memory_order_acq_rel);
}

void thread_never_sends() noexcept {
  detail::declare_thread_never_sends();
}

}  // namespace gofer
