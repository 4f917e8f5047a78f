# Timeouts in asyncio: asyncio.timeout() around one get() bounds the wait
# for one message; around the whole loop, it bounds the conversation. The
# talker slows down: each message takes twice as long as the one before.
import asyncio

running = set()  # a reference to every task until it is done


def go(coro):
    task = asyncio.create_task(coro)
    running.add(task)
    task.add_done_callback(running.discard)


def boring(msg):
    c = asyncio.Queue(maxsize=1)

    async def talk():
        seconds = 0.1
        i = 0
        while True:
            await asyncio.sleep(seconds)  # 100ms, 200ms, 400ms, ...
            await c.put(f"{msg} {i}")
            seconds *= 2
            i += 1

    go(talk())
    return c


async def per_message():
    c = boring("Joe")
    try:
        while True:
            async with asyncio.timeout(0.3):  # a new deadline each time round
                print(await c.get())
    except TimeoutError:
        print("You're too slow.")


async def whole_conversation():
    c = boring("Ann")
    try:
        async with asyncio.timeout(0.5):  # one deadline for the whole loop
            while True:
                print(await c.get())
    except TimeoutError:
        print("You talk too much.")


async def main():
    await per_message()
    await whole_conversation()


asyncio.run(main())

# Output:
# Joe 0
# Joe 1
# You're too slow.
# Ann 0
# Ann 1
# You talk too much.
