# The asyncio half of chapter 5's picture (docs/learn/img/where-cancellation-lands.svg):
# main cancels three tasks at 200 ms, and CancelledError is raised in each at
# the await where it is suspended. Sleeps stand for awaited work (a request,
# a step). The loop runs on a virtual clock (VirtualClockLoop, below) as the
# C++ half runs on gofer's, so the trace is the same in every run (the format
# is docs/learn/draw_timeline.py's).
import asyncio
import selectors


class VirtualClockLoop(asyncio.SelectorEventLoop):
    """An event loop whose clock jumps to the next timer when nothing is
    ready, instead of sleeping until then: asyncio.sleep(0.15) takes no real
    time, and every run sees the same times."""

    class Selector(selectors.DefaultSelector):
        def select(self, timeout=None):
            events = super().select(0)
            if not events and timeout:
                self.loop.now += timeout  # nothing to do before the next timer
            return events

    def __init__(self):
        selector = self.Selector()
        super().__init__(selector)
        selector.loop = self
        self.now = 0.0

    def time(self):
        return self.now


def trace(*fields):
    print("trace", *fields)


def at(lane, verb, *text):
    ms = round(asyncio.get_running_loop().time() * 1000) - START_MS
    trace(ms, lane, verb, *text)


async def awaits():
    try:
        at("t1", "wait", "await sleep(3600)")
        await asyncio.sleep(3600)
    except asyncio.CancelledError:
        at("t1", "notice", "raised at that await")
        at("t1", "end")
        raise


async def steps():
    step = 1
    try:
        while True:
            at("t2", "run", f"step {step}")
            await asyncio.sleep(0.15)
            step += 1
    except asyncio.CancelledError:
        at("t2", "notice", "raised inside the step")
        at("t2", "end")
        raise


async def cleans_up():
    try:
        try:
            at("t3", "wait", "await sleep(3600)")
            await asyncio.sleep(3600)
        except asyncio.CancelledError:
            at("t3", "notice")
            raise
    finally:
        at("t3", "cleanup", "finally: 100 ms")
        await asyncio.sleep(0.1)  # cleanup that awaits
        at("t3", "end")


async def main():
    global START_MS
    START_MS = round(asyncio.get_running_loop().time() * 1000)
    trace("panel", "asyncio: task.cancel() raises CancelledError at the task's await")
    trace("lane", "main", "main")
    trace("lane", "t1", "awaits")
    trace("lane", "t2", "awaits in steps")
    trace("lane", "t3", "cleans up")
    tasks = [asyncio.create_task(work()) for work in (awaits, steps, cleans_up)]
    at("main", "wait", "sleep(0.2)")
    await asyncio.sleep(0.2)
    at("main", "cancel", "task.cancel() for each")
    for task in tasks:
        task.cancel()
    at("main", "wait", "gather(*tasks)")
    await asyncio.gather(*tasks, return_exceptions=True)
    at("main", "end")


with asyncio.Runner(loop_factory=VirtualClockLoop) as runner:
    runner.run(main())
