# When does a coroutine start running? Calling an async function only creates
# a coroutine object: nothing runs until it is awaited or wrapped in a task.
# create_task schedules it, and it runs at the creator's next await, since
# the event loop runs one thing at a time.
import asyncio
import warnings

ran = False


async def work():
    global ran
    ran = True
    print("task: running")


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
    await asyncio.sleep(0)  # yield to the event loop: the task runs
    print(f"main: after sleep(0), ran={ran}")
    await task


asyncio.run(main())

# Output:
# main: after calling work(), ran=False
# Python warns: coroutine 'work' was never awaited
# main: after create_task, ran=False
# task: running
# main: after sleep(0), ran=True
