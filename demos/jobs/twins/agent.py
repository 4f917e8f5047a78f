#!/usr/bin/env python3
"""The job agent in Python asyncio: it runs one batch job and reports it to
a tracker, speaking the protocol of docs/design/jobs.md (the same as
gofer-agent and demos/jobs/twins/agent.go).

    python3 agent.py --tracker http://127.0.0.1:8080 --job-id build-42 \\
        [--heartbeat 5s] [--grace 5s] [--max-backoff 5s] \\
        [--deliver-timeout 0s] [--token-file PATH] -- command args...

It runs the command in a process group of its own, passes its stdout and
stderr through, and reports to the tracker: `start`, a `heartbeat` per
interval with the CPU % and RSS of the job's whole process tree (from
/proc), its `output` in batches, and `finish`. Each event gets its `seq`
when it is made and waits in an outbox until the tracker acknowledges it;
one task sends them, oldest first, and retries a failed send with capped
exponential backoff and full jitter. SIGINT or SIGTERM to the agent, or
`"cancel": true` in an answer of the tracker, cancels the job: SIGTERM to
its process group, --grace, then SIGKILL.

Unlike gofer-agent it has no --spool: the outbox lives in memory, so what
was not delivered when the agent dies is lost. Each send is logged on
stderr, one line per attempt, in the format that jobs.md describes and
docs/learn/plot_jobs_timeline.py draws.

Exit status: the job's own; 128 + the signal when a signal ended it; 127
when it could not start; 2 for bad flags; 75 (EX_TEMPFAIL) when
--deliver-timeout (or a signal after the job ended) stopped the delivery
with events not yet acknowledged. Python 3.11, standard library only.
"""
import argparse
import asyncio
import base64
import collections
import json
import os
import random
import re
import resource
import signal
import socket
import sys
import time
import urllib.parse
from asyncio.subprocess import PIPE

PROGRAM = "python-agent"  # how its log lines start
FLUSH_EVERY = 0.2  # seconds: output goes to the tracker in batches...
FLUSH_AT = 64 * 1024  # ...or sooner, once a stream has this many bytes
BASE_BACKOFF = 0.1  # seconds: the first retry waits up to this, then doubling
REQUEST_TIMEOUT = 10.0  # seconds for one request, the connect included
DRAIN_AFTER_EXIT = 1.0  # seconds to read what the job's descendants still write
EX_TEMPFAIL = 75
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")  # the unit of CPU times in /proc
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")  # the unit of RSS in /proc/PID/stat


def log(message):
    now = time.time()
    stamp = time.strftime("%H:%M:%S", time.localtime(now))
    millis = int(now * 1000) % 1000
    print(f"{PROGRAM}: {stamp}.{millis:03d} {message}", file=sys.stderr, flush=True)


def now_ms():
    return time.time_ns() // 1_000_000


# --- the tracker's HTTP API -------------------------------------------------


