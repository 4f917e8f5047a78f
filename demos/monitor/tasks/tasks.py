# The health-check monitor in asyncio's shape: each checker is a task that
# returns a Feedback object when it finds a problem; main waits for the first
# task to complete (asyncio.wait with FIRST_COMPLETED), cancels the pending
# ones, reads the feedback and cleans up. Where Go's shape talks over stop
# channels, this one returns a value.
#
#   python3 tasks.py                                    # 18 s
#   python3 tasks.py --periods 300ms,500ms,1.6s --cleanup 200ms
#
# The C++ twin is tasks.cpp beside it; the Go shape is
# demos/monitor/monitor/monitor.go.
import argparse
import asyncio
import dataclasses
import re
import sys
import time


@dataclasses.dataclass
class Feedback:
    checker: int  # 1-based
    problem: str
    at: str  # elapsed time, as Go prints it


ORDINALS = ["first", "second", "third", "fourth", "fifth"]


async def run_at_interval(index, dt, failing, start):
    """Checks every dt seconds, on a schedule that does not drift (a ticker:
    tick k is due at start + k*dt), until a check finds a problem."""
    loop = asyncio.get_running_loop()
    began = loop.time()
    tick = 0
    try:
        while True:
            tick += 1
            await asyncio.sleep(max(0, began + tick * dt - loop.time()))
            at = go_elapsed(start)
            print(f"check health {go_duration(dt)} @{at}")
            if index + 1 == failing:
                return Feedback(index + 1, "doom", at)
    except asyncio.CancelledError:
        print(f"checker {index + 1} cancelled @{go_elapsed(start)}")
        raise


async def main(options):
    start = time.monotonic()
    checkers = [
        asyncio.create_task(run_at_interval(i, dt, options.fail, start))
        for i, dt in enumerate(options.periods)
    ]
    done, pending = await asyncio.wait(checkers, return_when=asyncio.FIRST_COMPLETED)
    for task in pending:
        task.cancel()
    await asyncio.wait(pending)  # let them finish

    found = done.pop().result()
    print(f"Problem detected on {ORDINALS[found.checker - 1]} checker: "
          f"{found.problem} @{found.at}")
    print(f"cleanup started @{go_elapsed(start)}")
    await asyncio.sleep(options.cleanup)
    print(f"cleanup done @{go_elapsed(start)}")


# Go's Duration.String, so this program prints what the Go and C++ ones do.
def go_duration(seconds):
    nanoseconds = round(seconds * 1e9)
    if nanoseconds == 0:
        return "0s"
    sign, nanoseconds = ("-", -nanoseconds) if nanoseconds < 0 else ("", nanoseconds)
    if nanoseconds < 1000:
        return f"{sign}{nanoseconds}ns"
    if nanoseconds < 1_000_000:
        return f"{sign}{fraction(nanoseconds, 3)}\u00b5s"
    if nanoseconds < 1_000_000_000:
        return f"{sign}{fraction(nanoseconds, 6)}ms"
    whole_seconds, rest = divmod(nanoseconds, 1_000_000_000)
    hours, whole_seconds = divmod(whole_seconds, 3600)
    minutes, whole_seconds = divmod(whole_seconds, 60)
    text = fraction(whole_seconds * 1_000_000_000 + rest, 9) + "s"
    if hours:
        return f"{sign}{hours}h{minutes}m{text}"
    if minutes:
        return f"{sign}{minutes}m{text}"
    return sign + text


def fraction(value, digits):
    """value / 10**digits, without trailing zeros, as Go's fmtFrac writes it."""
    whole, part = divmod(value, 10**digits)
    part_text = f"{part:0{digits}d}".rstrip("0")
    return f"{whole}.{part_text}" if part_text else str(whole)


def go_elapsed(start):
    """fmt.Printf("%.3s", time.Since(start)): the duration's text, cut to 3."""
    return go_duration(time.monotonic() - start)[:3]


def parse_go_duration(text):
    units = {"ns": 1e-9, "us": 1e-6, "\u00b5s": 1e-6, "ms": 1e-3, "s": 1, "m": 60, "h": 3600}
    parts = re.fullmatch(r"((?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|\u00b5s|ms|s|m|h))+", text)
    if not parts:
        raise argparse.ArgumentTypeError(f"invalid duration {text!r}")
    return sum(float(number) * units[unit] for number, unit in
               re.findall(r"(\d+(?:\.\d*)?|\.\d+)(ns|us|\u00b5s|ms|s|m|h)", text))


def parse_options(argv, checkers=3):
    parser = argparse.ArgumentParser(description="The monitor in asyncio's shape.")
    parser.add_argument("--periods", default=[3, 5, 16],
                        type=lambda text: [parse_go_duration(p) for p in text.split(",")],
                        help="how often each checker runs (Go durations, comma-separated)")
    parser.add_argument("--fail", type=int, default=3,
                        help="which checker (1-based) finds a problem")
    parser.add_argument("--cleanup", type=parse_go_duration, default=2,
                        help="how long cleanup takes")
    options = parser.parse_args(argv)  # bad flags: usage on stderr, exit status 2
    if len(options.periods) != checkers or not 1 <= options.fail <= checkers:
        parser.error(f"need {checkers} periods and --fail from 1 to {checkers}")
    return options


if __name__ == "__main__":
    asyncio.run(main(parse_options(sys.argv[1:])))

# Output:
# check health 3s @3.0
# check health 5s @5.0
# check health 3s @6.0
# check health 3s @9.0
# check health 5s @10.
# check health 3s @12.
# check health 5s @15.
# check health 3s @15.
# check health 16s @16.
# checker 1 cancelled @16.
# checker 2 cancelled @16.
# Problem detected on third checker: doom @16.
# cleanup started @16.
# cleanup done @18.
