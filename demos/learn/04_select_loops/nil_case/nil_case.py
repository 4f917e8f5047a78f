# Merging two inputs until both have ended. asyncio.wait takes a set of
# awaitables, so "disable a case" means: do not put a new get() for that
# queue into the set. Each input ends with a sentinel, None.
import asyncio


async def emit(queue, first, every, *values):
    await asyncio.sleep(first)
    for i, value in enumerate(values):
        if i > 0:
            await asyncio.sleep(every)
        await queue.put(value)
    await queue.put(None)


async def main():
    queues = {"a": asyncio.Queue(), "b": asyncio.Queue()}
    senders = [asyncio.create_task(emit(queues["a"], 0.1, 0.1, 1, 2)),
               asyncio.create_task(emit(queues["b"], 0.15, 0.15, 10, 20))]
    gets = {asyncio.create_task(queue.get()): name
            for name, queue in queues.items()}
    while gets:
        done, _ = await asyncio.wait(set(gets),
                                     return_when=asyncio.FIRST_COMPLETED)
        for task in done:
            name = gets.pop(task)
            value = task.result()
            if value is None:
                print(f"{name} ended: stop waiting on it")
                continue
            print(f"from {name}: {value}")
            gets[asyncio.create_task(queues[name].get())] = name  # wait again
    print("both inputs drained")
    await asyncio.gather(*senders)


asyncio.run(main())

# Output:
# from a: 1
# from b: 10
# from a: 2
# a ended: stop waiting on it
# from b: 20
# b ended: stop waiting on it
# both inputs drained
