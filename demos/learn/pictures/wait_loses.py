# The asyncio half of chapter 3's picture (docs/learn/img/wait-loses-an-item.svg):
# the pitfall of demos/learn/04_select_loops/one_case/one_case.py, traced. Its queues trace
# where a get() task starts running and where it takes an item, main traces
# where it runs and where it waits; the event loop runs one thing at a time,
# so the trace's order is the order in which things ran (the format is
# docs/learn/draw_timeline.py's). Nothing here waits on the clock, so every
# run prints the same trace, but for one choice: `done` is a set, and the
# example's done.pop() takes either task. The picture handles the task that
# got a's item, so that it is the same every time.
import asyncio


def trace(*fields):
    print("trace", *fields)


class Queue(asyncio.Queue):
    """An asyncio.Queue whose get() traces, for the lane `lane` of the task
    that runs it, when it starts and when it takes an item."""

    def __init__(self, name, lane):
        super().__init__()
        self.name, self.lane = name, lane

    async def get(self):
        trace(0, self.lane, "run")
        item = await super().get()
        trace(0, self.name, "arrow", self.lane, item)
        trace(0, self.name, "slots", 1)
        trace(0, self.lane, "end", f"done, holds {item}")
        return item


async def main():
    trace("panel", "asyncio.wait(FIRST_COMPLETED) reports every task that completed")
    for lane, label in (("qa", "queue a"), ("ta", "task a.get()"), ("main", "main"),
                        ("tb", "task b.get()"), ("qb", "queue b")):
        trace("lane", lane, label)
    trace(0, "main", "run")
    a, b = Queue("qa", "ta"), Queue("qb", "tb")

    # The pitfall: handle one completed task, cancel the others.
    a.put_nowait("x")
    trace(0, "qa", "slots", 1, "x")
    b.put_nowait("y")
    trace(0, "qb", "slots", 1, "y")
    get_a = asyncio.create_task(a.get())
    trace(0, "main", "go", "ta", "create_task")
    get_b = asyncio.create_task(b.get())
    trace(0, "main", "go", "tb", "create_task")
    gets = {get_a, get_b}
    trace(0, "main", "wait", "await asyncio.wait(FIRST_COMPLETED)")
    done, pending = await asyncio.wait(
        gets, return_when=asyncio.FIRST_COMPLETED)
    trace(0, "main", "run", f"done: {len(done)}, pending: {len(pending)}")
    print(f"done: {len(done)}, pending: {len(pending)}")
    task = get_a if get_a in done else done.pop()  # the example: done.pop()
    done.discard(task)
    handled = [task.result()]
    trace(0, "ta" if task is get_a else "tb", "arrow", "main", handled[0])
    trace(0, "main", "ok", f"handles {handled[0]}")
    for task in pending:
        task.cancel()  # a get() still waiting gives up without taking an item
    for task in done:
        trace(0, "ta" if task is get_a else "tb", "lost", f"{task.result()}: never read")
    print(f"handled {len(handled)}, still queued {a.qsize() + b.qsize()}, "
          f"lost {2 - len(handled) - a.qsize() - b.qsize()}")
    trace(0, "main", "end")


trace("title", "A select takes one value; asyncio.wait reports every get() that took one")
trace("axis", "steps")
trace("legend", "run", "runs")
trace("legend", "wait", "waits")
trace("legend", "queued", "created, not running yet")
trace("legend", "ok", "value handled")
trace("legend", "lost", "value taken and never read: lost")
trace("legend", "slots", "a queued value")
asyncio.run(main())
