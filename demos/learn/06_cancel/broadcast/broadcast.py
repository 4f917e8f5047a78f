# asyncio.Event is asyncio's broadcast: set() wakes every task waiting on it,
# and later waits return at once, as receives from a closed Go channel do.
import asyncio


async def worker(id, done):
    await done.wait()  # blocks until done is set
    print(f"worker {id}: done is closed")


async def main():
    done = asyncio.Event()
    tasks = [asyncio.create_task(worker(id, done)) for id in (1, 2, 3)]

    await asyncio.sleep(0.1)
    print("main: closing done")
    done.set()
    await asyncio.gather(*tasks)
    print("main: all stopped")


asyncio.run(main())

# Unordered output:
# main: closing done
# worker 1: done is closed
# worker 2: done is closed
# worker 3: done is closed
# main: all stopped
