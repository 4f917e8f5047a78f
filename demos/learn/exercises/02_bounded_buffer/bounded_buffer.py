# Exercise 2.2, a bounded buffer (docs/learn/exercises.md): a producer puts
# five values as fast as it can for a consumer that needs 100 ms for each.
# The queue's maxsize decides when the producer is done; the consumer
# finishes at the same time whatever the size.
import asyncio
import time


async def consume(queue):
    while await queue.get() is not None:
        await asyncio.sleep(0.1)  # slow work on each value


async def run(capacity):
    start = time.monotonic()
    queue = asyncio.Queue(maxsize=capacity)  # maxsize=0 would be unbounded
    consumer = asyncio.create_task(consume(queue))
    for i in range(1, 6):
        await queue.put(i)  # waits while the queue is full
    producer = time.monotonic() - start
    await queue.put(None)  # the sentinel: "no more values"
    await consumer
    print(f"capacity {capacity}: producer done at {producer:.1f}s, "
          f"consumer done at {time.monotonic() - start:.1f}s")


async def main():
    for capacity in (1, 2, 5):
        await run(capacity)


asyncio.run(main())

# Output:
# capacity 1: producer done at 0.3s, consumer done at 0.5s
# capacity 2: producer done at 0.2s, consumer done at 0.5s
# capacity 5: producer done at 0.0s, consumer done at 0.5s
