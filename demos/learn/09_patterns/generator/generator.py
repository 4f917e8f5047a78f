# A generator in asyncio: a function that starts a task and returns the
# queue it talks on, Go's generator translated. (Python's own async
# generators, `async def` with `yield`, run only when asked for the next
# value: see the chapter.)
import asyncio

running = set()  # a reference to every task until it is done (see the pitfalls)


def go(coro):
    """Starts coro as a task, as Go's go statement starts a goroutine."""
    task = asyncio.create_task(coro)
    running.add(task)
    task.add_done_callback(running.discard)


def boring(msg, seconds):
    c = asyncio.Queue(maxsize=1)  # the nearest to an unbuffered channel

    async def talk():
        i = 0
        while True:
            await asyncio.sleep(seconds)
            await c.put(f"{msg} {i}")
            i += 1

    go(talk())
    return c  # the caller gets the queue; the task runs on


async def main():
    joe = boring("Joe", 0.3)
    ann = boring("Ann", 0.1)
    for _ in range(3):
        print(await joe.get())  # in turn: Ann is faster, but waits for Joe
        print(await ann.get())
    print("You're both boring; I'm leaving.")


asyncio.run(main())

# Output:
# Joe 0
# Ann 0
# Joe 1
# Ann 1
# Joe 2
# Ann 2
# You're both boring; I'm leaving.
