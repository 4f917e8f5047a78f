# Exercise 11.1, an outbox with retries (docs/learn/exercises.md): the job
# queues its events without waiting for the network; one task delivers
# them in order, and retries a failed send after 200 ms, 400 ms, 800 ms,
# ..., capped at 600 ms. The tracker is a fake that refuses event 2 three
# times.
import asyncio
import time

start = time.monotonic()


def at():
    ms = round((time.monotonic() - start) * 10) * 100  # rounded to 100ms
    if ms >= 1000:
        return f"{ms / 1000:g}s"
    return f"{ms}ms" if ms else "0s"  # as Go prints a Duration


refusals = {2: 3}  # how many more times the fake tracker refuses each event


async def send(seq):
    if refusals.get(seq, 0) > 0:
        refusals[seq] -= 1
        return False
    return True


async def deliver(outbox):
    """Sends each event until the tracker takes it, then the next one, until
    the sentinel None."""
    base, max_backoff = 0.2, 0.6
    while (event := await outbox.get()) is not None:
        seq, _ = event
        backoff = base
        attempt = 1
        while not await send(seq):
            print(f"send seq={seq} attempt={attempt} -> failed at {at()}, "
                  f"retry in {round(backoff * 1000)}ms")
            await asyncio.sleep(backoff)  # the real agent waits a random time up to backoff
            backoff = min(backoff * 2, max_backoff)
            attempt += 1
        print(f"send seq={seq} attempt={attempt} -> ok at {at()}")


async def main():
    outbox = asyncio.Queue()  # unbounded: queueing never waits
    delivery = asyncio.create_task(deliver(outbox))

    for seq, kind in enumerate(["start", "output", "finish"], 1):  # the job
        if seq > 1:
            await asyncio.sleep(0.1)
        print(f"queued seq={seq} type={kind} at {at()}")
        outbox.put_nowait((seq, kind))
    outbox.put_nowait(None)
    await delivery
    print("all events delivered at", at())


asyncio.run(main())

# Output:
# queued seq=1 type=start at 0s
# send seq=1 attempt=1 -> ok at 0s
# queued seq=2 type=output at 100ms
# send seq=2 attempt=1 -> failed at 100ms, retry in 200ms
# queued seq=3 type=finish at 200ms
# send seq=2 attempt=2 -> failed at 300ms, retry in 400ms
# send seq=2 attempt=3 -> failed at 700ms, retry in 600ms
# send seq=2 attempt=4 -> ok at 1.3s
# send seq=3 attempt=1 -> ok at 1.3s
# all events delivered at 1.3s
