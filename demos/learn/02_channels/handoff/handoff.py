# asyncio has no unbuffered channel. The nearest is a queue of one slot plus
# `await queue.join()`, which makes the sender wait until the value is taken.
import asyncio


async def main():
    handoff = asyncio.Queue(maxsize=1)

    async def sender():
        print("sending 42")
        await handoff.put(42)
        await handoff.join()  # waits for the receiver

    task = asyncio.create_task(sender())
    value = await handoff.get()
    handoff.task_done()
    print(f"received {value}")
    await task


asyncio.run(main())

# Output:
# sending 42
# received 42
