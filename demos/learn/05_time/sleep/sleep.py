# asyncio.sleep suspends the coroutine for a while; asyncio.timeout (3.11)
# bounds a whole block of awaits, the way Go's time.After bounds a select.
import asyncio


async def main():
    loop = asyncio.get_running_loop()
    start = loop.time()

    def elapsed():
        # Rounded, because a real clock never wakes exactly on time.
        return f"{round(loop.time() - start, 1) * 1000:.0f}ms"

    await asyncio.sleep(0.1)
    print("slept until", elapsed())

    reply = asyncio.Queue(maxsize=1)

    async def server():
        await asyncio.sleep(0.5)  # a slow server
        await reply.put("pong")

    task = asyncio.create_task(server())
    try:
        async with asyncio.timeout(0.2):
            print("reply:", await reply.get())
    except TimeoutError:
        print("timed out at", elapsed())
    task.cancel()  # asyncio.run would cancel it anyway when main returns


asyncio.run(main())

# Output:
# slept until 100ms
# timed out at 300ms
