# Exercise 4.1, a counter that one task owns (docs/learn/exercises.md): the
# count lives in a task that serves requests. asyncio cannot wait on three
# queues at once, so the requests come on one queue, each saying what it
# is: ("inc", n), ("read", future) or ("quit", None).
import asyncio


async def counter(requests):
    count = 0  # confined to this task
    while True:
        kind, arg = await requests.get()
        if kind == "inc":
            count += arg
        elif kind == "read":  # a request carries the future for its answer
            arg.set_result(count)
        elif kind == "quit":
            print("counter: stopped at", count)
            return


async def main():
    requests = asyncio.Queue()
    owner = asyncio.create_task(counter(requests))

    async def get():
        reply = asyncio.get_running_loop().create_future()
        await requests.put(("read", reply))
        return await reply

    async def worker():
        for _ in range(1000):
            await requests.put(("inc", 1))

    print("before:", await get())
    await asyncio.gather(worker(), worker(), worker())
    print("after 3 workers x 1000:", await get())
    await requests.put(("quit", None))
    await owner


asyncio.run(main())

# Output:
# before: 0
# after 3 workers x 1000: 3000
# counter: stopped at 3000
