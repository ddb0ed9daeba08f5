"""Retention: old statements deleted or made anonymous in batches, the store following, a
record of each run, and the admin page with its preview."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from leerpad.accounts.models import Person
from leerpad.analytics import query, sync
from leerpad.core.signals import periodic
from leerpad.lrs.agents import person_for_agent
from leerpad.lrs.models import Statement, StatementAgent
from leerpad.lrs.services import record_for_person
from leerpad.privacy import records, retention, store
from leerpad.privacy.models import RetentionAction, RetentionPolicy, RetentionRun

pytestmark = pytest.mark.urls("leerpad.privacy.tests.urls")

EXPERIENCED = "http://adlnet.gov/expapi/verbs/experienced"
NOW = dt.datetime(2026, 11, 27, 12, tzinfo=dt.UTC)


def did(person: Person, stored: dt.datetime, instructor: Person | None = None) -> str:
    from leerpad.lrs.agents import agent_for_person

    context = {"instructor": agent_for_person(instructor)} if instructor else None
    sid = record_for_person(
        person,
        EXPERIENCED,
        {"en": "experienced"},
        {"objectType": "Activity", "id": "https://tool.example/c"},
        context=context,
        timestamp=stored,
    )
    # The LRS stamps `stored` itself; age the row as if it had been recorded then.
    Statement.objects.filter(statement_id=sid).update(stored=stored)
    StatementAgent.objects.filter(statement__statement_id=sid).update(stored=stored)
    return sid


def months_ago(n: int) -> dt.datetime:
    return retention.months_before(NOW, n)


def store_rows() -> list[dict[str, Any]]:
    return query.reader().run("SELECT actor_key, person_id, raw FROM events ORDER BY timestamp", {})


@pytest.fixture
def store_calls(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, Any]]:
    """How the store was brought in line: ("refresh", ids) or ("rebuild", None)."""
    calls: list[tuple[str, Any]] = []
    refresh, rebuild = sync.refresh_statements, sync.rebuild

    def refreshing(ids: Any, *args: Any, **kwargs: Any) -> int:
        calls.append(("refresh", sorted(ids)))
        return refresh(ids, *args, **kwargs)

    def rebuilding(*args: Any, **kwargs: Any) -> Any:
        calls.append(("rebuild", None))
        return rebuild(*args, **kwargs)

    monkeypatch.setattr(sync, "refresh_statements", refreshing)
    monkeypatch.setattr(sync, "rebuild", rebuilding)
    return calls


# --- rules --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "months", "expected"),
    [
        ("2026-11-27", 12, "2025-11-27"),
        ("2026-03-31", 1, "2026-02-28"),
        ("2024-03-31", 1, "2024-02-29"),
        ("2026-01-15", 1, "2025-12-15"),
        ("2026-01-15", 25, "2023-12-15"),
    ],
)
def test_months_before(moment: str, months: int, expected: str) -> None:
    start = dt.datetime.fromisoformat(moment).replace(tzinfo=dt.UTC)
    assert retention.months_before(start, months).date().isoformat() == expected


def test_the_preview_counts_what_the_run_will_touch(lena: Person, cas: Person) -> None:
    did(lena, months_ago(30))
    did(cas, months_ago(25))
    did(lena, months_ago(3))
    assert retention.preview(24, RetentionAction.DELETE, NOW).statements == 2
    assert retention.preview(26, RetentionAction.DELETE, NOW).statements == 1
    assert retention.preview(None, RetentionAction.DELETE, NOW).statements == 0


def test_set_policy_validates(ada: Person) -> None:
    with pytest.raises(ValueError):
        retention.set_policy(0, RetentionAction.DELETE, ada)
    with pytest.raises(ValueError):
        retention.set_policy(12, "shred", ada)
    retention.set_policy(12, RetentionAction.DELETE, ada)
    retention.set_policy(None, RetentionAction.ANONYMISE, ada)
    assert RetentionPolicy.objects.count() == 1
    assert RetentionPolicy.current().months is None


def test_without_a_period_nothing_runs(lena: Person) -> None:
    did(lena, months_ago(100))
    assert retention.apply(NOW) is None
    assert Statement.objects.count() == 1


# --- delete -------------------------------------------------------------------------------------


def test_delete_removes_old_statements_in_batches_and_the_store_follows(
    lena: Person, cas: Person, ada: Person, store_calls: list[tuple[str, Any]]
) -> None:
    old = [did(lena, months_ago(30) + dt.timedelta(hours=i)) for i in range(5)]
    recent = did(cas, months_ago(2))
    sync.sync()
    assert len(store_rows()) == 6
    retention.set_policy(24, RetentionAction.DELETE, ada)
    run = retention.apply(NOW, batch_size=2)
    assert run is not None
    assert (run.statements, run.action, run.months, run.error) == (5, "delete", 24, "")
    assert not Statement.objects.filter(statement_id__in=old).exists()
    assert Statement.objects.filter(statement_id=recent).exists()
    assert not StatementAgent.objects.filter(statement__statement_id__in=old).exists()
    assert [r["person_id"] for r in store_rows()] == [cas.pk]
    assert RetentionRun.objects.get().store_pending is False
    # Only the statements the run deleted were refreshed: no rebuild of the whole store.
    assert store_calls == [("refresh", sorted(old))]
    # The next run finds nothing left.
    assert retention.apply(NOW).statements == 0  # type: ignore[union-attr]
    assert len(store_calls) == 1


def test_a_run_can_stop_after_some_batches_and_the_next_continues(
    lena: Person, ada: Person
) -> None:
    for i in range(5):
        did(lena, months_ago(30) + dt.timedelta(hours=i))
    retention.set_policy(24, RetentionAction.DELETE, ada)
    first = retention.apply(NOW, batch_size=2, max_batches=1)
    assert first is not None and first.statements == 2
    assert Statement.objects.count() == 3
    second = retention.apply(NOW, batch_size=2)
    assert second is not None and second.statements == 3


# --- anonymise ----------------------------------------------------------------------------------


def test_anonymise_replaces_the_actor_everywhere_and_counts_stay(
    lena: Person, cas: Person, ada: Person, store_calls: list[tuple[str, Any]]
) -> None:
    old = [did(lena, months_ago(30), instructor=lena), did(lena, months_ago(29))]
    recent = did(lena, months_ago(1))
    sync.sync()
    retention.set_policy(24, RetentionAction.ANONYMISE, ada)
    run = retention.apply(NOW)
    assert run is not None and run.statements == 2
    assert Statement.objects.count() == 3
    actors = set()
    for statement in Statement.objects.filter(statement_id__in=old):
        actor = statement.payload["actor"]
        assert actor["account"]["name"].startswith(records.ANONYMOUS_PREFIX)
        assert "Lena" not in str(statement.payload)
        assert person_for_agent(actor) is None
        assert (
            statement.actor_ifi
            == f"account:{actor['account']['homePage']}|{actor['account']['name']}"
        )
        links = list(
            StatementAgent.objects.filter(statement=statement).values_list("ifi", "relation")
        )
        assert (statement.actor_ifi, "actor") in links
        assert not any("|" + str(lena.pk) in ifi for ifi, _ in links)
        actors.add(statement.actor_ifi)
    # One anonymous account per statement: they cannot be linked to each other.
    assert len(actors) == 2
    untouched = Statement.objects.get(statement_id=recent)
    assert untouched.actor_ifi.endswith(f"|{lena.pk}")
    # The store counts all three, only one of them as Lena's.
    rows = store_rows()
    assert len(rows) == 3
    assert [r["person_id"] for r in rows] == [None, None, lena.pk]
    assert "Lena" not in rows[0]["raw"] + rows[1]["raw"]
    assert rows[0]["actor_key"] not in (str(lena.pk), rows[1]["actor_key"])
    assert store_calls == [("refresh", sorted(old))]
    # Anonymous statements are not anonymised again.
    assert retention.preview(24, RetentionAction.ANONYMISE, NOW).statements == 0


# --- the schedule -------------------------------------------------------------------------------


def test_the_periodic_tick_runs_retention_once_a_day(lena: Person, ada: Person) -> None:
    did(lena, timezone.now() - dt.timedelta(days=800))
    periodic.send(sender=None, now=timezone.now())
    assert not RetentionRun.objects.exists()  # no policy: nothing queued
    retention.set_policy(24, RetentionAction.DELETE, ada)
    periodic.send(sender=None, now=timezone.now())
    assert RetentionRun.objects.count() == 1
    assert not Statement.objects.exists()
    periodic.send(sender=None, now=timezone.now())
    assert RetentionRun.objects.count() == 1  # not again the same day
    assert retention.due(timezone.now() + dt.timedelta(days=1))


def test_a_store_failure_is_retried_by_the_next_tick(
    lena: Person, ada: Person, monkeypatch: pytest.MonkeyPatch
) -> None:
    did(lena, timezone.now() - dt.timedelta(days=800))
    sync.sync()
    retention.set_policy(24, RetentionAction.DELETE, ada)

    def broken(*args: Any) -> int:
        raise OSError("disk full")

    monkeypatch.setattr("leerpad.analytics.sync.refresh_statements", broken)
    run = retention.apply()
    assert run is not None and run.store_pending
    assert len(store_rows()) == 1
    monkeypatch.undo()
    rebuilds: list[int] = []
    rebuild = sync.rebuild

    def counting() -> sync.SyncResult:
        rebuilds.append(1)
        return rebuild()

    monkeypatch.setattr(sync, "rebuild", counting)
    periodic.send(sender=None, now=timezone.now())
    assert not RetentionRun.objects.get().store_pending
    assert store_rows() == []
    # The ids were only in the failed run's memory: the retry rebuilds the store.
    assert rebuilds == [1]


def test_many_changes_rebuild_the_store_instead(
    lena: Person, ada: Person, store_calls: list[tuple[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store, "REFRESH_AT_MOST", 2)
    for i in range(3):
        did(lena, months_ago(30) + dt.timedelta(hours=i))
    kept = did(lena, months_ago(1))
    sync.sync()
    retention.set_policy(24, RetentionAction.DELETE, ada)

    run = retention.apply(NOW, batch_size=1)

    assert run is not None and run.statements == 3 and not run.store_pending
    assert store_calls == [("rebuild", None)]
    (row,) = store_rows()
    assert kept in row["raw"] and row["person_id"] == lena.pk


# --- the page -----------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["lena", "cas", "dirk", "greet"])
def test_retention_is_for_admins(
    client_for: Callable[[Person], Client], request: pytest.FixtureRequest, persona: str
) -> None:
    client = client_for(request.getfixturevalue(persona))
    assert client.get(reverse("privacy:retention")).status_code == 403
    response = client.post(
        reverse("privacy:retention"), {"months": "12", "action": "delete", "confirm": "1"}
    )
    assert response.status_code == 403
    assert not RetentionPolicy.objects.exists()


def test_the_page_previews_then_saves_on_confirmation(
    client_for: Callable[[Person], Client], lena: Person, ada: Person
) -> None:
    for months in (40, 30):
        did(lena, timezone.now() - dt.timedelta(days=months * 31))
    did(lena, timezone.now() - dt.timedelta(days=10))
    client = client_for(ada)
    page = client.get(reverse("privacy:retention")).content.decode()
    assert "No retention period is set" in page
    preview = client.post(reverse("privacy:retention"), {"months": "24", "action": "delete"})
    text = preview.content.decode()
    assert preview.status_code == 200
    cutoff = retention.cutoff(24)
    assert "This will delete 2 statements older than" in text
    assert f"{cutoff.day}, {cutoff.year}." in text
    assert not RetentionPolicy.objects.exists()
    saved = client.post(
        reverse("privacy:retention"), {"months": "24", "action": "delete", "confirm": "1"}
    )
    assert saved.status_code == 302
    policy = RetentionPolicy.current()
    assert (policy.months, policy.action, policy.updated_by_name) == (24, "delete", "Ada Test")
    assert Statement.objects.count() == 3  # saving does not delete: the run does
    client.post(reverse("privacy:retention_run"))
    assert Statement.objects.count() == 1
    page = client.get(reverse("privacy:retention")).content.decode()
    assert "Keep statements for 24 months, then delete them." in page


def test_the_page_refuses_a_bad_period(client_for: Callable[[Person], Client], ada: Person) -> None:
    response = client_for(ada).post(
        reverse("privacy:retention"), {"months": "0", "action": "delete"}
    )
    assert response.status_code == 400
    assert not RetentionPolicy.objects.exists()
