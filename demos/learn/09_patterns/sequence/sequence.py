# Restoring sequence in asyncio: each message carries an asyncio.Event, and
# its sender waits on it until main sets it. Ann is three times faster than
# Joe, yet through one fan-in queue they speak in turn.
import asyncio
from dataclasses import dataclass

running = set()  # a reference to every task until it is done


def go(coro):
    task = asyncio.create_task(coro)
    running.add(task)
    task.add_done_callback(running.discard)


@dataclass
class Message:
    str: str
    wait: asyncio.Event


def boring(msg, seconds):
    c = asyncio.Queue(maxsize=1)
    wait_for_it = asyncio.Event()  # shared by all of this talker's messages

    async def talk():
        i = 0
        while True:
            await asyncio.sleep(seconds)
            await c.put(Message(f"{msg} {i}", wait_for_it))
            await wait_for_it.wait()  # until main lets this talker go on
            wait_for_it.clear()
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


async def main():
    c = fan_in(boring("Joe", 0.3), boring("Ann", 0.1))
    for _ in range(3):
        msg1 = await c.get()
        print(msg1.str)
        msg2 = await c.get()
        print(msg2.str)
        msg1.wait.set()
        msg2.wait.set()
    print("You're both boring; I'm leaving.")


asyncio.run(main())

# Output:
# Ann 0
# Joe 0
# Ann 1
# Joe 1
# Ann 2
# Joe 2
# You're both boring; I'm leaving.
