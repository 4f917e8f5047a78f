# Shared state in asyncio, two ways: an asyncio.Lock that guards a dict of
# counters, and confinement, where one task owns the dict and the others
# send it requests. Three tasks add 1000 each: two to "a", one to "b".
# There is one thread, so only an await can let another task in: the lock
# matters only for an update that awaits half-way, as this one does.
import asyncio


class Counters:
    def __init__(self):
        self.lock = asyncio.Lock()  # guards n
        self.n = {}

    async def inc(self, name):
        async with self.lock:
            value = self.n.get(name, 0)
            await asyncio.sleep(0)  # others run mid-update; the lock keeps them out
            self.n[name] = value + 1


async def with_lock():
    c = Counters()

    async def add(name):
        for _ in range(1000):
            await c.inc(name)

    await asyncio.gather(add("a"), add("a"), add("b"))
    print("locked: a =", c.n["a"], "b =", c.n["b"])


async def owner(requests):
    """The only task that touches the dict: no lock needed."""
    n = {}
    while True:
        op, name, reply = await requests.get()
        if op == "inc":
            n[name] = n.get(name, 0) + 1
        else:
            reply.set_result(n.get(name, 0))


async def confined():
    requests = asyncio.Queue()  # one queue: asyncio has no select over several
    owner_task = asyncio.create_task(owner(requests))

    async def add(name):
        for _ in range(1000):
            await requests.put(("inc", name, None))

    await asyncio.gather(add("a"), add("a"), add("b"))

    async def get(name):
        reply = asyncio.get_running_loop().create_future()
        await requests.put(("read", name, reply))
        return await reply

    print("confined: a =", await get("a"), "b =", await get("b"))
    owner_task.cancel()


async def main():
    await with_lock()
    await confined()


asyncio.run(main())

# Output:
# locked: a = 2000 b = 1000
# confined: a = 2000 b = 1000
