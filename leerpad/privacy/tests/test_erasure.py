"""GDPR erasure: every app's rows, the LRS, the analytics store, the account; a record
without the name; the admin page with its preview and typed confirmation."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from leerpad.accounts.models import Person
from leerpad.accounts.services import create_api_token
from leerpad.analytics import query, sync
from leerpad.core.access import Role, roles_of
from leerpad.core.signals import periodic
from leerpad.lrs.agents import agent_for_person
from leerpad.lrs.models import Statement, StatementAgent
from leerpad.lrs.services import record, record_for_person
from leerpad.paths.models import Completion, Enrolment
from leerpad.paths.services import enrol
from leerpad.paths.tests.learner_helpers import article, make_path
from leerpad.privacy import consent, erasure
from leerpad.privacy.models import AccessRecord, ErasureRecord
from leerpad.privacy.services import record_access
from leerpad.privacy.tests.test_retention import store_calls  # noqa: F401  (a fixture)
from leerpad.quizzes.models import Attempt
from leerpad.quizzes.services import start_attempt
from leerpad.quizzes.tests.helpers import make_question, make_quiz
from leerpad.recommend.models import Dismissal
from leerpad.recommend.services import dismiss
from leerpad.skills.models import Skill, SkillClaim
from leerpad.skills.services import set_claim

pytestmark = pytest.mark.urls("leerpad.privacy.tests.urls")

EXPERIENCED = "http://adlnet.gov/expapi/verbs/experienced"
REASON = "Support ticket about a missing course"


def did(person: Person, context: dict[str, Any] | None = None) -> str:
    return record_for_person(
        person,
        EXPERIENCED,
        {"en": "experienced"},
        {"objectType": "Activity", "id": "https://tool.example/c"},
        context=context,
        timestamp=dt.datetime(2026, 3, 5, 10, tzinfo=dt.UTC),
    )


@pytest.fixture
def lena_data(
    lena: Person,
    cas: Person,
    ada: Person,
    django_capture_on_commit_callbacks: Any,
) -> dict[str, str]:
    """Lena with something in every app, plus statements naming her from others."""
    with django_capture_on_commit_callbacks(execute=True):
        enrol(lena, make_path("welkom", [{"item": article("Lees dit")}]))
        mine = did(lena)
        # An outside tool that knows her by e-mail address.
        by_mail = record(
            {
                "actor": {"objectType": "Agent", "mbox": f"mailto:{lena.email}"},
                "verb": {"id": EXPERIENCED, "display": {"en": "did"}},
                "object": {"objectType": "Activity", "id": "https://tool.example/d"},
            }
        )
        # Cas's statement with Lena as instructor: kept, without her.
        instructed = did(cas, {"instructor": agent_for_person(lena)})
    skill = Skill.objects.create(key="kassa", names={"en": "Till"})
    set_claim(lena, skill, self_level=2, willing_to_share=True)
    dismiss(lena, item=article("Niet voor mij"))
    quiz = make_quiz(questions=[make_question(skill)])
    start_attempt(quiz, lena)
    record_access(ada, lena, "learning_record", REASON)
    consent.give_consent(lena)
    create_api_token(lena, "laptop")
    Completion.objects.create(
        person=lena,
        activity_iri="https://tool.example/c",
        statement_id=mine,
        verb_iri=EXPERIENCED,
        completed_at=dt.datetime(2026, 3, 5, tzinfo=dt.UTC),
    )
    return {"mine": mine, "by_mail": by_mail, "instructed": instructed}


def store_rows() -> list[dict[str, Any]]:
    return query.reader().run("SELECT person_id, actor_key, raw FROM events", {})


def test_the_preview_counts_without_changing_anything(
    lena: Person, lena_data: dict[str, str]
) -> None:
    counts = erasure.preview(lena)
    # By her: "registered" (the enrolment), her own statement, the outside tool's.
    assert counts["learning_record"] == {
        "statements": 3,
        "statements_naming_them": 1,
        "documents": 0,
    }
    assert counts["learning_paths"] == {"enrolments": 1, "invitations": 0, "completions": 1}
    assert counts["quiz_attempts"] == {"attempts": 1}
    assert counts["skills"]["claims"] == 1
    assert counts["not_for_me"] == {"dismissals": 1}
    assert counts["privacy"] == {"access_records": 1, "coach_consents": 1, "api_tokens": 1}
    assert Statement.objects.count() == 4 and Enrolment.objects.count() == 1
    labels = [section.label for section in erasure.readable(counts)]
    assert "Learning record (LRS)" in labels and "Quizzes" in labels


def test_erase_removes_everything_and_keeps_a_record_without_the_name(
    lena: Person,
    cas: Person,
    ada: Person,
    lena_data: dict[str, str],
    django_capture_on_commit_callbacks: Any,
    store_calls: list[tuple[str, Any]],  # noqa: F811
) -> None:
    old_email, pk = lena.email, lena.pk
    sync.sync()
    # The outside tool's statement is hers too, under the hash of her address (no person id).
    assert {r["person_id"] for r in store_rows()} == {lena.pk, cas.pk, None}
    with django_capture_on_commit_callbacks(execute=True):
        done = erasure.erase(lena, "person", ada)
    # App data.
    assert not Enrolment.objects.filter(person_id=pk).exists()
    assert not Completion.objects.filter(person_id=pk).exists()
    assert not Attempt.objects.filter(person_id=pk).exists()
    assert not SkillClaim.objects.filter(person_id=pk).exists()
    assert not Dismissal.objects.filter(person_id=pk).exists()
    assert not AccessRecord.objects.filter(subject_id=pk).exists()
    # The LRS: hers gone, Cas's kept without her.
    assert not Statement.objects.filter(
        statement_id__in=[lena_data["mine"], lena_data["by_mail"]]
    ).exists()
    kept = Statement.objects.get(statement_id=lena_data["instructed"])
    assert kept.actor_ifi.endswith(f"|{cas.pk}")
    assert "Lena" not in str(kept.payload) and old_email not in str(kept.payload)
    instructor = kept.payload["context"]["instructor"]["account"]["name"]
    assert instructor.startswith("anonymous-")
    ifis = set(StatementAgent.objects.filter(statement=kept).values_list("ifi", flat=True))
    assert not any(ifi.endswith(f"|{pk}") for ifi in ifis)
    # Cas (actor), Leerpad (authority) and the anonymous instructor: one link each.
    assert len(ifis) == 3 and any(f"|{instructor}" in ifi for ifi in ifis)
    # The account.
    lena.refresh_from_db()
    assert not lena.is_active and not lena.has_usable_password()
    assert lena.get_full_name() == "Erased person" and "lena" not in lena.email
    assert lena.location_id is None and lena.coach_id is None and roles_of(lena) == frozenset()
    assert not lena.api_tokens.exists()
    # The analytics store: her rows gone, Cas's row re-exported without her.
    rows = store_rows()
    assert [r["person_id"] for r in rows] == [cas.pk]
    assert "Lena" not in rows[0]["raw"]
    # Only that one statement was exported again, not the whole store.
    assert store_calls == [("refresh", [lena_data["instructed"]])]
    # The record.
    record = ErasureRecord.objects.get()
    assert record == done and not record.store_pending
    assert record.reference == erasure.erasure_reference(pk)
    assert record.done_by == ada and record.requested_by == "person"
    assert record.counts["learning_record"]["statements"] == 3
    assert record.store_actor_keys == [] and record.store_person_id is None
    assert "Lena" not in str(record.counts) and old_email not in str(record.counts)
    # Once only.
    with pytest.raises(ValueError):
        erasure.erase(lena, "person", ada)


def test_erase_deletes_the_lrs_documents_kept_for_the_person(
    lena: Person, cas: Person, ada: Person
) -> None:
    from leerpad.lrs.models import Document
    from leerpad.lrs.xapi import agent_ifi

    def document(person: Person, name: str) -> Document:
        return Document.objects.create(
            kind=Document.Kind.STATE,
            activity_iri="https://tool.example/c",
            agent_ifi=agent_ifi(agent_for_person(person)),
            document_id=name,
            context_hash=name,
            key_hash=name,
            content_type="application/json",
            content=b"{}",
            etag=name,
        )

    document(lena, "bookmark-lena")
    document(cas, "bookmark-cas")
    assert erasure.preview(lena)["learning_record"]["documents"] == 1
    erasure.erase(lena, "person", ada)
    assert list(Document.objects.values_list("document_id", flat=True)) == ["bookmark-cas"]


def test_nobody_erases_themselves(ada: Person) -> None:
    with pytest.raises(ValueError):
        erasure.erase(ada, "person", ada)


def test_a_failing_app_stops_the_whole_erasure(
    lena: Person, ada: Person, lena_data: dict[str, str]
) -> None:
    from leerpad.privacy.signals import erase_personal_data

    def broken(sender: Any, **_: Any) -> tuple[str, dict[str, int]]:
        raise RuntimeError("app down")

    erase_personal_data.connect(broken, dispatch_uid="test.broken")
    try:
        with pytest.raises(RuntimeError):
            erasure.erase(lena, "hr", ada)
    finally:
        erase_personal_data.disconnect(dispatch_uid="test.broken")
    lena.refresh_from_db()
    assert lena.is_active and Statement.objects.count() == 4
    assert Enrolment.objects.filter(person=lena).exists()
    assert not ErasureRecord.objects.exists()


def test_the_store_is_retried_when_it_failed(
    lena: Person,
    cas: Person,
    ada: Person,
    lena_data: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    sync.sync()

    def broken(*args: Any) -> int:
        raise OSError("disk full")

    monkeypatch.setattr("leerpad.privacy.store.erase_person", broken)
    with django_capture_on_commit_callbacks(execute=True):
        erasure.erase(lena, "dpo", ada)
    record = ErasureRecord.objects.get()
    assert record.store_pending and record.store_person_id == lena.pk
    assert lena.pk in {r["person_id"] for r in store_rows()}
    monkeypatch.undo()
    rebuilds: list[int] = []
    rebuild = sync.rebuild

    def counting() -> sync.SyncResult:
        rebuilds.append(1)
        return rebuild()

    monkeypatch.setattr(sync, "rebuild", counting)
    periodic.send(sender=None, now=dt.datetime.now(dt.UTC))
    record.refresh_from_db()
    assert not record.store_pending
    rows = store_rows()
    assert [r["person_id"] for r in rows] == [cas.pk]
    assert "Lena" not in rows[0]["raw"]
    # The ids of the statements naming her were only in memory: the retry rebuilds.
    assert rebuilds == [1]


# --- the page -----------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["lena", "cas", "dirk", "greet"])
def test_erasure_is_for_admins(
    client_for: Callable[[Person], Client],
    request: pytest.FixtureRequest,
    lena: Person,
    persona: str,
) -> None:
    client = client_for(request.getfixturevalue(persona))
    assert client.get(reverse("privacy:erasure")).status_code == 403
    url = reverse("privacy:erasure_person", args=[lena.pk])
    response = client.post(url, {"requested_by": "person", "confirm_name": "Lena Test"})
    assert response.status_code == 403
    lena.refresh_from_db()
    assert lena.is_active


def test_the_page_finds_previews_and_erases_after_the_name_is_typed(
    client_for: Callable[[Person], Client],
    lena: Person,
    ada: Person,
    lena_data: dict[str, str],
    django_capture_on_commit_callbacks: Any,
) -> None:
    client = client_for(ada)
    found = client.get(reverse("privacy:erasure"), {"q": "lena"}).content.decode()
    url = reverse("privacy:erasure_person", args=[lena.pk])
    assert url in found
    page = client.get(url).content.decode()
    assert "Erase the data of Lena Test" in page
    assert "statements by them (deleted)" in page and "Download all my data" in page
    wrong = client.post(url, {"requested_by": "person", "confirm_name": "Lena"})
    assert wrong.status_code == 400
    lena.refresh_from_db()
    assert lena.is_active
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(url, {"requested_by": "person", "confirm_name": " lena  test "})
    assert done.status_code == 302
    lena.refresh_from_db()
    assert not lena.is_active
    listing = client.get(reverse("privacy:erasure")).content.decode()
    record = ErasureRecord.objects.get()
    assert record.reference in listing and "the person themselves" in listing
    assert "Lena" not in listing.split("Erasures done", 1)[1]
    # Erased people are no longer offered.
    again = client.get(reverse("privacy:erasure"), {"q": "lena"}).content.decode()
    assert url not in again


def test_admins_cannot_erase_themselves_on_the_page(
    client_for: Callable[[Person], Client], ada: Person
) -> None:
    url = reverse("privacy:erasure_person", args=[ada.pk])
    client = client_for(ada)
    assert "cannot erase your own account" in client.get(url).content.decode()
    response = client.post(url, {"requested_by": "person", "confirm_name": "Ada Test"})
    assert response.status_code == 400
    ada.refresh_from_db()
    assert ada.is_active


def test_the_admin_role_fixture_is_an_admin(ada: Person) -> None:
    assert Role.ADMIN in roles_of(ada)


def test_every_section_and_count_of_the_preview_has_a_readable_label(lena: Person) -> None:
    """An app that adds an erasure receiver must say in words what it erases: the admin
    confirms from this list, and the record keeps it."""
    counts = erasure.preview(lena)
    assert set(counts) <= set(erasure.SECTION_LABELS)
    keys = {key for section in counts.values() for key in section}
    assert keys <= set(erasure.COUNT_LABELS), keys - set(erasure.COUNT_LABELS)
