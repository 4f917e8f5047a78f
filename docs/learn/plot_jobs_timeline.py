#!/usr/bin/env python3
"""Draws a timeline of one job agent's run (docs/learn/timeline-jobs.svg):
the job, every event's send attempts, and when the tracker was unreachable,
from the agent's own log on stderr.

Usage: plot_jobs_timeline.py AGENT_LOG [OUTPUT.svg]

The three agents (gofer-agent, demos/jobs/twins/agent.go and
demos/jobs/twins/agent.py) log each send attempt as one line, the format of
docs/design/jobs.md:

    gofer-agent: 12:00:01.234 send seq=3 type=heartbeat attempt=2 -> connection refused
    gofer-agent: 12:00:01.734 send seq=3 type=heartbeat attempt=3 -> 200 stored

and, where they have them, a line when an event is made (it waits in
the outbox from then on) and the job's own two lines, which draw its bar:

    gofer-agent: 12:00:01.001 queued seq=3 type=heartbeat
    gofer-agent: 12:00:00.100 job started pid=4242
    gofer-agent: 12:00:09.950 job ended succeeded exit_code=0 signal=None

Every other line (the job's own stderr is passed through to the same log)
is ignored. One row per event, in seq order: a blue tick when it was
made, a grey line while it waited, and a mark per attempt: a green
dot when the tracker stored it, a grey ring when it had it already (the
answer to an earlier attempt was lost), a red cross when the attempt
failed, a black square when the tracker refused it for good. A shaded band
runs from each first failure to the next success: the tracker was
unreachable. The picture is plain SVG written by hand (no plotting
library), as plot_drift.py writes its own. Example, against the stand-in
tracker with an outage:

    python3 demos/jobs/twins/standin_tracker.py --outage-after 4 --outage-for 3 &
    python3 demos/jobs/twins/agent.py --tracker URL --job-id demo \\
        --heartbeat 1s -- sleep 8 2> agent.log
    python3 docs/learn/plot_jobs_timeline.py agent.log timeline.svg
"""
import pathlib
import re
import sys

WIDTH = 760
LEFT, RIGHT, TOP, BOTTOM = 150, 20, 86, 50  # margins around the plot area
ROW = 14  # pixels per event
LINE = re.compile(r"^(?P<program>[\w.-]+): (?P<h>\d\d):(?P<m>\d\d):(?P<s>\d\d\.\d{3}) "
                  r"(?P<what>.*)$")
SEND = re.compile(r"send seq=(\d+) type=(\w+) attempt=(\d+) -> (.*)$")
QUEUED = re.compile(r"queued seq=(\d+) type=(\w+)$")
COLOURS = {"stored": "#2ca02c", "duplicate": "#7f7f7f", "failed": "#d62728",
           "dropped": "black", "job": "#1f77b4", "band": "#fde0dd"}


def classify(result):
    """stored, duplicate, dropped or failed, from the text after '->'."""
    if result.startswith("200"):
        return "duplicate" if result.split()[1:2] == ["duplicate"] else "stored"
    if re.match(r"4\d\d ", result) and not result.startswith(("408", "429")):
        return "dropped"
    return "failed"


def parse(text):
    """Returns (program, sends, queued, job) from a log: sends as (time,
    seq, type, attempt, kind), times in seconds from the first line; queued
    as {seq: (time, type)}; job as (started, ended, outcome), None where the log
    does not say."""
    program, first, previous, day = None, None, 0.0, 0.0
    sends, queued, started, ended, outcome = [], {}, None, None, None
    for line in text.splitlines():
        match = LINE.match(line)
        if not match:
            continue
        seconds = (int(match["h"]) * 3600 + int(match["m"]) * 60 + float(match["s"]))
        if seconds + day < previous - 12 * 3600:
            day += 24 * 3600  # the run went past midnight
        seconds += day
        previous = seconds
        what = match["what"]
        send, queue = SEND.match(what), QUEUED.match(what)
        if not send and not queue and not what.startswith("job "):
            continue  # another program's line, or another of the agent's
        if first is None:
            program, first = match["program"], seconds
        at = seconds - first
        if send:
            seq, kind, attempt, result = send.groups()
            sends.append((at, int(seq), kind, int(attempt), classify(result)))
        elif queue:
            queued[int(queue[1])] = (at, queue[2])
        elif what.startswith("job started"):
            started = at
        elif what.startswith("job ended"):
            ended, outcome = at, what.split()[2]
    if not sends:
        sys.exit("no send lines in the log: is it an agent's stderr?")
    return program, sends, queued, (started, ended, outcome)


def outages(sends):
    """(from, to) spans from a first failed attempt to the next success."""
    spans, down = [], None
    for at, _, _, _, kind in sorted(sends):
        if kind == "failed" and down is None:
            down = at
        elif kind != "failed" and down is not None:
            spans.append((down, at))
            down = None
    if down is not None:
        spans.append((down, max(at for at, *_ in sends)))
    return spans


def tag(name, text=None, **attrs):
    """One SVG element; attribute names use _ for -, as in stroke_width."""
    fields = " ".join(f'{key.replace("_", "-")}="{value}"'
                      for key, value in attrs.items())
    if text is None:
        return f"<{name} {fields}/>"
    return f"<{name} {fields}>{text}</{name}>"


