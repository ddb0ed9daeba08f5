"""How far the analytics store lags behind the LRS under steady load:
`make bench-analytics-lag` (not a test; prints figures).

Against a live `leerpad serve` (web workers, the task worker and the scheduler, as in
production) on a fresh SQLite database:

1. POST statements at a steady rate (default 500/s, as batches of 50 every 0.1 s, what an
   e-learning host or a busy Leerpad sends) for a number of seconds (default 180);
2. every 0.25 s read the store's commit point (`state.json`: the `stored` time of the
   last exported statement) and note the lag: how long ago the oldest statement the store
   does not have yet was stored (0 when it has them all);
3. print the lag's median, p95 and maximum after a warm-up, the rate reached, and the
   number of files the store holds at the end (the tiered merging keeps it small).

Goal (issue 6): the store no more than a minute behind under a steady 500 statements/s.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import signal
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_lrs import WORK, Api, Generator, server_rss_mib, start_server


def watermark(state_path: Path) -> dt.datetime | None:
    try:
        stored = json.loads(state_path.read_text()).get("stored")
    except (FileNotFoundError, json.JSONDecodeError):
        return None
    return dt.datetime.fromisoformat(stored) if stored else None


def file_count(state_path: Path) -> int:
    try:
        files = json.loads(state_path.read_text()).get("files", {})
    except (FileNotFoundError, json.JSONDecodeError):
        return 0
    return sum(len(names) for names in files.values())


def main() -> None:
    parser = argparse.ArgumentParser(description="Analytics lag under steady load")
    parser.add_argument("--rate", type=int, default=500, help="statements per second")
    parser.add_argument("--seconds", type=int, default=180)
    parser.add_argument("--warmup", type=int, default=20, help="seconds not counted")
    parser.add_argument("--batch", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=8778)
    args = parser.parse_args()

    server, env = start_server(args.port, args.workers, background=True)
    state_path = Path(env.get("LEERPAD_VAR_DIR", str(WORK))) / "analytics" / "state.json"
    try:
        gen = Generator(20261127)
        api = Api(args.port, "1.0.3")
        interval = args.batch / args.rate
        total = int(args.rate * args.seconds)
        bodies = [
            json.dumps([gen.statement() for _ in range(args.batch)]).encode()
            for _ in range(total // args.batch)
        ]
        # The store is created by the scheduler's first tick; statements sent before that
        # are exported by the first full sync. Start measuring once it exists.
        for _ in range(240):
            if state_path.exists():
                break
            time.sleep(0.5)
        sys.stdout.write(
            f"Analytics lag at {args.rate} statements/s for {args.seconds} s "
            f"(batches of {args.batch}), load average {os.getloadavg()[0]:.2f}\n"
        )
        sent: list[tuple[float, dt.datetime]] = []  # (monotonic, wall clock) per batch
        lags: list[float] = []
        started = time.monotonic()
        next_send, next_look = started, started
        i = 0
        while i < len(bodies) or (time.monotonic() - started < args.seconds + 60):
            now = time.monotonic()
            if i < len(bodies) and now >= next_send:
                wall = dt.datetime.now(dt.UTC)
                status, _, _ = api.request("POST", "/xapi/statements", bodies[i])
                if status != 200:
                    raise SystemExit(f"POST answered {status}")
                sent.append((now, wall))
                i += 1
                next_send += interval
            if now >= next_look:
                next_look += 0.25
                mark = watermark(state_path)
                # The oldest batch sent before the mark was read that the store lacks.
                behind = [wall for _, wall in sent if mark is None or wall > mark]
                lag = (dt.datetime.now(dt.UTC) - behind[0]).total_seconds() if behind else 0.0
                if now - started >= args.warmup:
                    lags.append(max(0.0, lag))
                if i >= len(bodies) and not behind:
                    break
            time.sleep(max(0.0, min(next_send, next_look) - time.monotonic()))
        took = sent[-1][0] - sent[0][0] if len(sent) > 1 else 0.0
        reached = (len(sent) - 1) * args.batch / took if took else 0.0
        sys.stdout.write(f"  sent {len(sent) * args.batch:,} statements at {reached:,.0f}/s\n")
        ordered = sorted(lags) or [0.0]

        def at(q: float) -> float:
            return ordered[min(len(ordered) - 1, int(q * len(ordered)))]

        sys.stdout.write(
            f"  lag behind the LRS: median {at(0.5):.1f} s, "
            f"p95 {at(0.95):.1f} s, max {ordered[-1]:.1f} s "
            f"({len(lags)} readings after a {args.warmup} s warm-up)\n"
        )
        sys.stdout.write(
            f"  store files at the end: {file_count(state_path)}; "
            f"server RSS {server_rss_mib(server.pid):.0f} MiB\n"
        )
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
