# Pitfall: asyncio.create_task's result dropped. The event loop keeps only a
# weak reference to a task, so a task is kept alive by whatever it waits on;
# one that waits on something only it refers to can be garbage collected
# mid-way, its remaining code never run, with "Task was destroyed but it is
# pending!" logged (chapter 6 shows why). The fix the asyncio docs give:
# keep a reference to every background task until it is done.
import asyncio
import gc

background_tasks = set()


async def listen(name):
    print(f"{name}: waits for a message")
    await asyncio.get_running_loop().create_future()  # only this task refers to it
    print(f"{name}: never gets here")


def report(loop, context):
    print("asyncio:", context["message"], context["task"].get_name())


async def main():
    asyncio.get_running_loop().set_exception_handler(report)

    asyncio.create_task(listen("forgotten"), name="forgotten")  # result dropped
    await asyncio.sleep(0.1)
    gc.collect()  # the collector may run at any moment; here, now

    task = asyncio.create_task(listen("kept"), name="kept")
    background_tasks.add(task)  # a strong reference...
    task.add_done_callback(background_tasks.discard)  # ...dropped once it is done
    await asyncio.sleep(0.1)
    gc.collect()
    others = asyncio.all_tasks() - {asyncio.current_task()}
    print("pending:", [other.get_name() for other in others])
    task.cancel()


asyncio.run(main())

# Output:
# forgotten: waits for a message
# asyncio: Task was destroyed but it is pending! forgotten
# kept: waits for a message
# pending: ['kept']
