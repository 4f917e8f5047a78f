# asyncio.gather runs awaitables together and returns their results in
# argument order, whatever order they finish in. The first exception is
# raised at once (the others go on running); with return_exceptions=True
# exceptions are returned in the list instead, in their places.
import asyncio


async def square(x, seconds):
    await asyncio.sleep(seconds)
    print(f"square({x}) finished")
    return x * x


async def check(x):
    await asyncio.sleep(0.1 * x)
    if x == 2:
        raise ValueError(f"bad input {x}")
    return x


async def main():
    results = await asyncio.gather(
        square(1, 0.3), square(2, 0.1), square(3, 0.2))
    print("results:", results)

    results = await asyncio.gather(
        check(1), check(2), check(3), return_exceptions=True)
    print("with return_exceptions:", results)
    try:
        await asyncio.gather(check(1), check(2), check(3))
    except ValueError as err:
        print("without:", repr(err))


asyncio.run(main())

# Output:
# square(2) finished
# square(3) finished
# square(1) finished
# results: [1, 4, 9]
# with return_exceptions: [1, ValueError('bad input 2'), 3]
# without: ValueError('bad input 2')
