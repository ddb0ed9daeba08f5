"""The analytics store: conversion, sync guarantees, voiding, erasure, compaction."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq  # type: ignore[import-untyped]
import pytest
from django.core.management import call_command

from leerpad.accounts.models import Person
from leerpad.analytics import query, sync
from leerpad.analytics.management.commands.analytics import Command
from leerpad.analytics.store.parquet import RETIRE_AFTER, ParquetStore, store
from leerpad.analytics.tests.conftest import COMPLETED, at, did, outsider_did, void
from leerpad.catalog.tracking import EXT_SEARCH_QUERY
from leerpad.paths.tracking import EXT_PATH_VERSION, EXT_STEP

pytestmark = pytest.mark.django_db


def rows(
    sql: str = "SELECT * FROM events ORDER BY timestamp, statement_id",
) -> list[dict[str, Any]]:
    return query.reader().run(sql, {})


def count() -> int:
    return int(rows("SELECT count(*) AS n FROM events")[0]["n"])


def test_statements_become_events(lena: Person, settings: Any) -> None:
    path_iri = f"{settings.SITE_URL.rstrip('/')}/paths/onboarding/"
    step_id = did(
        lena,
        at("2025-03-31", 23),
        COMPLETED,
        result={"success": True, "completion": True, "duration": "PT1M30.5S"},
        context={
            "registration": "6e4d1c9a-1f7b-4a57-9c1e-3c7d2b1f0a11",
            "language": "nl-BE",
            "platform": "web",
            "contextActivities": {
                "parent": [{"id": "https://leerpad.example/modules/7"}],
                "grouping": [{"id": path_iri}],
            },
            "extensions": {EXT_PATH_VERSION: 3, EXT_STEP: "b1c2"},
        },
    )
    search_id = did(
        lena,
        at("2025-04-01"),
        context={"extensions": {EXT_SEARCH_QUERY: "excel"}},
    )
    outside_id = outsider_did("Piet@Example.TEST", at("2025-04-02"))

    result = sync.sync()

    assert result.rows == 3
    step, search, outside = rows()
    assert step["statement_id"] == step_id
    assert step["month"] == "2025-03"
    assert step["timestamp"] == at("2025-03-31", 23)
    assert step["verb"] == COMPLETED
    assert step["person_id"] == lena.pk
    assert step["actor_key"] == str(lena.pk)
    assert step["object_type"] == "Activity"
    assert step["object_iri"] == "https://leerpad.example/courses/1"
    assert step["registration"] == "6e4d1c9a-1f7b-4a57-9c1e-3c7d2b1f0a11"
    assert step["parent_iri"] == "https://leerpad.example/modules/7"
    assert step["result_success"] is True and step["result_completion"] is True
    assert step["result_duration_ms"] == 90_500
    assert (step["path_key"], step["path_version"], step["step_uid"]) == ("onboarding", 3, "b1c2")
    assert (step["language"], step["platform"]) == ("nl-BE", "web")
    assert step["search_query"] is None
    assert json.loads(step["raw"])["id"] == step_id
    assert " " not in step["raw"].replace("Lena Test", "")  # compact JSON
    assert search["statement_id"] == search_id and search["search_query"] == "excel"
    assert search["month"] == "2025-04"
    # Outside actors: a hash of the identifier, never the address, and no person.
    assert outside["statement_id"] == outside_id
    assert outside["person_id"] is None
    assert outside["actor_key"] == hashlib.sha256(b"mbox:mailto:Piet@example.test").hexdigest()
    assert "Piet" not in json.dumps({k: v for k, v in outside.items() if k != "raw"}, default=str)
    # The people dimension beside the events.
    (person,) = rows("SELECT * FROM people")
    assert person["person_id"] == lena.pk
    assert person["location_id"] == lena.location_id
    assert person["team_id"] == lena.team_id and person["job_role_id"] == lena.job_role_id
    assert person["language"] == "nl"
    # Files: one per batch and month, zstd, month as the folder.
    months = sorted(p.parent.name for p in store().files())
    assert months == ["month=2025-03", "month=2025-04"]
    meta = pq.ParquetFile(store().files()[0]).metadata
    assert meta.row_group(0).column(0).compression == "ZSTD"


def test_sync_twice_exports_each_statement_once(lena: Person) -> None:
    for day in ("2025-01-06", "2025-01-07", "2025-02-03"):
        did(lena, at(day))
    assert sync.sync().rows == 3
    assert sync.sync().rows == 0
    assert count() == 3
    did(lena, at("2025-02-04"))
    assert sync.sync().rows == 1
    assert count() == 4
    state = store().load_state()
    last = rows("SELECT statement_id FROM events ORDER BY stored DESC LIMIT 1")[0]
    assert state.statement_id == last["statement_id"]


def test_a_crash_before_the_state_is_saved_duplicates_nothing(
    lena: Person, monkeypatch: pytest.MonkeyPatch
) -> None:
    for day in ("2025-01-06", "2025-01-07"):
        did(lena, at(day))
    sync.sync()
    for day in ("2025-01-08", "2025-01-09", "2025-01-10"):
        did(lena, at(day))
    real_save = ParquetStore.save_state

    def crash(self: ParquetStore, state: Any) -> None:
        raise OSError("disk gone")

    monkeypatch.setattr(ParquetStore, "save_state", crash)
    with pytest.raises(OSError):
        sync.sync(batch_size=2)
    monkeypatch.setattr(ParquetStore, "save_state", real_save)
    # The batch file is on disk, but no state lists it: readers do not see it.
    on_disk = list((store().events_dir / "month=2025-01").glob("*.parquet"))
    assert len(on_disk) == 2
    assert count() == 2

    result = sync.sync(batch_size=2)

    assert result.orphans == 1
    assert count() == 5
    assert rows("SELECT count(DISTINCT statement_id) AS n FROM events")[0]["n"] == 5


def test_voiding_reaches_the_store(lena: Person, cas: Person) -> None:
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
    # Corrections are not learning activity: no voiding statement in the events.
    assert count() == 1


def test_erasing_a_person_removes_their_rows(lena: Person, cas: Person) -> None:
    did(lena, at("2025-01-06"))
    did(lena, at("2025-02-06"))
    did(cas, at("2025-02-06"))
    outsider_did("lena@example.test", at("2025-02-07"))
    sync.sync()
    lena_mbox = hashlib.sha256(b"mbox:mailto:lena@example.test").hexdigest()

    removed = sync.erase_person(lena.pk, actor_keys=[lena_mbox])

    assert removed == 3
    assert [r["person_id"] for r in rows()] == [cas.pk]
    # The next sync does not bring them back (the watermark is past them).
    assert sync.sync().rows == 0 and count() == 1


def test_compaction_keeps_rows_and_readers_see_old_or_new(lena: Person, cas: Person) -> None:
    for day in ("2025-01-09", "2025-01-06", "2025-01-08", "2025-01-07"):
        did(lena, at(day))
        did(cas, at(day))
    sync.sync(batch_size=3)
    assert len(store().load_state().files["2025-01"]) == 3
    before = rows()
    reader = query.Reader(store())
    reader.refresh()  # a reader in another process that listed the old files

    assert sync.compact() == 1

    state = store().load_state()
    assert len(state.files["2025-01"]) == 1
    # The stale reader still answers from the old files, kept for a grace time.
    assert reader.con.execute("SELECT count(*) FROM events").fetchone()[0] == 8
    assert reader.run("SELECT count(*) AS n FROM events", {})[0]["n"] == 8  # now the new file
    assert rows() == before
    compacted = pq.read_table(store().files()[0]).column("timestamp").to_pylist()
    assert compacted == sorted(compacted)
    # After the grace time the old files go.
    st = store()
    old = [st.root / path for path, _ in state.retired]
    assert all(p.exists() for p in old)
    st.purge_retired(state, dt.datetime.now(dt.UTC) + RETIRE_AFTER)
    assert not any(p.exists() for p in old)


READER = textwrap.dedent(
    """
    import json, sys, time, duckdb
    root = sys.argv[1]
    con = duckdb.connect()
    counts = []
    deadline = time.time() + float(sys.argv[2])
    while time.time() < deadline:
        state = json.load(open(root + "/state.json"))
        files = [root + "/events/month=" + m + "/" + n
                 for m, names in state["files"].items() for n in names]
        counts.append(con.execute("SELECT count(*) FROM read_parquet($f)", {"f": files})
                      .fetchone()[0])
    sys.stdout.write(json.dumps(sorted(set(counts))))
    """
)


def test_readers_in_other_processes_while_the_store_is_written(
    lena: Person, analytics_dir: Path, make_person: Callable[..., Person]
) -> None:
    for day in range(1, 21):
        did(lena, at(f"2025-01-{day:02d}"))
    sync.sync(batch_size=4)
    readers = [
        subprocess.Popen(  # noqa: S603  (our own interpreter and script)
            [sys.executable, "-c", READER, str(analytics_dir), "3"],
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    import time

    time.sleep(1.0)  # let them start reading
    for _ in range(3):
        sync.compact()
        for day in range(21, 24):
            did(lena, at(f"2025-01-{day:02d}"))
        sync.sync(batch_size=2)
    seen = [json.loads(r.communicate(timeout=30)[0]) for r in readers]

    assert all(r.returncode == 0 for r in readers)
    final = count()
    assert final == 29
    for counts in seen:
        # Whole states only: 20 at first, then whole sync batches, never more than written.
        assert counts and counts[0] >= 20 and counts[-1] <= final


def test_rebuild_replaces_the_store(lena: Person) -> None:
    did(lena, at("2025-01-06"))
    did(lena, at("2025-02-06"))
    sync.sync()
    old_files = store().files()

    result = sync.rebuild()

    assert result.rows == 2 and count() == 2
    assert not set(old_files) & set(store().files())


def test_command(lena: Person, capsys: pytest.CaptureFixture[str]) -> None:
    did(lena, at("2025-01-06"))
    # The app joins INSTALLED_APPS with the lead's change; the command object runs without.
    call_command(Command(), "sync")
    call_command(Command(), "compact")
    call_command(Command(), "status")
    out = capsys.readouterr().out
    assert "1 rows in 1 batches" in out
    assert '"months": 1' in out
