# First in asyncio. first_leaky is Pike's First with chapter 2's stand-in
# for an unbuffered channel (a queue of one slot plus join()): the losers
# wait forever. first_wait is asyncio.wait(FIRST_COMPLETED), which leaves
# the losers to finish; first_cancel also cancels them. asyncio.all_tasks()
# counts what is left.
import asyncio

running = set()  # a reference to every task until it is done


def go(coro):
    task = asyncio.create_task(coro)
    running.add(task)
    task.add_done_callback(running.discard)
    return task


def fake_search(kind, seconds):
    async def search(query):
        await asyncio.sleep(seconds)
        return f"{kind} result"

    return search


async def first_leaky(query, *replicas):
    c = asyncio.Queue(maxsize=1)

    async def search_replica(replica):
        await c.put(await replica(query))
        await c.join()  # an unbuffered send: wait until the value is taken

    for replica in replicas:
        go(search_replica(replica))
    result = await c.get()
    c.task_done()
    return result


async def first_wait(query, *replicas):
    tasks = [go(replica(query)) for replica in replicas]  # the losers run on
    done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    return done.pop().result()


async def first_cancel(query, *replicas):
    tasks = [asyncio.create_task(replica(query)) for replica in replicas]
    done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    for task in pending:
        task.cancel()  # the losers stop at their next await
    return done.pop().result()


async def measure(name, first):
    """Calls first and counts the replicas still running soon after it
    returns, and once each replica has had time to finish."""
    before = len(asyncio.all_tasks())
    result = await first()
    await asyncio.sleep(0.1)
    soon = len(asyncio.all_tasks()) - before
    await asyncio.sleep(0.5)  # every replica is done by now
    later = len(asyncio.all_tasks()) - before
    print(f"{name}: {result}; replicas left 100ms later: {soon}, 600ms later: {later}")


async def main():
    replicas = [fake_search("replica 1", 0.1),
                fake_search("replica 2", 0.3),
                fake_search("replica 3", 0.5)]
    await measure("leaky", lambda: first_leaky("golang", *replicas))
    await measure("wait", lambda: first_wait("golang", *replicas))
    await measure("cancel", lambda: first_cancel("golang", *replicas))


asyncio.run(main())

# Output:
# leaky: replica 1 result; replicas left 100ms later: 2, 600ms later: 2
# wait: replica 1 result; replicas left 100ms later: 2, 600ms later: 0
# cancel: replica 1 result; replicas left 100ms later: 0, 600ms later: 0
