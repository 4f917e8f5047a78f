#!/usr/bin/env python3
"""Runs a job agent (the Go or the asyncio twin of gofer-agent) against the
stand-in tracker (demos/jobs/twins/standin_tracker.py) in one scenario, and
checks what the tracker received against docs/design/jobs.md: start first,
seq 1..n each stored once and in order, finish last with the job's outcome,
and the agent's exit status.

Usage: jobs_twins.py --scenario NAME --agent-name go|python -- AGENT...
       jobs_twins.py --list

AGENT... is how to start the agent (`python3 demos/jobs/twins/agent.py`, or
the Go agent's binary); the script adds the flags and the job. Real
processes, real HTTP on 127.0.0.1, short jobs with 100 ms heartbeats; no
assertion on how fast anything is.
"""
import argparse
import base64
import json
import pathlib
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import urllib.request
import xml.etree.ElementTree as ElementTree

ROOT = pathlib.Path(__file__).resolve().parents[2]
STANDIN = ROOT / "demos/jobs/twins/standin_tracker.py"
PLOT = ROOT / "docs/learn/plot_jobs_timeline.py"
JOB_ID = "twin-job.1"
SEND = re.compile(r"^(\S+): \d\d:\d\d:\d\d\.\d{3} send seq=(\d+) type=(\w+) attempt=(\d+) -> (.*)$")


class Failure(Exception):
    pass


def check(condition, message):
    if not condition:
        raise Failure(message)


class Standin:
    """The stand-in tracker as a child process."""

    def __init__(self, *flags, port=0):
        self.process = subprocess.Popen(
            [sys.executable, str(STANDIN), "--port", str(port), *flags],
            stdout=subprocess.PIPE, text=True)
        self.url = self.process.stdout.readline().strip()
        check(self.url.startswith("http://"), "the stand-in tracker printed no URL")

    def job(self):
        try:
            with urllib.request.urlopen(f"{self.url}/api/jobs/{JOB_ID}", timeout=5) as answer:
                return json.load(answer)
        except urllib.error.HTTPError as error:
            if error.code == 404:
                return None
            raise

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)


def reserve_port():
    """A port nobody listens on, held bound (a connect is refused) until
    the returned socket is closed."""
    holder = socket.socket()
    holder.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    holder.bind(("127.0.0.1", 0))
    return holder, holder.getsockname()[1]


class Run:
    """One agent run: its exit status, stdout, stderr and send log.
    before_wait(run) runs while the agent does; run.wait_for_line(regex)
    waits there until the agent has logged a matching line."""

    def __init__(self, agent, url, job, *flags, heartbeat="100ms", before_wait=None):
        command = [*agent, "--tracker", url, "--job-id", JOB_ID, "--heartbeat", heartbeat,
                   *flags, "--", *job]
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE,
                                        stderr=subprocess.PIPE)
        self.lines, self.changed = [], threading.Condition()
        reader = threading.Thread(target=self.read_stderr)
        reader.start()
        try:
            if before_wait:
                before_wait(self)
            out = self.process.stdout.read()
            self.process.wait(timeout=60)
        except BaseException:
            self.process.kill()
            raise
        finally:
            reader.join()
        self.status = self.process.returncode
        self.stdout, self.stderr = out, "".join(self.lines)
        self.sends = [SEND.match(line) for line in self.lines]
        self.sends = [match.groups() for match in self.sends if match]

    def read_stderr(self):
        for line in self.process.stderr:
            with self.changed:
                self.lines.append(line.decode(errors="replace"))
                self.changed.notify_all()
        with self.changed:
            self.lines.append("")  # the end
            self.changed.notify_all()

    def wait_for_line(self, pattern):
        def seen():
            return any(re.search(pattern, line) for line in self.lines) or self.lines[-1:] == [""]

        with self.changed:
            check(self.changed.wait_for(seen, timeout=60) and self.lines[-1:] != [""],
                  f"the agent did not log {pattern!r}; its stderr:\n{''.join(self.lines)}")

    def describe(self):
        return f"exit status {self.status}; the agent's stderr:\n{self.stderr}"


def output_of(events, stream):
    return b"".join(base64.b64decode(e["data_b64"]) for e in events
                    if e["type"] == "output" and e["stream"] == stream)


