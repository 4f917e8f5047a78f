// lib/foreign_threads.hpp - threads outside every gofer runtime, which may
// still send to a goroutine: the deadlock detector must not call a runtime
// deadlocked while one of them could (issue: a plain std::thread that fills
// a channel 100 ms later made main throw gofer::deadlock at once).
//
// Go has no such threads (cgo callbacks become Ms, which checkdead counts).
// gofer counts them the only way a library can, when it matters, at the
// moment every goroutine is blocked: it lists the process's threads
// (/proc/self/task) and sets aside
//   - the threads of gofer runtimes (each run's caller and its workers);
//   - the threads that already existed when the first gofer::run started
//     (a sanitizer's, a library's), unless one has since touched a channel
//     (parked on one or woken a goroutine from outside).
// Any other thread may send: the runtime then reports no deadlock, and
// looks again a little later (runtime::all_asleep), so that a deadlock is
// still reported once the thread is gone. gofer::foreign_sender
// (gofer/runtime.hpp) declares such a thread explicitly, and
// gofer::thread_never_sends sets one aside (a logger, a watchdog).
#pragma once

#include <sys/types.h>

#include <vector>

namespace gofer::detail {

// The calling thread enters or leaves a gofer runtime (run's caller, a worker).
void gofer_thread_started() noexcept;
void gofer_thread_ended() noexcept;
// The calling thread, outside every runtime, parked on a channel or woke a
// goroutine. Cheap after the first call on a thread.
void note_foreign_thread() noexcept;
// gofer::thread_never_sends: the calling thread is set aside until it ends.
void declare_thread_never_sends() noexcept;
// True if some thread outside every runtime is alive and may still send.
bool foreign_threads_may_send() noexcept;

// The process's threads now (/proc/self/task).
std::vector<pid_t> list_threads();
// Threads that a library started for gofer's own use and that never send
// (Asio's resolver thread, lib/io_service.cpp), found as the threads that
// appeared while gofer started them: set aside until forgotten, which their
// owner does once they have been joined (their ids may then be reused).
void set_aside_internal_threads(const std::vector<pid_t>& tids);
void forget_internal_threads(const std::vector<pid_t>& tids) noexcept;

}  // namespace gofer::detail
