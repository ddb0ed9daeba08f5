"""The ClickHouse scale tier on chDB: schema, sync guarantees, voiding, erasure, rebuild,
tenancy, and the query layer's tenancy wrapper.

chDB runs one engine per process on one folder: every test here shares the session's
folder and gets a database of its own (the `clickhouse` fixture).
"""

from __future__ import annotations

import atexit
import datetime as dt
import functools
import hashlib
import json
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa  # type: ignore[import-untyped]
import pytest
from django.core.management import call_command
from django.test import override_settings

from leerpad.accounts.models import Person
from leerpad.analytics import events, query, sync
from leerpad.analytics.management.commands.analytics import Command
from leerpad.analytics.store import clickhouse as ch
from leerpad.analytics.tests.conftest import COMPLETED, at, did, outsider_did, void
from leerpad.paths.tracking import EXT_PATH_VERSION, EXT_STEP

pytest.importorskip(
    "chdb", reason="chDB is not installed: the ClickHouse tier's tests need it (CI has it)"
)

pytestmark = pytest.mark.django_db


@functools.cache
def chdb_folder() -> Path:
    """This process's one chDB folder (chDB opens one folder per process, ever: a fixture
    per test module would open a second one)."""
    folder = Path(tempfile.mkdtemp(prefix="leerpad-chdb-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder


@pytest.fixture
def chdb_dir() -> Path:
    """The process's chDB folder, as a fixture (other test modules import it)."""
    return chdb_folder()


@pytest.fixture
def clickhouse(settings: Any) -> Iterator[ch.ClickHouseStore]:
    """The ClickHouse engine on chDB, in a fresh database."""
    database = f"t_{uuid.uuid4().hex[:12]}"
    settings.LEERPAD_ANALYTICS_ENGINE = "clickhouse"
    settings.LEERPAD_CLICKHOUSE_URL = f"chdb://{chdb_folder()}?database={database}"
    settings.LEERPAD_TENANT = "default"
    st = ch.store()
    yield st
    st.drop_database()


def rows(
    sql: str = "SELECT * FROM events ORDER BY timestamp, statement_id",
) -> list[dict[str, Any]]:
    return query.run(sql, {})


def count() -> int:
    return int(rows("SELECT count(*) AS n FROM events")[0]["n"])


def raw_count(st: ch.ClickHouseStore) -> int:
    """Rows in the table itself, duplicates included (what FINAL hides)."""
    sql = f"SELECT count() FROM {st.table(ch.EVENTS)}"  # noqa: S608
    return int(st.client.query(sql).result_rows[0][0])


# --- configuration and schema --------------------------------------------------------------


def test_urls_name_a_server_or_a_chdb_folder() -> None:
    server = ch.parse_url("https://leerpad:s%40cret@ch.example:8443/learning")
    assert (server.kind, server.host, server.port) == ("https", "ch.example", 8443)
    assert (server.username, server.password, server.database) == ("leerpad", "s@cret", "learning")
    assert "s@cret" not in server.describe() and "s@cret" not in repr(server)
    default = ch.parse_url("http://ch.internal")
    assert (default.port, default.username, default.database) == (8123, "default", "leerpad")
    embedded = ch.parse_url("chdb:///var/lib/leerpad/chdb?database=analytics")
    assert (embedded.kind, embedded.path, embedded.database) == (
        "chdb",
        "/var/lib/leerpad/chdb",
        "analytics",
    )
    for bad in ("ftp://x/y", "chdb://relative", "http://host/no-such;db", "http:///db"):
        with pytest.raises(ValueError, match="LEERPAD_CLICKHOUSE_URL"):
            ch.parse_url(bad)


def test_the_table_follows_the_event_schema() -> None:
    ddl = ch.events_ddl("leerpad")
    for f in events.EVENT_SCHEMA:
        assert f"`{f.name}` {ch.column_type(f)}" in ddl
    assert ch.column_type(pa.field("timestamp", events.TIMESTAMP, nullable=False)) == (
        "DateTime64(6, 'UTC')"
    )
    assert ch.column_type(pa.field("x", pa.int64())) == "Nullable(Int64)"
    assert ch.column_type(pa.field("verb", pa.string(), nullable=False)) == (
        "LowCardinality(String)"
    )
    assert "ReplacingMergeTree(generation)" in ddl
    assert "ORDER BY (tenant, toDate(timestamp), statement_id)" in ddl
    assert "PARTITION BY month" in ddl
    with pytest.raises(ValueError, match="no ClickHouse type"):
        ch.column_type(pa.field("x", pa.list_(pa.int64())))


def test_a_column_added_to_the_schema_is_added_to_the_table(
    clickhouse: ch.ClickHouseStore, lena: Person
) -> None:
    # A table made before `variant` existed, with a row in it.
    old_schema = pa.schema([f for f in events.EVENT_SCHEMA if f.name != "variant"])
    client = clickhouse.client
    client.command(f"CREATE DATABASE `{clickhouse.database}`")
    columns = ", ".join(ch._column(f) for f in old_schema)
    client.command(
        f"CREATE TABLE {clickhouse.table(ch.EVENTS)} (tenant LowCardinality(String), "
        f"{columns}, generation UInt32) ENGINE = ReplacingMergeTree(generation) "
        "PARTITION BY month ORDER BY (tenant, toDate(timestamp), statement_id)"
    )
    statement_id = did(lena, at("2025-01-06"))
    row = events.statement_to_row(
        {"id": statement_id, "actor": {}, "verb": {"id": COMPLETED}, "timestamp": "2025-01-06"},
        {"stored": at("2025-01-06")},
    )
    old = pa.table({n: [row[n]] for n in old_schema.names}, schema=old_schema)
    old = old.add_column(0, "tenant", pa.array(["default"]))
    client.insert_arrow(
        ch.EVENTS,
        old.append_column("generation", pa.array([0], pa.uint32())),
        database=clickhouse.database,
    )

    (found,) = rows("SELECT statement_id, variant FROM events")

    assert found == {"statement_id": statement_id, "variant": None}
    names = [
        r[0]
        for r in client.query(
            "SELECT name FROM system.columns WHERE database = {db:String} AND table = {t:String} "
            "ORDER BY position",
            parameters={"db": clickhouse.database, "t": ch.EVENTS},
        ).result_rows
    ]
    assert names == ["tenant", *events.EVENT_SCHEMA.names, "generation"]


# --- sync ---------------------------------------------------------------------------------


def test_statements_become_events_in_clickhouse(
    clickhouse: ch.ClickHouseStore, lena: Person, settings: Any
) -> None:
    path_iri = f"{settings.SITE_URL.rstrip('/')}/paths/onboarding/"
    step_id = did(
        lena,
        at("2025-03-31", 23),
        COMPLETED,
        result={"success": True, "completion": True, "duration": "PT1M30.5S"},
        context={
            "registration": "6e4d1c9a-1f7b-4a57-9c1e-3c7d2b1f0a11",
            "contextActivities": {"grouping": [{"id": path_iri}]},
            "extensions": {EXT_PATH_VERSION: 3, EXT_STEP: "b1c2"},
        },
    )
    outside_id = outsider_did("Piet@Example.TEST", at("2025-04-02"))

    result = sync.sync()

    assert result.rows == 2
    step, outside = rows()
    assert step["statement_id"] == step_id and step["month"] == "2025-03"
    # An aware UTC datetime, to the microsecond, as DuckDB gives it.
    assert step["timestamp"] == at("2025-03-31", 23)
    assert step["timestamp"].utcoffset() == dt.timedelta(0)
    assert step["person_id"] == lena.pk and step["actor_key"] == str(lena.pk)
    assert step["result_success"] is True and step["result_duration_ms"] == 90_500
    assert (step["path_key"], step["path_version"], step["step_uid"]) == ("onboarding", 3, "b1c2")
    assert json.loads(step["raw"])["id"] == step_id
    assert outside["statement_id"] == outside_id and outside["person_id"] is None
    assert outside["actor_key"] == hashlib.sha256(b"mbox:mailto:Piet@example.test").hexdigest()
    (person,) = rows("SELECT * FROM people")
    assert person == {
        "person_id": lena.pk,
        "location_id": lena.location_id,
        "team_id": lena.team_id,
        "job_role_id": lena.job_role_id,
        "language": "nl",
    }
    # The watermark lives in ClickHouse itself.
    state = clickhouse.load_state()
    assert state.statement_id == outside_id and clickhouse.initialised()
    assert sync.sync().rows == 0 and count() == 2


def test_a_batch_exported_twice_is_counted_once(
    clickhouse: ch.ClickHouseStore, lena: Person, monkeypatch: pytest.MonkeyPatch
) -> None:
    for day in ("2025-01-06", "2025-01-07"):
        did(lena, at(day))
    sync.sync()
    for day in ("2025-01-08", "2025-01-09", "2025-01-10"):
        did(lena, at(day))

    def crash(self: ch.ClickHouseStore, state: Any) -> None:
        raise OSError("connection lost")

    with monkeypatch.context() as patch:
        patch.setattr(ch.ClickHouseStore, "save_state", crash)
        with pytest.raises(OSError):
            sync.sync(batch_size=2)
    # The first new batch is in the table, but the watermark did not move.
    assert raw_count(clickhouse) == 4

    result = sync.sync(batch_size=2)

    assert result.rows == 3
    assert raw_count(clickhouse) == 7  # the repeated batch is in the table twice ...
    assert count() == 5  # ... and every question sees it once (FINAL)
    assert rows("SELECT count(DISTINCT statement_id) AS n FROM events")[0]["n"] == 5
    assert sync.compact() >= 1
    assert raw_count(clickhouse) == 5  # merged: the copy is gone for good


def test_voiding_reaches_clickhouse(
    clickhouse: ch.ClickHouseStore, lena: Person, cas: Person
) -> None:
    voided_early = did(lena, at("2025-01-06"))
    kept = did(cas, at("2025-01-06"))
    voided_late = did(lena, at("2025-02-10"))
    void(voided_early)
    sync.sync()
    assert {r["statement_id"] for r in rows()} == {kept, voided_late}

    void(voided_late)
    result = sync.sync()

    assert result.dropped == 1
    assert [r["statement_id"] for r in rows()] == [kept]
    assert raw_count(clickhouse) == 1


def test_erasing_a_person_removes_their_rows(
    clickhouse: ch.ClickHouseStore, lena: Person, cas: Person
) -> None:
    did(lena, at("2025-01-06"))
    did(lena, at("2025-02-06"))
    did(cas, at("2025-02-06"))
    outsider_did("lena@example.test", at("2025-02-07"))
    sync.sync()
    lena_mbox = hashlib.sha256(b"mbox:mailto:lena@example.test").hexdigest()

    removed = sync.erase_person(lena.pk, actor_keys=[lena_mbox])

    assert removed == 3
    assert [r["person_id"] for r in rows()] == [cas.pk]
    assert sync.sync().rows == 0 and count() == 1


def test_rebuild_keeps_what_the_lrs_has_and_drops_the_rest(
    clickhouse: ch.ClickHouseStore, lena: Person, cas: Person
) -> None:
    from leerpad.lrs.models import Statement

    kept = did(lena, at("2025-01-06"))
    gone = did(cas, at("2025-02-06"))
    sync.sync()
    # Retention deleted a statement in the LRS after its export.
    Statement.objects.filter(statement_id=uuid.UUID(gone)).delete()
    before = clickhouse.load_state()

    result = sync.rebuild()

    assert result.rows == 1 and result.dropped == 1
    assert [r["statement_id"] for r in rows()] == [kept]
    after = clickhouse.load_state()
    assert after.generation == before.generation + 1
    assert after.statement_id == kept  # the last statement the LRS still has
    # New statements after a rebuild carry the new generation and stay.
    did(lena, at("2025-03-03"))
    assert sync.sync().rows == 1 and count() == 2


def test_reset_forgets_the_tenant_s_rows_and_watermark(
    clickhouse: ch.ClickHouseStore, lena: Person
) -> None:
    did(lena, at("2025-01-06"))
    did(lena, at("2025-02-06"))
    sync.sync()
    with clickhouse.writing() as state:
        clickhouse.reset(state)
        clickhouse.save_state(state)
    assert count() == 0 and clickhouse.load_state().stored is None

    assert sync.sync().rows == 2 and count() == 2


def test_tenants_share_the_tables_and_never_see_each_other(
    clickhouse: ch.ClickHouseStore, lena: Person, cas: Person, settings: Any
) -> None:
    did(lena, at("2025-01-06"))
    did(cas, at("2025-01-07"))
    sync.sync()
    settings.LEERPAD_TENANT = "other-company"
    did(lena, at("2025-01-08"))
    assert sync.sync().rows == 3  # its own watermark: everything, into its own rows
    assert count() == 3
    sync.erase_person(cas.pk)
    assert count() == 2

    settings.LEERPAD_TENANT = "default"

    assert count() == 2  # the first tenant's two rows, untouched by the other's erasure
    assert {r["person_id"] for r in rows()} == {lena.pk, cas.pk}
    assert raw_count(clickhouse) == 4
    with pytest.raises(ValueError, match="LEERPAD_TENANT"):
        ch.ClickHouseStore(clickhouse.target, "x'; DROP TABLE y")


def test_status_and_command_say_which_engine(
    clickhouse: ch.ClickHouseStore, lena: Person, capsys: pytest.CaptureFixture[str]
) -> None:
    did(lena, at("2025-01-06"))
    call_command(Command(), "sync")
    call_command(Command(), "compact")
    call_command(Command(), "status")
    out = capsys.readouterr().out
    assert "ClickHouse" in out and "1 rows in 1 batches" in out
    status = json.loads(out[out.index("{") :])
    assert status["engine"] == "clickhouse" and status["rows"] == 1 and status["months"] == 1
    assert status["tenant"] == "default" and status["watermark_stored"]


# --- the query layer's part ------------------------------------------------------------------


def test_macros_nest_and_render_per_dialect() -> None:
    template = (
        "SELECT @percentile(@days_between(a, @add_days(b, 7)), 0.5) AS d, @month(ts) AS m "
        "FROM events WHERE x = 'a,b' AND t >= @p(start, timestamp) @settings()"
    )

    duck = query.render(template, query.DUCKDB)
    click = query.render(template, query.CLICKHOUSE)

    assert duck == (
        "SELECT quantile_disc(date_diff('day', a, (b + to_days(CAST(7 AS INTEGER)))), 0.5) AS d, "
        "strftime(ts, '%Y-%m') AS m FROM events WHERE x = 'a,b' "
        "AND t >= CAST($start AS TIMESTAMPTZ) "
    )
    assert "arraySort(groupArray(dateDiff('day', a, addDays(b, toInt64(7)))))" in click
    assert "formatDateTime(ts, '%Y-%m') AS m" in click
    assert "t >= {start:Nullable(DateTime64(6, 'UTC'))}" in click
    assert click.endswith("SETTINGS join_use_nulls = 1")
    # An argument may hold parentheses and commas inside quotes.
    assert query.render("@month(concat('a,)', ts))", query.DUCKDB) == (
        "strftime(concat('a,)', ts), '%Y-%m')"
    )
    for bad, message in (
        ("@p(x)", "@p needs"),
        ("@p(x, date)", "@p needs"),
        ("@p(x y, int)", "@p needs"),
        ("@nope(x)", "unknown macro"),
        ("@week(ts", "unbalanced"),
    ):
        with pytest.raises(ValueError, match=message):
            query.render(bad, query.CLICKHOUSE)


def test_tenancy_is_added_in_front_of_the_question_s_own_ctes(
    clickhouse: ch.ClickHouseStore,
) -> None:
    plain = clickhouse.tenant_sql("SELECT count(*) FROM events")
    assert plain.startswith("WITH events AS (SELECT ") and "FINAL WHERE tenant = " in plain
    assert plain.endswith("\nSELECT count(*) FROM events")
    own = clickhouse.tenant_sql("-- a comment\n  with firsts AS (SELECT 1) SELECT * FROM firsts")
    assert own.startswith("WITH events AS (") and ", firsts AS (SELECT 1) SELECT" in own
    assert own.count("WITH") == 1
    for shadowing in (
        "WITH events AS (SELECT 1) SELECT 1",
        "WITH a AS (SELECT 1), people AS (SELECT 2) SELECT 1",
    ):
        with pytest.raises(ValueError, match="may not define"):
            clickhouse.tenant_sql(shadowing)


def test_questions_run_where_the_settings_say(clickhouse: ch.ClickHouseStore, lena: Person) -> None:
    did(lena, at("2025-01-06"))
    sync.sync()
    assert count() == 1
    with override_settings(LEERPAD_ANALYTICS_ENGINE="duckdb"):
        assert count() == 0  # the Parquet store was never synced
    # A question that names another engine than the configured one would read an empty
    # store without a word: refused.
    with pytest.raises(ValueError, match="configured engine"):
        query.run("SELECT 1 AS x", {}, "duckdb")
    with pytest.raises(ValueError, match="query layer's own"):
        query.run("SELECT 1 AS x", {ch.TENANT_PARAM: "other"})
    with pytest.raises(ValueError, match="naive"):
        query.run("SELECT @p(t, timestamp) AS t", {"t": dt.datetime(2025, 1, 1)})  # noqa: DTZ001
    with (
        override_settings(LEERPAD_ANALYTICS_ENGINE="oracle"),
        pytest.raises(ValueError, match="LEERPAD_ANALYTICS_ENGINE"),
    ):
        query.engine()
