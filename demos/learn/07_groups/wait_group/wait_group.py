# asyncio has no wait group: gather() awaits a set of coroutines (or tasks)
# together and returns when all have finished.
import asyncio


async def main():
    loop = asyncio.get_running_loop()
    start = loop.time()

    def elapsed():
        return f"{round(loop.time() - start, 1) * 1000:.0f}ms"

    async def worker(id):
        await asyncio.sleep(id * 0.1)
        print(f"worker {id} done at {elapsed()}")

    await asyncio.gather(*(worker(id) for id in (1, 2, 3)))
    print("all done at", elapsed())


asyncio.run(main())

# Output:
# worker 1 done at 100ms
# worker 2 done at 200ms
# worker 3 done at 300ms
# all done at 300ms
