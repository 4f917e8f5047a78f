# asyncio has no ticker. The pattern is a loop that sleeps until a deadline,
# start + k * period, rather than for a period: then the loop's own work and
# the sleeps' lateness do not add up. Deadlines already past are skipped, as
# a ticker drops the ticks its receiver was too late for.
import asyncio


async def main():
    loop = asyncio.get_running_loop()
    start = loop.time()
    period = 0.1

    def at(t):
        return f"{round((t - start) * 20) * 50}ms"  # rounded to 50ms

    deadline = start + period
    for i in range(1, 4):
        await asyncio.sleep(deadline - loop.time())
        print(f"tick due at {at(deadline)}, woke at {at(loop.time())}")
        if i == 1:
            await asyncio.sleep(0.25)  # slow work: misses 200ms and 300ms
        deadline += period
        while deadline < loop.time():
            deadline += period


asyncio.run(main())

# Output:
# tick due at 100ms, woke at 100ms
# tick due at 400ms, woke at 400ms
# tick due at 500ms, woke at 500ms
