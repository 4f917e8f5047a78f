# Exercise 4.2, a buffer without a bound (docs/learn/exercises.md): in
# asyncio it is there already: asyncio.Queue() with no maxsize holds every
# item it is given, and put() never waits. With no close, a sentinel ends
# the stream.
import asyncio


async def main():
    queue = asyncio.Queue()  # no maxsize: unbounded
    for i in range(1, 6):
        await queue.put(i)  # never waits
    await queue.put(None)  # the sentinel: "no more values"
    print("sent 5 values, nobody received yet")
    while (v := await queue.get()) is not None:
        print("got", v)
    print("sentinel received: the buffer is drained")


asyncio.run(main())

# Output:
# sent 5 values, nobody received yet
# got 1
# got 2
# got 3
# got 4
# got 5
# sentinel received: the buffer is drained
