# Exercise 1.2, a spinner (docs/learn/exercises.md): a task reports progress
# every 200 ms while main does a slow job; when main returns, asyncio.run
# cancels the spinner, with no code of ours to stop it.
import asyncio
import time


async def spinner(start):
    while True:
        await asyncio.sleep(0.2)
        print(f"still working at {time.monotonic() - start:.1f}s")


async def main():
    start = time.monotonic()
    spin = asyncio.create_task(spinner(start))  # keep a reference to the task
    await asyncio.sleep(0.7)  # the slow job; the spinner runs meanwhile
    print(f"result ready at {round((time.monotonic() - start) * 10) * 100}ms")
    # Returning: asyncio.run cancels `spin` at its sleep.


asyncio.run(main())

# Output:
# still working at 0.2s
# still working at 0.4s
# still working at 0.6s
# result ready at 700ms
