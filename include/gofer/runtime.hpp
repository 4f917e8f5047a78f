// gofer/runtime.hpp - goroutines: gofer::run, gofer::go, gofer::yield.
//
// gofer::run(main, options) is Go's program: it runs `main` as the first
// goroutine, on the calling thread, and ends when main returns, as a Go
// program ends when main.main returns. Goroutines that are still blocked on a
// gofer channel or select at that point are unwound:
// the blocking call throws an internal exception (not derived from
// std::exception) so their destructors run and nothing leaks; Go simply exits
// without running its other goroutines' defers. See docs/differences.md.
//
// Options:
//   threads         - worker threads: 1 runs every goroutine on the calling
//                     thread; N > 1 spreads them over the calling thread and
//                     N-1 more (M:N, Go's GOMAXPROCS). Idle workers park and
//                     use no CPU.
//   stack_size      - bytes of stack per goroutine, from a pool (no mmap per
//                     spawn). Stacks do not grow as Go's do, so deep
//                     recursion needs a larger value.
//   guard_pages     - put an inaccessible page below every stack, so an
//                     overflow faults at once. A debug aid: each guard splits
//                     a mapping, and about 32k guarded stacks reach the
//                     kernel's default vm.max_map_count (65530).
//   virtual_time    - run gofer's clock virtually (gofer/time.hpp): time stands
//                     still while any goroutine can run and jumps to the next
//                     timer when all are blocked (Go's testing/synctest).
//                     GOFER_VIRTUAL_TIME=1 in the environment turns it on
//                     for any program, as GODEBUG tunes a Go one.
//   detect_deadlock - when every goroutine is blocked and no timer can wake
//                     one, make main's blocking call throw gofer::deadlock
//                     (and so gofer::run), with what each goroutine waits
//                     for, instead of hanging. A thread outside gofer that
//                     may still send postpones the report while it lives
//                     (see foreign_sender below); a goroutine waiting on I/O,
//                     a process or a signal is not deadlocked.
//   dump_on_sigquit - while run runs, SIGQUIT (Ctrl-\ in a terminal, or
//                     kill -QUIT) prints "SIGQUIT: quit" and gofer::dump's
//                     report of every run in the process to stderr and ends
//                     the process with status 2, as a Go program does. Off by
//                     default, since it takes the process's SIGQUIT; the
//                     disposition from before is restored when the last run
//                     that asked for it ends. The handler only wakes a
//                     watcher thread, which writes the report. A SIGQUIT
//                     that every thread blocks, or that a handler installed
//                     later takes, is not seen.
//                     GOFER_DUMP_ON_SIGQUIT=1 in the environment turns it on.
// threads = 0 throws gofer::invalid_argument.
//
// Goroutines may be named for those reports: gofer::go(gofer::named{"x"}, f).
//
// gofer::dump(out) writes every goroutine of the run, one line each, in order
// of id, as Go's goroutine dump (SIGQUIT, runtime.Stack(buf, true)) begins
// each goroutine, without the stacks:
//   goroutine 1 (main) [running]:
//   goroutine 2 "ticker" [chan receive]:
//   goroutine 3 [sync.Mutex.Lock]:
// A goroutine blocked in gofer shows what it waits for, as deadlock reports
// do. One just woken, or made by go() and not yet run, shows [runnable], as
// in Go. Any other shows [running]: gofer cannot tell a goroutine that runs
// from one that yielded and waits to run again, or one blocked in something
// gofer does not own (a std::mutex). Main,
// once it has returned and run waits for the others, shows
// [main ended, waiting for goroutines]. The report is a snapshot: each line
// is true at the moment it was read, and goroutines go on running meanwhile.
// From a goroutine (or any thread of a run) it reports that run; from any
// other thread, every run in the process, each under a
// "gofer::run <k> of <n>:" header when there are several. With no run at all
// it writes the one line "no gofer::run is running" instead of throwing: it
// is a diagnostic, safe to call from a watchdog or a log path.
//
// gofer::go(f, args...) starts f(args...) as a goroutine. The arguments are
// decay-copied now, as Go evaluates them at the go statement. An exception
// escaping f ends the program with "panic: <type>: <what()>" on stderr and
// exit status 2, as a Go panic does. An exception escaping main instead
// propagates out of gofer::run (after the other goroutines are unwound), so
// callers can handle it. go does not block, but it may yield: when more than
// 1,024 goroutines already wait to run on the caller's thread, the caller
// lets them run before it goes on (where Go's scheduler would preempt a loop
// that only spawns), so such a loop holds about that many at once instead
// of all it ever made.
//
// run returns what main returned once every other goroutine has ended:
// blocked ones are unwound as above, runnable ones run until they block (and
// are unwound) or return. So a goroutine that computes, or waits on something
// gofer does not own (a std::mutex, a sleep of Boost's), delays run's return,
// and one that never blocks nor yields again keeps it from returning.
//
// Rules: call go and yield from inside gofer::run (from main or any
// goroutine); channel operations work anywhere (a plain thread simply blocks
// itself). A goroutine must not swallow unknown exceptions (catch (...)
// without rethrow) around blocking calls, or it cannot be unwound at
// shutdown, and must not block in a destructor that runs during that
// unwinding. A goroutine that never blocks or yields keeps the others from
// running on its thread: fibers are not preempted.
#pragma once

#include <concepts>
#include <cstddef>
#include <exception>
#include <functional>
#include <iosfwd>
#include <memory>
#include <new>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>

#include "gofer/errors.hpp"

