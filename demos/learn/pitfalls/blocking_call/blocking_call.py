# Pitfall: time.sleep (or any call that blocks: requests.get, a long
# computation) inside a coroutine blocks the event loop, and with it every
# task: the heartbeat below stops. asyncio.sleep suspends only the task;
# asyncio.to_thread runs a blocking call that cannot be changed in a thread
# of its own. Debug mode (asyncio.run(main(), debug=True), or
# PYTHONASYNCIODEBUG=1) logs every step that takes longer than 100ms.
import asyncio
import time


async def heartbeat():
    for beat in range(1, 4):
        await asyncio.sleep(0.2)
        print("  heartbeat", beat)


async def blocking_worker():
    print("  worker: sleeps 400ms")
    time.sleep(0.4)  # blocks the event loop, and every task
    print("  worker: awake")


async def worker():
    print("  worker: sleeps 400ms")
    await asyncio.sleep(0.4)  # suspends this task only
    print("  worker: awake")


async def thread_worker():
    print("  worker: sleeps 400ms")
    await asyncio.to_thread(time.sleep, 0.4)  # the blocking call, in a thread
    print("  worker: awake")


async def main():
    for title, work in [
        ("time.sleep", blocking_worker),
        ("asyncio.sleep", worker),
        ("asyncio.to_thread(time.sleep)", thread_worker),
    ]:
        print(f"{title}:")
        beats = asyncio.create_task(heartbeat())
        await asyncio.sleep(0.1)  # the heartbeat is under way
        await asyncio.gather(beats, asyncio.create_task(work(), name="worker"))


asyncio.run(main(), debug=True)

# Output:
# time.sleep:
#   worker: sleeps 400ms
#   worker: awake
#   heartbeat 1
#   heartbeat 2
#   heartbeat 3
# asyncio.sleep:
#   worker: sleeps 400ms
#   heartbeat 1
#   heartbeat 2
#   worker: awake
#   heartbeat 3
# asyncio.to_thread(time.sleep):
#   worker: sleeps 400ms
#   heartbeat 1
#   heartbeat 2
#   worker: awake
#   heartbeat 3

# Stderr:
# Executing <Task finished name='worker' coro=<blocking_worker() done, defined at ...> result=None created at ...> took ... seconds
