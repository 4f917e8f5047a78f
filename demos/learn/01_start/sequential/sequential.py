# Two jobs that each wait 100 ms. Awaited one after the other they take
# 0.2 s; run as tasks (gather, or create_task then await) they wait at the
# same time and take 0.1 s.
import asyncio
import time


async def job():
    await asyncio.sleep(0.1)


async def main():
    start = time.monotonic()
    await job()  # runs job to the end before the next line
    await job()
    print(f"await, await: {time.monotonic() - start:.1f}s")

    start = time.monotonic()
    await asyncio.gather(job(), job())  # wraps both in tasks, waits for both
    print(f"gather: {time.monotonic() - start:.1f}s")

    start = time.monotonic()
    first = asyncio.create_task(job())
    second = asyncio.create_task(job())
    await first  # both tasks are running while main waits here
    await second
    print(f"create_task, create_task, await: {time.monotonic() - start:.1f}s")


asyncio.run(main())

# Output:
# await, await: 0.2s
# gather: 0.1s
# create_task, create_task, await: 0.1s
