# Tasks that nobody keeps a reference to, waiting for something that never
# comes. The event loop holds its tasks only weakly, but a forgotten task is
# usually still reachable through what it waits on: a sleep's timer is in
# the loop's schedule, a queue or a future that some other object holds
# keeps its waiters. Such a task leaks exactly like a goroutine: it stays
# pending, gc.collect() or not, until asyncio.run cancels it at the end.
#
# Only a task that is unreachable together with what it awaits (here a
# future that nothing else refers to) is garbage. The collector frees it,
# still pending, its coroutine is closed without running another line, and
# asyncio reports "Task was destroyed but it is pending!" to the loop's
# exception handler, whose default logs it to stderr with the task's repr
# (file paths, line numbers). This program installs a handler that prints
# the message to stdout instead, so that the Output below can show it.
import asyncio
import gc


async def sleep_forever():
    print("worker sleeps for an hour")
    try:
        await asyncio.sleep(3600)  # the loop's schedule refers to this sleep
    except asyncio.CancelledError:
        print("worker: cancelled by asyncio.run as main returns")
        raise


async def wait_forever():
    print("second worker waits for a reply that never comes")
    await asyncio.get_running_loop().create_future()  # nothing else refers to it
    print("second worker: never gets here")


def report(loop, context):
    print("asyncio:", context["message"], context["task"].get_name())


async def main():
    asyncio.get_running_loop().set_exception_handler(report)
    print("tasks:", len(asyncio.all_tasks()))
    asyncio.create_task(sleep_forever(), name="worker")  # result dropped
    await asyncio.sleep(0.1)
    gc.collect()  # collects nothing: the worker is reachable from the loop
    print("tasks:", len(asyncio.all_tasks()), "(one leaked)")

    asyncio.create_task(wait_forever(), name="second worker")  # result dropped
    await asyncio.sleep(0.1)
    # The second task and its future now refer only to each other: a cycle
    # that the collector frees (it would run on its own, some time later).
    gc.collect()
    print("tasks:", len(asyncio.all_tasks()), "(the second one was collected)")


asyncio.run(main())

# Output:
# tasks: 1
# worker sleeps for an hour
# tasks: 2 (one leaked)
# second worker waits for a reply that never comes
# asyncio: Task was destroyed but it is pending! second worker
# tasks: 2 (the second one was collected)
# worker: cancelled by asyncio.run as main returns
