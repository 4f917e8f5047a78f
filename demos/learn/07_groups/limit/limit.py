# Bounding how many coroutines run at once: asyncio.Semaphore(n). Unlike Go's
# errgroup.SetLimit, all five tasks exist from the start; each one waits for
# a slot inside itself.
import asyncio


async def main():
    loop = asyncio.get_running_loop()
    start = loop.time()

    def elapsed():
        ms = round(loop.time() - start, 1) * 1000
        return f"{ms:.0f}ms" if ms else "0s"  # as Go prints a Duration

    slots = asyncio.Semaphore(2)  # at most 2 jobs at once

    async def job(n):
        async with slots:  # waits while 2 jobs hold a slot
            print(f"job {n} starts at {elapsed()}")
            await asyncio.sleep(0.1)

    await asyncio.gather(*(job(n) for n in range(1, 6)))
    print("all done at", elapsed())


asyncio.run(main())

# Output:
# job 1 starts at 0s
# job 2 starts at 0s
# job 3 starts at 100ms
# job 4 starts at 100ms
# job 5 starts at 200ms
# all done at 300ms
