# Exercise 8.2, every problem until a deadline (docs/learn/exercises.md):
# the monitor no longer stops at the first problem. Three checker tasks put
# problems on one queue; main prints each as it comes, cancels them all
# after 1.3 s, and waits for them before it says how many it heard.
import asyncio
import itertools
import time

start = time.monotonic()


def at():
    ms = round((time.monotonic() - start) * 10) * 100  # rounded to 100ms
    return f"{ms}ms" if ms < 1000 else f"{ms / 1000:g}s"  # as Go prints a Duration


async def run_checker(period, check, problems):
    """Calls check every period, on a schedule that does not drift, until
    cancelled, and puts each problem it finds on the queue (unbounded: put
    never waits)."""
    loop = asyncio.get_running_loop()
    began = loop.time()
    for n in itertools.count(1):
        await asyncio.sleep(began + n * period - loop.time())
        if problem := check(n):
            await problems.put(problem)


async def main():
    checks = [
        (0.3, lambda n: ""),  # cpu: always fine
        (0.5, lambda n: "disk: 95% full" if n % 2 == 0 else ""),  # disk: every second check
        (0.7, lambda n: "net: unreachable"),  # net: always
    ]
    problems = asyncio.Queue()
    checkers = [asyncio.create_task(run_checker(period, check, problems))
                for period, check in checks]

    heard = 0
    try:
        async with asyncio.timeout(1.3):
            while True:
                p = await problems.get()
                heard += 1
                print("problem:", p, "at", at())
    except TimeoutError:
        print("monitor: stopping at", at())
    for task in checkers:
        task.cancel()
    await asyncio.gather(*checkers, return_exceptions=True)  # wait until they have stopped
    print("monitor: every checker stopped,", heard, "problems")


asyncio.run(main())

# Output:
# problem: net: unreachable at 700ms
# problem: disk: 95% full at 1s
# monitor: stopping at 1.3s
# monitor: every checker stopped, 2 problems
