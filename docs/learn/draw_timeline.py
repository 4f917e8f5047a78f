#!/usr/bin/env python3
"""Draws the chapters' timeline pictures (docs/learn/img/*.svg) from the trace
of a real run, as the monitor draws docs/learn/monitor-timeline.svg from its
own.

Usage: draw_timeline.py [--compare EXPECTED.svg] [--output-of EXAMPLE]...
                        OUTPUT.svg -- COMMAND... [-- COMMAND...]

Each COMMAND is a picture program (demos/learn/pictures/): it does what a
chapter's example does and prints, beside the example's own lines, one line
per event that the picture shows. The C++ programs run on gofer's virtual
clock (this script sets GOFER_VIRTUAL_TIME=1), the Python ones on a virtual
clock of their own, so every run prints the same trace and the picture is the
same, byte for byte. With --compare, the script fails unless OUTPUT is
EXPECTED (the picture checked in under docs/learn/img/); copy it there when
a change is meant. With --output-of, it fails unless every line that the
programs print outside the trace is one of EXAMPLE's `Output:` lines, in the
same order: the picture shows the run the chapter prints.

The trace: lines that begin with "trace ", the rest as below. Directives:

    trace title TEXT            the picture's title (the first one counts)
    trace axis time|steps       time: x is the time; steps: x is the order
                                of events, one column per turn of the thread
    trace panel TEXT            a new panel; the lanes after it belong to it
    trace lane ID LABEL         a lane, top to bottom in the order declared
    trace legend KIND TEXT      what KIND means in this picture

and events, MS being milliseconds since the panel began:

    trace MS LANE STATE [TEXT]  the lane is in STATE from now on: run (runs on
                                the thread, or works), wait (parked: waits on
                                a channel, a timer, a group), queued (ready,
                                waiting for the thread), blocked (a send
                                waits for room), cleanup, end (returned)
    trace MS LANE MARK [TEXT]   a mark: ok, fail, notice (sees the cancel),
                                lost (an item nobody will read), note (text)
    trace MS LANE go TARGET [TEXT]     starts TARGET: an arrow; TARGET queued
    trace MS LANE arrow TARGET [TEXT]  a value passes from LANE to TARGET
    trace MS LANE cancel [TEXT]        a cancel: a line across the panel
    trace MS LANE slots CAP [VALUE...] a buffer's contents from now on
    trace MS LANE unrun UNTIL [TEXT]   work that stopped now would have run
                                       until UNTIL ms: an outline

Colours and symbols are the same in every picture, and as the monitor's
(green: went well, red: failed or cancelled, black bar: returned, orange:
cleanup); each picture's legend lists those it uses. The SVG is written by
hand, as plot_drift.py writes its own: no plotting library.
"""
import os
import pathlib
import re
import subprocess
import sys
from html import escape

WIDTH = 720
LEFT, RIGHT = 130, 28  # margins beside the plot area (lane labels on the left)
LANE = 36  # pixels per lane
SLOT_CELL = 15  # pixels per cell of a buffer, stacked in its lane
FONT = 12
SMALL = 11
STEP = 34  # steps axis: pixels per event inside a turn
TURN_GAP = 14  # steps axis: pixels between two turns
BREAK = 58  # steps axis: room for "time passes" between turns

BLUE, GREY, PURPLE = "#4a7fc1", "#8a8a8a", "#8e5bb5"
GREEN, RED, ORANGE, CELL = "#2a9d3a", "#d62828", "#f4a261", "#fff3c4"

STATES = ("run", "wait", "queued", "blocked", "cleanup", "end")
MARKS = ("ok", "fail", "notice", "lost", "note")
VERBS = STATES + MARKS + ("go", "arrow", "cancel", "slots", "unrun")
# The legend's order and default words; a picture may reword (trace legend).
LEGEND = {
    "run": "runs",
    "wait": "parked (waits)",
    "queued": "ready, waits for the thread",
    "blocked": "a send waits for room",
    "after_cancel": "still running after the cancel",
    "unrun": "work it did not do",
    "cleanup": "cleanup",
    "end": "returned",
    "ok": "went well",
    "fail": "failed",
    "cancel": "cancel",
    "notice": "sees the cancellation",
    "lost": "item lost",
    "arrow": "a value passes",
    "slots": "a buffered value",
}


