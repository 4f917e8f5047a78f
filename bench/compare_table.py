#!/usr/bin/env python3
"""Prints the table of bench/compare_scheduler.sh: median ns/op and the range
(min-max) over repetitions, per benchmark, thread count and system.

    bench/compare_table.py OUT_DIR

OUT_DIR holds <system>-*.json (Google Benchmark reports of chan_bench),
go-*.txt (go test -bench output) and load.txt (phase, system, repetition and
1-minute load average before each run).
"""
import collections
import json
import pathlib
import re
import statistics
import sys

SYSTEMS = ["now", "before", "boost", "go"]


def main(out):
    out = pathlib.Path(out)
    times = collections.defaultdict(list)  # (bench, threads, system) -> [ns/op]
    for path in out.glob("*.json"):
        system = path.name.split("-")[0]
        for b in json.loads(path.read_text())["benchmarks"]:
            m = re.match(r"(?:Boost/)?(\w+?)(?:1024)?/threads:(\d+)", b["run_name"])
            name = {"ProdCons": "ChanProdCons"}.get(m.group(1), m.group(1)) + (
                "1024" if "1024" in b["run_name"] else "")
            scale = {"ns": 1, "us": 1e3, "ms": 1e6, "s": 1e9}[b["time_unit"]]
            times[(name, int(m.group(2)), system)].append(b["real_time"] * scale)
    for path in out.glob("go-*.txt"):
        for line in path.read_text().splitlines():
            m = re.match(r"Benchmark(\w+?)(?:-(\d+))?\s+\d+\s+([\d.]+) ns/op", line)
            if m:
                times[(m.group(1), int(m.group(2) or 1), "go")].append(float(m.group(3)))

    loads = collections.defaultdict(list)  # phase -> 1-minute load averages
    for line in (out / "load.txt").read_text().splitlines():
        fields = line.split()
        loads[fields[0] if len(fields) == 4 else "all"].append(float(fields[-1]))
    for phase, values in loads.items():
        print(f"load average (1 min) before each {phase} run: median "
              f"{statistics.median(values):.2f}, range {min(values):.2f}-{max(values):.2f}")
    print(f"{'benchmark (ns/op)':<22}{'thr':>4}" + "".join(f"{s:>24}" for s in SYSTEMS))
    for bench, threads in sorted({(b, t) for b, t, _ in times}):
        cells = []
        for system in SYSTEMS:
            v = times.get((bench, threads, system))
            cells.append(f"{statistics.median(v):.0f} ({min(v):.0f}-{max(v):.0f}) n={len(v)}"
                         if v else "-")
        print(f"{bench:<22}{threads:>4}" + "".join(f"{c:>24}" for c in cells))


if __name__ == "__main__":
    main(sys.argv[1])
