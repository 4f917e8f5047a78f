// tests/support/watchdog.hpp - fail a test that hangs instead of hanging CI.
//
//   gofer_test::with_watchdog(60s, "ticker(duration::max())", [&] { gofer::run(...); });
//
// Runs body on the calling thread while a second thread waits for it; if it
// has not returned after `limit`, the process prints what hung and exits with
// status 3, so the regression shows as a failed test at once rather than as a
// CTest timeout (or a CI job that never ends). The limit is generous: it
// bounds a hang, never a speed.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <thread>
#include <utility>

#include <gofer/runtime.hpp>

namespace gofer_test {

template <class Body>
void with_watchdog(std::chrono::seconds limit, const char* what, Body&& body) {
  std::mutex mutex;
  std::condition_variable finished_cv;
  bool finished = false;
  std::thread watchdog([&] {
    gofer::thread_never_sends();  // so that a deadlock is still reported at once
    std::unique_lock lock{mutex};
    if (!finished_cv.wait_for(lock, limit, [&] { return finished; })) {
      std::fprintf(stderr, "watchdog: %s did not finish within %lld s: it hangs\n", what,
                   static_cast<long long>(limit.count()));
      std::fflush(stderr);
      std::_Exit(3);
    }
  });
  struct on_exit {
    std::mutex& mutex;
    std::condition_variable& finished_cv;
    bool& finished;
    std::thread& watchdog;
    ~on_exit() {
      {
        std::lock_guard lock{mutex};
        finished = true;
      }
      finished_cv.notify_one();
      watchdog.join();
    }
  } stop_watchdog{mutex, finished_cv, finished, watchdog};
  std::forward<Body>(body)();
}

}  // namespace gofer_test
