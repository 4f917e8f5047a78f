// gofer-agent: runs one batch job and reports it to gofer-tracker, as
// docs/design/jobs.md says. The shape is the monitor's (demos/monitor): one
// main select whose cases are
//   - the heartbeat ticker          sample the process tree, send a heartbeat
//   - the job's end                 leave the loop, send the finish
//   - the tracker's cancel answer   SIGTERM to the job's group, then after
//   - SIGINT / SIGTERM to the agent   --grace SIGKILL (a second signal: at once)
//   - the grace period's end        SIGKILL to the job's group
// and a context that ties the other goroutines to the agent's life:
//   sender        sends the outbox's events, oldest first, one request each,
//                 with capped exponential backoff and full jitter
//   output pumps  one per stream: read the job's pipe, write it through to
//                 the agent's own stdout / stderr at once, hand it to
//   batcher       one output event per stream every 200 ms or 64 KiB
//   waiter        once both pipes are at their end, reaps the job (wait4)
//                 and reports how it ended to the main select
// After the job ends, the agent waits for the outbox to empty (the tracker
// may be down the whole time), unless --deliver-timeout or a signal ends
// that wait.
//
// Log lines on stderr, one per line, in the format all three agents share
// (docs/design/jobs.md, "The agent's send log"); the timeline picture of a
// run is drawn from them (docs/learn/plot_jobs_timeline.py):
//   gofer-agent: HH:MM:SS.mmm queued seq=N type=T
//   gofer-agent: HH:MM:SS.mmm send seq=N type=T attempt=K -> RESULT
//   gofer-agent: HH:MM:SS.mmm job started pid=P: COMMAND
//   gofer-agent: HH:MM:SS.mmm job ended OUTCOME exit_code=E signal=S (...)
//   gofer-agent: HH:MM:SS.mmm <anything else the agent did>
// HH:MM:SS.mmm is local time. RESULT is one of
//   200 stored                 the tracker stored the event
//   200 duplicate              it had it already (answered "stored": false)
//   CODE retry; retry in D     a 5xx, a 408 or a 429: sent again after D
//   CODE dropped: ERROR        any other 4xx, the agent's bug: not retried
//   ERROR; retry in D          no answer ("connection refused", ...)
// and "200 ..." ends in " cancel" when the answer asks for it. "; retry in
// D" is gofer-agent's addition to the shared format.
#pragma once

#include "options.hpp"

namespace agent {

// Runs the agent with its options; returns its exit status (docs/design/
// jobs.md, "The agent's exit status"). Call inside gofer::run.
int run_agent(const options& options);

}  // namespace agent
