# Exercise 9.1, the prime sieve (docs/learn/exercises.md): a daisy chain of
# tasks. A generator puts 2, 3, 4, ...; each prime found adds a filter
# stage that drops that prime's multiples. After ten primes, every stage is
# cancelled, and gather waits until each has stopped.
import asyncio
import itertools


async def generate(out):
    for i in itertools.count(2):
        await out.put(i)


async def filter_multiples(inbox, out, prime):
    """Passes on the numbers from inbox that prime does not divide."""
    while True:
        i = await inbox.get()
        if i % prime != 0:
            await out.put(i)


async def main():
    queue = asyncio.Queue(maxsize=1)
    stages = [asyncio.create_task(generate(queue))]
    primes = []
    while len(primes) < 10:
        prime = await queue.get()  # the first number through every filter is a prime
        primes.append(prime)
        out = asyncio.Queue(maxsize=1)
        stages.append(asyncio.create_task(filter_multiples(queue, out, prime)))
        queue = out
    print("primes:", primes)
    for stage in stages:
        stage.cancel()
    await asyncio.gather(*stages, return_exceptions=True)
    print("every stage stopped:", len(stages), "tasks")


asyncio.run(main())

# Output:
# primes: [2, 3, 5, 7, 11, 13, 17, 19, 23, 29]
# every stage stopped: 11 tasks
