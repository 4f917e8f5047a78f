#!/usr/bin/env python3
"""A stand-in for gofer-tracker, small enough to read in a minute: the
agents' side of docs/design/jobs.md and nothing more, in memory, for trying
and testing an agent without the real tracker.

    python3 standin_tracker.py [--port 0] [--cancel-after N]
        [--outage-after N --outage-for SECONDS] [--drop-answer SEQ]...

It prints its URL (http://127.0.0.1:PORT) on the first line of stdout and
serves until SIGINT or SIGTERM:

    POST /api/jobs/{id}/{start,heartbeat,output,finish}  an event: checked
        against jobs.md (400 if it does not conform), stored once per
        (id, seq), answered 200 {"stored": bool, "cancel": bool}
    POST /api/jobs/{id}/cancel    202 {"cancel": true}
    GET  /api/jobs/{id}           {"events": [...], "duplicates": n, ...}:
        the events in the order they first arrived
    GET  /healthz                 {"ok": true}

To test an agent's delivery it can misbehave on purpose:
    --cancel-after N      answer "cancel": true once a job has N heartbeats
    --outage-after N      after the N-th stored event, stop listening (a
    --outage-for SECONDS    connect is refused) and drop open connections,
                            then listen again on the same port
    --drop-answer SEQ     store that seq the first time it comes, but close
                            the connection instead of answering (the agent
                            sends it again and is told "stored": false)

No status page, no SQLite, no unhealthy or lost jobs: that is gofer-tracker.
"""
import argparse
import json
import re
import signal
import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

JOB_ID = re.compile(r"[A-Za-z0-9._-]{1,128}")
MAX_BODY = 1 << 20
NUMBER, INTEGER, STRING, NULLABLE_INT = "number", "integer", "string", "integer or null"
FIELDS = {  # jobs.md: the fields of each event type beside seq, type, time_ms
    "start": {"command": list, "pid": INTEGER, "heartbeat_ms": INTEGER,
              "agent": STRING, "host": STRING},
    "heartbeat": {"cpu_percent": NUMBER, "rss_bytes": INTEGER, "processes": INTEGER},
    "output": {"stream": STRING, "data_b64": STRING},
    "finish": {"outcome": STRING, "exit_code": NULLABLE_INT, "signal": NULLABLE_INT,
               "wall_ms": INTEGER, "user_cpu_ms": INTEGER, "system_cpu_ms": INTEGER,
               "max_rss_bytes": INTEGER, "error": STRING},
}
OUTCOMES = {"succeeded", "failed", "killed", "cancelled", "failed_to_start"}


def conforms(value, kind):
    is_int = isinstance(value, int) and not isinstance(value, bool)
    if kind is list:
        return isinstance(value, list) and all(isinstance(v, str) for v in value)
    if kind == NUMBER:
        return is_int or isinstance(value, float)
    if kind == INTEGER:
        return is_int
    if kind == NULLABLE_INT:
        return value is None or is_int
    return isinstance(value, str)


def problem(kind, event):
    """What is wrong with an event of this kind, or None."""
    if not isinstance(event, dict):
        return "the body is not a JSON object"
    if event.get("type") != kind:
        return f"type {event.get('type')!r} does not match the path's {kind!r}"
    for name, want in {"seq": INTEGER, "time_ms": INTEGER, **FIELDS[kind]}.items():
        if name not in event:
            return f"missing field {name}"
        if not conforms(event[name], want):
            return f"field {name} is not {getattr(want, '__name__', want)}"
    if event["seq"] < 1:
        return "seq must be 1 or more"
    if kind == "output" and event["stream"] not in ("stdout", "stderr"):
        return "stream must be stdout or stderr"
    if kind == "finish" and event["outcome"] not in OUTCOMES:
        return f"unknown outcome {event['outcome']!r}"
    return None


