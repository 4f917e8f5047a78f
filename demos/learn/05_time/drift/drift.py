# Why a sleep loop drifts and a deadline loop does not. Both loops want to
# run every 10ms, 50 times, and each run does 2ms of work. The sleep loop
# sleeps 10ms after the work, so the errors add up; the deadline loop (see
# ticker.py) sleeps until start + k*10ms, so tick k is only as late as that
# one wake-up.
import asyncio

PERIOD = 0.010
TICKS = 50
WORK = 0.002  # stands for a request, a query, ...


async def sleep_loop(loop):
    start = loop.time()
    for _ in range(TICKS):
        await asyncio.sleep(WORK)
        await asyncio.sleep(PERIOD)
    return loop.time() - (start + TICKS * PERIOD)


async def deadline_loop(loop):
    start = loop.time()
    late = []
    for k in range(1, TICKS + 1):
        await asyncio.sleep(start + k * PERIOD - loop.time())
        late.append(loop.time() - (start + k * PERIOD))
        await asyncio.sleep(WORK)
    return late[-1], sorted(late)


def ms(seconds):
    return f"{seconds * 1000:.1f}ms"


async def main():
    loop = asyncio.get_running_loop()
    drift = await sleep_loop(loop)
    print(f"sleep loop:    {TICKS} ticks of 10ms, drift {ms(drift)}")
    drift, late = await deadline_loop(loop)
    print(f"deadline loop: {TICKS} ticks of 10ms, drift {ms(drift)} "
          f"(lateness p50 {ms(late[TICKS // 2])}, max {ms(late[-1])})")


asyncio.run(main())

# Output (varies: measured in real time):
# sleep loop:    50 ticks of 10ms, drift 110.4ms
# deadline loop: 50 ticks of 10ms, drift 0.5ms (lateness p50 0.4ms, max 1.0ms)
