# Exercise 1.1, sleep sort (docs/learn/exercises.md): one task per number,
# each sleeps n times 100 ms and then prints n, so the numbers come out
# sorted; main waits for all of them.
import asyncio
import time


async def sleep_then_print(n):
    await asyncio.sleep(n * 0.1)
    print(n)


async def main():
    start = time.monotonic()
    await asyncio.gather(*(sleep_then_print(n) for n in [3, 1, 4, 5, 2]))
    print(f"sorted in {time.monotonic() - start:.1f}s")


asyncio.run(main())

# Output:
# 1
# 2
# 3
# 4
# 5
# sorted in 0.5s