class State:
    def __init__(self, options):
        self.options = options
        self.lock = threading.Lock()
        self.jobs = {}  # id -> {"events": {seq: event}, "order": [seq], ...}
        self.stored = 0  # events stored, all jobs
        self.dropped = set()  # seqs whose first answer was dropped

    def job(self, job_id):
        return self.jobs.setdefault(job_id, {"events": {}, "order": [], "duplicates": 0,
                                             "cancel": False})

    def add(self, job_id, event):
        """Returns (stored, cancel, drop the answer, start an outage)."""
        with self.lock:
            job = self.job(job_id)
            stored = event["seq"] not in job["events"]
            if stored:
                job["events"][event["seq"]] = event
                job["order"].append(event["seq"])
                self.stored += 1
            else:
                job["duplicates"] += 1
            heartbeats = sum(1 for e in job["events"].values() if e["type"] == "heartbeat")
            if heartbeats >= self.options.cancel_after > 0:
                job["cancel"] = True
            drop = stored and event["seq"] in self.options.drop_answer
            outage = stored and self.stored == self.options.outage_after
            return stored, job["cancel"], drop, outage


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as the agents expect

    def setup(self):
        super().setup()
        self.server.service.connections.add(self.connection)

    def finish(self):
        self.server.service.connections.discard(self.connection)
        super().finish()

    def log_message(self, format, *args):
        pass  # quiet: the agents log their sends

    def answer(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
        self.wfile.flush()

    def route(self):
        parts = self.path.split("/")  # "", "api", "jobs", id, [action]
        if len(parts) in (4, 5) and parts[1:3] == ["api", "jobs"]:
            if not JOB_ID.fullmatch(parts[3]):
                return None, None, "bad job id"
            return parts[3], (parts[4] if len(parts) == 5 else None), None
        return None, None, None

    def do_GET(self):
        service = self.server.service
        if self.path == "/healthz":
            return self.answer(200, {"ok": True})
        job_id, action, error = self.route()
        if error:
            return self.answer(400, {"error": error})
        with service.state.lock:
            job = service.state.jobs.get(job_id)
            if job_id is None or action is not None or job is None:
                return self.answer(404, {"error": "no such job"})
            body = {"id": job_id, "events": [job["events"][s] for s in job["order"]],
                    "duplicates": job["duplicates"], "cancel_requested": job["cancel"]}
        self.answer(200, body)

    def do_POST(self):
        service = self.server.service
        length = int(self.headers.get("Content-Length", "0"))
        if length > MAX_BODY:
            self.close_connection = True
            return self.answer(413, {"error": "body over 1 MiB"})
        raw = self.rfile.read(length)
        job_id, action, error = self.route()
        if error:
            return self.answer(400, {"error": error})
        if job_id is None or action not in (*FIELDS, "cancel"):
            return self.answer(404, {"error": "unknown path"})
        if action == "cancel":
            with service.state.lock:
                service.state.job(job_id)["cancel"] = True
            return self.answer(202, {"cancel": True})
        try:
            event = json.loads(raw)
        except ValueError:
            return self.answer(400, {"error": "malformed JSON"})
        if error := problem(action, event):
            return self.answer(400, {"error": error})
        stored, cancel, drop, outage = service.state.add(job_id, event)
        if drop:
            self.close_connection = True  # no answer: the agent must re-send
            return
        self.answer(200, {"stored": stored, "cancel": cancel})
        if outage:
            threading.Thread(target=service.outage, daemon=True).start()


class Service:
    """The listener, which --outage-after can take down and bring back on
    the same port."""

    def __init__(self, options):
        self.options = options
        self.state = State(options)
        self.connections = set()
        self.httpd = self.listen(options.port)
        self.port = self.httpd.server_address[1]

    def listen(self, port):
        httpd = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        httpd.daemon_threads = True
        httpd.service = self
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        return httpd

    def outage(self):
        self.httpd.shutdown()
        self.httpd.server_close()
        for connection in list(self.connections):
            try:
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        # Hold the port, bound but not listening: a connect is refused.
        holder = socket.socket()
        holder.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        holder.bind(("127.0.0.1", self.port))
        time.sleep(self.options.outage_for)
        holder.close()
        self.httpd = self.listen(self.port)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--cancel-after", type=int, default=0, metavar="N")
    parser.add_argument("--outage-after", type=int, default=0, metavar="N")
    parser.add_argument("--outage-for", type=float, default=1.0, metavar="SECONDS")
    parser.add_argument("--drop-answer", type=int, action="append", default=[],
                        metavar="SEQ")
    options = parser.parse_args()
    service = Service(options)
    print(f"http://127.0.0.1:{service.port}", flush=True)
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    stop.wait()


if __name__ == "__main__":
    sys.exit(main())
