# Exercise 8.1, restart a failed checker (docs/learn/exercises.md): a small
# monitor with two checkers, each run by a supervisor task. The db checker
# fails on its third check; its supervisor restarts it, twice, then gives
# up. The web checker runs until the monitor's 1.1 s are over, when
# asyncio.timeout cancels it.
import asyncio
import time

start = time.monotonic()


def at():
    ms = round((time.monotonic() - start) * 10) * 100  # rounded to 100ms
    return f"{ms}ms" if ms < 1000 else f"{ms / 1000:g}s"  # as Go prints a Duration


class CheckFailed(Exception):
    pass


class Checker:
    def __init__(self, name, period, check):
        self.name, self.period, self.check = name, period, check
        self.passed = 0

    async def run(self):
        """Checks every period, on a schedule that does not drift, until a
        check fails (it raises) or the task is cancelled."""
        loop = asyncio.get_running_loop()
        began, self.passed = loop.time(), 0
        while True:
            await asyncio.sleep(began + (self.passed + 1) * self.period - loop.time())
            self.check(self.passed + 1)
            self.passed += 1


async def supervise(c, max_restarts):
    """Runs c, and runs it again when it fails, at most max_restarts times."""
    for restarts in range(max_restarts + 1):
        try:
            await c.run()
        except CheckFailed as err:
            if restarts < max_restarts:
                print(f"supervisor: {c.name} failed ({err}), "
                      f"restart {restarts + 1} of {max_restarts}")
        except asyncio.CancelledError as err:
            print(f"{c.name}: stopped after {c.passed} checks: {err!r}")
            raise
    print(f"supervisor: {c.name} failed {max_restarts + 1} times, giving up")


def check_db(n):
    if n == 3:
        print("db: check 3 failed at", at())
        raise CheckFailed("connection refused")
    print("db: check", n, "ok at", at())


async def main():
    db = Checker("db", 0.1, check_db)
    web = Checker("web", 0.25, lambda n: None)
    try:
        async with asyncio.timeout(1.1):
            await asyncio.gather(supervise(db, 2), supervise(web, 2))
    except TimeoutError:
        pass
    print("monitor: done at", at())


asyncio.run(main())

# Output:
# db: check 1 ok at 100ms
# db: check 2 ok at 200ms
# db: check 3 failed at 300ms
# supervisor: db failed (connection refused), restart 1 of 2
# db: check 1 ok at 400ms
# db: check 2 ok at 500ms
# db: check 3 failed at 600ms
# supervisor: db failed (connection refused), restart 2 of 2
# db: check 1 ok at 700ms
# db: check 2 ok at 800ms
# db: check 3 failed at 900ms
# supervisor: db failed 3 times, giving up
# web: stopped after 4 checks: CancelledError()
# monitor: done at 1.1s
