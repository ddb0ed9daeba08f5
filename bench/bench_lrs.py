"""LRS benchmark: `make bench-lrs` (not a test; prints figures).

Phases, against a live `leerpad serve` on loopback with a fresh database:

1. POST N generated statements in batches of B (default 50,000 in batches of 100), one
   request at a time; the bodies are generated before the clock starts;
2. POST S single statements (default 1,000), likewise;
3. time filtered GET /statements queries (agent, verb, activity, registration, since,
   agent+verb, plain limit) Q times each;
4. with --fill TOTAL, top the store up to TOTAL statements through the in-process store
   (the HTTP path was measured already; this only gets the size), then time the GETs again;
5. print statements/s, latency p50/p95 per phase and the server's memory (RSS of the
   gunicorn master and workers, and of the task worker `leerpad serve` starts).

DATABASE_URL chooses PostgreSQL (the bench then uses that database as it is: point it at
an empty one); without it a fresh SQLite file in .bench/ is used.
"""

from __future__ import annotations

import argparse
import base64
import http.client
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
import urllib.parse
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / ".bench"
KEY, SECRET = "bench", "bench-secret-not-for-production"
VERBS = [
    "http://adlnet.gov/expapi/verbs/experienced",
    "http://adlnet.gov/expapi/verbs/answered",
    "http://adlnet.gov/expapi/verbs/completed",
    "http://adlnet.gov/expapi/verbs/passed",
    "http://adlnet.gov/expapi/verbs/failed",
    "http://adlnet.gov/expapi/verbs/attempted",
    "http://adlnet.gov/expapi/verbs/progressed",
    "http://id.tincanapi.com/verb/viewed",
]
LANGS = ["nl-BE", "fr-BE", "en-GB"]


