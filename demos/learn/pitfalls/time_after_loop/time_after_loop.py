# Pitfall: asyncio.wait_for inside a loop starts a new timeout on every
# iteration, so the timeout starts again with each event. Meant as "stop
# waiting after 500ms in all", it fires only once events stop coming for
# 500ms. The fix: one deadline around the whole loop, asyncio.timeout.
import asyncio
import time

start = time.monotonic()


async def produce(queue, period, count):
    for i in range(1, count + 1):
        await asyncio.sleep(period)
        await queue.put(i)


async def broken():
    queue = asyncio.Queue()
    producer = asyncio.create_task(produce(queue, 0.2, 5))
    received = 0
    while True:
        try:
            await asyncio.wait_for(queue.get(), timeout=0.5)  # a new timeout each time
            received += 1
        except TimeoutError:
            print(f"broken: gave up after {received} events, at {time.monotonic() - start:.1f}s")
            break
    producer.cancel()


async def fixed():
    queue = asyncio.Queue()
    producer = asyncio.create_task(produce(queue, 0.2, 5))
    received = 0
    try:
        async with asyncio.timeout(0.5):  # one deadline for the whole loop
            while True:
                await queue.get()
                received += 1
    except TimeoutError:
        print(f"fixed: gave up after {received} events, at {time.monotonic() - start:.1f}s")
    producer.cancel()


async def main():
    global start
    start = time.monotonic()
    await broken()
    start = time.monotonic()
    await fixed()


asyncio.run(main())

# Output:
# broken: gave up after 5 events, at 1.5s
# fixed: gave up after 2 events, at 0.5s
