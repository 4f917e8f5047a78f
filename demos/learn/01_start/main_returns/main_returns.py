# When main returns, asyncio.run cancels the tasks that are still pending:
# CancelledError is raised at their await, so their finally blocks run.
import asyncio


async def worker(started):
    try:
        print("worker: waiting forever")
        started.set()
        await asyncio.Event().wait()  # nobody ever sets it
    except asyncio.CancelledError:
        print("worker: cancelled by asyncio.run")
        raise  # let the cancellation finish the task


async def main():
    started = asyncio.Event()
    task = asyncio.create_task(worker(started))  # keep a reference to a task
    await started.wait()
    print(f"main: returning, task done={task.done()}")


asyncio.run(main())
print("after asyncio.run")

# Output:
# worker: waiting forever
# main: returning, task done=False
# worker: cancelled by asyncio.run
# after asyncio.run
