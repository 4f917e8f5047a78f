# Google Search 1.0 to 3.0 in asyncio: the same fake searches, awaited one
# after the other, then concurrently with asyncio.as_completed (results in
# the order they arrive), then under one asyncio.timeout, then each sent to
# two replicas, keeping the first answer.
import asyncio
import time


def fake_search(kind, seconds):
    async def search(query):
        await asyncio.sleep(seconds)
        return f'{kind} result for "{query}"'

    return search


web1 = fake_search("web1", 0.1)
image1 = fake_search("image1", 0.3)
video1 = fake_search("video1", 0.6)
web2 = fake_search("web2", 0.5)
image2 = fake_search("image2", 0.7)
video2 = fake_search("video2", 0.2)


async def google10(query):
    return [await web1(query), await image1(query), await video1(query)]


async def google20(query):
    return [await result for result in
            asyncio.as_completed([web1(query), image1(query), video1(query)])]


async def google21(query):
    results = []
    try:
        async with asyncio.timeout(0.4):
            for result in asyncio.as_completed([web1(query), image1(query), video1(query)]):
                results.append(await result)
    except TimeoutError:
        print("  timed out")
    return results


async def first(query, *replicas):
    tasks = [asyncio.create_task(replica(query)) for replica in replicas]
    done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    for task in pending:
        task.cancel()  # the losers are cancelled, not left to run
    return done.pop().result()


async def google30(query):
    results = []
    try:
        async with asyncio.timeout(0.4):
            for result in asyncio.as_completed([first(query, web1, web2),
                                                first(query, image1, image2),
                                                first(query, video1, video2)]):
                results.append(await result)
    except TimeoutError:
        print("  timed out")
    return results


async def show(version, google):
    print(version)
    start = time.monotonic()
    results = await google("golang")
    ms = round((time.monotonic() - start) * 10) * 100  # to 100ms, as Go rounds
    for result in results:
        print(" ", result)
    print(" ", len(results), "results in", f"{ms}ms" if ms < 1000 else f"{ms / 1000:g}s")


async def main():
    await show("Search 1.0", google10)
    await show("Search 2.0", google20)
    await show("Search 2.1", google21)
    await show("Search 3.0", google30)


asyncio.run(main())

# Output:
# Search 1.0
#   web1 result for "golang"
#   image1 result for "golang"
#   video1 result for "golang"
#   3 results in 1s
# Search 2.0
#   web1 result for "golang"
#   image1 result for "golang"
#   video1 result for "golang"
#   3 results in 600ms
# Search 2.1
#   timed out
#   web1 result for "golang"
#   image1 result for "golang"
#   2 results in 400ms
# Search 3.0
#   web1 result for "golang"
#   video2 result for "golang"
#   image1 result for "golang"
#   3 results in 300ms
