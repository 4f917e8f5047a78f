# A task that nobody keeps a reference to, and that waits for something that
# never comes. The event loop holds its tasks only weakly, so the garbage
# collector takes it, still pending, and asyncio reports "Task was destroyed
# but it is pending!". The coroutine never runs again.
#
# asyncio sends that report to the loop's exception handler, which logs it
# to stderr with the task's repr (file paths, line numbers). This program
# installs a handler that prints the message to stdout instead, so that the
# Output below can show it.
import asyncio
import gc


async def wait_forever():
    print("worker waits for a reply that never comes")
    await asyncio.get_running_loop().create_future()  # nobody sets it
    print("worker: never gets here")


def report(loop, context):
    print("asyncio:", context["message"], context["task"].get_name())


async def main():
    asyncio.get_running_loop().set_exception_handler(report)
    asyncio.create_task(wait_forever(), name="worker")  # result dropped
    await asyncio.sleep(0.1)
    # The task and its future now refer only to each other: a cycle that the
    # collector frees (it would run on its own, some time later).
    gc.collect()
    print("main: done")


asyncio.run(main())

# Output:
# worker waits for a reply that never comes
# asyncio: Task was destroyed but it is pending! worker
# main: done
