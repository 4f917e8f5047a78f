#!/usr/bin/env python3
"""Prints a Markdown table of median ns/op from a chan_bench JSON report.

    build/release/bench/chan_bench --benchmark_repetitions=3 \
        --benchmark_report_aggregates_only=true \
        --benchmark_out=chan_bench.json --benchmark_out_format=json
    bench/table.py chan_bench.json

One row per benchmark, one column per thread count; Boost's baseline rows
("Boost/PingPong", ...) follow the gofer rows. Parallel benchmarks also show
agg_ns/op (Go's RunParallel ns/op) in brackets; cv is the coefficient of
variation across repetitions, where the report has it.
"""
import json
import re
import sys


def main(path):
    with open(path) as f:
        report = json.load(f)
    rows = {}  # name -> {threads: text}
    cvs = {}
    for b in report["benchmarks"]:
        aggregate = b.get("aggregate_name", "median" if b.get("run_type") == "iteration" else "")
        match = re.match(r"(.*)/threads:(\d+)(/real_time)?$", b["run_name"])
        if not match:
            continue
        name, threads = match.group(1), int(match.group(2))
        if aggregate == "cv":
            cvs[(name, threads)] = b["real_time"] * 100
            continue
        if aggregate != "median":
            continue
        scale = {"ns": 1, "us": 1e3, "ms": 1e6, "s": 1e9}[b.get("time_unit", "ns")]
        text = f"{b['real_time'] * scale:.1f}"
        if "agg_ns/op" in b:
            text += f" [{b['agg_ns/op']:.1f}]"
        rows.setdefault(name, {})[threads] = text
    threads = sorted({t for r in rows.values() for t in r})
    ordered = sorted(rows, key=lambda n: (n.startswith("Boost/"), list(rows).index(n)))
    print("| benchmark | " + " | ".join(f"threads={t} ns/op (cv%)" for t in threads) + " |")
    print("|---|" + "---|" * len(threads))
    for name in ordered:
        cells = []
        for t in threads:
            cell = rows[name].get(t, "")
            if (name, t) in cvs:
                cell += f" ({cvs[(name, t)]:.0f}%)"
            cells.append(cell)
        print(f"| {name} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "chan_bench.json")
