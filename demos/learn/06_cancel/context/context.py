# asyncio has no context object to pass down: cancellation belongs to the
# task. asyncio.timeout() (3.11) cancels the task when its deadline passes:
# CancelledError is raised inside whatever the task awaits at that moment,
# however deep in the calls, and turned into TimeoutError where the timeout
# block ends.
import asyncio
import time

start = time.monotonic()


def elapsed():
    return f"{round(time.monotonic() - start, 1) * 1000:.0f}ms"


async def fetch(name, seconds):
    try:
        await asyncio.sleep(seconds)  # stands for a request
    except asyncio.CancelledError:
        print(name, "cancelled at", elapsed())
        raise  # never swallow it: the timeout block turns it into its error
    print(name, "ok at", elapsed())


async def handle():
    await fetch("users", 0.1)
    await fetch("orders", 0.1)
    await fetch("invoices", 0.5)


async def main():
    try:
        async with asyncio.timeout(0.3):
            await handle()
    except TimeoutError as err:
        print("handle:", repr(err), "at", elapsed())


asyncio.run(main())

# Output:
# users ok at 100ms
# orders ok at 200ms
# invoices cancelled at 300ms
# handle: TimeoutError() at 300ms
