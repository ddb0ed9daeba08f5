"""Golden results: every registered question gives the same answer on DuckDB and on
ClickHouse (chDB), over one seeded data set; and the three silent traps of the research
(research/scale-event-store.md 6.4) each have a test that fails when the trap is open.

The data set is the demo (seeded: paths with versions and steps, quizzes answered
question by question, enrolments, search, arrivals, a year of history ending now) at a
small share of its organisation, plus statements the demo does not make: outside tools'
actors, times on the edges of weeks and months, and statements voided before and after
their export. It is synced into both stores, then more arrives and is synced again.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import random
from collections.abc import Iterator
from fractions import Fraction
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import override_settings
from django.utils import timezone

from leerpad.accounts.models import Person
from leerpad.analytics import query, sync
from leerpad.analytics.events import actor_key
from leerpad.analytics.questions.registry import GOLDEN
from leerpad.analytics.store import clickhouse as ch
from leerpad.analytics.tests.conftest import COMPLETED, at, did, outsider_did, void
from leerpad.analytics.tests.test_clickhouse import clickhouse  # noqa: F401  (a fixture)
from leerpad.lrs import services
from leerpad.lrs.http import VERSION_2

pytest.importorskip(
    "chdb", reason="chDB is not installed: the golden tests need it for ClickHouse (CI has it)"
)

pytestmark = pytest.mark.django_db

DEMO_SCALE = 0.08  # of the demo organisation's history: about 2,000 statements
K = 3  # small groups still show, so the comparison covers most figures


def sync_both() -> None:
    with override_settings(LEERPAD_ANALYTICS_ENGINE="duckdb"):
        sync.sync(batch_size=500)
    with override_settings(LEERPAD_ANALYTICS_ENGINE="clickhouse"):
        sync.sync(batch_size=500)


def on(engine: str) -> Any:
    return override_settings(LEERPAD_ANALYTICS_ENGINE=engine)


def record_many(statements: list[dict[str, Any]]) -> list[str]:
    authority = services.leerpad_authority()
    return services.record_statements(statements, version=VERSION_2, authority=authority)


def agent(name: str) -> dict[str, Any]:
    return {"objectType": "Agent", "mbox": f"mailto:{name}@outside.example"}


def statement(
    actor: dict[str, Any], when: dt.datetime, verb: str = COMPLETED, **more: Any
) -> dict[str, Any]:
    body = {
        "actor": actor,
        "verb": {"id": verb, "display": {"en": verb.rsplit("/", 1)[-1]}},
        "object": {"objectType": "Activity", "id": more.pop("iri", "https://x.example/a")},
        "timestamp": when.isoformat(),
    }
    body.update(more)
    return body


@pytest.fixture
def golden(settings: Any, clickhouse: ch.ClickHouseStore) -> Iterator[None]:  # noqa: F811
    from leerpad.core.demo import load_demo
    from leerpad.lrs.models import Statement

    settings.LEERPAD_DEMO_HISTORY_SCALE = DEMO_SCALE
    settings.LEERPAD_MIN_GROUP_SIZE = K
    load_demo()
    rng = random.Random(6)
    now = timezone.now().astimezone(dt.UTC)
    monday = (now - dt.timedelta(days=now.weekday() + 21)).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    edges = [
        monday - dt.timedelta(microseconds=1),  # Sunday 23:59:59.999999: the week before
        monday,
        monday.replace(day=1) - dt.timedelta(minutes=30),  # the month before, in UTC
    ]
    outsiders = [agent(f"guest{i}") for i in range(8)]
    first = record_many(
        [
            statement(
                rng.choice(outsiders),
                rng.choice(edges) + dt.timedelta(days=7 * rng.randrange(-20, 1)),
                result={"score": {"scaled": rng.random()}, "duration": f"PT{rng.randrange(900)}S"},
            )
            for _ in range(60)
        ]
    )
    void(first[0])  # before its export: never reaches either store
    sync_both()
    later = record_many(
        [statement(rng.choice(outsiders), now - dt.timedelta(hours=i)) for i in range(10)]
    )
    demo_ids = list(
        Statement.objects.exclude(verb_iri="http://adlnet.gov/expapi/verbs/voided")
        .order_by("stored", "pk")
        .values_list("statement_id", flat=True)[:5]
    )
    for voided in [first[1], later[0], *(str(i) for i in demo_ids)]:
        void(voided)  # after the first export: removed from both stores
    sync_both()
    yield


def differences(a: Any, b: Any, where: str = "result") -> list[str]:
    """Where two answers differ: values, and Python types (an int is not a float here, a
    naive datetime not an aware one)."""
    if type(a) is not type(b):
        return [
            f"{where}: DuckDB {a!r} ({type(a).__name__}), ClickHouse {b!r} ({type(b).__name__})"
        ]
    if isinstance(a, float):
        same = math.isclose(a, b, rel_tol=0, abs_tol=1e-9) or (math.isnan(a) and math.isnan(b))
        return [] if same else [f"{where}: DuckDB {a!r}, ClickHouse {b!r}"]
    if isinstance(a, dt.datetime):
        found = []
        for name, value in (("DuckDB", a), ("ClickHouse", b)):
            if value.tzinfo is None or value.utcoffset() != dt.timedelta(0):
                found.append(f"{where}: {name} gave {value!r}, not an aware UTC time")
        return found or ([] if a == b else [f"{where}: DuckDB {a!r}, ClickHouse {b!r}"])
    if dataclasses.is_dataclass(a) and not isinstance(a, type):
        return [
            d
            for f in dataclasses.fields(a)
            for d in differences(getattr(a, f.name), getattr(b, f.name), f"{where}.{f.name}")
        ]
    if isinstance(a, list | tuple):
        if len(a) != len(b):
            return [f"{where}: DuckDB {len(a)} items, ClickHouse {len(b)}"]
        return [
            d
            for i, (x, y) in enumerate(zip(a, b, strict=True))
            for d in differences(x, y, f"{where}[{i}]")
        ]
    if isinstance(a, dict):
        if set(a) != set(b):
            return [f"{where}: keys {sorted(map(str, a))} vs {sorted(map(str, b))}"]
        return [d for key in a for d in differences(a[key], b[key], f"{where}[{key!r}]")]
    return [] if a == b else [f"{where}: DuckDB {a!r}, ClickHouse {b!r}"]


def test_the_comparison_sees_types_times_and_floats() -> None:
    utc = dt.datetime(2025, 1, 6, tzinfo=dt.UTC)
    assert differences([1.0, {"a": utc}], [1.0 + 1e-12, {"a": utc}]) == []
    assert differences(1, 1.0)  # 51 against 51.0: a typing leak
    assert differences(1.0, 1.001)
    assert differences(utc, utc.replace(tzinfo=None))
    assert differences(utc, utc.astimezone(ZoneInfo("Europe/Brussels")))
    assert differences(dt.date(2025, 1, 6), utc)
    assert differences([1, 2], [1])


def check_the_golden_data() -> None:
    """The data set holds what the cases need, the same on both engines."""
    guests = {f"g{i}": actor_key(f"mbox:mailto:guest{i}@outside.example", None) for i in range(8)}
    # Only placeholders of our own making are formatted into the template.
    counts = f"""
        SELECT COUNT(*) AS events, COUNT(DISTINCT actor_key) AS actors,
               COUNT(DISTINCT @month(timestamp)) AS months,
               COUNT(DISTINCT path_key) AS paths, COUNT(DISTINCT step_uid) AS steps,
               SUM(CASE WHEN actor_key IN ({", ".join(f"@p({g}, text)" for g in guests)})
                   THEN 1 ELSE 0 END) AS outside,
               COUNT(DISTINCT verb) AS verbs
        FROM events
    """  # noqa: S608
    with on("duckdb"):
        (duck,) = query.run(counts, guests)
    with on("clickhouse"):
        (click,) = query.run(counts, guests)
    assert differences(duck, click) == []
    assert duck["events"] > 1000 and duck["actors"] >= 30 and duck["months"] >= 6
    assert duck["paths"] >= 3 and duck["steps"] >= 10 and duck["verbs"] >= 5
    assert duck["outside"] == 60 + 10 - 3  # the outsiders' statements, less the voided ones


def test_every_registered_question_gives_the_same_answer_on_both_engines(
    golden: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    # One test for the whole registry: the data set takes long to make, and the report
    # below lists every case that differs at once.
    check_the_golden_data()
    asked: list[str] = []
    original = ch.ClickHouseStore.query

    def counting(self: ch.ClickHouseStore, sql: str, params: Any) -> list[dict[str, Any]]:
        asked.append(sql)
        return original(self, sql, params)

    monkeypatch.setattr(ch.ClickHouseStore, "query", counting)
    report, empty = [], []
    for name, case in GOLDEN:
        with on("duckdb"):
            duck = case()
        asked.clear()
        with on("clickhouse"):
            click = case()
        if not asked:
            report.append(f"{name}: never asked the analytics store on ClickHouse")
        report.extend(f"{name}: {d}" for d in differences(duck, click)[:5])
        if not duck:
            empty.append(name)
    assert not report, "\n".join(report)
    # A case answered by nothing on both engines proves nothing: the data set must reach it.
    assert not empty, f"the golden data gives no answer to: {', '.join(empty)}"


# --- the three traps ----------------------------------------------------------------------


@pytest.fixture
def both(clickhouse: ch.ClickHouseStore) -> ch.ClickHouseStore:  # noqa: F811
    return clickhouse


def answers(template: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """The template's rows on both engines, which must agree; returns them."""
    with on("duckdb"):
        duck = query.run(template, params or {})
    with on("clickhouse"):
        click = query.run(template, params or {})
    assert differences(duck, click) == []
    return duck