class Tracker:
    """POSTs an event to the tracker and returns (status, answer).

    Written on asyncio's streams with the standard library only: Debian's
    python3-aiohttp would do it in one call, but only Debian's own python3
    sees it, and the python3 on a developer's PATH is often another (pyenv,
    a virtualenv) that does not. A JSON POST over HTTP/1.1 is small enough to
    write here. One connection is kept alive between requests and opened
    again when the tracker has closed it."""

    def __init__(self, url, job_id, token=None):
        parts = urllib.parse.urlsplit(url)
        if parts.scheme != "http" or not parts.hostname:
            raise ValueError(f"--tracker {url!r}: want http://HOST[:PORT]")
        self.host, self.port, self.netloc = parts.hostname, parts.port or 80, parts.netloc
        self.prefix = f"{parts.path.rstrip('/')}/api/jobs/{job_id}/"
        self.token = token
        self.streams = None  # (reader, writer) of the kept-alive connection

    async def post(self, event):
        body = json.dumps(event).encode()
        head = (f"POST {self.prefix}{event['type']} HTTP/1.1\r\n"
                f"Host: {self.netloc}\r\n"
                "Content-Type: application/json\r\n"
                f"Content-Length: {len(body)}\r\n")
        if self.token:
            head += f"Authorization: Bearer {self.token}\r\n"
        request = head.encode() + b"\r\n" + body
        reused = self.streams is not None
        try:
            return await self.exchange(request)
        except (ConnectionResetError, BrokenPipeError, asyncio.IncompleteReadError):
            self.close()
            if not reused:
                raise
        except BaseException:
            self.close()
            raise
        # The tracker closed the kept-alive connection: once more on a new one.
        try:
            return await self.exchange(request)
        except BaseException:
            self.close()
            raise

    async def exchange(self, request):
        async with asyncio.timeout(REQUEST_TIMEOUT):
            if self.streams is None:
                self.streams = await asyncio.open_connection(self.host, self.port)
            reader, writer = self.streams
            writer.write(request)
            await writer.drain()
            status = int((await reader.readuntil(b"\r\n")).split()[1])
            headers = {}
            while (line := await reader.readuntil(b"\r\n")) != b"\r\n":
                name, _, value = line.decode("latin-1").partition(":")
                headers[name.strip().lower()] = value.strip().lower()
            if headers.get("transfer-encoding") == "chunked":
                body = b""
                while size := int((await reader.readuntil(b"\r\n")).split(b";")[0], 16):
                    body += (await reader.readexactly(size + 2))[:-2]
                while await reader.readuntil(b"\r\n") != b"\r\n":
                    pass  # trailers
            elif "content-length" in headers:
                body = await reader.readexactly(int(headers["content-length"]))
            else:
                body = await reader.read()  # the body ends with the connection
                headers["connection"] = "close"
            if headers.get("connection") == "close":
                self.close()
            return status, json.loads(body) if body.strip() else {}

    def close(self):
        if self.streams is not None:
            self.streams[1].close()
            self.streams = None


def describe(error):
    """A failed send, in the words of the send log."""
    if isinstance(error, ConnectionRefusedError):
        return "connection refused"
    if isinstance(error, TimeoutError):
        return "timeout"
    if isinstance(error, ConnectionResetError):
        return "connection reset"
    if isinstance(error, asyncio.IncompleteReadError):
        return "connection closed"
    if isinstance(error, (ValueError, IndexError, asyncio.LimitOverrunError)):
        return "bad answer"
    return (getattr(error, "strerror", None) or str(error) or type(error).__name__).lower()


# --- the outbox -------------------------------------------------------------


class Outbox:
    """The events not yet acknowledged, in seq order. add() makes an event
    and returns at once; deliver(), a task of its own, sends them oldest
    first, one request per event, so a tracker that comes back receives
    them in order."""

    def __init__(self, tracker, on_cancel, max_backoff):
        self.tracker = tracker
        self.on_cancel = on_cancel  # called when an answer says "cancel": true
        self.max_backoff = max_backoff
        self.events = collections.deque()
        self.seq = 0
        self.more = asyncio.Event()  # set by add(): deliver() has work
        self.empty = asyncio.Event()  # set while nothing waits

    def add(self, kind, **fields):
        self.seq += 1
        self.events.append({"seq": self.seq, "type": kind, "time_ms": now_ms(), **fields})
        log(f"queued seq={self.seq} type={kind}")
        self.empty.clear()
        self.more.set()

    async def deliver(self):
        attempt = 0
        while True:
            while not self.events:
                self.empty.set()
                self.more.clear()
                await self.more.wait()
            event = self.events[0]
            attempt += 1
            if await self.send(event, attempt):
                self.events.popleft()
                attempt = 0
            else:
                # Capped exponential backoff with full jitter: a random wait
                # up to the cap, so agents that failed together do not all
                # come back at the same instant.
                cap = min(self.max_backoff, BASE_BACKOFF * 2 ** (attempt - 1))
                await asyncio.sleep(random.uniform(0, cap))

    async def send(self, event, attempt):
        """One attempt; True once the event is done with (acknowledged, or
        refused for good), False to try again."""
        what = f"send seq={event['seq']} type={event['type']} attempt={attempt} ->"
        try:
            status, answer = await self.tracker.post(event)
        except Exception as error:  # whatever went wrong, the event waits to be sent again
            log(f"{what} {describe(error)}")
            return False
        if not isinstance(answer, dict):
            answer = {}
        if status == 200:
            cancel = answer.get("cancel") is True
            stored = "stored" if answer.get("stored", True) else "duplicate"
            log(f"{what} 200 {stored}{' cancel' if cancel else ''}")
            if cancel:
                self.on_cancel("tracker")
            return True
        if status in (408, 429) or status >= 500:
            log(f"{what} {status} retry")
            return False
        # Any other 4xx will never succeed: it is this agent's bug.
        log(f"{what} {status} dropped: {answer.get('error', '')}")
        return True


