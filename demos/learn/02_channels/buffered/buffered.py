# asyncio.Queue(maxsize=n) is a bounded buffer: put() runs ahead of the
# consumer by n items, then waits until get() has taken one. The queue cannot
# be closed, so the producer ends the stream with a sentinel, None.
import asyncio
import time


async def produce(queue, start):
    for i in range(1, 6):
        await queue.put(i)  # waits only while the queue is full
        print(f"{time.monotonic() - start:.1f}s sent {i}")
    await queue.put(None)  # "no more values"


async def main():
    start = time.monotonic()
    queue = asyncio.Queue(maxsize=2)  # holds up to 2 items
    producer = asyncio.create_task(produce(queue, start))

    got = []
    await asyncio.sleep(0.1)  # a slow consumer: one item every 100 ms
    while (value := await queue.get()) is not None:
        got.append(value)
        await asyncio.sleep(0.1)
    print("received", got)
    await producer


asyncio.run(main())

# Output:
# 0.0s sent 1
# 0.0s sent 2
# 0.1s sent 3
# 0.2s sent 4
# 0.3s sent 5
# received [1, 2, 3, 4, 5]
