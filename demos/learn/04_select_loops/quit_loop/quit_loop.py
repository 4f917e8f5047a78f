# Without select, a producer cannot wait on "room to put" and "quit" at once.
# The asyncio way to stop it is to cancel its task: CancelledError is raised
# at the await where it waits.
import asyncio


async def fibonacci(queue):
    x, y = 0, 1
    try:
        while True:
            await queue.put(x)
            x, y = y, x + y
    except asyncio.CancelledError:
        print("quit")
        raise


async def main():
    queue = asyncio.Queue(maxsize=1)
    producer = asyncio.create_task(fibonacci(queue))
    print(*[await queue.get() for _ in range(10)])
    producer.cancel()
    try:
        await producer  # wait until it has stopped
    except asyncio.CancelledError:
        pass


asyncio.run(main())

# Output:
# 0 1 1 2 3 5 8 13 21 34
# quit
