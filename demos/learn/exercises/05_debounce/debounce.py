# Exercise 5.2, debouncing (docs/learn/exercises.md): events come in
# bursts; handle each burst once, as a batch, when no event has come for
# 200 ms. Each wait for the next event gets a timeout while a batch is
# pending; a new event starts the next wait, and so a new quiet period.
import asyncio
import time

start = time.monotonic()


def at():
    ms = round((time.monotonic() - start) * 10) * 100  # rounded to 100ms
    return f"{ms}ms" if ms else "0s"  # as Go prints a Duration


async def debounce(events, quiet):
    batch = []
    while True:
        try:
            async with asyncio.timeout(quiet if batch else None):  # None: no timeout
                e = await events.get()
        except TimeoutError:  # quiet for long enough
            print("handle", batch, "at", at())
            batch = []
            continue
        if e is None:  # the sentinel: handle what is pending at once
            if batch:
                print("handle", batch, "at", at())
            return
        print("event", e, "at", at())
        batch.append(e)


async def send_events(events):
    for i, gap in enumerate((0, 0.1, 0.1, 0.4, 0.1), 1):  # at 0, 100, 200, 600, 700ms
        await asyncio.sleep(gap)
        await events.put(i)
    await asyncio.sleep(0.5)
    await events.put(None)


async def main():
    events = asyncio.Queue()
    sender = asyncio.create_task(send_events(events))
    await debounce(events, 0.2)
    await sender


asyncio.run(main())

# Output:
# event 1 at 0s
# event 2 at 100ms
# event 3 at 200ms
# handle [1, 2, 3] at 400ms
# event 4 at 600ms
# event 5 at 700ms
# handle [4, 5] at 900ms