class Event:
    def __init__(self, ms, lane, verb, args):
        self.ms, self.lane, self.verb, self.args = ms, lane, verb, args
        self.x = None  # where layout() puts it

    @property
    def text(self):
        return " ".join(self.args)


class Panel:
    def __init__(self, title):
        self.title = title
        self.lanes = []  # (id, label)
        self.events = []
        self.breaks = []  # steps axis: (x, text) where time passes
        self.turn_times = []  # steps axis: (x, ms) under each turn

    def lane_index(self, lane):
        for index, (name, _) in enumerate(self.lanes):
            if name == lane:
                return index
        raise ValueError(f"panel {self.title!r}: no lane {lane!r}")


class Picture:
    def __init__(self):
        self.title = None
        self.axis = "time"
        self.panels = []
        self.legend = {}
        self.plain = []  # what the programs printed outside the trace

    def read(self, output):
        for line in output.splitlines():
            if not line.startswith("trace "):
                self.plain.append(line.rstrip())
                continue
            head, _, rest = line[len("trace "):].partition(" ")
            if head == "title":
                self.title = self.title or rest
            elif head == "axis":
                self.axis = rest
            elif head == "panel":
                self.panels.append(Panel(rest))
            elif head == "lane":
                name, _, label = rest.partition(" ")
                self.panels[-1].lanes.append((name, label or name))
            elif head == "legend":
                kind, _, text = rest.partition(" ")
                self.legend[kind] = text
            else:
                fields = rest.split()
                if len(fields) < 2 or fields[1] not in VERBS:
                    raise ValueError(f"cannot read trace line: {line}")
                panel = self.panels[-1]
                panel.lane_index(fields[0])  # a declared lane
                panel.events.append(Event(int(head), fields[0], fields[1], fields[2:]))


def tag(name, text=None, **attrs):
    """One SVG element; attribute names use _ for -, as in stroke_width."""
    fields = " ".join(f'{key.rstrip("_").replace("_", "-")}="{value}"'
                      for key, value in attrs.items())
    opening = f"{name} {fields}" if fields else name
    if text is None:
        return f"<{opening}/>"
    return f"<{opening}>{escape(str(text), quote=False)}</{name}>"


def num(value):
    return f"{value:.1f}".rstrip("0").rstrip(".")


def duration(ms):
    return f"{ms / 1000:g} s" if ms >= 1000 else f"{ms} ms"


def lane_height(panel, index):
    name = panel.lanes[index][0]
    cells = max([int(e.args[0]) for e in panel.events
                 if e.lane == name and e.verb == "slots"] or [0])
    return max(LANE, cells * SLOT_CELL + 16)


def place_steps(panel):
    """Steps axis: x by order. A `run` starts a turn (a column); each other
    event takes the next step of its turn, but for a buffer's new contents and
    a note, which say what the step before did; the state that ends the turn
    (its lane parks, queues or returns) closes it. Where the clock moved
    between two turns, a break says by how much."""
    x = LEFT + 12
    running, last_ms, started = None, None, False
    for event in panel.events:
        if event.verb == "run":
            if started:
                x += TURN_GAP
                if event.ms != last_ms:
                    panel.breaks.append((x + BREAK / 2 - TURN_GAP / 2,
                                         f"+{duration(event.ms - last_ms)}"))
                    x += BREAK
            if event.ms != last_ms:
                panel.turn_times.append((x, event.ms))
            event.x, running, last_ms, started = x, event.lane, event.ms, True
        elif event.verb in STATES and event.lane == running:
            x += STEP
            event.x, running = x, None
        elif event.verb in ("slots", "note"):  # what the step before did
            event.x = x
        else:
            x += STEP if started else 0
            event.x = x
            started = True
    return x


