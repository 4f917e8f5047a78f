# asyncio has no deadlock detector: a task that waits for an item nobody will
# put waits forever, and so does asyncio.run, silently, with the event loop
# idle. Here a timeout ends the wait, to show it.
import asyncio


async def main():
    results = asyncio.Queue()
    print("main: waiting for the result")
    try:
        result = await asyncio.wait_for(results.get(), timeout=1)  # nobody puts
        print("main: received", result)
    except TimeoutError:
        print("main: nothing after 1s; without the timeout, it would wait forever")


asyncio.run(main())

# Output:
# main: waiting for the result
# main: nothing after 1s; without the timeout, it would wait forever
