# The daisy chain in asyncio: 100,000 tasks in a row, each waiting for a
# number from its right, adding one and passing it to its left. A future
# is asyncio's one-shot channel.
import asyncio


async def f(left, right):
    left.set_result(1 + await right)


async def main():
    n = 100_000
    loop = asyncio.get_running_loop()
    leftmost = loop.create_future()
    left = leftmost
    tasks = []  # a reference to every task until it is done
    for _ in range(n):
        right = loop.create_future()
        tasks.append(asyncio.create_task(f(left, right)))
        left = right
    right.set_result(1)
    print(await leftmost)


asyncio.run(main())

# Output:
# 100001
