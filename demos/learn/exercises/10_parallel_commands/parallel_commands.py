# Exercise 10.2, run commands in parallel (docs/learn/exercises.md): four
# child processes at once, three of them taking 0.3 s; report each one's
# output or failure in the order given, and check that together they took
# about as long as one.
import asyncio
import time


async def run(args):
    try:
        process = await asyncio.create_subprocess_exec(
            *args, stdout=asyncio.subprocess.PIPE)
    except OSError as err:  # not started at all
        return str(err)
    out, _ = await process.communicate()
    text = out.decode().removesuffix("\n")
    if process.returncode != 0:
        return f"{text} (exit status {process.returncode})"
    return text


async def main():
    commands = [
        ["sh", "-c", "sleep 0.3; echo one"],
        ["sh", "-c", "sleep 0.3; echo two; exit 3"],
        ["sh", "-c", "sleep 0.3; echo three"],
        ["no-such-command"],
    ]
    start = time.monotonic()
    reports = await asyncio.gather(*(run(args) for args in commands))
    for i, r in enumerate(reports, 1):
        print(f"{i}: {r}")
    print("three sleeps of 0.3s took under 0.6s:", time.monotonic() - start < 0.6)


asyncio.run(main())

# Output:
# 1: one
# 2: two (exit status 3)
# 3: three
# 4: [Errno 2] No such file or directory: 'no-such-command'
# three sleeps of 0.3s took under 0.6s: True
