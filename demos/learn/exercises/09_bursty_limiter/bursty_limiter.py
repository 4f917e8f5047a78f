# Exercise 9.2, a rate limiter that allows bursts (docs/learn/exercises.md):
# a bucket of at most 3 tokens, one more every 100 ms; each request takes a
# token, and waits for one when the bucket is empty. The bucket is a queue
# of maxsize 3, filled by a task that keeps a ticker's schedule.
import asyncio


async def refill(tokens, period):
    loop = asyncio.get_running_loop()
    due = loop.time()
    while True:
        due += period
        await asyncio.sleep(due - loop.time())
        try:
            tokens.put_nowait(None)
        except asyncio.QueueFull:  # the bucket is full: this token is lost
            pass


async def main():
    loop = asyncio.get_running_loop()
    start = loop.time()

    def at():
        ms = round((loop.time() - start) * 20) * 50  # rounded to 50ms
        return f"{ms}ms" if ms else "0s"  # as Go prints a Duration

    tokens = asyncio.Queue(maxsize=3)  # the bucket: at most 3 tokens
    for _ in range(3):
        tokens.put_nowait(None)  # it starts full
    refiller = asyncio.create_task(refill(tokens, 0.1))

    async def request(n):
        await tokens.get()
        print("request", n, "at", at())

    for n in range(1, 7):
        await request(n)
    await asyncio.sleep(0.35)  # quiet: the bucket fills up again, to 3
    for n in range(7, 11):
        await request(n)
    refiller.cancel()


asyncio.run(main())

# Output:
# request 1 at 0s
# request 2 at 0s
# request 3 at 0s
# request 4 at 100ms
# request 5 at 200ms
# request 6 at 300ms
# request 7 at 650ms
# request 8 at 650ms
# request 9 at 650ms
# request 10 at 700ms
