# Exercise 9.2, a worker pool whose results come out in order
# (docs/learn/exercises.md): three worker tasks take six jobs of different
# lengths from one queue, so the results arrive out of order; main holds
# each one back until those before it have come, and prints it then.
import asyncio
import time

LENGTHS = [0.3, 0.1, 0.2, 0.1, 0.3, 0.05]  # job i takes LENGTHS[i-1] seconds


async def worker(jobs, results):
    while not jobs.empty():
        j = jobs.get_nowait()  # no await between the test and the get
        await asyncio.sleep(LENGTHS[j - 1])
        await results.put((j, f"job {j}"))


async def main():
    start = time.monotonic()
    jobs = asyncio.Queue()
    for j in range(1, len(LENGTHS) + 1):
        jobs.put_nowait(j)
    results = asyncio.Queue()
    workers = [asyncio.create_task(worker(jobs, results)) for _ in range(3)]

    async def close_when_done():
        await asyncio.gather(*workers)
        await results.put(None)  # the sentinel: no more results

    closer = asyncio.create_task(close_when_done())
    next_job, held, most = 1, {}, 0
    while (r := await results.get()) is not None:
        job, text = r
        held[job] = text
        while next_job in held:
            ms = round((time.monotonic() - start) * 10) * 100  # rounded to 100ms
            print(held.pop(next_job), "at", f"{ms}ms")
            next_job += 1
        most = max(most, len(held))
    await closer
    print("most results held back at once:", most)


asyncio.run(main())

# Output:
# job 1 at 300ms
# job 2 at 300ms
# job 3 at 300ms
# job 4 at 300ms
# job 5 at 500ms
# job 6 at 500ms
# most results held back at once: 4
