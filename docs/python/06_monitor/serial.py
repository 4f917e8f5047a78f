# The serial starting point: one loop checks health, then sleeps. Nothing
# runs concurrently. The C++ twin is demos/monitor/serial.cpp, the Go one
# docs/go/06_monitor/serial.go.
#
#   python3 serial.py                    # a check every 3 s; the 6th fails
#   python3 serial.py --period 300ms --fail 6
import argparse
import asyncio
import sys
import time

from monitor import parse_go_duration


async def main(period, fail):
    start = time.monotonic()
    check = 1
    while True:
        print(f"check health {check} @{time.monotonic() - start:.1f}")
        if check == fail:
            print(f"Problem detected by check {check}")
            break
        await asyncio.sleep(period)  # the loop drifts: see docs/learn/04-time.md
        check += 1


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
