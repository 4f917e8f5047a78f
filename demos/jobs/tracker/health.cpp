#include "health.hpp"

#include <gofer/select.hpp>

#include "store.hpp"

#include <utility>

namespace tracker {

std::string_view decide_health(std::string_view current, gofer::duration silence,
                               gofer::duration heartbeat, const health_rule& rule) {
  if (current != "running" && current != "unhealthy" && current != "lost") return current;
  if (silence >= heartbeat * rule.lost_after) return "lost";
  // A lost job stays lost until an event: the rule only ever worsens a state.
  if (current == "lost") return current;
  if (silence >= heartbeat * rule.unhealthy_after) return "unhealthy";
  return current;
}

void watch_health(store jobs, gofer::duration every, gofer::context ctx,
                  std::function<void(const state_change&)> on_change) {
  gofer::ticker ticker{every};  // stopped when this returns
  for (;;) {
    switch (gofer::select(gofer::recv_case(ticker.c), gofer::recv_case(ctx.done()))) {
      case 0: {
        const sweep_result result = jobs.sweep(gofer::now());
        // A failed sweep changed nothing; the next tick tries again.
        if (on_change) {
          for (const state_change& change : result.changes)
            on_change(change);
        }
        break;
      }
      case 1:
        return;
    }
  }
}

}  // namespace tracker