def mark(kind, cx, cy):
    """The mark of one attempt, by how it went."""
    colour = COLOURS[kind]
    if kind == "failed":
        return tag("path", d=f"M{cx - 4},{cy - 4}L{cx + 4},{cy + 4}"
                   f"M{cx - 4},{cy + 4}L{cx + 4},{cy - 4}", stroke=colour, stroke_width=1.5)
    if kind == "dropped":
        return tag("rect", x=cx - 4, y=cy - 4, width=8, height=8, fill=colour)
    if kind == "duplicate":
        return tag("circle", cx=cx, cy=cy, r=4, fill="white", stroke=colour, stroke_width=1.5)
    return tag("circle", cx=cx, cy=cy, r=4, fill=colour)


def svg(program, sends, queued, job):
    events = sorted({(seq, kind) for _, seq, kind, _, _ in sends} |
                    {(seq, kind) for seq, (_, kind) in queued.items()})
    row_of = {seq: row for row, (seq, _) in enumerate(events)}
    height = TOP + ROW * len(events) + BOTTOM
    plot_w = WIDTH - LEFT - RIGHT
    last = max([at for at, *_ in sends] + [at for at, _ in queued.values()] +
               [t for t in job[:2] if t is not None])
    x_max = max(1, int(last) + 1)
    tick = 1 if x_max <= 15 else 5 if x_max <= 75 else 30

    def x(seconds):
        return round(LEFT + plot_w * seconds / x_max, 1)

    def y(seq):
        return TOP + ROW * row_of[seq] + ROW / 2

    bottom = TOP + ROW * len(events)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" '
        f'height="{height}" viewBox="0 0 {WIDTH} {height}" '
        'font-family="sans-serif" font-size="11">',
        tag("rect", width=WIDTH, height=height, fill="white"),
        tag("text", f"One run of {program}: each event's send attempts",
            x=WIDTH / 2, y=20, text_anchor="middle", font_size=14),
    ]
    for start, end in outages(sends):
        parts.append(tag("rect", x=x(start), y=TOP - 18, width=max(1, x(end) - x(start)),
                         height=bottom - TOP + 18, fill=COLOURS["band"]))
        parts.append(tag("text", "tracker unreachable", x=x(start) + 3, y=TOP - 6,
                         fill=COLOURS["failed"]))
    started, ended, outcome = job
    if started is not None:
        end = ended if ended is not None else last
        parts.append(tag("rect", x=x(started), y=TOP - 36, width=max(1, x(end) - x(started)),
                         height=10, fill=COLOURS["job"]))
        parts.append(tag("text", f"job{f' ({outcome})' if outcome else ''}",
                         x=LEFT - 8, y=TOP - 27, text_anchor="end"))
    for seconds in range(0, x_max + 1, tick):  # vertical grid, x labels
        parts.append(tag("line", x1=x(seconds), y1=TOP, x2=x(seconds), y2=bottom,
                         stroke="#eee"))
        parts.append(tag("text", seconds, x=x(seconds), y=bottom + 16, text_anchor="middle"))
    parts += [
        tag("line", x1=LEFT, y1=bottom, x2=WIDTH - RIGHT, y2=bottom, stroke="black"),
        tag("text", "seconds since the agent's first line", x=LEFT + plot_w / 2,
            y=height - 14, text_anchor="middle"),
    ]
    for seq, kind in events:  # a row per event: its label, its attempts
        times = [at for at, s, *_ in sends if s == seq]
        if seq in queued:
            times.append(queued[seq][0])
        parts.append(tag("text", f"{seq} {kind}", x=LEFT - 8, y=y(seq) + 4, text_anchor="end"))
        if len(times) > 1:
            parts.append(tag("line", x1=x(min(times)), y1=y(seq), x2=x(max(times)), y2=y(seq),
                             stroke="#999"))
        if seq in queued:
            made = queued[seq][0]
            parts.append(tag("line", x1=x(made), y1=y(seq) - 5, x2=x(made), y2=y(seq) + 5,
                             stroke=COLOURS["job"], stroke_width=2))
    parts += [mark(kind, x(at), y(seq)) for at, seq, _, _, kind in sends]
    legend = [("stored", "stored"), ("duplicate", "stored already"),
              ("failed", "failed, to be retried"), ("dropped", "refused for good")]
    parts += [tag("line", x1=LEFT - 100, y1=31, x2=LEFT - 100, y2=41, stroke=COLOURS["job"],
                  stroke_width=2), tag("text", "made", x=LEFT - 92, y=40)]
    for column, (kind, label) in enumerate(legend):
        lx = LEFT + column * 140
        parts += [mark(kind, lx, 36), tag("text", label, x=lx + 8, y=40)]
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    default = pathlib.Path(__file__).with_name("timeline-jobs.svg")
    output = pathlib.Path(sys.argv[2]) if len(sys.argv) == 3 else default
    log = pathlib.Path(sys.argv[1]).read_text(encoding="utf-8", errors="replace")
    output.write_text(svg(*parse(log)), encoding="utf-8")
    print(f"wrote {output}")


if __name__ == "__main__":
    main()
