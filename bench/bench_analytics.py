"""Analytics store benchmark: `make bench-analytics` (not a test; prints figures).

1. Generate N statements (default 1,000,000) over 2025 into a fresh SQLite LRS in
   .bench-analytics: 2,000 people in 20 locations, 1,500 activities with Pareto
   popularity, verbs in a typical mix, registrations, path and step extensions, languages
   and platforms, a few results. The rows go straight into the LRS's statement table with
   one `executemany` per 20,000 (the columns the store's `prepare_statements` would fill,
   without the link tables): the LRS write path has its own benchmark (`bench-lrs`), this
   one needs only the rows, fast.
2. Full sync into the Parquet store (`sync.sync`, what the task runs): rows/s.
3. Incremental sync of 10,000 new statements.
4. Compaction of every month (`sync.compact`).
5. Every question of the golden registry (`analytics/questions/registry.py`, the
   dashboards' own calls over the last year) and the adoption question over the whole
   generated span: p50 of 5 runs (after one warm-up that opens the engine).
6. Peak memory (RSS) of the process and the store's size on disk.

`--engine duckdb` (default: Parquet files, DuckDB in memory), `clickhouse` (chDB in
process, in .bench-analytics/chdb: the scale tier's engine without a server) or `both`
(the steps above for one, then for the other, over the same LRS).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import resource
import shutil
import statistics
import sys
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / ".bench-analytics"
sys.path.insert(0, str(ROOT))

VERBS = [  # (verb, weight): roughly the mix of the research data set
    ("http://adlnet.gov/expapi/verbs/launched", 21),
    ("http://adlnet.gov/expapi/verbs/progressed", 21),
    ("http://adlnet.gov/expapi/verbs/completed", 14),
    ("http://id.tincanapi.com/verb/viewed", 12),
    ("http://adlnet.gov/expapi/verbs/answered", 12),
    ("http://adlnet.gov/expapi/verbs/terminated", 7),
    ("http://adlnet.gov/expapi/verbs/experienced", 5),
    ("http://adlnet.gov/expapi/verbs/attempted", 3),
    ("http://adlnet.gov/expapi/verbs/passed", 2),
    ("http://adlnet.gov/expapi/verbs/registered", 2),
    ("http://adlnet.gov/expapi/verbs/failed", 1),
]
LANGS = ["nl-BE", "fr-BE", "en-GB"]
PLATFORMS = ["web", "mobile", "teams"]
PEOPLE, PLACES, ACTIVITIES = 2000, 20, 1500
CHUNK = 20_000


def _setup(fresh: bool) -> None:
    if fresh and WORK.exists():
        shutil.rmtree(WORK)
    WORK.mkdir(parents=True, exist_ok=True)
    os.environ["LEERPAD_VAR_DIR"] = str(WORK)
    os.environ["LEERPAD_ANALYTICS_DIR"] = str(WORK / "analytics")
    os.environ["LEERPAD_CLICKHOUSE_URL"] = f"chdb://{WORK / 'chdb'}?database=bench"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "leerpad.settings")
    os.environ["LEERPAD_TASKS"] = "immediate"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _people() -> list[int]:
    from leerpad.accounts.models import Location, Person

    if not Person.objects.filter(email__endswith="@bench.test").exists():
        places = [Location.objects.create(name=f"Site {i}") for i in range(PLACES)]
        rng = random.Random(1)
        Person.objects.bulk_create(
            Person(
                email=f"p{i}@bench.test",
                first_name=f"P{i}",
                location=rng.choice(places),
                language=rng.choice(["nl", "fr", "en"]),
            )
            for i in range(PEOPLE)
        )
    return list(Person.objects.filter(email__endswith="@bench.test").values_list("pk", flat=True))


class Generator:
    def __init__(self, seed: int, people: list[int], start: dt.datetime, end: dt.datetime):
        from django.conf import settings

        self.rng = random.Random(seed)
        self.site = str(settings.SITE_URL)
        self.people = people
        self.start, self.span = start, (end - start).total_seconds()
        self.activities = [f"https://leerpad.example/activities/{i}" for i in range(ACTIVITIES)]
        self.verbs = [v for v, _ in VERBS]
        self.weights = [w for _, w in VERBS]

    def statement(self, moment: dt.datetime) -> dict[str, Any]:
        rng = self.rng
        person = self.people[min(int(rng.paretovariate(1.2)) - 1, len(self.people) - 1)]
        person = self.people[(person * 7919 + rng.randrange(50)) % len(self.people)]
        index = min(int(rng.paretovariate(1.1)) - 1, ACTIVITIES - 1)
        activity = self.activities[index]
        verb = rng.choices(self.verbs, self.weights)[0]
        statement: dict[str, Any] = {
            "id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            "actor": {
                "objectType": "Agent",
                "name": f"P {person}",
                "account": {"homePage": self.site, "name": str(person)},
            },
            "verb": {"id": verb, "display": {"en": verb.rsplit("/", 1)[-1]}},
            "object": {
                "objectType": "Activity",
                "id": activity,
                "definition": {"name": {"en": f"Activity {activity[-4:]}"}},
            },
            "timestamp": moment.isoformat(),
            "context": {
                "language": rng.choice(LANGS),
                "platform": rng.choice(PLATFORMS),
                "contextActivities": {
                    "parent": [{"id": f"https://leerpad.example/courses/{index % 160}"}]
                },
            },
            "version": "2.0.0",
        }
        if rng.random() < 0.3:
            path = rng.randrange(24)
            statement["context"]["registration"] = str(uuid.UUID(int=rng.getrandbits(128)))
            statement["context"]["extensions"] = {
                "https://leerpad.org/xapi/extensions/path-version": 1 + path % 3,
                "https://leerpad.org/xapi/extensions/path-step": f"step-{rng.randrange(8)}",
            }
            statement["context"]["contextActivities"]["grouping"] = [
                {"id": f"{self.site.rstrip('/')}/paths/path-{path}/"}
            ]
        if verb.endswith(("completed", "passed", "failed", "answered")):
            statement["result"] = {
                "success": not verb.endswith("failed"),
                "score": {"scaled": round(rng.random(), 2)},
                "duration": f"PT{rng.randrange(30, 3600)}S",
            }
        return statement

    def insert(self, n: int) -> None:
        """Insert n statements, their `stored` after everything already there."""
        from django.db import connection

        from leerpad.lrs.models import Statement, key_hash

        table = connection.ops.quote_name(Statement._meta.db_table)
        columns = [
            "statement_id",
            "stored",
            "timestamp",
            "version",
            "verb_iri",
            "verb_hash",
            "actor_ifi",
            "object_type",
            "object_iri",
            "registration",
            "authority_ifi",
            "authority_hash",
            "voided",
            "payload",
        ]
        sql = (
            f"INSERT INTO {table} ({', '.join(columns)}) "  # noqa: S608  (fixed names)
            f"VALUES ({', '.join(['%s'] * len(columns))})"
        )
        authority = f"account:{self.site}|leerpad"
        adapt = connection.ops.adapt_datetimefield_value
        last = Statement.objects.order_by("-stored").values_list("stored", flat=True).first()
        clock = last or self.start
        # Timestamps spread evenly over the span, `stored` a little after (4 % of them
        # hours later: the offline sync of a mobile app), in stored order as an LRS has them.
        step = self.span / max(n, 1)
        done = 0
        while done < n:
            rows = []
            for _ in range(min(CHUNK, n - done)):
                done += 1
                clock = clock + dt.timedelta(seconds=step * self.rng.uniform(0.5, 1.5))
                late = self.rng.random() < 0.04
                moment = clock - dt.timedelta(hours=self.rng.uniform(1, 12) if late else 0)
                st = self.statement(moment)
                st["stored"] = clock.isoformat()
                registration = st["context"].get("registration")
                rows.append(
                    (
                        uuid.UUID(st["id"]).hex,
                        adapt(clock),
                        adapt(moment),
                        "2.0.0",
                        st["verb"]["id"],
                        key_hash(st["verb"]["id"]),
                        f"account:{self.site}|{st['actor']['account']['name']}",
                        "Activity",
                        st["object"]["id"],
                        uuid.UUID(registration).hex if registration else None,
                        authority,
                        key_hash(authority),
                        False,
                        json.dumps(st, separators=(",", ":")),
                    )
                )
            with connection.cursor() as cursor:
                cursor.executemany(sql, rows)


def _rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _fresh_store(engine: str) -> None:
    from django.conf import settings

    if engine == "clickhouse":
        from leerpad.analytics.store import clickhouse

        clickhouse.store().drop_database()
    else:
        shutil.rmtree(settings.LEERPAD_ANALYTICS_DIR, ignore_errors=True)


def _timed(run: Any, runs: int) -> tuple[float, float, Any]:
    run()  # warm-up: opens the engine's connection
    times, result = [], None
    for _ in range(runs):
        t = time.perf_counter()
        result = run()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times), max(times), result


def _size(result: Any) -> str:
    try:
        return str(len(result))
    except TypeError:
        return "1"


def _bench_engine(engine: str, gen: Generator, args: argparse.Namespace, span: Any) -> None:
    from django.test import override_settings

    from leerpad.analytics import sync
    from leerpad.analytics.filters import Scope
    from leerpad.analytics.questions import adoption
    from leerpad.analytics.questions.registry import GOLDEN
    from leerpad.lrs.models import Statement

    with override_settings(LEERPAD_ANALYTICS_ENGINE=engine):
        print(f"\n=== engine: {engine}")
        _fresh_store(engine)
        total = Statement.objects.count()
        print(f"Full sync of {total:,} statements …")
        started = time.perf_counter()
        full = sync.sync()
        took = time.perf_counter() - started
        print(
            f"  {full.rows:,} rows in {full.batches} batches, {took:.1f} s "
            f"({full.rows / took:,.0f} rows/s)"
        )
        print(f"  peak RSS so far {_rss_mib():.0f} MiB")

        gen.rng = random.Random(args.seed + total)  # new ids also when run again
        gen.span = 3600.0  # the next hour's statements
        gen.insert(args.increment)
        started = time.perf_counter()
        more = sync.sync()
        took = time.perf_counter() - started
        print(
            f"Incremental sync: {more.rows:,} rows in {took * 1000:.0f} ms "
            f"({more.rows / took:,.0f} rows/s)"
        )

        status = sync.status()
        sizes = {k: status[k] for k in ("files", "parts", "bytes") if k in status}
        print(f"Before compaction: {json.dumps(sizes)}")
        started = time.perf_counter()
        months = sync.compact()
        took = time.perf_counter() - started
        status = sync.status()
        print(
            f"Compaction: {months} months in {took:.1f} s -> "
            f"{status.get('files', status.get('parts'))} files/parts, "
            f"{status['bytes'] / 2**20:.0f} MiB"
        )

        print(f"\n{'question':<60}{'p50 ms':>10}{'max ms':>10}{'rows':>8}")
        whole = Scope(*span)
        questions: list[tuple[str, Any]] = [
            ("adoption per week, whole span", lambda: adoption.active_learners(whole)),
            (
                "adoption per week by location, whole span",
                lambda: adoption.active_learners(whole, by="location"),
            ),
            *((f"registry: {name}", case) for name, case in GOLDEN),
        ]
        for name, run in questions:
            p50, worst, result = _timed(run, args.runs)
            print(f"{name[:59]:<60}{p50:>10.1f}{worst:>10.1f}{_size(result):>8}")
        print(f"\npeak memory (RSS) of the benchmark process: {_rss_mib():.0f} MiB")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--statements", type=int, default=1_000_000)
    parser.add_argument("--increment", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5, help="timed runs per question")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--reuse", action="store_true", help="keep the generated LRS")
    parser.add_argument(
        "--engine",
        choices=("duckdb", "clickhouse", "both"),
        default="duckdb",
        help="the analytics engine to time (clickhouse: chDB in process)",
    )
    args = parser.parse_args()

    _setup(fresh=not args.reuse)
    from django.utils import timezone

    from leerpad.lrs.models import Statement

    # The year up to today, so the registry's questions (the last year) see the data.
    end = timezone.now().astimezone(dt.UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    span = (end - dt.timedelta(days=365), end)
    gen = Generator(args.seed, _people(), *span)
    have = Statement.objects.count()
    if have < args.statements:
        print(f"Generating {args.statements - have:,} statements …")
        started = time.perf_counter()
        gen.insert(args.statements - have)
        print(f"  {time.perf_counter() - started:.1f} s")

    engines = ("duckdb", "clickhouse") if args.engine == "both" else (args.engine,)
    for engine in engines:
        _bench_engine(engine, gen, args, span)


if __name__ == "__main__":
    main()
