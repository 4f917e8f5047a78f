# asyncio.TaskGroup (3.11) is Python's error group: when a task fails, the
# group cancels the others, waits for them, and raises an ExceptionGroup
# holding the failures (`except*` picks them out).
import asyncio
import time

start = time.monotonic()


def elapsed():
    return f"{round(time.monotonic() - start, 1) * 1000:.0f}ms"


async def fetch(name, seconds, fail):
    try:
        await asyncio.sleep(seconds)
    except asyncio.CancelledError:
        print(name, "stopped: cancelled at", elapsed())
        raise
    if fail:
        raise LookupError(name + ": not found")
    print(name, "ok at", elapsed())


async def main():
    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(fetch("users", 0.1, False))
            tg.create_task(fetch("orders", 0.2, True))
            tg.create_task(fetch("invoices", 0.5, False))
    except* LookupError as group:
        print("task group:", repr(group.exceptions), "at", elapsed())


asyncio.run(main())

# Output:
# users ok at 100ms
# invoices stopped: cancelled at 200ms
# task group: (LookupError('orders: not found'),) at 200ms
