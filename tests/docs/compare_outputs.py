#!/usr/bin/env python3
"""Runs two programs at the same settings and compares what they print, up to
the instant each line was printed: the monitor in C++ against its Go and
Python twins.

The reference program is the C++ demo on gofer's virtual clock, where every
event happens at exactly its scheduled instant and the output is the same
every run. The other runs in real time. Two things may differ, and only
these:
  - the text after `@` (the elapsed time), which in real time carries a few
    microseconds or milliseconds of jitter ("@501" for "@500");
  - the order of lines printed at the same instant: in the reference, lines
    with the same `@` text form a group (a line without one belongs to the
    instant of the line before it), and the other program must print the
    same lines as that group, in any order, before moving on. (Events due
    at the same instant in Go or Python come in whichever order their
    goroutines or tasks happen to run.)

Usage: compare_outputs.py --reference CMD... --other CMD...
Each CMD is given as one shell-style string.
"""
import argparse
import re
import shlex
import subprocess
import sys

AT = re.compile(r"@\S+")


def run(command: str):
    result = subprocess.run(shlex.split(command), capture_output=True, text=True, timeout=120)
    if result.returncode != 0:
        sys.exit(f"{command}: exit status {result.returncode}\n{result.stderr}")
    return [line.rstrip() for line in result.stdout.splitlines()]


def groups(lines):
    """Consecutive lines printed at one instant, masked. A line's instant is
    its `@` text; a line without one ("Problem detected ...") happens at the
    instant of the line before it."""
    grouped, key = [], object()
    for line in lines:
        match = AT.search(line)
        this_key = match.group(0) if match else key
        if not grouped or this_key != key:
            grouped.append([])
        grouped[-1].append(AT.sub("@", line))
        key = this_key
    return grouped


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reference", required=True)
    parser.add_argument("--other", required=True)
    args = parser.parse_args()

    reference = run(args.reference)
    other = run(args.other)
    masked_other = [AT.sub("@", line) for line in other]
    position = 0
    for group in groups(reference):
        taken = masked_other[position:position + len(group)]
        if sorted(taken) != sorted(group):
            print(f"differs at line {position + 1}: the reference prints (in any order)")
            print("  " + "\n  ".join(group))
            print("but the other program prints")
            print("  " + "\n  ".join(taken))
            print("--- reference:\n" + "\n".join(reference))
            print("--- other:\n" + "\n".join(other))
            return 1
        position += len(group)
    if position != len(other):
        print("the other program prints more lines:\n" + "\n".join(other[position:]))
        return 1
    print(f"same {len(reference)} lines, up to jitter in the times and order within an instant")
    return 0


if __name__ == "__main__":
    sys.exit(main())