def check_record(record, run, agent_name, outcome, exit_code=None, signal_number=None):
    """The checks every scenario makes on what the tracker stored."""
    check(record is not None, "the tracker has no record of the job; " + run.describe())
    events = record["events"]
    seqs = [e["seq"] for e in events]
    check(seqs == list(range(1, len(events) + 1)),
          f"seqs arrived as {seqs}, want 1..{len(events)} in order; " + run.describe())
    check(events[0]["type"] == "start", f"first event is {events[0]['type']}, want start")
    check(events[0]["agent"] == agent_name, f"start.agent is {events[0]['agent']!r}")
    check(events[-1]["type"] == "finish", f"last event is {events[-1]['type']}, want finish")
    check([e["type"] for e in events].count("finish") == 1, "more than one finish")
    finish = events[-1]
    check(finish["outcome"] == outcome,
          f"outcome {finish['outcome']!r}, want {outcome!r}; " + run.describe())
    check(finish["exit_code"] == exit_code, f"exit_code {finish['exit_code']}, want {exit_code}")
    check(finish["signal"] == signal_number,
          f"signal {finish['signal']}, want {signal_number}")
    want_status = 128 + signal_number if signal_number else exit_code
    check(run.status == want_status, f"agent exit status {run.status}, want {want_status}; "
          + run.describe())
    logged = [int(seq) for _, seq, _, _, result in run.sends if result.startswith("200")]
    check(sorted(set(logged)) == seqs,
          f"the send log acknowledges seqs {sorted(set(logged))}, want {seqs}")
    check(all(name == f"{agent_name}-agent" for name, *_ in run.sends),
          f"send log lines must start with {agent_name}-agent:")
    return events


# --- the scenarios ----------------------------------------------------------


def succeeds(agent, name):
    """A job that writes to both streams and succeeds, with heartbeats."""
    tracker = Standin()
    try:
        job = ["sh", "-c", "printf 'out 1\\n'; printf 'err 1\\n' >&2; sleep 0.5; printf 'out 2\\n'"]
        run = Run(agent, tracker.url, job)
        events = check_record(tracker.job(), run, name, "succeeded", exit_code=0)
    finally:
        tracker.stop()
    start = events[0]
    check(start["pid"] > 0 and start["command"] == job and start["heartbeat_ms"] == 100,
          f"start event {start}")
    heartbeats = [e for e in events if e["type"] == "heartbeat"]
    check(heartbeats, "no heartbeat during a 0.5 s job with 100 ms heartbeats")
    # The last one may race the job's exit and find nothing left.
    check(any(h["processes"] >= 2 and h["rss_bytes"] > 0 for h in heartbeats),
          f"no heartbeat saw the job's two processes (sh, sleep): {heartbeats}")
    check(output_of(events, "stdout") == b"out 1\nout 2\n", "stdout did not reach the tracker")
    check(output_of(events, "stderr") == b"err 1\n", "stderr did not reach the tracker")
    check(run.stdout == b"out 1\nout 2\n", f"stdout was not passed through: {run.stdout!r}")
    check("err 1\n" in run.stderr, "stderr was not passed through")
    finish = events[-1]
    check(finish["wall_ms"] >= 400 and finish["error"] == "", f"finish event {finish}")


def fails(agent, name):
    """A job that exits with status 3: the agent exits with 3 too."""
    tracker = Standin()
    try:
        run = Run(agent, tracker.url, ["sh", "-c", "exit 3"])
        check_record(tracker.job(), run, name, "failed", exit_code=3)
    finally:
        tracker.stop()


def killed(agent, name):
    """A job killed by a signal the agent did not send: 128 + 9."""
    tracker = Standin()
    try:
        run = Run(agent, tracker.url, ["sh", "-c", "kill -KILL $$"])
        check_record(tracker.job(), run, name, "killed", signal_number=9)
    finally:
        tracker.stop()


def failed_to_start(agent, name):
    """A command that does not exist: start with pid 0, failed_to_start, 127."""
    tracker = Standin()
    try:
        run = Run(agent, tracker.url, ["/nonexistent/job"])
        events = check_record(tracker.job(), run, name, "failed_to_start", exit_code=127)
    finally:
        tracker.stop()
    check(events[0]["pid"] == 0, f"start.pid {events[0]['pid']}, want 0")
    check(events[-1]["error"], "failed_to_start without an error")


def tracker_cancel(agent, name):
    """The tracker answers "cancel": true after two heartbeats."""
    tracker = Standin("--cancel-after", "2")
    try:
        run = Run(agent, tracker.url, ["sleep", "30"], "--grace", "5s")
        check_record(tracker.job(), run, name, "cancelled", signal_number=15)
    finally:
        tracker.stop()
    check(any(result.endswith(" cancel") for *_, result in run.sends),
          "no answer with cancel in the send log")


def sigterm(agent, name):
    """SIGTERM to the agent once the tracker has the start: cancelled."""
    tracker = Standin()

    def terminate_after_start(run):
        run.wait_for_line(r"send seq=1 type=start attempt=\d+ -> 200")
        run.process.send_signal(signal.SIGTERM)

    try:
        run = Run(agent, tracker.url, ["sleep", "30"], before_wait=terminate_after_start)
        check_record(tracker.job(), run, name, "cancelled", signal_number=15)
    finally:
        tracker.stop()


def grace(agent, name):
    """A job that ignores SIGTERM: SIGKILL after --grace."""
    tracker = Standin("--cancel-after", "1")
    try:
        job = ["sh", "-c", "trap '' TERM; sleep 30"]
        run = Run(agent, tracker.url, job, "--grace", "300ms")
        check_record(tracker.job(), run, name, "cancelled", signal_number=9)
    finally:
        tracker.stop()


