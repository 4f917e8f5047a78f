# Pitfall: a task fails, and nobody awaits it or asks for its exception.
# Nothing is raised anywhere; when the task is garbage collected, asyncio
# logs "Task exception was never retrieved" to stderr, with the traceback,
# and that is all. The fix: await every task you create (or gather them, or
# start them in a TaskGroup, which raises their errors where it ends).
import asyncio
import gc


async def send_report():
    await asyncio.sleep(0.1)
    raise ConnectionError("report server: connection refused")


async def broken():
    task = asyncio.create_task(send_report(), name="report")
    await asyncio.sleep(0.2)  # the task fails meanwhile; nobody looks
    print("broken: returns without looking at the task")


async def fixed():
    task = asyncio.create_task(send_report(), name="report")
    await asyncio.sleep(0.2)
    try:
        await task  # raises the task's exception here
    except ConnectionError as error:
        print("fixed:", error)


async def main():
    await broken()
    gc.collect()  # the log comes when the task is collected; here, now
    await fixed()


asyncio.run(main())

# Output:
# broken: returns without looking at the task
# fixed: report server: connection refused

# Stderr:
# Task exception was never retrieved
# future: <Task finished name='report' coro=<send_report() done, defined at ...> exception=ConnectionError('report server: connection refused')>
# Traceback (most recent call last):
# ...
# ConnectionError: report server: connection refused
