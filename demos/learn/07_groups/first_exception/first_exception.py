# asyncio.wait(tasks, return_when=FIRST_EXCEPTION) returns (done, pending)
# as soon as one task fails (or all are done). It cancels nothing: the
# pending tasks are the caller's to cancel, and to await.
import asyncio


async def job(name, seconds, fail=False):
    await asyncio.sleep(seconds)
    if fail:
        raise RuntimeError(name + " failed")
    return name


async def main():
    def start(name, seconds, fail=False):
        return asyncio.create_task(job(name, seconds, fail), name=name)

    tasks = [start("a", 0.1), start("b", 0.2, fail=True), start("c", 0.5)]
    done, pending = await asyncio.wait(
        tasks, return_when=asyncio.FIRST_EXCEPTION)
    print("done:", sorted(t.get_name() for t in done))
    print("pending:", sorted(t.get_name() for t in pending))
    for t in sorted(done, key=lambda t: t.get_name()):
        outcome = repr(t.exception()) if t.exception() else t.result()
        print(t.get_name(), "->", outcome)
    for t in pending:
        t.cancel()
    await asyncio.gather(*pending, return_exceptions=True)  # let them finish
    print("pending cancelled:", all(t.cancelled() for t in pending))


asyncio.run(main())

# Output:
# done: ['a', 'b']
# pending: ['c']
# a -> a
# b -> RuntimeError('b failed')
# pending cancelled: True
