// Tests for gofer::dump and run_options::dump_on_sigquit (gofer/runtime.hpp):
// Go's goroutine dump (what SIGQUIT prints), one "goroutine N [...]:" line
// per goroutine, with the wait reasons deadlock reports use. What SIGQUIT
// itself does to the process is tested by sigquit_main.cpp (exit tests in
// tests/CMakeLists.txt).
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <gofer/gofer.hpp>

#include "../support/counted.hpp"
#include "../support/deadlock_report.hpp"

using gofer::make_chan;
using gofer::named;
using gofer::recv_case;
using gofer::select;
using gofer_test::for_each_scheduler;
using gofer_test::goroutine_lines;

namespace {

std::string dump_to_string() {
  std::ostringstream out;
  gofer::dump(out);
  return out.str();
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("dump names every goroutine with what it waits for, and main as running") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          auto c = make_chan<int>();
          auto d = make_chan<int>();
          auto e = make_chan<int>();
          gofer::mutex mu;
          mu.lock();
          gofer::go(named{"receiver"}, [c] { c.recv(); });
          gofer::go(named{"selector"}, [d, e] { select(recv_case(d), recv_case(e)); });
          auto locked = make_chan<int>();
          gofer::go(named{"locker"}, [&mu, locked] {
            mu.lock();
            mu.unlock();
            locked.close();
          });
          gofer::go([] { make_chan<int>().send(1); });  // unnamed
          gofer::synctest::wait();                      // all four are parked now
          const std::string report = dump_to_string();
          INFO("report:\n", report);
          CHECK(goroutine_lines(report) == std::vector<std::string>{
                                               "goroutine 1 (main) [running]:",
                                               "goroutine 2 \"receiver\" [chan receive]:",
                                               "goroutine 3 \"selector\" [select]:",
                                               "goroutine 4 \"locker\" [sync.Mutex.Lock]:",
                                               "goroutine 5 [chan send]:",
                                           });
          CHECK(report.ends_with("goroutine 5 [chan send]:\n"));
          mu.unlock();
          c.close();
          d.close();
          locked.recv();  // mu outlives its last use
        },
        options);
  });
}

TEST_CASE("dump from a goroutine reports its own run, itself as running") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [] {
          auto reports = make_chan<std::string>();
          gofer::go(named{"dumper"}, [reports] { reports.send(dump_to_string()); });
          const std::string report = reports.recv().value;
          INFO("report:\n", report);
          // Main may not have parked yet when the dump reads it.
          const auto lines = goroutine_lines(report);
          REQUIRE(lines.size() == 2);
          CHECK((lines[0] == "goroutine 1 (main) [chan receive]:" ||
                 lines[0] == "goroutine 1 (main) [running]:"));
          CHECK(lines[1] == "goroutine 2 \"dumper\" [running]:");
        },
        options);
  });
}

TEST_CASE("a goroutine made and not yet run is reported runnable, as Go reports it") {
  gofer::run(
      [] {
        // One thread, and main does not block before its dump: the
        // goroutine has not run.
        gofer::go(named{"waiting"}, [] {});
        const std::string report = dump_to_string();
        INFO("report:\n", report);
        const auto lines = goroutine_lines(report);
        REQUIRE(lines.size() == 2);
        CHECK(lines[0] == "goroutine 1 (main) [running]:");
        CHECK(lines[1] == "goroutine 2 \"waiting\" [runnable]:");
      },
      {.threads = 1});
}

TEST_CASE("a goroutine that is not blocked in gofer is reported running, never blocked") {
  for_each_scheduler([](const gofer::run_options& options) {
    gofer::run(
        [&options] {
          std::atomic<bool> stop{false};
          std::atomic<bool> started{false};
          gofer::go(named{"spinner"}, [&] {
            started = true;
            while (!stop)
              gofer::yield();
          });
          // Not yet run at threads = 1: [runnable], as Go says of a goroutine
          // that waits for its first run. On more threads it may have
          // started already.
          const std::string first = dump_to_string();
          INFO("first report:\n", first);
          if (options.threads == 1) {
            CHECK(contains(first, "goroutine 2 \"spinner\" [runnable]:"));
          } else {
            CHECK((contains(first, "goroutine 2 \"spinner\" [runnable]:") ||
                   contains(first, "goroutine 2 \"spinner\" [running]:")));
          }
          while (!started)
            gofer::yield();
          for (int i = 0; i < 20; ++i) {
            const std::string report = dump_to_string();
            INFO("report:\n", report);
            CHECK(contains(report, "goroutine 2 \"spinner\" [running]:"));
            gofer::yield();
          }
          stop = true;
        },
        options);
  });
}

TEST_CASE("a dump while run waits for goroutines at its end shows main ended") {
  for_each_scheduler([](const gofer::run_options& options) {
    std::string report;
    gofer::run(
        [&report] {
          gofer::go(named{"late"}, [&report] {
            // Runs as shutdown unwinds this goroutine, after main returned.
            const gofer::defer at_unwind{[&report] { report = dump_to_string(); }};
            make_chan<int>().recv();
          });
          gofer::synctest::wait();
        },
        options);
    INFO("report:\n", report);
    CHECK(goroutine_lines(report) ==
          std::vector<std::string>{"goroutine 1 (main) [main ended, waiting for goroutines]:",
                                   "goroutine 2 \"late\" [running]:"});
  });
}

