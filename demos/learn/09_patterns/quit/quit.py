# Quitting in asyncio: main cancels the talker's task, the talker cleans up
# in `finally`, and awaiting the task waits for the cleanup. A cancelled task
# has no result to send back: Go's reply on the quit channel has no
# counterpart here.
import asyncio


def cleanup():
    print("Joe: cleaning up")


async def talk(msg, c):
    try:
        i = 0
        while True:
            await c.put(f"{msg} {i}")
            await asyncio.sleep(0.1)
            i += 1
    finally:
        cleanup()  # on cancellation too


async def main():
    c = asyncio.Queue(maxsize=1)
    task = asyncio.create_task(talk("Joe", c))
    for _ in range(3):
        print(await c.get())
    task.cancel()  # CancelledError is raised where the task waits
    try:
        await task  # returns once Joe has cleaned up
    except asyncio.CancelledError:
        print("Joe was cancelled:", task.cancelled())


asyncio.run(main())

# Output:
# Joe 0
# Joe 1
# Joe 2
# Joe: cleaning up
# Joe was cancelled: True