def layout(picture):
    """Gives each event its x, and returns the time that the right edge
    stands for (time axis) or None (steps axis)."""
    if picture.axis == "steps":
        first, room = LEFT + 12, WIDTH - RIGHT - 30
        for panel in picture.panels:
            right = place_steps(panel)
            if right > room:
                raise ValueError(f"the steps need {right:.0f} px, wider than the picture")
            # Widened to fill the width, up to 2.5 times.
            panel.scale = scale = min((room - first) / (right - first), 2.5)
            for event in panel.events:
                event.x = first + (event.x - first) * scale
            panel.breaks = [(first + (x - first) * scale, text) for x, text in panel.breaks]
            panel.turn_times = [(first + (x - first) * scale, ms) for x, ms in panel.turn_times]
        return None
    end = max(int(e.args[0]) if e.verb == "unrun" else e.ms
              for panel in picture.panels for e in panel.events)
    step = next(s for s in (50, 100, 200, 500, 1000, 2000, 5000) if end / s <= 8)
    end = max(-(-end // step) * step, step)
    for panel in picture.panels:
        for event in panel.events:
            event.x = LEFT + (WIDTH - LEFT - RIGHT) * event.ms / end
    picture.tick = step
    return end


def text_width(text, size=SMALL):
    return len(text) * size * 0.58  # about DejaVu Sans's average advance


class Drawing:
    """Shapes first, then their labels: each label goes to the first of its
    places that is clear of the shapes and of the labels placed before it."""

    def __init__(self, picture):
        self.picture = picture
        self.parts = []
        self.labels = []  # (text, [(x, y, anchor), ...], colour)
        self.taken = []  # boxes (x1, y1, x2, y2) that a label must not cover
        self.used = set()

    def add(self, *parts):
        self.parts.extend(parts)

    def obstacle(self, x1, y1, x2, y2):
        self.taken.append((min(x1, x2), min(y1, y2), max(x1, x2), max(y1, y2)))

    def label(self, text, places, colour=None):
        if text:
            self.labels.append((text, places, colour))

    def place_labels(self):
        for text, places, colour in self.labels:
            width = text_width(text)
            chosen = None
            for x, y, anchor in places:
                x1 = x - width if anchor == "end" else x
                box = (x1 - 1, y - 8, x1 + width + 1, y + 2)
                inside = box[0] >= 2 and box[2] <= WIDTH - 2
                if inside and not any(box[0] < b[2] and b[0] < box[2] and box[1] < b[3]
                                      and b[1] < box[3] for b in self.taken):
                    chosen = (x, y, anchor, box)
                    break
            if chosen is None:  # crowded everywhere: the first place
                x, y, anchor = places[0]
                x1 = x - width if anchor == "end" else x
                chosen = (x, y, anchor, (x1, y - 8, x1 + width, y + 2))
            x, y, anchor, box = chosen
            self.taken.append(box)
            attrs = {"fill": colour} if colour else {}
            self.add(tag("text", text, x=num(x), y=num(y), font_size=SMALL, text_anchor=anchor,
                         **attrs))
        self.labels = []

    def bar(self, x1, x2, y, state, label, points=()):
        """A state from x1 to x2; its label inside the bar where it fits and
        no mark or arrow (at `points`) would cover it, else beside."""
        if x2 - x1 <= 0.5:
            return
        self.used.add(state)
        if state in ("run", "blocked", "cleanup"):
            colour = {"run": BLUE, "blocked": PURPLE, "cleanup": ORANGE}[state]
            self.add(tag("rect", x=num(x1), y=num(y - 6), width=num(x2 - x1), height=12,
                         fill=colour, rx=2))
            self.obstacle(x1, y - 6, x2, y + 6)
            inside = x1 + text_width(label) + 8
            if label and inside < x2 and not any(x1 <= x <= inside + 8 for x in points):
                self.add(tag("text", label, x=num(x1 + 4), y=num(y + 4), font_size=SMALL,
                             fill="white"))
                return
        else:  # wait, queued: a thin line
            dash = "2 3" if state == "queued" else "none"
            self.add(tag("line", x1=num(x1), y1=num(y), x2=num(x2), y2=num(y), stroke=GREY,
                         stroke_width=2, stroke_dasharray=dash))
            self.obstacle(x1, y - 1, x2, y + 1)
        # Above the bar from its start, else further along, else below it.
        along = [x1 + 3 + 16 * k for k in range(int(max(x2 - x1 - 20, 0) // 16) + 1)]
        self.label(label, [(x, y - 10, "start") for x in along]
                   + [(x, y + 18, "start") for x in along], "#333")

    def hatch(self, x1, x2, y):
        """The part of a running bar after a cancel: still running."""
        if x2 - x1 > 0.5:
            self.add(tag("rect", x=num(x1), y=num(y - 6), width=num(x2 - x1), height=12,
                         fill="url(#after-cancel)", rx=2))
            self.used.add("after_cancel")

    def mark(self, kind, x, y, label=""):
        if kind == "ok":
            self.add(tag("circle", cx=num(x), cy=num(y), r=6, fill=GREEN))
        elif kind == "fail":
            self.add(tag("circle", cx=num(x), cy=num(y), r=7, fill=RED))
        elif kind == "notice":
            self.add(tag("path", d=f"M {num(x)} {num(y - 8)} l 8 8 l -8 8 l -8 -8 z", fill=RED))
        elif kind == "lost":
            self.add(tag("path", d=f"M {num(x - 6)} {num(y - 6)} l 12 12 m 0 -12 l -12 12",
                         stroke=RED, stroke_width=3))
        elif kind == "end":
            self.add(tag("rect", x=num(x - 2), y=num(y - 10), width=4, height=20, fill="black"))
        if kind != "note":
            self.used.add(kind)
            size = {"ok": (6, 6), "fail": (7, 7), "notice": (8, 8), "lost": (7, 7),
                    "end": (2, 10)}[kind]
            self.obstacle(x - size[0], y - size[1], x + size[0], y + size[1])
        if kind == "note":
            places = [(x + 4, y - 10, "start"), (x - 4, y - 10, "end"), (x + 4, y + 20, "start")]
        elif kind == "end":
            places = [(x + 8, y + 4, "start"), (x + 8, y + 20, "start"), (x - 8, y + 20, "end")]
        else:
            places = [(x + 11, y + 4, "start"), (x + 10, y + 20, "start"),
                      (x - 10, y + 20, "end"), (x + 10, y - 12, "start")]
        self.label(label, places)

    def arrow(self, x, y1, y2, label, colour="black", dash="none", near_start=False):
        """From y1 to y2 at x (the ends already clear of the lanes' marks)."""
        direction = 1 if y2 > y1 else -1
        self.add(tag("line", x1=num(x), y1=num(y1), x2=num(x), y2=num(y2 - direction * 6),
                     stroke=colour, stroke_width=1.5, stroke_dasharray=dash),
                 tag("path", d=f"M {num(x)} {num(y2)} l -4 {-direction * 8} l 8 0 z",
                     fill=colour))
        self.obstacle(x - 4, y1, x + 4, y2)
        middle = (y1 + y2) / 2 + 4
        start = y1 + direction * 12 + 4
        places = [(x + 5, middle, "start"), (x - 5, middle, "end")]
        if near_start:
            places = [(x + 5, start, "start"), (x - 5, start, "end")] + places
        self.label(label, places)

    def cells(self, x1, x2, y, capacity, values):
        """A buffer's cells, front at the top, from x1 to x2."""
        if x2 - x1 < 0.5:
            return
        top = y - capacity * SLOT_CELL / 2
        self.obstacle(x1, top, x2, top + capacity * SLOT_CELL)
        for cell in range(capacity):
            filled = cell < len(values)
            self.add(tag("rect", x=num(x1 + 1), y=num(top + cell * SLOT_CELL),
                         width=num(x2 - x1 - 2), height=SLOT_CELL - 1,
                         fill=CELL if filled else "white",
                         stroke="#666" if filled else "#ccc"))
            if filled:
                self.add(tag("text", values[cell], x=num((x1 + x2) / 2),
                             y=num(top + cell * SLOT_CELL + SLOT_CELL - 4),
                             font_size=SMALL, text_anchor="middle"))
        if values:
            self.used.add("slots")

    def panel(self, panel, top, end):
        """Draws one panel from `top`; returns the y below it."""
        pic = self.picture
        self.add(tag("text", panel.title, x=8, y=num(top + 14), font_size=FONT + 1,
                     font_weight="bold"))
        y_of, half, y = {}, {}, top + 26
        for index, (name, label) in enumerate(panel.lanes):
            height = lane_height(panel, index)
            y_of[name] = y + height / 2
            half[name] = max(8, (height - 16) / 2)  # a buffer's cells, or a bar
            self.add(tag("text", label, x=LEFT - 10, y=num(y + height / 2 + 4),
                         text_anchor="end"))
            y += height
        bottom = y
        self.obstacle(0, top, WIDTH, top + 26)  # the panel's title
        self.obstacle(0, bottom + 4, WIDTH, bottom + 30)  # its axis
        right_edge = WIDTH - RIGHT
        if end is None:  # steps: the last event, and a little room
            right_edge = max(e.x for e in panel.events) + 24

        # The axis: times under a time axis, each turn's time under steps
        # (where time passes at all).
        if end is not None:
            self.add(tag("line", x1=LEFT, y1=num(bottom + 4), x2=WIDTH - RIGHT,
                         y2=num(bottom + 4), stroke="black"))
            for ms in range(0, end + 1, pic.tick):
                x = LEFT + (WIDTH - LEFT - RIGHT) * ms / end
                self.add(tag("line", x1=num(x), y1=num(top + 24), x2=num(x),
                             y2=num(bottom + 8), stroke="#e4e4e4"),
                         tag("text", duration(ms), x=num(x), y=num(bottom + 20),
                             font_size=SMALL, text_anchor="middle"))
        elif panel.breaks:
            self.add(tag("line", x1=LEFT, y1=num(bottom + 4), x2=num(right_edge),
                         y2=num(bottom + 4), stroke="black"))
            for x, ms in panel.turn_times:
                text = f"t = {duration(ms)}"
                anchor = "end" if x + text_width(text) > WIDTH - 4 else "start"
                self.add(tag("text", text, x=num(x + 24 if anchor == "end" else x),
                             y=num(bottom + 20), font_size=SMALL, text_anchor=anchor))
            for x, text in panel.breaks:
                band = (BREAK - 12) * panel.scale
                self.add(tag("rect", x=num(x - band / 2), y=num(top + 24),
                             width=num(band), height=num(bottom - top - 20),
                             fill="#f0f0f0"),
                         tag("text", text, x=num(x), y=num(bottom - 4), font_size=SMALL,
                             text_anchor="middle", fill="#555"))
                self.obstacle(x - band / 2, bottom - 14, x + band / 2, bottom)

        # The lanes' states: each lasts up to the lane's next state.
        cancels = [e.x for e in panel.events if e.verb == "cancel"]
        for name, _ in panel.lanes:
            slots = [e for e in panel.events if e.lane == name and e.verb == "slots"]
            for event, following in zip(slots, slots[1:] + [None]):
                x2 = following.x if following else right_edge
                self.cells(event.x, x2, y_of[name], int(event.args[0]), event.args[1:])
            # A lane's states, and `go` events that start it: queued.
            states = [(e.x, "queued", "") if e.verb == "go" else (e.x, e.verb, e.text)
                      for e in panel.events
                      if (e.lane == name and e.verb in STATES)
                      or (e.verb == "go" and e.args[0] == name)]
            for (x1, state, label), following in zip(states, states[1:] + [None]):
                if state == "end":
                    continue
                x2 = following[0] if following else right_edge
                points = [e.x for e in panel.events if e.verb not in STATES + ("slots", "note")
                          and name in (e.lane, e.args[0] if e.args else None)]
                self.bar(x1, x2, y_of[name], state, label, points)
                if state == "run" and end is not None:
                    for cut in cancels:
                        if cut < x2:
                            self.hatch(max(cut, x1), x2, y_of[name])

        # Cancels, arrows and marks over the lanes; a lane's end under a mark
        # at the same place.
        for event in sorted(panel.events, key=lambda e: e.verb != "end"):
            y = y_of[event.lane]
            if event.verb == "cancel":
                self.add(tag("line", x1=num(event.x), y1=num(top + 24), x2=num(event.x),
                             y2=num(bottom + 4), stroke=RED, stroke_width=1.5,
                             stroke_dasharray="5 3"))
                self.obstacle(event.x - 1, top + 24, event.x + 1, bottom + 4)
                self.label(event.text, [(event.x + 4, top + 36, "start"),
                                        (event.x - 4, top + 36, "end")], RED)
                self.used.add("cancel")
            elif event.verb == "unrun":
                x2 = LEFT + (WIDTH - LEFT - RIGHT) * int(event.args[0]) / end
                self.add(tag("rect", x=num(event.x), y=num(y - 6), width=num(x2 - event.x),
                             height=12, fill="none", stroke=BLUE, stroke_dasharray="4 3",
                             rx=2))
                self.obstacle(event.x, y - 6, x2, y + 6)
                self.label(" ".join(event.args[1:]), [(event.x + 12, y - 10, "start"),
                                                      (event.x + 12, y + 20, "start")], "#333")
                self.used.add("unrun")
            elif event.verb in ("go", "arrow"):
                target, label = event.args[0], " ".join(event.args[1:])
                direction = 1 if y_of[target] > y else -1
                y1 = y + direction * half[event.lane]
                y2 = y_of[target] - direction * half[target]
                if event.verb == "go":
                    self.arrow(event.x, y1, y2, label, "#555", "4 3", near_start=True)
                else:
                    self.arrow(event.x, y1, y2, label)
                    self.used.add("arrow")
            elif event.verb in MARKS or event.verb == "end":
                self.mark(event.verb, event.x, y, event.text)
        self.place_labels()
        return bottom + (30 if end is not None or panel.breaks else 12)

    def legend(self, top):
        entries = [kind for kind in LEGEND if kind in self.used]
        x, y = 8, top + 10
        for kind in entries:
            text = self.picture.legend.get(kind, LEGEND[kind])
            width = 44 + text_width(text, FONT)
            if x + width > WIDTH - 8:
                x, y = 8, y + 22
            cx, cy = x + 12, y
            if kind in ("run", "blocked", "cleanup"):
                fill = {"run": BLUE, "blocked": PURPLE, "cleanup": ORANGE}[kind]
                self.add(tag("rect", x=num(x), y=num(cy - 6), width=24, height=12, fill=fill, rx=2))
            elif kind == "unrun":
                self.add(tag("rect", x=num(x), y=num(cy - 6), width=24, height=12, fill="none",
                             stroke=BLUE, stroke_dasharray="4 3", rx=2))
            elif kind == "after_cancel":
                self.add(tag("rect", x=num(x), y=num(cy - 6), width=24, height=12,
                             fill="url(#after-cancel)", rx=2))
            elif kind in ("wait", "queued"):
                self.add(tag("line", x1=num(x), y1=num(cy), x2=num(x + 24), y2=num(cy),
                             stroke=GREY, stroke_width=2,
                             stroke_dasharray="2 3" if kind == "queued" else "none"))
            elif kind == "cancel":
                self.add(tag("line", x1=num(cx), y1=num(cy - 9), x2=num(cx), y2=num(cy + 9),
                             stroke=RED, stroke_width=1.5, stroke_dasharray="5 3"))
            elif kind == "arrow":
                self.arrow(cx, cy - 9, cy + 9, "")
            elif kind == "slots":
                self.add(tag("rect", x=num(x + 4), y=num(cy - 7), width=16, height=14,
                             fill=CELL, stroke="#666"))
            else:
                self.mark(kind, cx, cy)
            self.add(tag("text", text, x=num(x + 30), y=num(cy + 4)))
            x += width
        return y + 16

    def svg(self):
        pic = self.picture
        end = layout(pic)
        y = 36
        for panel in pic.panels:
            y = self.panel(panel, y, end)
        height = self.legend(y) + 4
        head = [
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{num(height)}" '
            f'viewBox="0 0 {WIDTH} {num(height)}" font-family="sans-serif" '
            f'font-size="{FONT}">',
            tag("title", pic.title),
        ]
        if "after_cancel" in self.used:  # blue, striped
            head.append('<defs><pattern id="after-cancel" width="6" height="6" '
                        'patternUnits="userSpaceOnUse" patternTransform="rotate(45)">'
                        f'<rect width="6" height="6" fill="{BLUE}"/>'
                        '<line x1="0" y1="0" x2="0" y2="6" stroke="white" stroke-width="3"/>'
                        '</pattern></defs>')
        head += [
            tag("rect", width="100%", height="100%", fill="white"),
            tag("text", pic.title, x=8, y=20, font_size=FONT + 3, font_weight="bold"),
        ]
        return "\n".join(head + self.parts + ["</svg>"]) + "\n"


def example_output(path):
    """The lines of a C++, Go or Python example's `Output:` comment."""
    lines, inside = [], False
    for line in pathlib.Path(path).read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if re.match(r"^(//|#) ?(Unordered output|Output):$", line):
            inside = True
            continue
        if inside:
            if not line.startswith(("//", "#")):
                break
            lines.append(re.sub(r"^(//|#) ?", "", line).rstrip())
    if not lines:
        raise ValueError(f"{path} has no Output: comment")
    return lines


def check_output(printed, examples):
    expected = [line for path in examples for line in example_output(path)]
    remaining = iter(expected)
    for line in printed:
        if not any(line == wanted for wanted in remaining):
            sys.exit(f"the picture's run printed {line!r}, which is not next in the output "
                     f"of {', '.join(examples)}:\n  " + "\n  ".join(expected))


def main():
    args = sys.argv[1:]
    compare, examples = None, []
    while args and args[0].startswith("--") and args[0] != "--":
        option = args.pop(0)
        if option == "--compare" and args:
            compare = args.pop(0)
        elif option == "--output-of" and args:
            examples.append(args.pop(0))
        else:
            sys.exit(__doc__)
    if len(args) < 3 or args[1] != "--":
        sys.exit(__doc__)
    output, commands, command = pathlib.Path(args[0]), [], []
    for word in args[2:]:
        if word == "--":
            commands.append(command)
            command = []
        else:
            command.append(word)
    commands.append(command)

    picture = Picture()
    # gofer's virtual clock, on one thread: events at the same virtual
    # instant then come in one order, so every run draws the same picture
    # (on several threads, goroutines woken together may run in any order).
    env = dict(os.environ, GOFER_VIRTUAL_TIME="1", GOFER_MAXPROCS="1")
    for command in commands:
        run = subprocess.run(command, capture_output=True, text=True, env=env)
        if run.returncode != 0:
            sys.exit(f"{' '.join(command)} exited with {run.returncode}:\n{run.stderr}")
        picture.read(run.stdout)
    if examples:
        check_output(picture.plain, examples)
    output.write_text(Drawing(picture).svg(), encoding="utf-8")
    if compare and output.read_bytes() != pathlib.Path(compare).read_bytes():
        sys.exit(f"{output} differs from {compare}; if the change is meant, copy it there")


if __name__ == "__main__":
    main()
