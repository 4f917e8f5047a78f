# asyncio has no timer channel. loop.call_later(delay, callback) is its
# one-shot timer: it returns a handle whose cancel() is Go's Stop. There is
# no Reset: cancel the handle and schedule a new one. A future set by the
# callback is the thing to await.
import asyncio


async def main():
    loop = asyncio.get_running_loop()
    start = loop.time()

    def elapsed():
        return f"{round(loop.time() - start, 1) * 1000:.0f}ms"

    def new_timer(delay):
        fired = loop.create_future()
        return fired, loop.call_later(delay, fired.set_result, None)

    fired, handle = new_timer(0.1)
    handle.cancel()
    print("stop before it fired:", handle.cancelled())
    try:
        async with asyncio.timeout(0.2):
            await fired
        print("fired")
    except TimeoutError:
        print("a stopped timer never fires")

    fired, handle = new_timer(0.1)  # "reset": a new timer
    await fired
    print("fired after reset at", elapsed())


asyncio.run(main())

# Output:
# stop before it fired: True
# a stopped timer never fires
# fired after reset at 300ms
