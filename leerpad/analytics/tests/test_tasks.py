"""The sync triggers: the scheduler tick, committed statements, and the debounce."""

from __future__ import annotations

import os
import time
from typing import Any

import pytest

from leerpad.accounts.models import Person
from leerpad.analytics import receivers, sync, tasks
from leerpad.analytics.store.parquet import store
from leerpad.analytics.tests.conftest import at, did
from leerpad.core.signals import periodic
from leerpad.lrs.signals import statements_recorded

pytestmark = pytest.mark.django_db


@pytest.fixture
def queued(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []

    class Recorder:  # tasks are frozen dataclasses: stand in for the whole task
        def enqueue(self) -> None:
            calls.append(1)

    monkeypatch.setattr(tasks, "sync_analytics", Recorder())
    return calls


def test_the_scheduler_tick_syncs(lena: Person) -> None:
    assert receivers.__name__  # importing it connects the receivers
    did(lena, at("2025-01-06"))

    periodic.send(sender=None)  # tests run tasks at once (immediate backend)

    assert store().load_state().files["2025-01"]
    assert not (store().root / tasks.MARKER).exists()  # the task cleared its marker


def test_statements_queue_one_sync_at_a_time(lena: Person, queued: list[int]) -> None:
    statements_recorded.send(sender=None, statements=[{}])
    assert queued == []  # no store yet: the first export is the tick's or the command's
    sync.sync()

    statements_recorded.send(sender=None, statements=[{}])
    statements_recorded.send(sender=None, statements=[{}])
    assert queued == [1]

    marker = store().root / tasks.MARKER
    stale = time.time() - tasks.STALE_AFTER - 1
    os.utime(marker, (stale, stale))  # its worker died
    statements_recorded.send(sender=None, statements=[{}])
    assert queued == [1, 1]


def test_the_task_clears_the_marker_before_it_syncs(lena: Person, settings: Any) -> None:
    sync.sync()
    (store().root / tasks.MARKER).touch()
    did(lena, at("2025-01-06"))

    assert tasks.sync_analytics.call() == 1

    assert not (store().root / tasks.MARKER).exists()
