# A worker pool in asyncio (after the asyncio.Queue documentation's
# example): three tasks take jobs from one queue. asyncio.Queue cannot be
# closed (until 3.13's shutdown()), so main waits for every job to be
# marked done with join() and then cancels the workers.
import asyncio
import time


async def worker(jobs, results):
    while True:
        j = await jobs.get()
        await asyncio.sleep(0.1)  # stands for the work
        await results.put(j * 2)
        jobs.task_done()


async def main():
    start = time.monotonic()
    num_jobs = 5
    jobs = asyncio.Queue(maxsize=num_jobs)
    results = asyncio.Queue(maxsize=num_jobs)
    workers = [asyncio.create_task(worker(jobs, results)) for _ in range(3)]

    for j in range(1, num_jobs + 1):
        await jobs.put(j)
    await jobs.join()  # until every job is marked done
    for w in workers:
        w.cancel()  # each waits in get(): no more jobs

    total = sum([results.get_nowait() for _ in range(num_jobs)])
    ms = round((time.monotonic() - start) * 10) * 100  # to 100ms, as Go rounds
    print("sum of results:", total, f"at {ms}ms")


asyncio.run(main())

# Output:
# sum of results: 30 at 200ms
