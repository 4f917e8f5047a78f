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
    // Stderr:                      what it writes to standard error, where
                                    `...` stands for any text (as doctest's
                                    ELLIPSIS): a panic's stack, a path

followed by one comment line per output line (the comment marker and one
space are stripped; trailing spaces are ignored). The block ends at the first
line that is not a comment. Standard error is checked only where a `Stderr:`
block says what it holds. An optional `// Exit status: N` line anywhere in
the file expects that status instead of 0 (a Go panic exits with 2). `go run`
reports a program's non-zero status as its own status 1 and a last line
`exit status N` on stderr; the program's N is what is compared then, and that
line is not part of its stderr.

Usage: run_example.py --source FILE [--variant ARGS] [--timeout SECONDS]
                      [--threads 1,4] [--attempts N] -- COMMAND...
The command runs with the current environment; the caller sets what it needs
(CMake sets GOFER_VIRTUAL_TIME=1 for C++ examples, so they run on the virtual
clock, and passes --threads 1,4: a run on one worker thread prints the same
lines in the same order every time and is compared as the block says; a run
on four, where goroutines woken at the same virtual instant may print in
either order, as Go's may, must print the same lines in any order).

The Go and Python twins run on the real clock and print times rounded to
100 ms, so a wake that a loaded machine delays by 50 ms or more prints
another figure (CI once saw `still working at 0.7s` for 0.6 from the spinner,
whose three sleeps in a row add up their delays). CMake runs them with
--attempts 3: a run whose stdout differs is run again, up to three runs in
all, and each failed run is printed. A wrong exit status or stderr fails at
once, and the C++ programs, on the virtual clock, get one attempt: their
output does not depend on the machine's load.
"""
import argparse
import os
import pathlib
import re
import subprocess
import sys

HEADER = re.compile(
    r"^(?://|#) ?(Output|Unordered output|Stderr)(?: with (.+?))?( \(([^)]*)\))?:\s*$")
EXIT_STATUS = re.compile(r"^(?://|#) ?Exit status: (\d+)\s*$")
GO_RUN_STATUS = re.compile(r"exit status (\d+)")


def output_blocks(lines):
    """Yields (header match, expected lines) for each `Output:` (or `Stderr:`)
    comment block of a file's lines: the comment marker and one space
    stripped, trailing spaces dropped. A block ends at the first line that is
    not a comment, or that begins another block or is the `Exit status:` line.
    tests/docs/check_snippets.py reads the blocks through this too."""
    for index, line in enumerate(lines):
        match = HEADER.match(line.strip())
        if not match:
            continue
        marker = "#" if line.strip().startswith("#") else "//"
        block = []
        for body in lines[index + 1:]:
            body = body.strip()
            if not body.startswith(marker) or HEADER.match(body) or EXIT_STATUS.match(body):
                break
            text = body[len(marker):]
            block.append((text[1:] if text.startswith(" ") else text).rstrip())
        yield match, block


def expected_output(source: pathlib.Path, variant: str):
    """Returns (lines, unordered, checked, exit status, stderr lines or None)
    from the comment blocks for `variant` (the arguments they name; "" for the
    plain blocks)."""
    lines = source.read_text(encoding="utf-8").splitlines()
    status = 0
    for line in lines:
        match = EXIT_STATUS.match(line.strip())
        if match:
            status = int(match.group(1))
    output, stderr = None, None
    for match, wanted in output_blocks(lines):
        if (match.group(2) or "") != variant:
            continue
        if match.group(1) == "Stderr":
            stderr = stderr if stderr is not None else wanted
        elif output is None:
            unordered = match.group(1) == "Unordered output"
            checked = not (match.group(4) and "varies" in match.group(4))
            output = wanted, unordered, checked
    if output is None:
        header = f"Output with {variant}:" if variant else "Output:"
        raise SystemExit(f"{source}: no `{header}` comment; every example states its output")
    return (*output, status, stderr)


def matches_with_ellipsis(text: str, wanted) -> bool:
    """True if `text` is the lines `wanted`, where each `...` stands for any
    text, lines included (doctest's ELLIPSIS). Blank lines at the end of
    either do not count."""
    expected = "\n".join(wanted).rstrip("\n")
    pattern = "(?s:.*?)".join(re.escape(part) for part in expected.split("..."))
    return re.fullmatch(pattern, text.rstrip("\n")) is not None


def run_once(args, environment, wanted, unordered, checked, want_status, want_stderr):
    """Runs the command once with `environment`; returns (problems, stdout
    lines, stderr lines), problems empty when it printed and ended as the
    comment blocks say."""
    try:
        result = subprocess.run(args.command, capture_output=True, text=True,
                                timeout=args.timeout, env=environment)
    except FileNotFoundError as error:
        return [f"cannot run {args.command[0]}: {error} (scripts/install-deps installs it)"], [], []
    except subprocess.TimeoutExpired:
        return [f"still running after {args.timeout:g} s"], [], []
    got = [line.rstrip() for line in result.stdout.splitlines()]
    status, stderr = result.returncode, [line.rstrip() for line in result.stderr.splitlines()]
    go_run = pathlib.Path(args.command[0]).name == "go" and args.command[1:2] == ["run"]
    if go_run and status == 1 and stderr and (match := GO_RUN_STATUS.fullmatch(stderr[-1])):
        status, stderr = int(match.group(1)), stderr[:-1]
    problems = []
    if status != want_status:
        problems.append(f"exit status {status}, want {want_status}")
    if checked:
        same = sorted(got) == sorted(wanted) if unordered else got == wanted
        if not same:
            problems.append("output differs from the file's `Output:` comment"
                            + (" (in any order)" if unordered else ""))
    if want_stderr is not None and not matches_with_ellipsis("\n".join(stderr), want_stderr):
        problems.append("stderr differs from the file's `Stderr:` comment")
    return problems, got, stderr


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--source", required=True, type=pathlib.Path)
    parser.add_argument("--timeout", type=float, default=60)
    parser.add_argument("--variant", default="",
                        help="check the `Output with VARIANT:` block instead")
    parser.add_argument("--threads", default="",
                        help="a gofer program: run it once per number in this list "
                             "(\"1,4\"), with GOFER_MAXPROCS set to it; the first run is "
                             "compared as the block says, the others in any order")
    parser.add_argument("--attempts", type=int, default=1,
                        help="a program on the real clock: run it up to this many times "
                             "while only its stdout differs")
    parser.add_argument("command", nargs="+")
    args = parser.parse_args()

    wanted, unordered, checked, want_status, want_stderr = expected_output(
        args.source, args.variant)
    runs = [("", dict(os.environ))]
    if args.threads:
        runs = [(f"GOFER_MAXPROCS={count}", dict(os.environ, GOFER_MAXPROCS=count))
                for count in args.threads.split(",")]
    for index, (label, environment) in enumerate(runs):
        # Lines printed at the same (virtual) instant by different goroutines
        # come in one order on one thread, and may come in any order on
        # several, as in Go: only the first run holds them to the block's.
        for attempt in range(1, args.attempts + 1):
            problems, got, stderr = run_once(args, environment, wanted, unordered or index > 0,
                                             checked, want_status, want_stderr)
            only_output = problems and all(p.startswith("output differs") for p in problems)
            if not only_output or attempt == args.attempts:
                break
            print(f"{args.source}: attempt {attempt} of {args.attempts} printed other times "
                  "(real clock), running it again:")
            print("\n".join(got))
        if problems:
            where = f" ({label})" if label else ""
            print(f"{args.source}{where}: " + "; ".join(problems))
            print("--- got (stdout):")
            print("\n".join(got))
            print("--- want:")
            print("\n".join(wanted))
            print("--- stderr:")
            print("\n".join(stderr))
            if want_stderr is not None:
                print("--- want (stderr):")
                print("\n".join(want_stderr))
            return 1
        print(f"{args.source}{' ' + label if label else ''}: ok ({len(got)} lines"
              f"{'' if checked else ', not compared'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
