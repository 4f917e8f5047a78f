# A pipeline with cancellation in asyncio: the same stages as the Go blog's,
# as tasks joined by queues. A queue cannot be closed (until 3.13's
# shutdown()), so a CLOSED marker ends a stream; there is no done channel
# either, so each stage's task goes into `stages`, and stopping the
# pipeline is cancelling them.
import asyncio

CLOSED = object()  # the end of a stream: what closing a channel says in Go


def gen(stages, *nums):
    out = asyncio.Queue(maxsize=1)

    async def run():
        for n in nums:
            await out.put(n)
        await out.put(CLOSED)

    stages.append(asyncio.create_task(run()))
    return out


def sq(stages, inq):
    out = asyncio.Queue(maxsize=1)

    async def run():
        while (n := await inq.get()) is not CLOSED:
            await out.put(n * n)
        await inq.put(CLOSED)  # put it back for the other readers of inq
        await out.put(CLOSED)

    stages.append(asyncio.create_task(run()))
    return out


def merge(stages, *inqs):
    out = asyncio.Queue(maxsize=1)

    async def output(inq):  # one per input: copies its values to out
        while (n := await inq.get()) is not CLOSED:
            await out.put(n)

    async def run():  # a task per output, then the end of the stream
        await asyncio.gather(*(output(inq) for inq in inqs))
        await out.put(CLOSED)

    stages.append(asyncio.create_task(run()))
    return out


async def main():
    before = len(asyncio.all_tasks())

    # All of it. The squares arrive in no set order; their sum does not care.
    stages = []
    inq = gen(stages, 1, 2, 3, 4, 5)
    out = merge(stages, sq(stages, inq), sq(stages, inq))
    total = 0
    while (n := await out.get()) is not CLOSED:
        total += n
    print("sum of squares:", total)

    # Part of it: main takes one value of a hundred and stops the rest.
    stages = []
    inq = gen(stages, *range(1, 101))
    out = merge(stages, sq(stages, inq), sq(stages, inq))
    await out.get()
    print("tasks after one value:", len(asyncio.all_tasks()) - before)
    for stage in stages:
        stage.cancel()  # CancelledError where each one waits
    await asyncio.sleep(0.1)
    print("tasks after cancel():", len(asyncio.all_tasks()) - before)


asyncio.run(main())

# Output:
# sum of squares: 55
# tasks after one value: 6
# tasks after cancel(): 0
