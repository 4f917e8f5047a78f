# The serial starting point: one loop checks health, then sleeps. Nothing
# runs concurrently. The C++ and Go twins are serial.cpp and serial.go beside
# it.
#
#   python3 serial.py                    # a check every 3 s; the 6th fails
#   python3 serial.py --period 300ms --fail 6
import argparse
import asyncio
import re
import sys
import time


async def main(period, fail):
    start = time.monotonic()
    check = 1
    while True:
        print(f"check health {check} @{time.monotonic() - start:.1f}")
        if check == fail:
            print(f"Problem detected by check {check}")
            break
        await asyncio.sleep(period)  # the loop drifts: see docs/learn/05-time.md
        check += 1


def parse_go_duration(text):
    """A duration flag as Go's flag.Duration reads it: 300ms, 1.5s, 2m."""
    units = {"ns": 1e-9, "us": 1e-6, "\u00b5s": 1e-6, "ms": 1e-3, "s": 1, "m": 60, "h": 3600}
    parts = re.fullmatch(r"((?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|\u00b5s|ms|s|m|h))+", text)
    if not parts:
        raise argparse.ArgumentTypeError(f"invalid duration {text!r}")
    return sum(float(number) * units[unit] for number, unit in
               re.findall(r"(\d+(?:\.\d*)?|\.\d+)(ns|us|\u00b5s|ms|s|m|h)", text))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="The serial monitor.")
    parser.add_argument("--period", type=parse_go_duration, default=3)
    parser.add_argument("--fail", type=int, default=6)
    options = parser.parse_args(sys.argv[1:])
    asyncio.run(main(options.period, options.fail))

# Output:
# check health 1 @0.0
# check health 2 @3.0
# check health 3 @6.0
# check health 4 @9.0
# check health 5 @12.0
# check health 6 @15.0
# Problem detected by check 6
