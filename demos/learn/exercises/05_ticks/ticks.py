# Exercise 5.1, a ticker that stops (docs/learn/exercises.md): tick every
# 200 ms and stop after n ticks or at a deadline, whichever comes first.
# asyncio has no ticker: the loop sleeps until each tick is due, start +
# k * period, and asyncio.timeout is the deadline.
import asyncio


async def ticks(n, deadline):
    loop = asyncio.get_running_loop()
    start = loop.time()

    def at():
        ms = round((loop.time() - start) * 10) * 100  # rounded to 100ms
        return f"{ms}ms" if ms < 1000 else f"{ms / 1000:g}s"  # as Go prints a Duration

    i = 0
    try:
        async with asyncio.timeout(deadline):
            while i < n:
                await asyncio.sleep(start + (i + 1) * 0.2 - loop.time())
                i += 1
                print("tick", i, "at", at())
        print("stopped after", n, "ticks")
    except TimeoutError:
        print("deadline after", i, "ticks at", at())


async def main():
    await ticks(5, 2)
    await ticks(5, 0.7)


asyncio.run(main())

# Output:
# tick 1 at 200ms
# tick 2 at 400ms
# tick 3 at 600ms
# tick 4 at 800ms
# tick 5 at 1s
# stopped after 5 ticks
# tick 1 at 200ms
# tick 2 at 400ms
# tick 3 at 600ms
# deadline after 3 ticks at 700ms