def test_trap_1_a_left_join_miss_is_null_on_both(
    both: ch.ClickHouseStore, lena: Person, settings: Any
) -> None:
    did(lena, at("2025-01-06"))
    outsider_did("piet@example.test", at("2025-01-07"))
    sync_both()
    template = """
        SELECT COUNT(DISTINCT p.person_id) AS people, COUNT(*) AS n,
               SUM(CASE WHEN p.person_id IS NULL THEN 1 ELSE 0 END) AS unmatched,
               MAX(p.language) AS language
        FROM events e LEFT JOIN people p ON p.person_id = e.person_id
    """

    (row,) = answers(template + " @settings()")

    assert row == {"people": 1, "n": 2, "unmatched": 1, "language": "nl"}
    # The trap is real: ClickHouse's default fills the miss of a column that cannot be
    # NULL with 0: a phantom person, and no miss at all.
    sql = both.tenant_sql(query.render(template, query.CLICKHOUSE))
    params = {ch.TENANT_PARAM: both.tenant}
    result = both.client.query(sql, parameters=params, settings={"join_use_nulls": 0})
    assert result.result_rows[0][:3] == (2, 2, 0)


def nearest_rank(values: list[int], p: Fraction) -> int:
    """DuckDB's quantile_disc: the value at index max(1, n - floor(n - n*p)) - 1."""
    ordered, n = sorted(values), len(values)
    return ordered[max(1, n - math.floor(n - n * p)) - 1]


