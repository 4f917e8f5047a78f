#!/usr/bin/env bash
# bench/compare_scheduler.sh - PingPong, ChanProdCons1024 and SpawnJoin100k:
# gofer now vs gofer before the scheduler change vs raw Boost.Fiber vs Go,
# interleaved (A B C D, A B C D, ...) so that load on the machine hits all of
# them alike. Prints one table of medians and ranges (bench/compare_table.py).
#
#   bench/compare_scheduler.sh NOW_BUILD BEFORE_BUILD [REPS] [OUT_DIR]
#
# NOW_BUILD and BEFORE_BUILD are release build trees holding bench/chan_bench.
# Build the "before" one from a worktree of commit 1edf42f, which had no
# chan_bench yet (the same source builds there):
#
#   git worktree add /tmp/gofer-before 1edf42f
#   cp bench/chan_bench.cpp /tmp/gofer-before/bench/
#   echo 'gofer_add_bench(NAME chan_bench SOURCES chan_bench.cpp)' \
#       >> /tmp/gofer-before/bench/CMakeLists.txt
#   cmake --preset release -S /tmp/gofer-before -B /tmp/gofer-before/build
#   cmake --build /tmp/gofer-before/build --target chan_bench
#
# Go's twins are bench/go/chan_test.go (go test; GOMAXPROCS from -cpu).
set -euo pipefail
now=$1/bench/chan_bench
before=$2/bench/chan_bench
reps=${3:-5}
out=${4:-$(mktemp -d)}
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$out"

channels='^(PingPong|ChanProdCons1024)/threads'
boost_channels='^Boost/(PingPong|ProdCons1024)/threads'
gb=(--benchmark_min_time=0.5 --benchmark_out_format=json)

load() { echo "$phase $1 rep$2 $(cut -d' ' -f1 /proc/loadavg)" >>"$out/load.txt"; }

phase=channels
for rep in $(seq "$reps"); do
  echo "channels: repetition $rep of $reps" >&2
  load now "$rep";    "$now" --benchmark_filter="$channels" "${gb[@]}" --benchmark_out="$out/now-$rep.json" >/dev/null 2>>"$out/context.log"
  load before "$rep"; "$before" --benchmark_filter="$channels" "${gb[@]}" --benchmark_out="$out/before-$rep.json" >/dev/null 2>>"$out/context.log"
  load boost "$rep";  "$now" --benchmark_filter="$boost_channels" "${gb[@]}" --benchmark_out="$out/boost-$rep.json" >/dev/null 2>>"$out/context.log"
  load go "$rep";     (cd "$here/go" && go test -run '^$' -bench 'PingPong|ProdCons1024' -cpu 1,2 -benchtime 0.5s) >"$out/go-$rep.txt"
done

# SpawnJoin100k pays first-touch page faults that depend on what ran before
# it in the process, so each one runs alone (see README.md).
phase=spawn
for rep in $(seq "$reps"); do
  echo "spawn: repetition $rep of $reps" >&2
  for threads in 1 2; do
    load now "$rep";    "$now" --benchmark_filter="^SpawnJoin100k/threads:$threads" "${gb[@]}" --benchmark_out="$out/now-spawn$threads-$rep.json" >/dev/null 2>>"$out/context.log"
    load before "$rep"; "$before" --benchmark_filter="^SpawnJoin100k/threads:$threads" "${gb[@]}" --benchmark_out="$out/before-spawn$threads-$rep.json" >/dev/null 2>>"$out/context.log"
    load boost "$rep";  "$now" --benchmark_filter="^Boost/SpawnJoin100k/threads:$threads" "${gb[@]}" --benchmark_out="$out/boost-spawn$threads-$rep.json" >/dev/null 2>>"$out/context.log"
  done
  load go "$rep"; (cd "$here/go" && go test -run '^$' -bench 'SpawnJoin100k' -cpu 1,2 -benchtime 0.5s) >"$out/go-spawn-$rep.txt"
done

echo "raw results in $out" >&2
"$here/compare_table.py" "$out"
