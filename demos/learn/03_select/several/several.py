# asyncio has no select. asyncio.wait waits on awaitables, not on queues, so
# each get() is wrapped in a task; FIRST_COMPLETED returns as soon as one of
# them is done, and the others stay pending for the next round.
import asyncio


async def deliver(queue, delay, message):
    await asyncio.sleep(delay)
    await queue.put(message)


async def main():
    one, two = asyncio.Queue(), asyncio.Queue()
    senders = [asyncio.create_task(deliver(one, 0.2, "after 200ms")),
               asyncio.create_task(deliver(two, 0.1, "after 100ms"))]

    get_one = asyncio.create_task(one.get())
    get_two = asyncio.create_task(two.get())
    pending = {get_one, get_two}
    while pending:
        done, pending = await asyncio.wait(
            pending, return_when=asyncio.FIRST_COMPLETED)
        for task in done:
            source = "one" if task is get_one else "two"
            print(f"from {source}: {task.result()}")
    await asyncio.gather(*senders)


asyncio.run(main())

# Output:
# from two: after 100ms
# from one: after 200ms