# --- the job's process tree, from /proc -------------------------------------


def sample_tree(root):
    """(CPU seconds, RSS bytes, processes) of the job's tree now: the
    processes in its process group and every descendant of root (one that
    moved to a group of its own included). The CPU of each counts its
    reaped children too (cutime, cstime), so the work of a child that has
    already ended is not lost from the sum."""
    parent, group, ticks, pages = {}, {}, {}, {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as stat:
                text = stat.read()
        except OSError:
            continue  # it ended meanwhile
        # The command name (field 2) may hold spaces and ')': cut after it.
        fields = text[text.rindex(b")") + 2:].split()
        pid = int(name)
        parent[pid], group[pid] = int(fields[1]), int(fields[2])  # fields 4, 5
        ticks[pid] = sum(int(f) for f in fields[11:15])  # utime stime cutime cstime
        pages[pid] = int(fields[21])  # field 24, rss
    tree = {pid for pid in group if group[pid] == root}
    tree.add(root)
    for pid in parent:
        chain, ancestor = [], pid
        while ancestor in parent and ancestor not in tree and ancestor > 1:
            chain.append(ancestor)
            ancestor = parent[ancestor]
        if ancestor in tree:
            tree.update(chain)
    tree = {pid for pid in tree if pid in ticks}
    cpu = sum(ticks[pid] for pid in tree) / CLOCK_TICKS
    return cpu, sum(pages[pid] for pid in tree) * PAGE_SIZE, len(tree)


async def heartbeats(pid, interval, outbox):
    """A heartbeat per interval, on a schedule that does not drift (the
    next one is due a whole interval after the last was due, however long
    the sampling took: see docs/learn/05-time.md)."""
    loop = asyncio.get_running_loop()
    cpu, sampled = sample_tree(pid)[0], loop.time()
    due = sampled + interval
    while True:
        await asyncio.sleep(due - loop.time())
        due += interval
        now_cpu, rss, processes = sample_tree(pid)
        now = loop.time()
        percent = max(0.0, (now_cpu - cpu) / (now - sampled) * 100)
        outbox.add("heartbeat", cpu_percent=round(percent, 1), rss_bytes=rss,
                   processes=processes)
        cpu, sampled = now_cpu, now


# --- the job's output -------------------------------------------------------


class Output:
    """The job's output, passed through as it comes and sent in batches: one
    output event per stream per flush (every FLUSH_EVERY, or once a stream
    holds FLUSH_AT bytes), so the order within a stream is kept."""

    def __init__(self, outbox):
        self.outbox = outbox
        self.pending = {"stdout": bytearray(), "stderr": bytearray()}

    async def pump(self, pipe, stream, through):
        while chunk := await pipe.read(FLUSH_AT):
            through.write(chunk)  # a blocking write, small enough to allow
            through.flush()
            self.pending[stream] += chunk
            if len(self.pending[stream]) >= FLUSH_AT:
                self.flush(stream)

    def flush(self, *streams):
        for stream in streams or self.pending:
            if data := self.pending[stream]:
                self.outbox.add("output", stream=stream,
                                data_b64=base64.b64encode(data).decode("ascii"))
                self.pending[stream] = bytearray()

    async def flush_every(self, period):
        while True:
            await asyncio.sleep(period)
            self.flush()


# --- the job ----------------------------------------------------------------


async def stop(job, exited, grace):
    """Cancels the job: SIGTERM to its process group, then SIGKILL if it has
    not ended within grace."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(job.pid, sig)
        except ProcessLookupError:
            return  # the whole group has ended already
        try:
            await asyncio.wait_for(asyncio.shield(exited), grace)
            return
        except TimeoutError:
            pass  # still running after the grace period: kill it


async def run_job(flags, outbox, cancel):
    """Runs the job to its end and returns the agent's exit status. cancel
    is a future that a signal or the tracker completes with who asked."""
    started, before = time.monotonic(), resource.getrusage(resource.RUSAGE_CHILDREN)
    start = {"command": flags.command, "heartbeat_ms": round(flags.heartbeat * 1000),
             "agent": "python", "host": socket.gethostname()}
    try:
        # start_new_session: the job leads a process group (and session) of
        # its own, so a signal to the group reaches everything it started.
        job = await asyncio.create_subprocess_exec(
            *flags.command, stdout=PIPE, stderr=PIPE, start_new_session=True)
    except OSError as error:
        outbox.add("start", pid=0, **start)
        outbox.add("finish", outcome="failed_to_start", exit_code=127, signal=None,
                   wall_ms=round((time.monotonic() - started) * 1000), user_cpu_ms=0,
                   system_cpu_ms=0, max_rss_bytes=0, error=str(error))
        print(f"{PROGRAM}: {error}", file=sys.stderr)
        return 127
    outbox.add("start", pid=job.pid, **start)
    log(f"job started pid={job.pid}")

    # The reporters run beside the job: create_task starts each one now.
    # (Awaiting them instead would run them one after the other, and the
    # heartbeats would never run while the job does: pitfall_await.py.)
    output = Output(outbox)
    pumps = [asyncio.create_task(output.pump(job.stdout, "stdout", sys.stdout.buffer)),
             asyncio.create_task(output.pump(job.stderr, "stderr", sys.stderr.buffer))]
    reporters = [asyncio.create_task(output.flush_every(FLUSH_EVERY)),
                 asyncio.create_task(heartbeats(job.pid, flags.heartbeat, outbox))]
    exited = asyncio.create_task(job.wait())

    # asyncio has no select: wait for the first of the two to complete.
    await asyncio.wait([exited, cancel], return_when=asyncio.FIRST_COMPLETED)
    cancelled_by = None
    if not exited.done():
        cancelled_by = cancel.result()
        log(f"cancelling the job (asked by {cancelled_by})")
        await stop(job, exited, flags.grace)
    returncode = await exited
    wall = time.monotonic() - started

    for task in reporters:
        task.cancel()
    # A descendant may hold the pipes open after the job has ended: read
    # what it writes for a moment, then stop.
    _, unfinished = await asyncio.wait(pumps, timeout=DRAIN_AFTER_EXIT)
    for task in unfinished:
        task.cancel()
    output.flush()

    # wait4's rusage for the job: the agent's other children are none, so
    # the growth of RUSAGE_CHILDREN is the job's (its own reaped children
    # included, as with wait4).
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    exit_code, killed_by = (returncode, None) if returncode >= 0 else (None, -returncode)
    if cancelled_by:
        outcome = "cancelled"
    elif killed_by:
        outcome = "killed"
    else:
        outcome = "succeeded" if exit_code == 0 else "failed"
    outbox.add("finish", outcome=outcome, exit_code=exit_code, signal=killed_by,
               wall_ms=round(wall * 1000),
               user_cpu_ms=round((after.ru_utime - before.ru_utime) * 1000),
               system_cpu_ms=round((after.ru_stime - before.ru_stime) * 1000),
               max_rss_bytes=after.ru_maxrss * 1024, error="")
    log(f"job ended {outcome} exit_code={exit_code} signal={killed_by}")
    return exit_code if killed_by is None else 128 + killed_by


# --- main -------------------------------------------------------------------


def duration(text):
    """Go's duration syntax (300ms, 5s, 1m30s) in seconds."""
    units = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "ms": 1e-3, "s": 1, "m": 60, "h": 3600}
    parts = re.findall(r"(\d+\.?\d*|\.\d+)(ns|us|µs|ms|s|m|h)", text)
    if text == "0":
        return 0.0
    if not parts or "".join(number + unit for number, unit in parts) != text:
        raise argparse.ArgumentTypeError(f"invalid duration {text!r} (e.g. 500ms, 5s)")
    return sum(float(number) * units[unit] for number, unit in parts)


