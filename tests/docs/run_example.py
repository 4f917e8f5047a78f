#!/usr/bin/env python3
"""Runs one example program and checks its output against the file's own
`Output:` comment, as `go test` checks Go's testable examples.

An example file (C++, Go or Python) ends with its expected standard output in
a comment block, introduced by one of these lines (`//` in C++ and Go, `#` in
Python):

    // Output:                      lines must match, in order
    // Unordered output:            the same lines, in any order
    // Output (varies, e.g. timings): run it, but do not compare
    // Output with --cleanup 4.5s:  what it prints given those arguments
                                    (checked by a run with --variant)

followed by one comment line per output line (the comment marker and one
space are stripped; trailing spaces are ignored). The block ends at the first
line that is not a comment. An optional `// Exit status: N` line anywhere in
the file expects that status instead of 0 (a Go panic exits with 2).

Usage: run_example.py --source FILE [--variant ARGS] [--timeout SECONDS] -- COMMAND...
The command runs with the current environment; the caller sets what it needs
(CMake sets GOFER_VIRTUAL_TIME=1 for C++ examples, so they run on the virtual
clock and print the same thing every time).
"""
import argparse
import pathlib
import re
import subprocess
import sys

HEADER = re.compile(
    r"^(?://|#) ?(Output|Unordered output)(?: with (.+?))?( \(([^)]*)\))?:\s*$")
EXIT_STATUS = re.compile(r"^(?://|#) ?Exit status: (\d+)\s*$")


def output_blocks(lines):
    """Yields (header match, expected lines) for each `Output:` comment block
    of a file's lines: the comment marker and one space stripped, trailing
    spaces dropped. A block ends at the first line that is not a comment.
    tests/docs/check_snippets.py reads the blocks through this too."""
    for index, line in enumerate(lines):
        match = HEADER.match(line.strip())
        if not match:
            continue
        marker = "#" if line.strip().startswith("#") else "//"
        block = []
        for body in lines[index + 1:]:
            body = body.strip()
            if not body.startswith(marker):
                break
            text = body[len(marker):]
            block.append((text[1:] if text.startswith(" ") else text).rstrip())
        yield match, block


def expected_output(source: pathlib.Path, variant: str):
    """Returns (lines, unordered, checked, exit status) from the comment
    block for `variant` (the arguments it names; "" for the plain block)."""
    lines = source.read_text(encoding="utf-8").splitlines()
    status = 0
    for line in lines:
        match = EXIT_STATUS.match(line.strip())
        if match:
            status = int(match.group(1))
    for match, wanted in output_blocks(lines):
        if (match.group(2) or "") != variant:
            continue
        unordered = match.group(1) == "Unordered output"
        checked = not (match.group(4) and "varies" in match.group(4))
        return wanted, unordered, checked, status
    header = f"Output with {variant}:" if variant else "Output:"
    raise SystemExit(f"{source}: no `{header}` comment; every example states its output")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--source", required=True, type=pathlib.Path)
    parser.add_argument("--timeout", type=float, default=60)
    parser.add_argument("--variant", default="",
                        help="check the `Output with VARIANT:` block instead")
    parser.add_argument("command", nargs="+")
    args = parser.parse_args()

    wanted, unordered, checked, want_status = expected_output(args.source, args.variant)
    try:
        result = subprocess.run(args.command, capture_output=True, text=True,
                                timeout=args.timeout)
    except FileNotFoundError as error:
        print(f"cannot run {args.command[0]}: {error} (scripts/install-deps installs it)")
        return 1
    except subprocess.TimeoutExpired:
        print(f"{args.source}: still running after {args.timeout:g} s")
        return 1
    got = [line.rstrip() for line in result.stdout.splitlines()]
    problems = []
    if result.returncode != want_status:
        problems.append(f"exit status {result.returncode}, want {want_status}")
    if checked:
        same = sorted(got) == sorted(wanted) if unordered else got == wanted
        if not same:
            problems.append("output differs from the file's `Output:` comment")
    if problems:
        print(f"{args.source}: " + "; ".join(problems))
        print("--- got (stdout):")
        print("\n".join(got))
        print("--- want:")
        print("\n".join(wanted))
        print("--- stderr:")
        print(result.stderr)
        return 1
    print(f"{args.source}: ok ({len(got)} lines{'' if checked else ', not compared'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
