# Exercise 6.1, a deadline for the whole search (docs/learn/exercises.md):
# a search asks three backends at once; whatever they have by 500 ms is the
# answer, and the slow backend is cancelled. Each request gets the same
# deadline, as each Go request gets the same context.
import asyncio
import time

BACKENDS = [("web", 0.2), ("images", 0.4), ("video", 0.6)]


async def fetch(name, latency, query):
    await asyncio.sleep(latency)  # stands for a request
    return f'{name} result for "{query}"'


async def search(query):
    deadline = asyncio.get_running_loop().time() + 0.5

    async def ask(name, latency):
        try:
            async with asyncio.timeout_at(deadline):
                return await fetch(name, latency, query)
        except TimeoutError as err:
            return f"{name}: {err!r}"

    return await asyncio.gather(*(ask(name, latency) for name, latency in BACKENDS))


async def main():
    start = time.monotonic()
    for r in await search("gofer"):
        print(r)
    print(f"search took {round((time.monotonic() - start) * 10) * 100}ms")


asyncio.run(main())

# Output:
# web result for "gofer"
# images result for "gofer"
# video: TimeoutError()
# search took 500ms
