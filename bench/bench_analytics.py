"""Analytics store benchmark: `make bench-analytics` (not a test; prints figures).

1. Build a realistic organisation in a fresh SQLite LRS in .bench-analytics (once; see
   bench_data.py): 2,000 people in 20 locations, 80 teams and 24 job roles; 1,500
   published catalogue items of mixed kinds; 24 quizzes with questions and choices; 24
   published paths of 6-10 steps with a quiz step, an optional step, some alternatives and
   some a second version (among them the registry's `safety-at-work`, the busiest).
   Then generate N statements (default 1,000,000) over the year up to today, shaped like
   Leerpad's own: item pages `viewed` with an arrival channel (home, direct,
   recommendation, campaign, search, path), `played`, `launched`, `downloaded`, `liked`;
   `searched` with the query and result count (some queries never find anything), then
   `selected` and the item opened; path enrolments (`registered` on the path with its
   registration and version), step completions on the step's item with the path's
   grouping, registration, version and step, quiz attempts (`answered` per question with
   the response, then `passed`/`failed` with the score), the path's `completed`, `exited`;
   each learner moves through their path over days and weeks (mostly in order; optional
   steps skipped, a step done out of order or again, quizzes retaken, stalls, leaving).
   About 40 % are generic statements on activities outside Leerpad, for volume. The rows
   go straight into the LRS's statement table, one `executemany` and one transaction per
   20,000 (the columns the store's `prepare_statements` would fill, without the link
   tables): the LRS write path has its own benchmark (`bench-lrs`), this one needs only
   the rows, fast.
2. Full sync into the Parquet store (`sync.sync`, what the task runs): rows/s.
3. Incremental sync of 10,000 new statements.
4. Compaction of every month (`sync.compact`).
5. Every question of the golden registry (`analytics/questions/registry.py`, the
   dashboards' own calls over the last year) and the adoption question over the whole
   generated span: p50 and max of 5 runs (after one warm-up that opens the engine) and
   the rows returned (non-empty entries; "(empty!)" when a question found nothing).
6. Peak memory (RSS) of the process and the store's size on disk.

`--engine duckdb` (default: Parquet files, DuckDB in memory), `clickhouse` (chDB in
process, in .bench-analytics/chdb: the scale tier's engine without a server) or `both`
(the steps above for one, then for the other, over the same LRS).
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import os
import random
import resource
import shutil
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / ".bench-analytics"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_data import Generator, load_world, organisation, people  # noqa: E402


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


def _rows(result: Any) -> int:
    """What a question returned, counted so that "nothing" is 0: a list counts its non-empty
    entries, a dataclass (a report) the rows of its lists and its non-zero counts."""
    if result is None or result is False:
        return 0
    if isinstance(result, dict):
        return sum(1 for v in result.values() if _rows(v))
    if isinstance(result, list | tuple):
        return sum(1 for v in result if _rows(v))
    if dataclasses.is_dataclass(result) and not isinstance(result, type):
        values = [getattr(result, f.name) for f in dataclasses.fields(result)]
        listed = [v for v in values if isinstance(v, list | tuple | dict)]
        if listed:
            return sum(_rows(v) for v in listed)
        return sum(1 for v in values if isinstance(v, int | float) and v)
    if isinstance(result, int | float):
        return 1 if result else 0
    return 1


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
        empty = []
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
            rows = _rows(result)
            mark = "" if rows else "  (empty!)"
            print(f"{name[:59]:<60}{p50:>10.1f}{worst:>10.1f}{rows:>8}{mark}")
            if not rows:
                empty.append(name)
        if empty:
            print(f"\n{len(empty)} question(s) returned nothing: {', '.join(empty)}")
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
    started = time.perf_counter()
    who = people()
    organisation(*span)
    have = Statement.objects.count()
    # Seeded by what is there, so that --reuse adds statements with new ids.
    gen = Generator(args.seed + have, who, *span, load_world())
    print(f"Organisation and catalogue ready in {time.perf_counter() - started:.1f} s")
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
