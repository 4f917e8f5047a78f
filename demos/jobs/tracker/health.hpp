// demos/jobs/tracker/health.hpp - when a job is unhealthy or lost
// (docs/design/jobs.md, "States"), decided as the monitor decides its
// checks: a ticker and a select.
//
//   state        | silence (since the job's last event)    | becomes
//   running      | >= unhealthy_after * heartbeat          | unhealthy
//   running,     | >= lost_after * heartbeat               | lost
//   unhealthy    |                                         |
//   unhealthy,   | any event arrives (store::append)       | running
//   lost         |                                         |
//   an outcome   | anything                                | itself: final
//
// The silence is measured on the tracker's own clock (gofer::now()), from
// when it received the event, never from the agent's time_ms: the two
// machines' clocks need not agree.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include <gofer/context.hpp>
#include <gofer/time.hpp>

namespace tracker {

class store;  // store.hpp, which includes this file
struct state_change;

struct health_rule {
  int unhealthy_after = 3;  // heartbeat intervals
  int lost_after = 10;
};

// The table above, for a job that is not finished: `current` is running,
// unhealthy or lost. A job never goes back to running here: only an event
// does that. A rule with lost_after <= unhealthy_after skips unhealthy.
std::string_view decide_health(std::string_view current, gofer::duration silence,
                               gofer::duration heartbeat, const health_rule& rule);

// Runs until ctx is done: every `every`, asks the store to apply the rule
// (store::sweep) and reports each change to `on_change` (a log line). Its
// own goroutine's body: go([=] { watch_health(...); }).
void watch_health(store jobs, gofer::duration every, gofer::context ctx,
                  std::function<void(const state_change&)> on_change);

}  // namespace tracker
