# asyncio.Queue has non-blocking forms of get and put: get_nowait() raises
# QueueEmpty instead of waiting, put_nowait() raises QueueFull.
import asyncio


def try_receive(queue):
    try:
        print("received", queue.get_nowait())
    except asyncio.QueueEmpty:
        print("nothing to receive")


def try_send(queue, value):
    try:
        queue.put_nowait(value)
        print("sent", value)
    except asyncio.QueueFull:
        print("buffer full, dropped", value)


async def main():
    queue = asyncio.Queue(maxsize=1)  # room for one item
    try_receive(queue)
    try_send(queue, 1)
    try_send(queue, 2)
    try_receive(queue)


asyncio.run(main())

# Output:
# nothing to receive
# sent 1
# buffer full, dropped 2
# received 1
