"""`sync.refresh_statements`: statements changed in the LRS after their export (anonymised,
deleted) reach the store without a rebuild, on both engines, and the watermark stays."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from leerpad.accounts.models import Person
from leerpad.analytics import events, query, sync
from leerpad.analytics.store.parquet import ParquetStore, State
from leerpad.analytics.tests.conftest import at, did, void
from leerpad.lrs.models import Statement
from leerpad.privacy import records

pytestmark = pytest.mark.django_db


@pytest.fixture(params=["duckdb", "clickhouse"])
def engine(request: pytest.FixtureRequest, settings: Any) -> Iterator[str]:
    """Each test on the Parquet store (DuckDB) and on ClickHouse (chDB, a fresh database)."""
    if request.param == "duckdb":
        settings.LEERPAD_ANALYTICS_ENGINE = "duckdb"
        yield "duckdb"
        return
    pytest.importorskip("chdb", reason="chDB is not installed (CI has it)")
    from leerpad.analytics.store import clickhouse as ch
    from leerpad.analytics.tests.test_clickhouse import chdb_folder

    settings.LEERPAD_ANALYTICS_ENGINE = "clickhouse"
    settings.LEERPAD_CLICKHOUSE_URL = f"chdb://{chdb_folder()}?database=t_{uuid.uuid4().hex[:12]}"
    settings.LEERPAD_TENANT = "default"
    st = ch.store()
    yield "clickhouse"
    st.drop_database()


def store_rows() -> dict[str, dict[str, Any]]:
    found = query.run(
        "SELECT statement_id, actor_key, person_id, month, raw FROM events "
        "ORDER BY timestamp, statement_id",
        {},
    )
    ids = [r["statement_id"] for r in found]
    assert len(ids) == len(set(ids)), "a statement is in the store twice"
    return {r["statement_id"]: r for r in found}


def watermark() -> tuple[str | None, int, str | None]:
    state = sync.current_store().load_state()
    return state.stored, state.pk, state.statement_id


def pk_of(statement_id: str) -> int:
    return int(Statement.objects.get(statement_id=statement_id).pk)


@pytest.fixture
def exported(engine: str, lena: Person, cas: Person) -> dict[str, str]:
    """Three statements in two months, exported."""
    ids = {
        "january": did(lena, at("2025-01-06")),
        "february": did(lena, at("2025-02-10")),
        "cas": did(cas, at("2025-02-11")),
    }
    sync.sync()
    assert set(store_rows()) == set(ids.values())
    return ids


def test_an_anonymised_statement_shows_its_new_actor(
    exported: dict[str, str], lena: Person
) -> None:
    before = store_rows()
    mark = watermark()
    (changed,) = records.anonymise([pk_of(exported["february"])])
    ifi = Statement.objects.get(statement_id=changed).actor_ifi

    assert sync.refresh_statements([changed]) == 1

    rows = store_rows()
    assert set(rows) == set(exported.values())  # nothing lost, nothing doubled
    row = rows[changed]
    assert row["actor_key"] == events.actor_key(ifi, None) != str(lena.pk)
    assert row["person_id"] is None and "Lena" not in row["raw"]
    assert row["month"] == "2025-02"
    # The others are as they were, and the sync's watermark did not move.
    for sid in (exported["january"], exported["cas"]):
        assert rows[sid] == before[sid]
    assert watermark() == mark
    assert sync.sync().rows == 0 and len(store_rows()) == 3


def test_a_deleted_statement_is_gone(exported: dict[str, str], cas: Person) -> None:
    (gone,) = records.delete([pk_of(exported["january"])])

    assert sync.refresh_statements([gone]) == 0

    rows = store_rows()
    assert set(rows) == {exported["february"], exported["cas"]}
    assert rows[exported["cas"]]["person_id"] == cas.pk


def test_refreshing_again_changes_nothing(exported: dict[str, str]) -> None:
    changed = records.anonymise([pk_of(exported["january"]), pk_of(exported["cas"])])
    records.delete([pk_of(exported["february"])])
    ids = [*changed, exported["february"]]
    sync.refresh_statements(ids)
    first = store_rows()

    assert sync.refresh_statements(ids) == 2
    assert sync.refresh_statements([i.upper() for i in reversed(ids)], batch_size=1) == 2

    assert store_rows() == first
    assert set(first) == set(changed)


def test_small_batches_give_the_same_store(exported: dict[str, str]) -> None:
    changed = records.anonymise([pk_of(sid) for sid in exported.values()])
    keys = {sid: events.actor_key(ifi, None) for sid, ifi in _ifis(changed).items()}

    assert sync.refresh_statements(changed, batch_size=1) == 3

    assert {sid: r["actor_key"] for sid, r in store_rows().items()} == keys


def _ifis(ids: list[str]) -> dict[str, str]:
    return {
        str(sid): ifi
        for sid, ifi in Statement.objects.filter(statement_id__in=ids).values_list(
            "statement_id", "actor_ifi"
        )
    }


def test_statements_after_the_watermark_are_left_to_the_next_sync(
    exported: dict[str, str], lena: Person
) -> None:
    later = did(lena, at("2025-03-03"))
    records.anonymise([pk_of(later)])

    assert sync.refresh_statements([later]) == 0

    assert later not in store_rows()
    assert sync.sync().rows == 1
    row = store_rows()[later]
    assert row["person_id"] is None  # exported once, as the LRS has it now


def test_a_voided_statement_is_not_exported_again(exported: dict[str, str]) -> None:
    # Voided in the LRS after its export; the sync has not met the voiding statement yet.
    void(exported["january"])

    assert sync.refresh_statements([exported["january"]]) == 0

    assert exported["january"] not in store_rows()
    assert sync.sync().rows == 0  # the voiding statement is no event either
    assert set(store_rows()) == {exported["february"], exported["cas"]}


def test_nothing_to_refresh_before_the_first_export(
    engine: str, lena: Person, settings: Any
) -> None:
    sid = did(lena, at("2025-01-06"))

    assert sync.refresh_statements([sid]) == 0

    assert not sync.current_store().initialised()
    if engine == "duckdb":
        assert not ParquetStore(settings.LEERPAD_ANALYTICS_DIR).state_path.exists()
    assert sync.sync().rows == 1


def test_a_malformed_id_is_refused(exported: dict[str, str]) -> None:
    with pytest.raises(ValueError):
        sync.refresh_statements(["not-a-statement-id"])


def test_parquet_rewrites_only_the_months_that_hold_them(
    engine: str, exported: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    if engine != "duckdb":
        pytest.skip("Parquet files only")
    months: list[Any] = []
    original = ParquetStore.drop_statements

    def spy(self: ParquetStore, state: State, ids: Any, months_: Any = None) -> int:
        months.append(months_)
        return original(self, state, ids, months_)

    monkeypatch.setattr(ParquetStore, "drop_statements", spy)
    changed = records.anonymise([pk_of(exported["february"]), pk_of(exported["cas"])])

    sync.refresh_statements(changed, batch_size=1)

    # One rewrite pass for all ids (not one per batch), in the month that holds them.
    assert months == [["2025-02"]]
    files = sync.current_store().load_state().files
    assert files["2025-01"][0].startswith("batch-")  # January's file is untouched
    assert any(name.startswith("batch-refresh_") for name in files["2025-02"])
    # A deleted statement's month is not known: every month is searched.
    (gone,) = records.delete([pk_of(exported["january"])])
    months.clear()
    sync.refresh_statements([gone])
    assert months == [None]
