# Rate limiting in asyncio. asyncio has no ticker; a task that puts a token
# in a bounded queue every interval plays one, dropping tokens when the
# queue is full as Go's ticker drops ticks. A queue of one slot lets one
# request through every 100ms; a queue of three, filled first, lets a burst
# of three through at once, then one every 100ms.
import asyncio
import time


def duration(seconds):
    """Go's way to print a duration, to 100ms: 0s, 100ms, ..."""
    ms = round(seconds * 10) * 100
    return f"{ms}ms" if ms else "0s"


async def ticks(tokens, seconds):
    """Puts a token in tokens every `seconds`, if there is room."""
    deadline = time.monotonic()
    while True:
        deadline += seconds
        await asyncio.sleep(deadline - time.monotonic())  # to deadlines: no drift
        if not tokens.full():
            tokens.put_nowait(deadline)


async def main():
    start = time.monotonic()
    limiter = asyncio.Queue(maxsize=1)
    ticker = asyncio.create_task(ticks(limiter, 0.1))
    for req in range(1, 6):
        await limiter.get()  # waits for the next token
        print("request", req, "at", duration(time.monotonic() - start))
    ticker.cancel()

    start = time.monotonic()
    bursty_limiter = asyncio.Queue(maxsize=3)
    for _ in range(3):
        bursty_limiter.put_nowait(start)  # a burst of three, allowed at once
    ticker = asyncio.create_task(ticks(bursty_limiter, 0.1))  # then one every 100ms
    for req in range(1, 6):
        await bursty_limiter.get()
        print("bursty request", req, "at", duration(time.monotonic() - start))
    ticker.cancel()


asyncio.run(main())

# Output:
# request 1 at 100ms
# request 2 at 200ms
# request 3 at 300ms
# request 4 at 400ms
# request 5 at 500ms
# bursty request 1 at 0s
# bursty request 2 at 0s
# bursty request 3 at 0s
# bursty request 4 at 100ms
# bursty request 5 at 200ms