namespace gofer {

// The CPUs this process may run on (its affinity mask). Go: runtime.NumCPU.
std::size_t num_cpu() noexcept;
// run_options::threads when not given: GOFER_MAXPROCS from the environment
// if it is a positive number (as GOMAXPROCS is for Go), else num_cpu(), as
// Go's default GOMAXPROCS.
std::size_t default_threads() noexcept;

struct run_options {
  std::size_t threads = default_threads();  // Go: GOMAXPROCS
  std::size_t stack_size = 64 << 10;        // bytes per goroutine stack
  bool guard_pages = false;
  bool virtual_time = false;
  bool detect_deadlock = true;
  bool dump_on_sigquit = false;  // Go: always on
};

// A name for a goroutine, shown in deadlock reports: go(named{"ticker"}, f).
struct named {
  std::string name;
};

namespace detail {

class runtime;  // lib/runtime_state.hpp

// The runtime the calling thread works for, or null outside gofer::run.
runtime* current_runtime() noexcept;
// The same, throwing runtime_misuse outside gofer::run.
runtime& runtime_for_go();
// Reports an exception as a Go panic and ends the program; `where` says
// where it came from (printed after the panic line).
[[noreturn]] void panic(
    std::exception_ptr exception,
    const char* where = "an exception escaped a goroutine started by gofer::go") noexcept;
void run(void (*main)(void*), void* main_arg, const run_options& options);

// What a goroutine runs, behind one interface so that the Boost.Fiber and
// Boost.Context templates that start and end its fiber are instantiated once,
// inside the library (lib/spawn.cpp explains why that matters under TSan).
class goroutine_body {
 public:
  virtual ~goroutine_body() = default;
  virtual void run() = 0;

  // A body is made by go() and destroyed on whichever thread its goroutine
  // ends on, usually another at two threads or more: the library recycles
  // bodies of up to 264 bytes through per-thread caches, by size, instead
  // of malloc (lib/recycler.hpp). Over-aligned ones go to the global
  // aligned forms.
  static void* operator new(std::size_t size);
  static void operator delete(void* block, std::size_t size) noexcept;
  static void* operator new(std::size_t size, std::align_val_t alignment) {
    return ::operator new(size, alignment);
  }
  static void operator delete(void* block, std::size_t size, std::align_val_t alignment) noexcept {
    ::operator delete(block, size, alignment);
  }
};

template <class Fn>
class goroutine_body_of final : public goroutine_body {
 public:
  explicit goroutine_body_of(Fn&& fn) : fn_(std::move(fn)) {}
  void run() override { fn_(); }

 private:
  Fn fn_;
};

// Starts `body` as a new goroutine of `rt` (lib/spawn.cpp).
void spawn(runtime& rt, std::string name, std::unique_ptr<goroutine_body> body);

}  // namespace detail

// go(named{"worker"}, f, args...): the same, with a name for reports.
template <class F, class... Args>
void go(named name, F&& f, Args&&... args) {
  detail::runtime& rt = detail::runtime_for_go();
  auto call = [f = std::forward<F>(f), ... args = std::forward<Args>(args)]() mutable {
    std::invoke(std::move(f), std::move(args)...);
  };
  detail::spawn(rt, std::move(name.name),
                std::make_unique<detail::goroutine_body_of<decltype(call)>>(std::move(call)));
}

// Go: the go statement.
template <class F, class... Args>
requires(!std::same_as<std::remove_cvref_t<F>, named>) void go(F&& f, Args&&... args) {
  go(named{}, std::forward<F>(f), std::forward<Args>(args)...);
}

// Runs main as the first goroutine (see the top of this file); returns what
// main returns.
template <class F>
std::invoke_result_t<F&> run(F&& main, const run_options& options = {}) {
  using result_type = std::invoke_result_t<F&>;
  if constexpr (std::is_void_v<result_type>) {
    auto call = [](void* f) { std::invoke(*static_cast<std::remove_reference_t<F>*>(f)); };
    // Through const void*: `main` may be a const lvalue (call casts back).
    detail::run(call, const_cast<void*>(static_cast<const void*>(std::addressof(main))), options);
  } else {
    struct frame {
      std::remove_reference_t<F>* main;
      std::optional<result_type> result;
    } state{std::addressof(main), std::nullopt};
    auto call = [](void* s) {
      auto& st = *static_cast<frame*>(s);
      st.result.emplace(std::invoke(*st.main));
    };
    detail::run(call, &state, options);
    return std::move(*state.result);
  }
}

// Lets other goroutines run (Go: runtime.Gosched).
void yield();

// While one exists, no gofer runtime reports a deadlock: it declares that a
// thread outside gofer may still send to (or close a channel of) a blocked
// goroutine. Go has no counterpart, since only goroutines send in Go.
//
// Usually not needed: when every goroutine is blocked, gofer looks for
// such threads itself (any thread alive that is not a runtime's and did not
// exist before the first gofer::run, or did and has used a channel since),
// and while one lives it waits instead of reporting, looking again every
// 50 ms. This guard is for a thread that existed before the first run and
// has not yet touched a channel when everything blocks.
//
//   gofer::foreign_sender expecting;   // before the goroutines block
//   std::thread feeder{[ch] { ...; ch.send(v); }};
class foreign_sender {
 public:
  foreign_sender() noexcept;
  ~foreign_sender();
  foreign_sender(const foreign_sender&) = delete;
  foreign_sender& operator=(const foreign_sender&) = delete;
};

// The other way round: declares that the calling thread, outside gofer,
// never sends to, closes or otherwise wakes a goroutine's channel, so that
// a deadlock need not wait for it to end. For long-lived threads of a
// program that uses gofer (a logger, a watchdog): without it, a program
// whose goroutines all block waits as long as such a thread lives, where
// Go would report the deadlock.
void thread_never_sends() noexcept;

// Writes a snapshot of every goroutine: id, name, what it waits for (see the
// top of this file). Go: the goroutine dump of SIGQUIT, without the stacks.
void dump(std::ostream& out);

}  // namespace gofer
