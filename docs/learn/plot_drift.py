#!/usr/bin/env python3
"""Draws docs/learn/drift.svg: the lateness of each tick in a sleep loop and
in a ticker, as measured in real time by the chapter 5 example
demos/learn/05_time/drift/drift.cpp.

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
    env = dict(os.environ)
    env.pop("GOFER_VIRTUAL_TIME", None)  # real time, not the virtual clock
    out = subprocess.run([binary, "--trace"], capture_output=True,
                         text=True, check=True, env=env).stdout
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


def tag(name, text=None, **attrs):
    """One SVG element; attribute names use _ for -, as in stroke_width."""
    fields = " ".join(f'{key.replace("_", "-")}="{value}"'
                      for key, value in attrs.items())
    if text is None:
        return f"<{name} {fields}/>"
    return f"<{name} {fields}>{text}</{name}>"


def svg(ticks, sleep_ms, ticker_ms, summary):
    plot_w = WIDTH - LEFT - RIGHT
    plot_h = HEIGHT - TOP - BOTTOM
    x_max = ticks[-1]
    y_max = max(20.0, (int(max(sleep_ms) / 20) + 1) * 20.0)  # a round top

    def x(k):
        return round(LEFT + plot_w * k / x_max, 1)

    def y(ms):
        return round(TOP + plot_h * (1 - ms / y_max), 1)

    def polyline(values, colour, dash="none"):
        points = " ".join(f"{x(k)},{y(v)}" for k, v in zip(ticks, values))
        return tag("polyline", fill="none", stroke=colour, stroke_width=2,
                   stroke_dasharray=dash, points=points)

    bottom = TOP + plot_h
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" '
        f'height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" '
        'font-family="sans-serif" font-size="12">',
        tag("rect", width=WIDTH, height=HEIGHT, fill="white"),
        tag("text", "Lateness of tick k, 10ms period, 2ms of work per tick "
            "(gofer, real time)", x=WIDTH / 2, y=20, text_anchor="middle",
            font_size=14),
    ]
    for step in range(0, int(y_max) + 1, 20):  # horizontal grid, y labels
        parts.append(tag("line", x1=LEFT, y1=y(step), x2=WIDTH - RIGHT,
                         y2=y(step), stroke="#ddd"))
        parts.append(tag("text", step, x=LEFT - 6, y=y(step) + 4,
                         text_anchor="end"))
    for k in range(0, x_max + 1, 10):  # x labels
        parts.append(tag("text", k, x=x(k), y=bottom + 16,
                         text_anchor="middle"))
    middle = TOP + plot_h / 2
    parts += [
        tag("line", x1=LEFT, y1=bottom, x2=WIDTH - RIGHT, y2=bottom,
            stroke="black"),
        tag("line", x1=LEFT, y1=TOP, x2=LEFT, y2=bottom, stroke="black"),
        tag("text", "tick k", x=LEFT + plot_w / 2, y=HEIGHT - 12,
            text_anchor="middle"),
        tag("text", "ms later than start + k × 10ms", x=16, y=middle,
            text_anchor="middle", transform=f"rotate(-90 16 {middle})"),
        polyline([k * WORK_MS for k in ticks], "#999", "4 4"),
        polyline(sleep_ms, "#d62728"),
        polyline(ticker_ms, "#1f77b4"),
    ]
    legend = [("#d62728", "none", summary[0] if summary else "sleep loop"),
              ("#999", "4 4", "the work alone, k × 2ms"),
              ("#1f77b4", "none", summary[1] if summary[1:] else "ticker")]
    for row, (colour, dash, label) in enumerate(legend):
        ly = TOP + 14 + row * 18
        parts.append(tag("line", x1=LEFT + 12, y1=ly - 4, x2=LEFT + 40,
                         y2=ly - 4, stroke=colour, stroke_width=2,
                         stroke_dasharray=dash))
        parts.append(tag("text", " ".join(label.split()), x=LEFT + 46, y=ly))
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    default = pathlib.Path(__file__).with_name("drift.svg")
    output = pathlib.Path(sys.argv[2]) if len(sys.argv) == 3 else default
    output.write_text(svg(*measure(sys.argv[1])), encoding="utf-8")
    print(f"wrote {output}")


if __name__ == "__main__":
    main()
