# Exercise 3.2, urgent messages first (docs/learn/exercises.md): a receiver
# handles one message every 100 ms and takes a waiting urgent message before
# any other. asyncio has one queue that does this by itself: a
# PriorityQueue, which returns its smallest item first.
import asyncio
import itertools
import time

URGENT, LOW = 0, 1
order = itertools.count()  # equal priorities keep their order: first in, first out


async def send_urgent(queue):
    await asyncio.sleep(0.15)
    await queue.put((URGENT, next(order), "urgent 1"))
    await asyncio.sleep(0.55)
    await queue.put((URGENT, next(order), "urgent 2"))


async def main():
    start = time.monotonic()
    queue = asyncio.PriorityQueue()
    for i in range(1, 5):
        queue.put_nowait((LOW, next(order), f"low {i}"))
    sender = asyncio.create_task(send_urgent(queue))

    for _ in range(6):
        _, _, m = await queue.get()
        print(f"{time.monotonic() - start:.1f}s {m}")
        await asyncio.sleep(0.1)  # handling it takes a while
    await sender


asyncio.run(main())

# Output:
# 0.0s low 1
# 0.1s low 2
# 0.2s urgent 1
# 0.3s low 3
# 0.4s low 4
# 0.7s urgent 2
