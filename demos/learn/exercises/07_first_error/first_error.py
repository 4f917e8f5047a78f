# Exercise 7.1, cancel the workers on the first error
# (docs/learn/exercises.md): four tasks run at once; three process an item
# every 200 ms until cancelled, and the fourth fails at 500 ms. A TaskGroup
# cancels the others when one fails, and raises what failed, in an
# ExceptionGroup.
import asyncio
import time


async def worker(ident, items, stopped):
    """Processes an item every 200 ms until cancelled. Worker 4 fails after
    500 ms."""
    if ident == 4:
        await asyncio.sleep(0.5)
        raise RuntimeError("worker 4: disk full")
    try:
        while True:
            await asyncio.sleep(0.2)
            items[ident - 1] += 1
    except asyncio.CancelledError as err:
        stopped[ident - 1] = repr(err)
        raise  # let the cancellation finish the task


async def main():
    start = time.monotonic()
    items, stopped = [0] * 4, [""] * 4
    try:
        async with asyncio.TaskGroup() as group:
            for ident in range(1, 5):
                group.create_task(worker(ident, items, stopped))
    except* RuntimeError as failures:
        for ident in range(1, 4):
            print(f"worker {ident} stopped after {items[ident - 1]} items: {stopped[ident - 1]}")
        ms = round((time.monotonic() - start) * 10) * 100
        print(f"first error: {failures.exceptions[0]} at {ms}ms")


asyncio.run(main())

# Output:
# worker 1 stopped after 2 items: CancelledError()
# worker 2 stopped after 2 items: CancelledError()
# worker 3 stopped after 2 items: CancelledError()
# first error: worker 4: disk full at 500ms
