# When does a coroutine start running? Calling an async function only creates
# a coroutine object: nothing runs until it is awaited or wrapped in a task.
# create_task schedules it, and it runs when the creator next *suspends*
# (gives control back to the event loop), since the loop runs one thing at a
# time. An await that does not suspend (a coroutine that returns without
# waiting on anything) does not let it run. (Python 3.12's eager task
# factory, asyncio.eager_task_factory, changes this: the task starts running
# inside create_task, up to its first suspension.)
import asyncio
import warnings

ran = False


async def work():
    global ran
    ran = True
    print("task: running")


async def no_suspension():
    return 42  # awaits nothing: awaiting it runs it to the end at once


async def main():
    coroutine = work()  # a coroutine object; the body has not run
    print(f"main: after calling work(), ran={ran}")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        del coroutine  # dropped without being awaited
    # Normally printed to stderr as a RuntimeWarning; caught here to show it.
    print(f"Python warns: {caught[0].message}")

    task = asyncio.create_task(work())  # scheduled, not yet running
    print(f"main: after create_task, ran={ran}")
    await no_suspension()  # an await, but main never gives up the loop
    print(f"main: after awaiting a coroutine that does not suspend, ran={ran}")
    await asyncio.sleep(0)  # suspends: the event loop runs the task
    print(f"main: after sleep(0), ran={ran}")
    await task


asyncio.run(main())

# Output:
# main: after calling work(), ran=False
# Python warns: coroutine 'work' was never awaited
# main: after create_task, ran=False
# main: after awaiting a coroutine that does not suspend, ran=False
# task: running
# main: after sleep(0), ran=True
