#!/usr/bin/env python3
"""asyncio twins of chan_bench's and context_bench's workloads, under the same
names, so that bench/compare can set Python's asyncio beside gofer, Boost.Fiber
and Go. Standard library only.

    python3 bench/python/bench.py NAME [--min-time SECONDS]
    python3 bench/python/bench.py --list

Prints one line, "NAME VALUE UNIT" (for Ticker: the same columns as
bench/ticker_accuracy and bench/go/ticker.go). Like `go test -bench`, a
workload runs with n = 1, then with larger n until one run takes at least
--min-time, and reports the last run's time per op.

asyncio has no channels, no select and one thread. The nearest things, used
here and named in docs/performance.md:

- a buffered channel of capacity c is asyncio.Queue(maxsize=c) (close is a
  sentinel value, as Go's benchmarks send a 0);
- an unbuffered channel is Handoff below: put() returns only once a get() has
  taken the value, as a Go send on an unbuffered channel does. asyncio.Queue
  cannot do this: Queue(0) is unbounded;
- select over receives is asyncio.wait(FIRST_COMPLETED) over one pending
  get() task per channel, kept across selects so that no value is lost;
- a goroutine is a Task; closing a channel to wake every waiter is an Event;
  a sync.WaitGroup is WaitGroup below, a counter and an Event.
"""
import argparse
import asyncio
import sys
import time


class Handoff:
    """An unbuffered channel: a Queue of one slot plus an acknowledgement, so
    that put() returns only after a get() has taken the value."""

    def __init__(self):
        self._slot = asyncio.Queue(maxsize=1)

    async def put(self, value):
        taken = asyncio.get_running_loop().create_future()
        await self._slot.put((value, taken))
        await taken

    async def get(self):
        value, taken = await self._slot.get()
        taken.set_result(None)
        return value


def channel(capacity):
    """Go's make(chan T, capacity) in asyncio terms."""
    return Handoff() if capacity == 0 else asyncio.Queue(maxsize=capacity)


# Each workload is an async function of n (the number of ops) that returns
# the seconds those n ops took, so that setup stays outside the timing.


