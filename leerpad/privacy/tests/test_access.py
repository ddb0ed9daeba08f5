"""The access log: recording, the gate, and who may read the records."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from leerpad.accounts.models import Person
from leerpad.privacy.models import AccessRecord
from leerpad.privacy.services import record_access
from leerpad.privacy.views import RECORDS_PER_PAGE

REASON = "HR asked to check the safety training of this person"

pytestmark = pytest.mark.urls("leerpad.privacy.tests.urls")


# --- the service --------------------------------------------------------------------------------


def test_record_access_keeps_who_whose_what_why(ada: Person, lena: Person) -> None:
    record = record_access(ada, lena, "quiz_answers", f"  {REASON}\n ")
    assert record is not None
    stored = AccessRecord.objects.get()
    assert (stored.viewer, stored.subject, stored.what) == (ada, lena, "quiz_answers")
    assert stored.reason == REASON
    assert stored.viewer_name == "Ada Test"


@pytest.mark.parametrize("reason", ["", "   ", "too short", "  a  b  c  d "])
def test_a_reason_of_at_least_ten_characters_is_required(
    ada: Person, lena: Person, reason: str
) -> None:
    with pytest.raises(ValidationError):
        record_access(ada, lena, "learning_record", reason)
    assert not AccessRecord.objects.exists()


def test_looking_at_your_own_data_is_not_recorded(lena: Person) -> None:
    assert record_access(lena, lena, "learning_record", REASON) is None
    assert not AccessRecord.objects.exists()


@pytest.mark.parametrize("what", ["", "Learning Record", "x" * 41, "quiz-answers"])
def test_what_must_be_a_short_code(ada: Person, lena: Person, what: str) -> None:
    with pytest.raises(ValueError):
        record_access(ada, lena, what, REASON)


def test_the_record_keeps_the_viewer_name_after_the_account_goes(ada: Person, lena: Person) -> None:
    record_access(ada, lena, "learning_record", REASON)
    ada.delete()
    record = AccessRecord.objects.get()
    assert record.viewer is None and record.viewer_name == "Ada Test"


# --- the gate -----------------------------------------------------------------------------------


def test_the_gate_asks_for_a_reason_first(
    client_for: Callable[[Person], Client], ada: Person, lena: Person
) -> None:
    url = reverse("privacy_test_person", args=[lena.pk])
    response = client_for(ada).get(url)
    assert response.status_code == 200
    assert b"RECORD-OF-PERSON" not in response.content
    assert "Why do you need to see this?" in response.content.decode()
    assert not AccessRecord.objects.exists()


def test_the_gate_refuses_a_short_reason(
    client_for: Callable[[Person], Client], ada: Person, lena: Person
) -> None:
    url = reverse("privacy_test_person", args=[lena.pk])
    response = client_for(ada).post(
        url, {"privacy_reason_for": f"{lena.pk}:learning_record", "reason": "because"}
    )
    assert response.status_code == 400
    assert b"RECORD-OF-PERSON" not in response.content
    assert not AccessRecord.objects.exists()


def test_the_gate_records_the_reason_then_shows_the_data(
    client_for: Callable[[Person], Client], ada: Person, lena: Person
) -> None:
    url = reverse("privacy_test_person", args=[lena.pk])
    client = client_for(ada)
    response = client.post(
        url, {"privacy_reason_for": f"{lena.pk}:learning_record", "reason": REASON}
    )
    assert response.status_code == 302 and response["Location"] == url
    record = AccessRecord.objects.get()
    assert (record.viewer, record.subject, record.what, record.reason) == (
        ada,
        lena,
        "learning_record",
        REASON,
    )
    # The reason covers the next pages for a while: no new question, no new record.
    for _ in range(2):
        response = client.get(url)
        assert response.content == f"RECORD-OF-PERSON-{lena.pk}".encode()
    assert AccessRecord.objects.count() == 1


def test_a_reason_for_one_person_does_not_cover_another(
    client_for: Callable[[Person], Client], ada: Person, lena: Person, cas: Person
) -> None:
    client = client_for(ada)
    client.post(
        reverse("privacy_test_person", args=[lena.pk]),
        {"privacy_reason_for": f"{lena.pk}:learning_record", "reason": REASON},
    )
    response = client.get(reverse("privacy_test_person", args=[cas.pk]))
    assert b"RECORD-OF-PERSON" not in response.content


def test_the_grant_expires(
    client_for: Callable[[Person], Client], ada: Person, lena: Person
) -> None:
    url = reverse("privacy_test_person", args=[lena.pk])
    client = client_for(ada)
    client.post(url, {"privacy_reason_for": f"{lena.pk}:learning_record", "reason": REASON})
    session = client.session
    session["privacy_grants"] = {f"{lena.pk}:learning_record": "2000-01-01T00:00:00+00:00"}
    session.save()
    assert b"RECORD-OF-PERSON" not in client.get(url).content


def test_the_gate_keeps_the_views_own_permission_check(
    client_for: Callable[[Person], Client], dirk: Person, lena: Person
) -> None:
    url = reverse("privacy_test_person", args=[lena.pk])
    response = client_for(dirk).post(
        url, {"privacy_reason_for": f"{lena.pk}:learning_record", "reason": REASON}
    )
    assert response.status_code == 403
    assert not AccessRecord.objects.exists()


# --- who looked at my data ----------------------------------------------------------------------


def test_my_access_needs_signing_in(client: Client, db: None) -> None:
    response = client.get(reverse("privacy:my_access"))
    assert response.status_code == 302 and "/accounts/login" in response["Location"]


def test_people_see_the_records_about_them_and_only_those(
    client_for: Callable[[Person], Client], ada: Person, lena: Person, cas: Person
) -> None:
    record_access(ada, lena, "quiz_answers", "Checking the quiz of Lena for a complaint")
    record_access(ada, cas, "learning_record", "Checking the coaching record of Cas")
    page = client_for(lena).get(reverse("privacy:my_access")).content.decode()
    assert "Checking the quiz of Lena for a complaint" in page
    assert "Ada Test" in page and "quiz answers" in page
    assert "Checking the coaching record of Cas" not in page
    # Her coach does not see the records about her either.
    page = client_for(cas).get(reverse("privacy:my_access")).content.decode()
    assert "Checking the coaching record of Cas" in page
    assert "Checking the quiz of Lena for a complaint" not in page


def test_my_access_has_an_empty_state(client_for: Callable[[Person], Client], lena: Person) -> None:
    page = client_for(lena).get(reverse("privacy:my_access")).content.decode()
    assert "Nobody else has looked at your data" in page


def test_my_access_is_paginated(
    client_for: Callable[[Person], Client], ada: Person, lena: Person
) -> None:
    for n in range(RECORDS_PER_PAGE + 2):
        record_access(ada, lena, "learning_record", f"Reason number {n:03d} for looking")
    client = client_for(lena)
    first = client.get(reverse("privacy:my_access")).content.decode()
    second = client.get(reverse("privacy:my_access"), {"page": 2}).content.decode()
    # Newest first: the last two recorded are on page one, the first two on page two.
    assert f"Reason number {RECORDS_PER_PAGE + 1:03d}" in first
    assert "Reason number 000" not in first
    assert "Reason number 000" in second and "Reason number 001" in second
    assert second.count("Reason number") == 2


# --- the admins' list ---------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["lena", "cas", "dirk", "mira", "greet"])
def test_only_admins_see_the_whole_log(
    client_for: Callable[[Person], Client],
    request: pytest.FixtureRequest,
    ada: Person,
    lena: Person,
    persona: str,
) -> None:
    record_access(ada, lena, "quiz_answers", "Checking the quiz of Lena for a complaint")
    response = client_for(request.getfixturevalue(persona)).get(reverse("privacy:all_access"))
    assert response.status_code == 403
    assert b"Checking the quiz of Lena" not in response.content


def test_the_whole_log_needs_signing_in(client: Client, db: None) -> None:
    response = client.get(reverse("privacy:all_access"))
    assert response.status_code == 302


def test_admins_see_all_records_and_can_filter(
    client_for: Callable[[Person], Client], ada: Person, lena: Person, cas: Person, dirk: Person
) -> None:
    record_access(ada, lena, "quiz_answers", "Checking the quiz of Lena for a complaint")
    record_access(dirk, cas, "learning_record", "Checking the coaching record of Cas")
    client = client_for(ada)
    page = client.get(reverse("privacy:all_access")).content.decode()
    assert "Checking the quiz of Lena" in page and "Checking the coaching record of Cas" in page
    page = client.get(reverse("privacy:all_access"), {"q": "lena"}).content.decode()
    assert "Checking the quiz of Lena" in page and "Checking the coaching record" not in page
    page = client.get(reverse("privacy:all_access"), {"q": "Dirk"}).content.decode()
    assert "Checking the coaching record of Cas" in page and "quiz of Lena" not in page
    page = client.get(reverse("privacy:all_access"), {"what": "learning_record"}).content.decode()
    assert "Checking the coaching record of Cas" in page and "quiz of Lena" not in page
    page = client.get(
        reverse("privacy:all_access"), {"q": "nobody-like-this"}, headers={"HX-Request": "true"}
    ).content.decode()
    assert "No access records match these filters." in page and "<html" not in page
