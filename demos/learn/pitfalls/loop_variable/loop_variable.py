# Pitfall: a function defined in a loop sees the loop variable as it is when
# the function runs, not as it was when the function was made (late
# binding). The tasks start at main's next suspension, after the loop, so
# all see its last value. Python never changed this, as Go 1.22 did.
import asyncio


async def broken():
    tasks = []
    for i in range(1, 4):

        async def show():
            print("broken: task sees i =", i)  # i as it is when show runs

        tasks.append(asyncio.create_task(show()))
    await asyncio.gather(*tasks)


async def fixed():
    tasks = []
    for i in range(1, 4):

        async def show(i):  # the value, passed when the coroutine is made
            print("fixed: task sees i =", i)

        tasks.append(asyncio.create_task(show(i)))
    await asyncio.gather(*tasks)


async def main():
    await broken()
    await fixed()


asyncio.run(main())

# Output:
# broken: task sees i = 3
# broken: task sees i = 3
# broken: task sees i = 3
# fixed: task sees i = 1
# fixed: task sees i = 2
# fixed: task sees i = 3