class Generator:
    """Deterministic statements: 500 learners, 40 courses with Pareto popularity."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.learners = [self._learner(i) for i in range(500)]
        self.courses = [f"https://leerpad.example/courses/{i}" for i in range(40)]
        self.registrations = [str(uuid.UUID(int=self.rng.getrandbits(128))) for _ in range(2000)]

    def _learner(self, i: int) -> dict[str, Any]:
        if i % 5 == 0:
            return {
                "objectType": "Agent",
                "name": f"Learner {i}",
                "account": {"homePage": "https://hr.example", "name": f"emp-{i}"},
            }
        return {"objectType": "Agent", "name": f"Learner {i}", "mbox": f"mailto:l{i}@example.com"}

    def course(self) -> str:
        index = min(int(self.rng.paretovariate(1.2)) - 1, len(self.courses) - 1)
        return self.courses[index]

    def statement(self) -> dict[str, Any]:
        rng = self.rng
        course = self.course()
        verb = rng.choice(VERBS)
        lang = rng.choice(LANGS)
        activity = f"{course}/module/{rng.randint(1, 12)}"
        return {
            "id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            "actor": rng.choice(self.learners),
            "verb": {"id": verb, "display": {"en-US": verb.rsplit("/", 1)[-1]}},
            "object": {
                "objectType": "Activity",
                "id": activity,
                "definition": {
                    "name": {lang: f"Module {activity[-2:]}"},
                    "type": "http://adlnet.gov/expapi/activities/module",
                },
            },
            "result": {
                "score": {"scaled": round(rng.random(), 2)},
                "success": rng.random() > 0.3,
                "completion": rng.random() > 0.5,
                "duration": f"PT{rng.randint(1, 3600)}S",
            },
            "context": {
                "registration": rng.choice(self.registrations),
                "language": lang,
                "contextActivities": {
                    "parent": [{"id": course}],
                    "grouping": [{"id": "https://leerpad.example/paths/onboarding"}],
                    "category": [{"id": "https://leerpad.example/profiles/leerpad"}],
                },
                "extensions": {"https://leerpad.example/ext/location": rng.randint(1, 8)},
            },
            "timestamp": "2026-11-27T10:00:00.000Z",
        }


class Api:
    def __init__(self, port: int, version: str) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        auth = base64.b64encode(f"{KEY}:{SECRET}".encode()).decode()
        self.headers = {
            "Authorization": f"Basic {auth}",
            "X-Experience-API-Version": version,
            "Content-Type": "application/json",
        }

    def request(self, method: str, path: str, body: Any = None) -> tuple[int, bytes, float]:
        """One request; ``body`` is JSON-encoded unless it is bytes already. Only the
        request itself is timed."""
        data = body if isinstance(body, bytes) or body is None else json.dumps(body).encode()
        started = time.perf_counter()
        self.conn.request(method, path, body=data, headers=self.headers)
        response = self.conn.getresponse()
        payload = response.read()
        return response.status, payload, time.perf_counter() - started


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def line(label: str, values: list[float], extra: str = "") -> None:
    sys.stdout.write(
        f"  {label:<34} p50 {pct(values, 0.5):7.1f} ms   p95 {pct(values, 0.95):7.1f} ms{extra}\n"
    )


def server_rss_mib(pid: int) -> float:
    """RSS of the server: the gunicorn master and its children (workers, task worker)."""
    return sum(rss for _, rss in _server_processes(pid))


def _server_processes(pid: int) -> list[tuple[str, float]]:
    """(command line, RSS in MiB) of the server process and its children."""
    pids = [pid]
    children = Path(f"/proc/{pid}/task/{pid}/children")
    if children.exists():
        pids += [int(p) for p in children.read_text().split()]
    found = []
    for p in pids:
        status = Path(f"/proc/{p}/status")
        if status.exists():
            cmdline = Path(f"/proc/{p}/cmdline").read_bytes().replace(b"\0", b" ").decode()
            for row in status.read_text().splitlines():
                if row.startswith("VmRSS:"):
                    found.append((cmdline, int(row.split()[1]) / 1024))
    return found


def memory_line(pid: int) -> str:
    processes = _server_processes(pid)
    total = sum(rss for _, rss in processes)
    # `leerpad serve` also starts the background task worker; it is not the LRS's.
    tasks = sum(rss for cmdline, rss in processes if "db_worker" in cmdline)
    web = f" (web server {total - tasks:.0f} MiB, task worker {tasks:.0f} MiB)" if tasks else ""
    return f"  server RSS {total:.0f} MiB{web}\n"


def queries(gen: Generator, since: str) -> Iterator[tuple[str, dict[str, str]]]:
    for _ in range(10_000):
        learner = gen.rng.choice(gen.learners)
        agent = {k: v for k, v in learner.items() if k in {"mbox", "account", "objectType"}}
        yield "agent", {"agent": json.dumps(agent)}
        yield "verb", {"verb": gen.rng.choice(VERBS)}
        yield "activity", {"activity": gen.course(), "related_activities": "true"}
        yield "registration", {"registration": gen.rng.choice(gen.registrations)}
        yield "since", {"since": since, "limit": "100"}
        yield "agent+verb", {"agent": json.dumps(agent), "verb": gen.rng.choice(VERBS)}
        yield "limit=100", {"limit": "100"}


def time_queries(api: Api, gen: Generator, since: str, per_kind: int) -> None:
    timings: dict[str, list[float]] = {}
    for kind, params in queries(gen, since):
        if len(timings.get(kind, [])) >= per_kind:
            if all(len(v) >= per_kind for v in timings.values()) and len(timings) == 7:
                break
            continue
        status, _, elapsed = api.request(
            "GET", "/xapi/statements?" + urllib.parse.urlencode(params)
        )
        if status != 200:
            raise SystemExit(f"GET {kind} answered {status}")
        timings.setdefault(kind, []).append(elapsed)
    for kind, values in timings.items():
        line(f"GET {kind}", values)
    every = [v for values in timings.values() for v in values]
    line("GET all filters together", every)


def start_server(
    port: int, workers: int, background: bool = True
) -> tuple[subprocess.Popen[bytes], dict[str, str]]:
    env = {
        **os.environ,
        "LEERPAD_LOG_LEVEL": "WARNING",
        "LEERPAD_WORKERS": str(workers),
        "LEERPAD_ALLOWED_HOSTS": "127.0.0.1",
    }
    if "DATABASE_URL" not in env:
        shutil.rmtree(WORK, ignore_errors=True)
        env["LEERPAD_VAR_DIR"] = str(WORK)
    leerpad = str(ROOT / ".venv" / "bin" / "leerpad")
    for args in (
        ["migrate", "--noinput"],
        ["collectstatic", "--noinput"],
        ["lrsclient", "create", "Benchmark", "--scopes", "all", "--key", KEY, "--secret", SECRET],
    ):
        subprocess.run([leerpad, *args], env=env, check=True, stdout=subprocess.DEVNULL)
    server = subprocess.Popen(
        [leerpad, "serve", "--bind", f"127.0.0.1:{port}"]
        + ([] if background else ["--no-task-worker"]),
        env=env,
        stdout=subprocess.DEVNULL,
        start_new_session=True,
    )
    for _ in range(120):
        try:
            http.client.HTTPConnection("127.0.0.1", port, timeout=1).request("GET", "/healthz")
            time.sleep(1)
            return server, env
        except OSError:
            time.sleep(0.5)
    raise SystemExit("the server did not start")


def fill(env: dict[str, str], total: int, gen_seed: int) -> None:
    """Top the store up to `total` statements in-process (faster than HTTP for 1M)."""
    code = (
        "import django, os, sys;"
        "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'leerpad.settings');"
        "django.setup();"
        "sys.path.insert(0, 'bench'); from bench_lrs import fill_in_process;"
        f"fill_in_process({total}, {gen_seed})"
    )
    subprocess.run(
        [str(ROOT / ".venv" / "bin" / "python"), "-c", code], env=env, cwd=ROOT, check=True
    )


def fill_in_process(total: int, seed: int) -> None:
    from leerpad.lrs import services
    from leerpad.lrs.models import Statement

    gen = Generator(seed)
    have = Statement.objects.count()
    started = time.perf_counter()
    added = 0
    while have + added < total:
        batch = [gen.statement() for _ in range(min(1000, total - have - added))]
        services.record_statements(batch, version="1.0.3", authority=services.leerpad_authority())
        added += len(batch)
        if added % 100_000 == 0:
            sys.stdout.write(f"  filled {have + added:,} statements\n")
            sys.stdout.flush()
    rate = added / (time.perf_counter() - started)
    sys.stdout.write(f"  fill: {added:,} statements in-process at {rate:,.0f}/s\n")


def main() -> None:
    parser = argparse.ArgumentParser(description="LRS benchmark")
    parser.add_argument("-n", "--statements", type=int, default=50_000)
    parser.add_argument("-b", "--batch", type=int, default=100)
    parser.add_argument("-s", "--singles", type=int, default=1_000)
    parser.add_argument("-q", "--queries", type=int, default=50, help="GETs per filter kind")
    parser.add_argument("--fill", type=int, default=0, help="then fill to this many and re-query")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=8777)
    parser.add_argument(
        "--no-background",
        action="store_true",
        help="without the task worker and scheduler (the analytics sync): the LRS alone",
    )
    parser.add_argument("--seed", type=int, default=20260101)
    parser.add_argument("--xapi-version", default="1.0.3")
    args = parser.parse_args()

    server, env = start_server(args.port, args.workers, background=not args.no_background)
    try:
        gen = Generator(args.seed)
        api = Api(args.port, args.xapi_version)
        db = "PostgreSQL" if "DATABASE_URL" in os.environ else "SQLite"
        sys.stdout.write(
            f"Leerpad LRS benchmark on {db}, {args.workers} workers, "
            f"xAPI {args.xapi_version}, RSS at start {server_rss_mib(server.pid):.0f} MiB, "
            f"load average {os.getloadavg()[0]:.2f}\n"
        )

        # The bodies are generated and encoded before the clock starts: the load
        # generator shares the cores with the server, and its own work is not the LRS's.
        batches = [
            json.dumps([gen.statement() for _ in range(args.batch)]).encode()
            for _ in range(args.statements // args.batch)
        ]
        singles = [json.dumps(gen.statement()).encode() for _ in range(args.singles)]
        latencies: list[float] = []
        started = time.perf_counter()
        since = ""
        for i, batch in enumerate(batches):
            status, _, elapsed = api.request("POST", "/xapi/statements", batch)
            if status != 200:
                raise SystemExit(f"batch POST answered {status}")
            latencies.append(elapsed)
            if i == args.statements // args.batch // 2:
                since = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        took = time.perf_counter() - started
        rate = args.statements / took
        sys.stdout.write(
            f"\n{args.statements:,} statements in batches of {args.batch}: "
            f"{rate:,.0f} statements/s ({took:.1f} s)\n"
        )
        line("batch POST", latencies)

        latencies = []
        started = time.perf_counter()
        for single in singles:
            status, _, elapsed = api.request("POST", "/xapi/statements", single)
            if status != 200:
                raise SystemExit(f"single POST answered {status}")
            latencies.append(elapsed)
        took = time.perf_counter() - started
        sys.stdout.write(
            f"\n{args.singles:,} single statements: {args.singles / took:,.0f} statements/s\n"
        )
        line("single POST", latencies)

        sys.stdout.write(f"\nfiltered GETs at {args.statements + args.singles:,} statements:\n")
        time_queries(api, gen, since, args.queries)
        sys.stdout.write(memory_line(server.pid))

        if args.fill:
            sys.stdout.write(f"\nfilling to {args.fill:,} statements...\n")
            fill(env, args.fill, args.seed + 1)
            api = Api(args.port, args.xapi_version)
            sys.stdout.write(f"\nfiltered GETs at {args.fill:,} statements:\n")
            time_queries(api, gen, since, args.queries)
            sys.stdout.write(memory_line(server.pid))
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