def outage(agent, name, plot=True):
    """The tracker goes away for 0.8 s mid-job (connects refused, open
    connections dropped) and comes back: everything arrives, once, in
    order, and the send log shows the failed attempts."""
    tracker = Standin("--outage-after", "2", "--outage-for", "0.8")
    try:
        run = Run(agent, tracker.url, ["sleep", "1.5"], "--max-backoff", "200ms")
        check_record(tracker.job(), run, name, "succeeded", exit_code=0)
    finally:
        tracker.stop()
    failed = [s for s in run.sends if not s[4].startswith("200")]
    check(failed, "no failed attempt in the send log during an outage; " + run.describe())
    check(all(re.fullmatch(r"connection (refused|reset|closed)", s[4]) for s in failed),
          f"unexpected failures: {failed}")
    if plot:
        with tempfile.TemporaryDirectory() as folder:
            log = pathlib.Path(folder, "agent.log")
            log.write_text(run.stderr)
            svg = pathlib.Path(folder, "timeline.svg")
            subprocess.run([sys.executable, str(PLOT), str(log), str(svg)], check=True,
                           capture_output=True)
            ElementTree.parse(svg)  # well-formed
            text = svg.read_text()
            check("tracker unreachable" in text, "the timeline shows no outage")


def lost_answer(agent, name):
    """The tracker stores seq 1 but its answer is lost: the agent sends it
    again and is told it is a duplicate; the record holds it once."""
    tracker = Standin("--drop-answer", "1")
    try:
        run = Run(agent, tracker.url, ["true"])
        check_record(tracker.job(), run, name, "succeeded", exit_code=0)
        record = tracker.job()
    finally:
        tracker.stop()
    check(record["duplicates"] == 1, f"{record['duplicates']} duplicates, want 1")
    check(any(s[1] == "1" and s[4] == "200 duplicate" for s in run.sends),
          "seq 1 was not re-sent; " + run.describe())


def tracker_late(agent, name):
    """No tracker during the whole job; it starts afterwards: everything
    arrives then."""
    holder, port = reserve_port()

    def start_tracker_after_job(run):
        run.wait_for_line(r"job ended")
        run.wait_for_line(r"-> connection refused")
        holder.close()
        starter.tracker = Standin(port=port)

    class starter:
        tracker = None

    try:
        run = Run(agent, f"http://127.0.0.1:{port}", ["true"], "--max-backoff", "200ms",
                  before_wait=start_tracker_after_job)
        check_record(starter.tracker.job(), run, name, "succeeded", exit_code=0)
    finally:
        holder.close()
        if starter.tracker:
            starter.tracker.stop()
    check(any(s[4] == "connection refused" for s in run.sends),
          "no refused attempt before the tracker started; " + run.describe())


def deliver_timeout(agent, name):
    """No tracker at all and --deliver-timeout: exit status 75."""
    holder, port = reserve_port()
    try:
        run = Run(agent, f"http://127.0.0.1:{port}", ["true"], "--deliver-timeout", "500ms")
    finally:
        holder.close()
    check(run.status == 75, "want exit status 75; " + run.describe())
    check("events not delivered; giving up" in run.stderr, run.describe())


def bad_flags(agent, name):
    """Bad flags: usage on stderr, exit status 2, no job run."""
    for flags in (["--job-id", "x", "--", "true"],  # no --tracker
                  ["--tracker", "http://127.0.0.1:1", "--job-id", "x", "--heartbeat", "soon",
                   "--", "true"],
                  ["--tracker", "http://127.0.0.1:1", "--job-id", "a/b", "--", "true"],
                  ["--tracker", "http://127.0.0.1:1", "--job-id", "x"]):  # no command
        result = subprocess.run([*agent, *flags], capture_output=True, text=True, timeout=30)
        check(result.returncode == 2, f"{flags}: exit status {result.returncode}, want 2")
        check("usage:" in result.stderr, f"{flags}: no usage on stderr: {result.stderr}")


SCENARIOS = {f.__name__: f for f in (succeeds, fails, killed, failed_to_start, tracker_cancel,
                                     sigterm, grace, outage, lost_answer, tracker_late,
                                     deliver_timeout, bad_flags)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scenario", choices=SCENARIOS)
    parser.add_argument("--agent-name", choices=("go", "python", "gofer"))
    parser.add_argument("--list", action="store_true", help="print the scenarios' names")
    parser.add_argument("agent", nargs="*")
    args = parser.parse_args()
    if args.list:
        print("\n".join(SCENARIOS))
        return 0
    if not args.scenario or not args.agent_name or not args.agent:
        parser.error("--scenario, --agent-name and the agent's command are required")
    try:
        SCENARIOS[args.scenario](args.agent, args.agent_name)
    except Failure as failure:
        print(f"{args.scenario}: FAILED: {failure}")
        return 1
    print(f"{args.scenario}: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
