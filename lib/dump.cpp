// lib/dump.cpp - gofer::dump: the goroutine dump a Go program prints on
// SIGQUIT, without the stacks (each goroutine's id, name and what it waits
// for, as in deadlock reports). Go: runtime/traceback.go goroutineheader.
#include "dump.hpp"

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "gofer/runtime.hpp"
#include "runtime_state.hpp"

namespace gofer::detail {

std::string runtime::describe_goroutines(report_kind kind) {
  struct line {
    std::uint64_t id;
    std::string text;
  };
  std::vector<line> lines;
  const bool main_returned = shutting_down();
  auto describe = [&](const goroutine& g) {
    std::string text = "goroutine " + std::to_string(g.id);
    if (g.id == 1) text += " (main)";
    if (!g.name.empty()) text += " \"" + g.name + "\"";
    text += " [";
    // Acquire: the reason the owner wrote before it published `waiting` is
    // visible (or a later one, if it has moved on since: still a literal).
    const std::uint32_t state = g.parker.state.load(std::memory_order_acquire);
    if (state == parker::waiting) {
      text += g.parker.wait_reason.get();
    } else if (kind == report_kind::deadlock) {
      text += "blocked outside gofer";  // every goroutine is asleep
    } else if (state == parker::claimed) {
      text += "runnable";  // woken, not yet resumed
    } else if (&g == main_ && main_returned) {
      text += "main ended, waiting for goroutines";  // in runtime::shutdown
    } else {
      text += "running";
    }
    text += "]:\n";
    lines.push_back({g.id, std::move(text)});
  };
  // main_ is not in the list, and lives as long as the runtime is reachable.
  describe(*main_);
  {
    // Records in the list live at least until they leave it (remove), which
    // takes this lock.
    spinlock_lock lock{goroutines_lock_};
    for (goroutine* g = goroutines_; g != nullptr; g = g->next)
      describe(*g);
  }
  std::sort(lines.begin(), lines.end(), [](const line& a, const line& b) { return a.id < b.id; });
  std::string report;
  for (const line& l : lines)
    report += l.text;
  return report;
}

namespace {

constexpr std::string_view no_run = "no gofer::run is running\n";

std::mutex runs_mutex;       // guards the list below and keeps its runtimes alive
listed_run* runs = nullptr;  // in order of listing
listed_run* last_run = nullptr;

// Every listed run's goroutines; a header per run when there are several.
std::string describe_every_run() {
  std::lock_guard lock{runs_mutex};
  if (runs == nullptr) return std::string(no_run);
  if (runs->next == nullptr) return runs->rt.describe_goroutines(runtime::report_kind::dump);
  std::size_t count = 0;
  for (const listed_run* r = runs; r != nullptr; r = r->next)
    ++count;
  std::string report;
  std::size_t number = 0;
  for (const listed_run* r = runs; r != nullptr; r = r->next) {
    if (number > 0) report += '\n';
    report += "gofer::run " + std::to_string(++number) + " of " + std::to_string(count) + ":\n";
    report += r->rt.describe_goroutines(runtime::report_kind::dump);
  }
  return report;
}

}  // namespace

listed_run::listed_run(runtime& rt) noexcept : rt(rt) {
  std::lock_guard lock{runs_mutex};
  prev = last_run;
  (last_run != nullptr ? last_run->next : runs) = this;
  last_run = this;
}

listed_run::~listed_run() {
  std::lock_guard lock{runs_mutex};
  (prev != nullptr ? prev->next : runs) = next;
  (next != nullptr ? next->prev : last_run) = prev;
}

}  // namespace gofer::detail

namespace gofer {

void dump(std::ostream& out) {
  // A goroutine (or a worker) reports its own run; any other thread, every
  // run in the process.
  detail::runtime* const rt = detail::current_runtime();
  const std::string report = rt != nullptr
                                 ? rt->describe_goroutines(detail::runtime::report_kind::dump)
                                 : detail::describe_every_run();
  out.write(report.data(), static_cast<std::streamsize>(report.size()));
}

}  // namespace gofer