async def chan_sync(n):
    """Go: BenchmarkChanSync. A value goes back and forth over ONE unbuffered
    channel; one op is one message."""
    ch = Handoff()

    async def partner():
        while True:
            value = await ch.get()
            if value is None:
                return
            await ch.put(value)

    task = asyncio.create_task(partner())
    start = time.perf_counter()
    for _ in range(n // 2):
        await ch.put(1)
        await ch.get()
    elapsed = time.perf_counter() - start
    await ch.put(None)
    await task
    return elapsed * n / max(2 * (n // 2), 1)


async def ping_pong(n):
    """Ping-pong over two unbuffered channels; one op is one round trip."""
    ping, pong = Handoff(), Handoff()

    async def partner():
        while (value := await ping.get()) is not None:
            await pong.put(value)

    task = asyncio.create_task(partner())
    start = time.perf_counter()
    for _ in range(n):
        await ping.put(1)
        await pong.get()
    elapsed = time.perf_counter() - start
    await ping.put(None)
    await task
    return elapsed


def prod_cons(capacity):
    """Go: benchmarkChanProdCons with one producer/consumer pair (asyncio has
    one thread, as Go with GOMAXPROCS=1, which runs one pair); the producer
    sends n ones and a 0. One op is one message; the drain is timed, as in
    Go."""

    async def workload(n):
        ch = channel(capacity)

        async def consumer():
            received = 0
            while await ch.get() != 0:
                received += 1
            return received

        start = time.perf_counter()
        task = asyncio.create_task(consumer())
        for _ in range(n):
            await ch.put(1)
        await ch.put(0)
        received = await task
        elapsed = time.perf_counter() - start
        assert received == n, (received, n)
        return elapsed

    return workload


async def prod_cons_1024(n):
    """chan_bench's ChanProdCons1024: one pair over Queue(1024); the
    consumer's final drain is not timed, as in chan_bench and its Go twin."""
    ch = asyncio.Queue(maxsize=1024)
    done = asyncio.get_running_loop().create_future()

    async def consumer():
        received = 0
        while await ch.get() != 0:
            received += 1
        done.set_result(received)

    task = asyncio.create_task(consumer())
    start = time.perf_counter()
    for _ in range(n):
        await ch.put(1)
    elapsed = time.perf_counter() - start
    await ch.put(0)
    await task
    assert done.result() == n
    return elapsed


def select2(capacity):
    """chan_bench's Select2/cap:C: a producer sends round-robin on two
    channels; the measured loop selects a receive over both, as
    asyncio.wait(FIRST_COMPLETED) over one pending get() per channel. One op
    is one select."""

    async def workload(n):
        chans = [channel(capacity), channel(capacity)]
        stop = False

        async def producer():
            i = 0
            while not stop:
                await chans[i % 2].put(1)
                i += 1
            for ch in chans:
                await ch.put(None)  # "close"

        task = asyncio.create_task(producer())
        pending = {asyncio.create_task(ch.get()): index for index, ch in enumerate(chans)}
        start = time.perf_counter()
        for _ in range(n):
            done, _ = await asyncio.wait(pending.keys(), return_when=asyncio.FIRST_COMPLETED)
            for finished in done:  # re-arm the get that completed
                index = pending.pop(finished)
                pending[asyncio.create_task(chans[index].get())] = index
        elapsed = time.perf_counter() - start
        stop = True
        # Drain until both channels have delivered their close.
        closed = 0
        while closed < 2:
            done, _ = await asyncio.wait(pending.keys(), return_when=asyncio.FIRST_COMPLETED)
            for finished in done:
                index = pending.pop(finished)
                if finished.result() is None:
                    closed += 1
                else:
                    pending[asyncio.create_task(chans[index].get())] = index
        await task
        return elapsed

    return workload


async def chan_nonblocking(n):
    """Go: BenchmarkChanNonblocking. A receive that must not block, on a
    channel nobody sends on: Queue.get_nowait() raising QueueEmpty."""
    ch = asyncio.Queue()
    start = time.perf_counter()
    for _ in range(n):
        try:
            ch.get_nowait()
        except asyncio.QueueEmpty:
            pass
    return time.perf_counter() - start


async def chan_creation(n):
    """Go: BenchmarkChanCreation. make(chan int, 1), one send, one receive."""
    start = time.perf_counter()
    for _ in range(n):
        ch = asyncio.Queue(maxsize=1)
        ch.put_nowait(0)
        ch.get_nowait()
    return time.perf_counter() - start


SPAWN_COUNT = 100_000


async def spawn_join_100k(n):
    """chan_bench's SpawnJoin100k: start tasks in batches of 100k, all alive
    at once; the last of a batch to finish wakes main. One op is one task."""
    loop = asyncio.get_running_loop()

    async def batch(size):
        done = loop.create_future()
        left = size

        async def worker():
            nonlocal left
            left -= 1
            if left == 0:
                done.set_result(None)

        for _ in range(size):
            loop.create_task(worker())
        await done

    await batch(SPAWN_COUNT)  # untimed warm-up, as in chan_bench
    start = time.perf_counter()
    for begin in range(0, n, SPAWN_COUNT):
        await batch(min(SPAWN_COUNT, n - begin))
    return time.perf_counter() - start


class WaitGroup:
    """Go's sync.WaitGroup for tasks: a counter and an Event set when it
    reaches zero."""

    def __init__(self):
        self._count = 0
        self._zero = asyncio.Event()
        self._zero.set()

    def add(self, delta):
        self._count += delta
        if self._count == 0:
            self._zero.set()
        else:
            self._zero.clear()

    def done(self):
        self.add(-1)

    async def wait(self):
        await self._zero.wait()


async def spawn_join_wait_group_100k(n):
    """chan_bench's SpawnJoinWaitGroup/100k: wg.add(1) before each task, which
    calls wg.done(); main awaits wg.wait(). Batches of 100k; one op is one
    task."""
    loop = asyncio.get_running_loop()
    wg = WaitGroup()

    async def worker():
        wg.done()

    async def batch(size):
        for _ in range(size):
            wg.add(1)
            loop.create_task(worker())
        await wg.wait()

    await batch(SPAWN_COUNT)  # untimed warm-up, as in chan_bench
    start = time.perf_counter()
    for begin in range(0, n, SPAWN_COUNT):
        await batch(min(SPAWN_COUNT, n - begin))
    return time.perf_counter() - start


def chain(depth):
    """chan_bench's Chain/depth:D: D tasks in a line joined by unbuffered
    request and reply channels (Handoff); main sends a request into the head,
    each stage forwards it and forwards the reply back, the last answers. One
    op is one hop: a request and its reply make 2 x D hops."""

    async def workload(n):
        requests = [Handoff() for _ in range(depth)]
        replies = [Handoff() for _ in range(depth)]

        async def stage(request, reply, next_request, next_reply):
            while (value := await request.get()) is not None:
                await next_request.put(value)
                await reply.put(await next_reply.get())
            await next_request.put(None)  # "close"

        async def last(request, reply):
            while (value := await request.get()) is not None:
                await reply.put(value + 1)

        tasks = [asyncio.create_task(stage(requests[i], replies[i], requests[i + 1],
                                           replies[i + 1])) for i in range(depth - 1)]
        tasks.append(asyncio.create_task(last(requests[-1], replies[-1])))
        hops = 2 * depth
        rounds = (n + hops - 1) // hops  # as chan_bench's KeepRunningBatch(hops)
        value = 0
        start = time.perf_counter()
        for _ in range(rounds):
            await requests[0].put(value)
            value = await replies[0].get()
        elapsed = time.perf_counter() - start
        await requests[0].put(None)
        await asyncio.gather(*tasks)
        assert value == rounds, (value, rounds)
        return elapsed * n / (rounds * hops)

    return workload


SKYNET_LEAVES = 1_000_000


async def skynet_node(parent, num, size):
    if size == 1:
        await parent.put(num)
        return
    # An unbounded Queue, not a Handoff: the parent is always waiting for its
    # children anyway, and a Handoff per node made the tree 3x slower
    # (about 60 s), too slow to repeat.
    children = asyncio.Queue()
    child_size = size // 10
    for i in range(10):
        asyncio.create_task(skynet_node(children, num + i * child_size, child_size))
    total = 0
    for _ in range(10):
        total += await children.get()
    await parent.put(total)


async def skynet(n):
    """Skynet: 1,111,111 tasks in a 10-ary tree, each sending its sum to its
    parent over a Queue. One op is one tree."""
    start = time.perf_counter()
    for _ in range(n):
        root = asyncio.Queue()
        asyncio.create_task(skynet_node(root, 0, SKYNET_LEAVES))
        assert await root.get() == SKYNET_LEAVES * (SKYNET_LEAVES - 1) // 2
    return time.perf_counter() - start


BLOCKED_COUNT = 100_000


async def mem_blocked_100k(n):
    """100k tasks blocked at once on one Event (Go: on one channel's receive,
    released by close). bench/compare reads the peak RSS."""
    start = time.perf_counter()
    for _ in range(n):
        release = asyncio.Event()
        tasks = [asyncio.create_task(release.wait()) for _ in range(BLOCKED_COUNT)]
        await asyncio.sleep(0)  # every task reaches its wait
        release.set()
        await asyncio.gather(*tasks)
    return time.perf_counter() - start


async def idle(n):
    """The baseline for MemBlocked100k's peak RSS: an event loop, no work."""
    return 0.0


FANOUT_TASKS = 10_000


async def cancel_fanout_10k(n):
    """context_bench's CancelFanout10k: 10k tasks wait on one Event (asyncio
    has no context; Event.set() is the broadcast a cancel is). Time from
    set() until all 10k have observed it. One op is one fan-out."""
    loop = asyncio.get_running_loop()
    total = 0.0
    for _ in range(n):
        cancelled = asyncio.Event()
        all_observed = loop.create_future()
        left = FANOUT_TASKS

        async def watcher():
            nonlocal left
            await cancelled.wait()
            left -= 1
            if left == 0:
                all_observed.set_result(None)

        tasks = [loop.create_task(watcher()) for _ in range(FANOUT_TASKS)]
        await asyncio.sleep(0)  # let every task reach its wait
        start = time.perf_counter()
        cancelled.set()
        await all_observed
        total += time.perf_counter() - start
        await asyncio.gather(*tasks)
    return total


GROUP_TASKS = 100_000


async def errgroup_100k(n):
    """context_bench's Errgroup100k: an asyncio.TaskGroup runs 100k trivial
    tasks and waits. One op is one group."""
    calls = 0

    async def task():
        nonlocal calls
        calls += 1

    start = time.perf_counter()
    for _ in range(n):
        async with asyncio.TaskGroup() as group:
            for _ in range(GROUP_TASKS):
                group.create_task(task())
    return time.perf_counter() - start


async def tcp_echo_round_trip(n):
    """io_bench's TcpEchoRoundTrip: a 64-byte message to an echo handler and
    back over one loopback connection (asyncio streams)."""
    async def echo(reader, writer):
        while data := await reader.read(4096):
            writer.write(data)
            await writer.drain()
        writer.close()

    server = await asyncio.start_server(echo, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    message = b"x" * 64
    start = time.perf_counter()
    for _ in range(n):
        writer.write(message)
        await reader.readexactly(64)
    elapsed = time.perf_counter() - start
    writer.close()
    await writer.wait_closed()
    server.close()
    await server.wait_closed()
    return elapsed


async def spawn_wait_true(n):
    """io_bench's SpawnWaitTrue: start /bin/true and wait for it."""
    start = time.perf_counter()
    for _ in range(n):
        process = await asyncio.create_subprocess_exec("/bin/true")
        await process.wait()
    return time.perf_counter() - start


WORKLOADS = {
    "ChanSync": chan_sync,
    "PingPong": ping_pong,
    "ChanProdCons0": prod_cons(0),
    "ChanProdCons10": prod_cons(10),
    "ChanProdCons100": prod_cons(100),
    "ChanProdCons1024": prod_cons_1024,
    "Select2/cap:0": select2(0),
    "Select2/cap:128": select2(128),
    "ChanNonblocking": chan_nonblocking,
    "ChanCreation": chan_creation,
    "SpawnJoin100k": spawn_join_100k,
    "SpawnJoinWaitGroup/100k": spawn_join_wait_group_100k,
    "Chain/depth:10": chain(10),
    "Skynet": skynet,
    "TcpEchoRoundTrip": tcp_echo_round_trip,
    "SpawnWaitTrue": spawn_wait_true,
    "MemBlocked100k": mem_blocked_100k,
    "Idle": idle,
    "CancelFanout10k": cancel_fanout_10k,
    "Errgroup100k": errgroup_100k,
}

# Workloads whose op is so large that one run is the measurement.
ONCE = {"Skynet", "MemBlocked100k", "Idle", "Errgroup100k"}
# Where to start n: SpawnJoin100k's warm-up batch makes small n expensive.
FIRST_N = {"SpawnJoin100k": SPAWN_COUNT, "SpawnJoinWaitGroup/100k": SPAWN_COUNT}


def measure(name, min_time):
    workload = WORKLOADS[name]
    n = FIRST_N.get(name, 1)
    while True:
        elapsed = asyncio.run(workload(n))
        if name in ONCE or elapsed >= min_time or n >= 1_000_000_000:
            return elapsed * 1e9 / n
        # Grow as `go test` does: aim past min_time, at most 100x per step.
        guess = n * min_time * 1.2 / max(elapsed, 1e-9)
        n = int(min(max(guess, n + 1), n * 100))


# --- Ticker: the twin of bench/ticker_accuracy.cpp and bench/go/ticker.go ---

PERIOD = 0.010


def report(name, drift, skipped, lateness):
    lateness = sorted(lateness)

    def pick(q):
        return lateness[int(q * (len(lateness) - 1))] * 1e6

    print(f"{name:<14} {drift * 1e6:12.0f} {skipped:8d} {pick(0.5):11.0f} {pick(0.99):10.0f} "
          f"{pick(1):10.0f}")


async def ticker_accuracy(ticks):
    """A 10 ms ticker for `ticks` receives, then `ticks` sleeps of 10 ms.
    asyncio has no ticker: a task sleeps to each absolute due time and offers
    the due time on a Queue(1), dropping it when the receiver has not taken
    the last one, as Go's ticker drops ticks."""
    loop = asyncio.get_running_loop()
    c = asyncio.Queue(maxsize=1)
    start = loop.time()

    async def tick():
        k = 1
        while True:
            await asyncio.sleep(start + k * PERIOD - loop.time())
            try:
                c.put_nowait(start + k * PERIOD)
            except asyncio.QueueFull:
                pass
            k += 1

    ticker = asyncio.create_task(tick())
    lateness, last, k = [], 0.0, 0
    for _ in range(ticks):
        due = await c.get()
        last = loop.time()
        k = round((due - start) / PERIOD)
        lateness.append(last - due)
    ticker.cancel()
    report("ticker", last - (start + ticks * PERIOD), k - ticks, lateness)

    lateness = []
    start = previous = loop.time()
    for _ in range(ticks):
        await asyncio.sleep(PERIOD)
        now = loop.time()
        lateness.append(now - previous - PERIOD)
        previous = now
    report("sleep", previous - (start + ticks * PERIOD), 0, lateness)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("name", nargs="?")
    parser.add_argument("--min-time", type=float, default=0.5)
    parser.add_argument("--ticks", type=int, default=300, help="for Ticker")
    parser.add_argument("--list", action="store_true")
    args = parser.parse_args()
    if args.list or not args.name:
        print("\n".join([*WORKLOADS, "Ticker"]))
        return
    if args.name == "Ticker":
        print(f"{'asyncio':<14} {'drift us':>12} {'skipped':>8} {'late p50 us':>11} "
              f"{'p99 us':>10} {'max us':>10}")
        asyncio.run(ticker_accuracy(args.ticks))
        return
    if args.name not in WORKLOADS:
        sys.exit(f"unknown workload {args.name}; --list shows them")
    print(f"{args.name} {measure(args.name, args.min_time):.1f} ns/op")


if __name__ == "__main__":
    main()
