// lib/panic.cpp - how a gofer program ends as a Go one does: a panic (an
// exception escaping a goroutine, or nobody catching one), a fatal error (a
// deadlock nobody caught), a broken internal invariant.
#include <cxxabi.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <typeinfo>

#include "gofer/errors.hpp"
#include "gofer/runtime.hpp"
#include "runtime_state.hpp"

namespace gofer::detail {

namespace {

std::string demangle(const char* mangled) {
  int status = 0;
  std::unique_ptr<char, decltype(&std::free)> name{
      abi::__cxa_demangle(mangled, nullptr, nullptr, &status), &std::free};
  return status == 0 && name ? std::string(name.get()) : std::string(mangled);
}

std::terminate_handler terminate_before_gofer = nullptr;

// The first thread to end the program prints why and exits; any other that
// gets here meanwhile (two goroutines panicking at once on two workers)
// waits for that exit, as Go's second panicking goroutine waits on paniclk,
// so one message is printed, whole.
void claim_the_end() noexcept {
  static std::atomic<bool> claimed{false};
  if (!claimed.exchange(true, std::memory_order_acq_rel)) return;
  for (;;)
    std::this_thread::sleep_for(std::chrono::hours(1));
}

// An exception nobody caught ends a gofer program as an unrecovered panic
// ends a Go one: what was printed so far is flushed, the panic (or, for a
// deadlock, Go's "fatal error: all goroutines are asleep - deadlock!" and the
// report) goes to stderr, and the exit status is 2. Without this, a C++
// program aborts (status 134) and loses buffered stdout.
[[noreturn]] void terminate_as_go_does() noexcept {
  const std::exception_ptr uncaught = std::current_exception();
  if (uncaught == nullptr) {
    // std::terminate for another reason (no exception): not ours to explain.
    if (terminate_before_gofer != nullptr) terminate_before_gofer();
    std::abort();
  }
  try {
    std::rethrow_exception(uncaught);
  } catch (const gofer::deadlock& e) {
    claim_the_end();
    std::fflush(stdout);
    std::fprintf(stderr, "fatal error: %s\n", e.what());
    std::fflush(stderr);
    std::_Exit(2);
  } catch (...) {
  }
  panic(uncaught, "an exception nobody caught");
}

}  // namespace

void install_terminate_handler() {
  static std::once_flag installed;
  std::call_once(installed,
                 [] { terminate_before_gofer = std::set_terminate(terminate_as_go_does); });
}

void panic(std::exception_ptr exception, const char* where) noexcept {
  std::string type = "unknown exception";
  std::string what;
  try {
    std::rethrow_exception(exception);
  } catch (const std::exception& e) {
    type = demangle(typeid(e).name());
    what = e.what();
  } catch (...) {
    if (const std::type_info* info = abi::__cxa_current_exception_type()) {
      type = demangle(info->name());
    }
  }
  // Keep what the program printed before the panic, as Go's unbuffered
  // stdout would; then end at once, as Go does (no destructors, exit 2).
  claim_the_end();
  std::fflush(stdout);
  std::fprintf(stderr, "panic: %s%s%s\n\n(%s)\n", type.c_str(), what.empty() ? "" : ": ",
               what.c_str(), where);
  std::fflush(stderr);
  std::_Exit(2);
}

void assert_failed(const char* condition, const char* file, int line) noexcept {
  std::fprintf(stderr, "gofer: internal invariant broken: %s (%s:%d)\n", condition, file, line);
  std::abort();
}

}  // namespace gofer::detail
