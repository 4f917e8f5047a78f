#!/usr/bin/env bash
# Draws docs/learn/timeline-jobs.svg from one real run of gofer-agent with a
# tracker outage: the tracker is SIGKILLed 1.6 s into the job and started
# again on the same database 2.2 s later. Run from the repository root after
# cmake --build --preset release; takes about 5 s. The picture varies a
# little from run to run (the backoff is random, the times are real).
set -euo pipefail
work=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
T=build/release/demos/jobs/tracker/gofer-tracker
A=build/release/demos/jobs/agent/gofer-agent
$T --listen 127.0.0.1:$port --db $work/t.db > $work/t1.log 2>&1 & tp=$!
sleep 0.3
$A --tracker http://127.0.0.1:$port --job-id timeline-demo --heartbeat 500ms --max-backoff 1s --spool $work -- \
  sh -c 'for i in 1 2 3 4 5 6; do echo "step $i"; sleep 0.7; done' 2> $work/agent.log > /dev/null & ap=$!
sleep 1.6
kill -KILL $tp; wait $tp 2>/dev/null || true
sleep 2.2
$T --listen 127.0.0.1:$port --db $work/t.db > $work/t2.log 2>&1 & tp=$!
wait $ap || true
sleep 0.2
curl -s "http://127.0.0.1:$port/api/jobs/timeline-demo" | python3 -c 'import json,sys; d=json.load(sys.stdin); print("tracker:", d["state"], d["events"], "events,", len(d["samples"]), "samples")'
kill -TERM $tp; wait $tp || true
python3 docs/learn/plot_jobs_timeline.py $work/agent.log docs/learn/timeline-jobs.svg
rm -rf $work
