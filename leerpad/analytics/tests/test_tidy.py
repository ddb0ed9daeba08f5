"""Tiered merging of the small files frequent syncs leave behind."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from leerpad.accounts.models import Person
from leerpad.analytics import query, sync, tasks
from leerpad.analytics.store.parquet import store
from leerpad.analytics.tests.conftest import at, did

pytestmark = pytest.mark.django_db


def files_in(month: str) -> list[str]:
    return store().load_state().files.get(month, [])


def test_batches_merge_into_one_file_and_months_stay_small(
    make_person: Callable[..., Person], settings: Any
) -> None:
    person = make_person("Sam")
    for day in range(1, 6):  # five syncs, each adding a batch file to January
        did(person, at(f"2025-01-{day:02d}"))
        sync.sync()
    assert len(files_in("2025-01")) == 5
    st = store()
    with st.writing() as state:
        assert st.tidy(state, batches=4, files=8) == 1
        st.save_state(state)
    (merged,) = files_in("2025-01")
    assert merged.startswith("compact-")
    # Three more rounds of batches merged: four files, then the month becomes one.
    for round_ in range(3):
        for day in range(4):
            did(person, at(f"2025-01-{10 + round_ * 4 + day:02d}"))
            sync.sync()
        with st.writing() as state:
            st.tidy(state, batches=4, files=3)
            st.save_state(state)
    assert len(files_in("2025-01")) <= 3
    rows = query.reader().run("SELECT count(*) AS n FROM events", {})
    assert rows[0]["n"] == 5 + 12  # nothing lost or doubled by merging


def test_the_task_tidies_after_syncing(
    make_person: Callable[..., Person], monkeypatch: Any
) -> None:
    monkeypatch.setattr("leerpad.analytics.store.parquet.TIDY_BATCHES", 2)
    person = make_person("Sam")
    did(person, at("2025-02-01"))
    sync.sync()
    did(person, at("2025-02-02"))
    tasks.sync_analytics.call()
    (merged,) = files_in("2025-02")
    assert merged.startswith("compact-")
