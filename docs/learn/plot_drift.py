#!/usr/bin/env python3
"""Draws docs/learn/drift.svg: the lateness of each tick in a sleep loop and
in a ticker, as measured in real time by the chapter 4 example
demos/learn/04_time/drift.cpp.

Usage: plot_drift.py DRIFT_BINARY [OUTPUT.svg]

It runs `DRIFT_BINARY --trace` (without GOFER_VIRTUAL_TIME, so in real time),
reads the `tick K SLEEP_MS TICKER_MS` lines, and writes a plain SVG by hand
(no plotting library needed). Example:

    python3 docs/learn/plot_drift.py \\
        build/debug/demos/learn/time_drift/time_drift docs/learn/drift.svg
"""
import os
import pathlib
import subprocess
import sys

WIDTH, HEIGHT = 640, 360
LEFT, RIGHT, TOP, BOTTOM = 60, 20, 40, 50  # margins around the plot area
WORK_MS = 2.0  # the example's work per tick


def measure(binary):
    env = {k: v for k, v in os.environ.items() if k != "GOFER_VIRTUAL_TIME"}
    out = subprocess.run([binary, "--trace"], capture_output=True, text=True,
                         check=True, env=env).stdout
    ticks, sleep_ms, ticker_ms, summary = [], [], [], []
    for line in out.splitlines():
        fields = line.split()
        if fields and fields[0] == "tick":
            ticks.append(int(fields[1]))
            sleep_ms.append(float(fields[2]))
            ticker_ms.append(float(fields[3]))
        else:
            summary.append(line)
    return ticks, sleep_ms, ticker_ms, summary


def svg(ticks, sleep_ms, ticker_ms, summary):
    plot_w = WIDTH - LEFT - RIGHT
    plot_h = HEIGHT - TOP - BOTTOM
    x_max = ticks[-1]
    y_max = max(20.0, (int(max(sleep_ms) / 20) + 1) * 20.0)  # a round top

    def x(k):
        return LEFT + plot_w * k / x_max

    def y(ms):
        return TOP + plot_h * (1 - ms / y_max)

    def polyline(values, colour, dash=""):
        points = " ".join(f"{x(k):.1f},{y(v):.1f}" for k, v in zip(ticks, values))
        extra = f' stroke-dasharray="{dash}"' if dash else ""
        return (f'<polyline fill="none" stroke="{colour}" stroke-width="2"{extra} '
                f'points="{points}"/>')

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" font-family="sans-serif" font-size="12">',
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="white"/>',
        f'<text x="{WIDTH / 2}" y="20" text-anchor="middle" font-size="14">'
        "Lateness of tick k, 10ms period, 2ms of work per tick (gofer, real time)</text>",
    ]
    for step in range(0, int(y_max) + 1, 20):  # horizontal grid and y labels
        parts.append(f'<line x1="{LEFT}" y1="{y(step):.1f}" x2="{WIDTH - RIGHT}" '
                     f'y2="{y(step):.1f}" stroke="#ddd"/>')
        parts.append(f'<text x="{LEFT - 6}" y="{y(step) + 4:.1f}" '
                     f'text-anchor="end">{step}</text>')
    for k in range(0, x_max + 1, 10):  # x labels
        parts.append(f'<text x="{x(k):.1f}" y="{TOP + plot_h + 16}" '
                     f'text-anchor="middle">{k}</text>')
    parts += [
        f'<line x1="{LEFT}" y1="{TOP + plot_h}" x2="{WIDTH - RIGHT}" '
        f'y2="{TOP + plot_h}" stroke="black"/>',
        f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{TOP + plot_h}" stroke="black"/>',
        f'<text x="{LEFT + plot_w / 2}" y="{HEIGHT - 12}" text-anchor="middle">'
        "tick k</text>",
        f'<text x="16" y="{TOP + plot_h / 2}" text-anchor="middle" '
        f'transform="rotate(-90 16 {TOP + plot_h / 2})">'
        "ms later than start + k × 10ms</text>",
        polyline([k * WORK_MS for k in ticks], "#999", "4 4"),
        polyline(sleep_ms, "#d62728"),
        polyline(ticker_ms, "#1f77b4"),
    ]
    legend = [("#d62728", "", summary[0] if summary else "sleep loop"),
              ("#999", "4 4", "the work alone, k × 2ms"),
              ("#1f77b4", "", summary[1] if len(summary) > 1 else "ticker")]
    for row, (colour, dash, label) in enumerate(legend):
        ly = TOP + 14 + row * 18
        extra = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(f'<line x1="{LEFT + 12}" y1="{ly - 4}" x2="{LEFT + 40}" y2="{ly - 4}" '
                     f'stroke="{colour}" stroke-width="2"{extra}/>')
        parts.append(f'<text x="{LEFT + 46}" y="{ly}">{" ".join(label.split())}</text>')
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    output = pathlib.Path(sys.argv[2] if len(sys.argv) == 3
                          else pathlib.Path(__file__).with_name("drift.svg"))
    output.write_text(svg(*measure(sys.argv[1])), encoding="utf-8")
    print(f"wrote {output}")


if __name__ == "__main__":
    main()