TEST_CASE("dumps taken while goroutines park, wake and end are well-formed snapshots") {
  for_each_scheduler([](const gofer::run_options& options) {
    // What a line may say here: parked in one of these, or not parked.
    const auto well_formed = [](const std::string& report) {
      for (const std::string& line : goroutine_lines(report)) {
        bool known = false;
        for (const char* reason :
             {"[running]:", "[runnable]:", "[chan send]:", "[chan receive]:",
              "[sync.WaitGroup.Wait]:", "[main ended, waiting for goroutines]:"}) {
          known = known || line.ends_with(reason);
        }
        if (!known) return false;
      }
      return report == "no gofer::run is running\n" || report.starts_with("goroutine 1 (main) [");
    };
    // A thread outside the run dumps it (through the list of runs) all along,
    // as main does from inside: under ThreadSanitizer, this is the race test.
    std::atomic<bool> done{false};
    std::string outside_bad;  // the first ill-formed report, read after join
    std::thread outside{[&] {
      while (!done) {
        std::string report = dump_to_string();
        if (outside_bad.empty() && !well_formed(report)) outside_bad = std::move(report);
      }
    }};
    gofer::run(
        [&] {
          gofer::wait_group wg;
          for (int pair = 0; pair < 4; ++pair) {
            auto ping = make_chan<int>();
            auto pong = make_chan<int>();
            wg.go([ping, pong] {
              for (int i = 0; i < 200; ++i) {
                ping.send(i);
                pong.recv();
              }
            });
            wg.go([ping, pong] {
              for (int i = 0; i < 200; ++i) {
                ping.recv();
                pong.send(i);
              }
            });
          }
          for (int i = 0; i < 50; ++i) {
            gofer::go([] {});  // goroutines that start and end meanwhile
            const std::string report = dump_to_string();
            INFO("report:\n", report);
            CHECK(well_formed(report));
            CHECK(report.starts_with("goroutine 1 (main) [running]:\n"));
            gofer::yield();
          }
          wg.wait();
        },
        options);
    done = true;
    outside.join();
    CHECK_MESSAGE(outside_bad.empty(), "ill-formed report:\n", outside_bad);
  });
}

TEST_CASE("dump outside every gofer::run writes one line") {
  CHECK(dump_to_string() == "no gofer::run is running\n");
}

TEST_CASE("dump from a thread outside the runs reports every run in the process") {
  // Two runs, each on its own thread, each with a goroutine parked.
  std::atomic<int> ready{0};
  std::atomic<bool> done{false};
  auto run_one = [&](const char* name) {
    gofer::run([&, name] {
      gofer::go(named{name}, [] { make_chan<int>().recv(); });
      gofer::synctest::wait();
      ++ready;
      while (!done) {
        gofer::yield();
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
      }
    });
  };
  std::thread a{run_one, "a"};
  while (ready < 1)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  const std::string one = dump_to_string();
  std::thread b{run_one, "b"};
  while (ready < 2)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  const std::string two = dump_to_string();
  done = true;
  a.join();
  b.join();

  INFO("one run:\n", one);
  CHECK(one == "goroutine 1 (main) [running]:\ngoroutine 2 \"a\" [chan receive]:\n");
  INFO("two runs:\n", two);
  CHECK(two.starts_with("gofer::run 1 of 2:\ngoroutine 1 (main) [running]:\n"));
  CHECK(contains(two, "\n\ngofer::run 2 of 2:\ngoroutine 1 (main) [running]:\n"));
  CHECK(contains(two, "goroutine 2 \"a\" [chan receive]:\n"));
  CHECK(contains(two, "goroutine 2 \"b\" [chan receive]:\n"));
  CHECK(dump_to_string() == "no gofer::run is running\n");
}

namespace {

volatile std::sig_atomic_t own_sigquits = 0;
extern "C" void count_sigquit(int) {
  own_sigquits = own_sigquits + 1;
}

// Whether SIGQUIT's handler is count_sigquit (doctest cannot print a
// function pointer, so compare here).
bool own_handler_installed() {
  struct sigaction now {};
  sigaction(SIGQUIT, nullptr, &now);
  return now.sa_handler == count_sigquit;
}

}  // namespace

TEST_CASE("dump_on_sigquit takes SIGQUIT only while a run that asked for it runs") {
  struct sigaction own {};
  own.sa_handler = count_sigquit;
  sigemptyset(&own.sa_mask);
  struct sigaction before {};
  REQUIRE(sigaction(SIGQUIT, &own, &before) == 0);

  // Without the flag, run leaves SIGQUIT alone.
  gofer::run([] { CHECK(own_handler_installed()); });
  CHECK(own_handler_installed());

  // Two runs with the flag, overlapping: the handler is gofer's until the
  // last one ends, then the one from before is back.
  std::atomic<bool> a_inside{false};
  std::atomic<bool> a_may_end{false};
  std::thread a{[&] {
    gofer::run(
        [&] {
          a_inside = true;
          while (!a_may_end)
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        },
        {.dump_on_sigquit = true});
  }};
  while (!a_inside)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  CHECK_FALSE(own_handler_installed());
  gofer::run(
      [&] {
        CHECK_FALSE(own_handler_installed());
        a_may_end = true;
        a.join();
        CHECK_FALSE(own_handler_installed());  // this run still wants it
      },
      {.dump_on_sigquit = true});
  CHECK(own_handler_installed());
  std::raise(SIGQUIT);
  CHECK(own_sigquits == 1);

  REQUIRE(sigaction(SIGQUIT, &before, nullptr) == 0);
}