def parse_flags(argv):
    parser = argparse.ArgumentParser(
        prog="agent.py", usage="%(prog)s --tracker URL --job-id ID [flags] -- command args...")
    parser.add_argument("--tracker", required=True, help="the tracker's URL, http://HOST:PORT")
    parser.add_argument("--job-id", required=True, help="1-128 of [A-Za-z0-9._-]")
    parser.add_argument("--heartbeat", type=duration, default=5.0, help="default 5s")
    parser.add_argument("--grace", type=duration, default=5.0,
                        help="from SIGTERM to SIGKILL when cancelling (default 5s)")
    parser.add_argument("--max-backoff", type=duration, default=5.0, help="default 5s")
    parser.add_argument("--deliver-timeout", type=duration, default=0.0,
                        help="how long to deliver after the job ended (default 0s: forever)")
    parser.add_argument("--token-file", help="a file holding the tracker's bearer token")
    split = argv.index("--") if "--" in argv else len(argv)
    flags = parser.parse_args(argv[:split])
    flags.command = argv[split + 1:]
    if not flags.command:
        parser.error("no command: give it after --")
    if not re.fullmatch(r"[A-Za-z0-9._-]{1,128}", flags.job_id):
        parser.error(f"--job-id {flags.job_id!r}: want 1-128 of [A-Za-z0-9._-]")
    if flags.heartbeat <= 0:
        parser.error("--heartbeat must be positive")
    token = None
    if flags.token_file:
        try:
            with open(flags.token_file, encoding="utf-8") as file:
                token = file.read().strip()
        except OSError as error:
            parser.error(f"--token-file: {error}")
    try:
        flags.tracker = Tracker(flags.tracker, flags.job_id, token)
    except ValueError as error:
        parser.error(str(error))
    return flags


async def main(flags):
    loop = asyncio.get_running_loop()
    cancel = loop.create_future()  # its result: who asked

    def request_cancel(who):
        if not cancel.done():
            cancel.set_result(who)

    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, request_cancel, sig.name)
    outbox = Outbox(flags.tracker, request_cancel, flags.max_backoff)
    delivery = asyncio.create_task(outbox.deliver())  # sends from now on

    status = await run_job(flags, outbox, cancel)

    # The job has ended; deliver what is left, unless --deliver-timeout or
    # another signal ends the wait.
    give_up = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, give_up.set)
    delivered = asyncio.create_task(outbox.empty.wait())
    waits = [delivered, asyncio.create_task(give_up.wait())]
    await asyncio.wait(waits, timeout=flags.deliver_timeout or None,
                       return_when=asyncio.FIRST_COMPLETED)
    all_delivered = delivered.done()
    for task in [*waits, delivery]:
        task.cancel()
    if not all_delivered:
        log(f"{len(outbox.events)} events not delivered; giving up")
        status = EX_TEMPFAIL
    flags.tracker.close()
    return status


if __name__ == "__main__":
    sys.exit(asyncio.run(main(parse_flags(sys.argv[1:]))))
