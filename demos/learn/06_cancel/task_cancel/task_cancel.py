# task.cancel() asks a task to stop: asyncio raises CancelledError inside the
# task at the await it is suspended in (or its next one). The task cleans up
# in `finally` and lets the error go on; whoever awaits the task then gets
# CancelledError too.
import asyncio


async def worker():
    print("worker: started")
    try:
        await asyncio.sleep(3600)  # CancelledError is raised here
        print("worker: never gets here")
    finally:
        print("worker: cleanup")  # runs on cancellation too


async def main():
    task = asyncio.create_task(worker())
    await asyncio.sleep(0.1)
    task.cancel()
    try:
        await task
    except asyncio.CancelledError:
        print("main: worker cancelled:", task.cancelled())


asyncio.run(main())

# Output:
# worker: started
# worker: cleanup
# main: worker cancelled: True