def test_trap_2_percentiles_are_the_same_nearest_rank_on_both(
    both: ch.ClickHouseStore, lena: Person
) -> None:
    rng = random.Random(2)
    sizes = [1, 2, 3, 4, 5, 7, 10, 11, 25]  # 25: where n - 0.56 * n is not exact in doubles
    durations = {size: [rng.randrange(1, 5000) for _ in range(size)] for size in sizes}
    batch = [
        statement(
            agent("quiz"),
            at("2025-02-03"),
            iri=f"https://x.example/size/{size:03d}",
            result={"duration": f"PT{seconds}S"},
        )
        for size, values in durations.items()
        for seconds in values
    ]
    batch.append(statement(agent("quiz"), at("2025-02-03"), iri="https://x.example/size/none"))
    record_many(batch)
    sync_both()
    template = """
        SELECT object_iri,
               @percentile(result_duration_ms, 0.5) AS p50,
               @percentile(result_duration_ms, 0.9) AS p90,
               @percentile(result_duration_ms, 0.56) AS p56,
               @percentile(result_duration_ms, @p(q, float)) AS pq,
               @percentile(result_duration_ms, @p(far, float)) AS far,
               @percentile(@days_between(timestamp, @p(later, timestamp)), 0.5) AS days
        FROM events GROUP BY object_iri ORDER BY object_iri
    """

    rows = answers(template, {"q": 0.56, "far": 0.1 + 0.2, "later": at("2025-02-13")})

    *sized, nothing = rows
    assert nothing["object_iri"] == "https://x.example/size/none"
    assert (nothing["p50"], nothing["pq"], nothing["days"]) == (None, None, 10)
    assert 0.1 + 0.2 != 0.3  # `far`: a double just above 0.3, which counts as 0.3
    for row, size in zip(sized, sizes, strict=True):
        ms = [s * 1000 for s in durations[size]]
        assert row["p50"] == nearest_rank(ms, Fraction(1, 2))
        assert row["p90"] == nearest_rank(ms, Fraction(9, 10))
        assert row["p56"] == nearest_rank(ms, Fraction(56, 100))  # a literal: exact
        # A bound double is taken at 15 decimal places, not as the double's exact value.
        assert row["pq"] == row["p56"]
        assert row["far"] == nearest_rank(ms, Fraction(3, 10))
    # In doubles, n - n * 0.56 is 10.999999999999998 at n = 25: the 15th value, not the 14th.
    ordered = sorted(s * 1000 for s in durations[25])
    assert sized[-1]["pq"] == ordered[13] != ordered[14]
    # The trap is real: ClickHouse's own exact quantiles pick other values.
    own = both.client.query(
        both.tenant_sql(
            "SELECT quantileExactLow(0.9)(result_duration_ms), "
            "quantileExactHigh(0.5)(result_duration_ms) FROM events "
            "WHERE object_iri IN ('https://x.example/size/004', 'https://x.example/size/010') "
            "GROUP BY object_iri ORDER BY object_iri"
        ),
        parameters={ch.TENANT_PARAM: both.tenant},
    ).result_rows
    ours = [(r["p90"], r["p50"]) for r in sized if r["object_iri"].endswith(("/004", "/010"))]
    assert own != ours


