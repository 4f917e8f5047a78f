# Exercise 7.2, at most two at once, results in order
# (docs/learn/exercises.md): six downloads of different lengths, never more
# than two running; gather returns the results in the order asked, whatever
# the order the downloads end in. A Semaphore holds back the others.
import asyncio
import time


async def main():
    start = time.monotonic()

    def at():
        ms = round((time.monotonic() - start) * 10) * 100  # rounded to 100ms
        return f"{ms}ms" if ms else "0s"  # as Go prints a Duration

    slots = asyncio.Semaphore(2)  # at most 2 downloads at once

    async def download(i, seconds):
        async with slots:  # waits while 2 hold a slot
            print("download", i, "starts at", at())
            await asyncio.sleep(seconds)
            return f"page{i}"

    lengths = [0.3, 0.1, 0.2, 0.1, 0.2, 0.1]
    results = await asyncio.gather(*(download(i, s) for i, s in enumerate(lengths, 1)))
    print("all done at", at())
    print("results:", *results)


asyncio.run(main())

# Output:
# download 1 starts at 0s
# download 2 starts at 0s
# download 3 starts at 100ms
# download 4 starts at 300ms
# download 5 starts at 300ms
# download 6 starts at 400ms
# all done at 500ms
# results: page1 page2 page3 page4 page5 page6
