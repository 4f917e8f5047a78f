# asyncio puts the timeout around the await: asyncio.timeout (3.11) or
# asyncio.wait_for. When the time is up, the awaited work is cancelled.
import asyncio


async def fetch(delay):
    await asyncio.sleep(delay)
    return f"result after {round(delay * 1000)}ms"


async def main():
    for delay in (0.05, 0.2):
        try:
            async with asyncio.timeout(0.1):
                print(await fetch(delay))
        except TimeoutError:
            print("timed out after 100ms")

    # The same with wait_for: the timeout is an argument.
    try:
        await asyncio.wait_for(fetch(0.2), timeout=0.1)
    except TimeoutError:
        print("wait_for: timed out after 100ms")


asyncio.run(main())

# Output:
# result after 50ms
# timed out after 100ms
# wait_for: timed out after 100ms
