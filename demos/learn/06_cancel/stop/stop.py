# asyncio's nearest to a stop channel is an asyncio.Event that the worker
# checks between its steps. (The usual way to stop a task is task.cancel():
# see ../task_cancel/task_cancel.py.)
import asyncio


async def worker(stop, stopped):
    n = 0
    while True:
        try:
            # Wait for stop, but at most until the next piece of work.
            await asyncio.wait_for(stop.wait(), timeout=0.1)
            await stopped.put("worker stopped after its work")
            return
        except TimeoutError:
            n += 1
            print("working", n)


async def main():
    stop = asyncio.Event()
    stopped = asyncio.Queue()
    task = asyncio.create_task(worker(stop, stopped))

    await asyncio.sleep(0.35)
    stop.set()
    print(await stopped.get())
    await task


asyncio.run(main())

# Output:
# working 1
# working 2
# working 3
# worker stopped after its work
