# Fan-in in asyncio: fan_in forwards each input queue in a task of its own;
# fan_in_wait does it in one task with asyncio.wait, asyncio's nearest to a
# select. Joe talks every 300ms, Ann every 500ms.
import asyncio

running = set()  # a reference to every task until it is done


def go(coro):
    task = asyncio.create_task(coro)
    running.add(task)
    task.add_done_callback(running.discard)


def boring(msg, seconds):
    c = asyncio.Queue(maxsize=1)

    async def talk():
        i = 0
        while True:
            await asyncio.sleep(seconds)
            await c.put(f"{msg} {i}")
            i += 1

    go(talk())
    return c


def fan_in(input1, input2):
    c = asyncio.Queue(maxsize=1)

    async def forward(input):
        while True:
            await c.put(await input.get())

    go(forward(input1))
    go(forward(input2))
    return c


def fan_in_wait(input1, input2):
    c = asyncio.Queue(maxsize=1)

    async def forward():
        # One get() task per input, running: each takes a message as soon
        # as one is there, whether or not the loop is ready for it.
        gets = {asyncio.create_task(input.get()): input for input in (input1, input2)}
        while True:
            done, _ = await asyncio.wait(gets, return_when=asyncio.FIRST_COMPLETED)
            for task in done:
                input = gets.pop(task)
                await c.put(task.result())
                gets[asyncio.create_task(input.get())] = input

    go(forward())
    return c


async def listen(c):
    for _ in range(5):
        print(await c.get())
    print("You're both boring; I'm leaving.")


async def main():
    await listen(fan_in(boring("Joe", 0.3), boring("Ann", 0.5)))
    await listen(fan_in_wait(boring("Joe", 0.3), boring("Ann", 0.5)))


asyncio.run(main())

# Output:
# Joe 0
# Ann 0
# Joe 1
# Joe 2
# Ann 1
# You're both boring; I'm leaving.
# Joe 0
# Ann 0
# Joe 1
# Joe 2
# Ann 1
# You're both boring; I'm leaving.
