# A program's shutdown, asyncio's way: loop.add_signal_handler runs a
# callback in the event loop (not inside the signal handler) when a signal
# comes; here it puts the signal on a queue that main awaits. asyncio has
# no select, so a task does the work and main waits for the signal alone.
# The work sends the program SIGINT after three jobs, as Ctrl-C would.
import asyncio
import os
import signal


async def work():
    for n in range(1, 4):
        print(f"job {n} done")
        await asyncio.sleep(0)
    os.kill(os.getpid(), signal.SIGINT)  # as if someone pressed Ctrl-C


async def main():
    loop = asyncio.get_running_loop()
    signals = asyncio.Queue()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, signals.put_nowait, sig)

    worker = asyncio.create_task(work())
    sig = await signals.get()
    print(f"got signal {sig:d}: shutting down")
    worker.cancel()  # if it were still running
    for s in (signal.SIGINT, signal.SIGTERM):
        loop.remove_signal_handler(s)
    print("stopped cleanly")


asyncio.run(main())

# Output:
# job 1 done
# job 2 done
# job 3 done
# got signal 2: shutting down
# stopped cleanly
