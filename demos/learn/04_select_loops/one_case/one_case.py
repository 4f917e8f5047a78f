# asyncio.wait does not choose one ready awaitable: it returns every one that
# has completed. A get() task that completed has already taken its item from
# the queue, so code that handles only one task of `done` and cancels the
# rest loses items.
import asyncio


async def main():
    a, b = asyncio.Queue(), asyncio.Queue()

    # The pitfall: handle one completed task, cancel the others.
    a.put_nowait("x")
    b.put_nowait("y")
    gets = {asyncio.create_task(a.get()), asyncio.create_task(b.get())}
    done, pending = await asyncio.wait(
        gets, return_when=asyncio.FIRST_COMPLETED)
    print(f"done: {len(done)}, pending: {len(pending)}")
    handled = [done.pop().result()]
    for task in pending:
        task.cancel()  # a get() still waiting gives up without taking an item
    print(f"handled {len(handled)}, still queued {a.qsize() + b.qsize()}, "
          f"lost {2 - len(handled) - a.qsize() - b.qsize()}")

    # The fix: every task in done holds an item; handle them all (or put
    # them back).
    a.put_nowait("x")
    b.put_nowait("y")
    gets = {asyncio.create_task(a.get()), asyncio.create_task(b.get())}
    done, pending = await asyncio.wait(
        gets, return_when=asyncio.FIRST_COMPLETED)
    handled = sorted(task.result() for task in done)
    print(f"handled {handled}")


asyncio.run(main())

# Output:
# done: 2, pending: 0
# handled 1, still queued 0, lost 1
# handled ['x', 'y']
