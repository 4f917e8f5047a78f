# asyncio.Queue cannot be closed (Queue.shutdown arrived only in Python
# 3.13), so the producer sends a sentinel, None, and the consumer stops when
# it sees it. Nothing marks the queue as finished: one more get() waits
# forever, and each extra consumer needs a sentinel of its own.
import asyncio


async def produce(out):
    for i in range(1, 4):
        await out.put(i * 10)
    await out.put(None)  # the sentinel: "no more values"


async def consume(inbox):
    while (value := await inbox.get()) is not None:
        print("got", value)
    try:
        await asyncio.wait_for(inbox.get(), timeout=0.1)
    except TimeoutError:
        print("after the sentinel: get() still waits (gave up after 0.1s)")


async def main():
    queue = asyncio.Queue(maxsize=1)
    producer = asyncio.create_task(produce(queue))
    await consume(queue)
    await producer


asyncio.run(main())

# Output:
# got 10
# got 20
# got 30
# after the sentinel: get() still waits (gave up after 0.1s)
