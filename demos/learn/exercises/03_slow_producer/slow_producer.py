# Exercise 3.1, a slow producer (docs/learn/exercises.md): values come 100,
# 200, 300 and 500 ms apart. First give up when one value takes more than
# 400 ms (a timeout per value), then stop after 500 ms whatever comes (a
# deadline for the whole stream).
import asyncio
import time


async def produce(queue):
    """Puts 1, 2, 3, 4 after the gaps below (an unbounded queue: put never
    waits)."""
    for i, gap in enumerate((0.1, 0.2, 0.3, 0.5), 1):
        await asyncio.sleep(gap)
        await queue.put(i)


def ms(seconds):
    return f"{round(seconds * 10) * 100}ms"  # rounded to 100ms


async def timeout_per_value():
    queue = asyncio.Queue()
    producer = asyncio.create_task(produce(queue))
    last = time.monotonic()
    try:
        while True:
            async with asyncio.timeout(0.4):  # a new timeout each round
                v = await queue.get()
            print("got", v, "after", ms(time.monotonic() - last))
            last = time.monotonic()
    except TimeoutError:  # the get() was cancelled: it took nothing
        print("no value for 400ms: giving up")
    producer.cancel()


async def deadline_for_all():
    queue = asyncio.Queue()
    producer = asyncio.create_task(produce(queue))
    start = time.monotonic()
    n = 0
    try:
        async with asyncio.timeout(0.5):  # one timeout around the whole loop
            while True:
                v = await queue.get()
                n += 1
                print("got", v, "at", ms(time.monotonic() - start))
    except TimeoutError:
        print("deadline of 500ms: stopped after", n, "values")
    producer.cancel()


async def main():
    await timeout_per_value()
    await deadline_for_all()


asyncio.run(main())

# Output:
# got 1 after 100ms
# got 2 after 200ms
# got 3 after 300ms
# no value for 400ms: giving up
# got 1 at 100ms
# got 2 at 300ms
# deadline of 500ms: stopped after 2 values
