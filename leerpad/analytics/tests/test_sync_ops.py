"""The sync's operations on the configured engine: tidying is for Parquet only, and the
trigger on committed statements asks the configured store whether it exists yet."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from leerpad.accounts.models import Person
from leerpad.analytics import receivers, sync, tasks
from leerpad.analytics.store.parquet import ParquetStore
from leerpad.analytics.tests.conftest import at, did
from leerpad.lrs.signals import statements_recorded

pytestmark = pytest.mark.django_db


@pytest.fixture
def on_chdb(settings: Any) -> Iterator[Any]:
    """The ClickHouse engine on chDB, in a fresh database."""
    pytest.importorskip("chdb", reason="chDB is not installed (CI has it)")
    from leerpad.analytics.store import clickhouse as ch
    from leerpad.analytics.tests.test_clickhouse import chdb_folder

    settings.LEERPAD_ANALYTICS_ENGINE = "clickhouse"
    settings.LEERPAD_CLICKHOUSE_URL = f"chdb://{chdb_folder()}?database=t_{uuid.uuid4().hex[:12]}"
    st = ch.store()
    yield st
    st.drop_database()


@pytest.fixture
def queued(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []

    class Recorder:  # tasks are frozen dataclasses: stand in for the whole task
        def enqueue(self) -> None:
            calls.append(1)

    monkeypatch.setattr(tasks, "sync_analytics", Recorder())
    return calls


def batches_of_january(settings: Any) -> int:
    files = ParquetStore(settings.LEERPAD_ANALYTICS_DIR).load_state().files
    return len(files.get("2025-01", []))


@pytest.mark.parametrize("name", ["duckdb", "DuckDB", ""])
def test_tidy_merges_on_the_duckdb_tier_whatever_the_spelling(
    make_person: Callable[..., Person],
    settings: Any,
    monkeypatch: pytest.MonkeyPatch,
    name: str,
) -> None:
    monkeypatch.setattr("leerpad.analytics.store.parquet.TIDY_BATCHES", 2)
    person = make_person("Sam")
    for day in (6, 7):
        did(person, at(f"2025-01-{day:02d}"))
        sync.sync()
    settings.LEERPAD_ANALYTICS_ENGINE = name

    assert tasks.tidy() == 1

    assert batches_of_january(settings) == 1


def test_tidy_does_nothing_on_clickhouse(
    on_chdb: Any,
    make_person: Callable[..., Person],
    settings: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    person = make_person("Sam")
    did(person, at("2025-01-06"))
    sync.sync()

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("the Parquet store was touched on the ClickHouse tier")

    monkeypatch.setattr(ParquetStore, "tidy", refuse)
    monkeypatch.setattr(ParquetStore, "save_state", refuse)

    assert tasks.tidy() == 0
    assert tasks.sync_analytics.call() == 0  # the task (sync, then tidy) runs through

    assert not ParquetStore(settings.LEERPAD_ANALYTICS_DIR).state_path.exists()


def test_statements_queue_a_sync_once_clickhouse_has_a_store(
    on_chdb: Any, lena: Person, queued: list[int]
) -> None:
    assert receivers.__name__  # importing it connects the receivers
    statements_recorded.send(sender=None, statements=[{}])
    assert queued == []  # no first export yet
    did(lena, at("2025-01-06"))
    sync.sync()

    statements_recorded.send(sender=None, statements=[{}])

    assert queued == [1]


def test_clickhouse_remembers_that_it_is_initialised(
    on_chdb: Any, lena: Person, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Asked on every LRS write: once true, no more round trips.
    assert not on_chdb.initialised()
    did(lena, at("2025-01-06"))
    sync.sync()
    assert sync.current_store().initialised()

    def unreachable(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("asked ClickHouse again")

    client = type(on_chdb.client)
    monkeypatch.setattr(client, "query", unreachable)

    assert sync.current_store().initialised()


def test_a_misconfigured_store_never_breaks_a_write(
    settings: Any, queued: list[int], caplog: pytest.LogCaptureFixture
) -> None:
    settings.LEERPAD_ANALYTICS_ENGINE = "clickhouse"
    settings.LEERPAD_CLICKHOUSE_URL = ""  # the store cannot even be made

    statements_recorded.send(sender=None, statements=[{}])

    assert queued == []
    assert "analytics.queue_failed" in caplog.text
