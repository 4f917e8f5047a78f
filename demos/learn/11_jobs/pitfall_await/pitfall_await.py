# The job agent's lesson in asyncio: calling a coroutine function starts
# nothing, and `await` runs the coroutine to its end before the next line.
# So `await send_start(); await run_job()` runs them one after the other,
# and a reporter awaited after the job (or never) sends no heartbeat while
# the job runs. create_task starts each one as a task of its own, and they
# run while main waits in its own awaits.
import asyncio


async def send_start():
    await asyncio.sleep(0.05)  # the tracker's answer takes a while
    print("start sent")


async def heartbeats(done):
    """A heartbeat every 100 ms until done is set; returns how many."""
    n = 0
    while True:
        try:
            await asyncio.wait_for(done.wait(), timeout=0.1)
            return n
        except TimeoutError:
            n += 1
            print("heartbeat", n)


async def run_job(done):
    print("job running")
    await asyncio.sleep(0.25)
    print("job done")
    done.set()


async def main():
    print("-- one after the other")
    done = asyncio.Event()
    await send_start()  # runs to its end: the job waits for the tracker
    await run_job(done)  # runs to its end: nothing reports meanwhile
    print("heartbeats while the job ran:", await heartbeats(done))

    print("-- started beside the job")
    done = asyncio.Event()
    start = asyncio.create_task(send_start())  # scheduled, not yet running
    beats = asyncio.create_task(heartbeats(done))
    await run_job(done)  # prints first, then sleeps: now the tasks run
    await start
    print("heartbeats while the job ran:", await beats)


asyncio.run(main())

# Output:
# -- one after the other
# start sent
# job running
# job done
# heartbeats while the job ran: 0
# -- started beside the job
# job running
# start sent
# heartbeat 1
# heartbeat 2
# job done
# heartbeats while the job ran: 2
