# Exercise 6.2, retry until the deadline (docs/learn/exercises.md): call a
# service that is down for its first three calls, every 200 ms, until it
# answers or the deadline passes. asyncio.timeout cancels the sleep between
# two attempts, so the deadline cuts it short.
import asyncio
import time

start = 0.0


def at():
    ms = round((time.monotonic() - start) * 10) * 100  # rounded to 100ms
    return f"{ms}ms" if ms else "0s"  # as Go prints a Duration


class ServiceUnavailable(Exception):
    pass


class Service:
    """Fails its first `down` calls."""

    def __init__(self, down):
        self.down, self.calls = down, 0

    async def call(self):
        self.calls += 1
        if self.calls <= self.down:
            raise ServiceUnavailable("service unavailable")


async def retry(service, deadline):
    attempt = 0
    try:
        async with asyncio.timeout(deadline):
            while True:
                attempt += 1
                try:
                    await service.call()
                    print("attempt", attempt, "ok at", at())
                    return
                except ServiceUnavailable as err:
                    print(f"attempt {attempt} failed at {at()}: {err}")
                await asyncio.sleep(0.2)
    except TimeoutError as err:
        raise RuntimeError(f"gave up after {attempt} attempts: {err!r}") from err


async def run(deadline):
    global start
    start = time.monotonic()
    try:
        await retry(Service(down=3), deadline)
    except RuntimeError as err:
        print(err, "at", at())


async def main():
    await run(2)
    await run(0.5)


asyncio.run(main())

# Output:
# attempt 1 failed at 0s: service unavailable
# attempt 2 failed at 200ms: service unavailable
# attempt 3 failed at 400ms: service unavailable
# attempt 4 ok at 600ms
# attempt 1 failed at 0s: service unavailable
# attempt 2 failed at 200ms: service unavailable
# attempt 3 failed at 400ms: service unavailable
# gave up after 3 attempts: TimeoutError() at 500ms