def test_trap_3_times_are_instants_in_utc_never_text(
    both: ch.ClickHouseStore, lena: Person
) -> None:
    sunday_night = dt.datetime(2025, 1, 5, 23, 59, 59, 999999, tzinfo=dt.UTC)
    monday = dt.datetime(2025, 1, 6, tzinfo=dt.UTC)
    january_night = dt.datetime(2025, 1, 31, 23, 30, tzinfo=dt.UTC)  # 1 February in Brussels
    for when in (sunday_night, monday, january_night):
        did(lena, when)
    sync_both()
    brussels = ZoneInfo("Europe/Brussels")
    template = """
        SELECT timestamp, @week(timestamp) AS week, @month(timestamp) AS month,
               @days_between(timestamp, @p(until, timestamp)) AS days,
               @add_days(timestamp, 1) AS next_day
        FROM events
        WHERE timestamp >= @p(since, timestamp) AND timestamp < @p(until, timestamp)
        ORDER BY timestamp
    """
    # The same instants written in Brussels time: 01:00 on Monday is 00:00 UTC.
    params = {
        "since": monday.astimezone(brussels),
        "until": dt.datetime(2025, 2, 1, 1, 0, tzinfo=brussels),
    }

    rows = answers(template, params)

    assert rows == [
        {
            "timestamp": monday,
            "week": dt.date(2025, 1, 6),
            "month": "2025-01",
            "days": 26,
            "next_day": monday + dt.timedelta(days=1),
        },
        {
            "timestamp": january_night,
            "week": dt.date(2025, 1, 27),
            "month": "2025-01",  # cut in UTC, not in the server's or the viewer's zone
            "days": 1,
            "next_day": january_night + dt.timedelta(days=1),
        },
    ]
    assert all(type(r["week"]) is dt.date for r in rows)
    # One microsecond earlier is the week before, on both.
    rows = answers(
        "SELECT @week(timestamp) AS week FROM events WHERE timestamp < @p(t, timestamp)",
        {"t": monday},
    )
    assert rows == [{"week": dt.date(2024, 12, 30)}]


def test_large_answers_stream_in_batches_on_both(both: ch.ClickHouseStore, lena: Person) -> None:
    for day in range(1, 8):
        did(lena, at(f"2025-03-{day:02d}"))
    sync_both()
    template = (
        "SELECT timestamp, verb FROM events WHERE timestamp >= @p(since, timestamp) "
        "ORDER BY timestamp"
    )
    params = {"since": at("2025-03-02", 0)}
    answers_by_engine = []
    for engine in ("duckdb", "clickhouse"):
        with on(engine):
            batches = list(query.stream(template, params, size=4))
        assert [len(b) for b in batches] == [4, 2]
        answers_by_engine.append([row for batch in batches for row in batch])
    duck, click = answers_by_engine
    assert differences(duck, click) == []
    assert duck[0] == (at("2025-03-02"), "http://adlnet.gov/expapi/verbs/experienced")
