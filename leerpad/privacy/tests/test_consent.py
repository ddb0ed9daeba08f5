"""Sharing with the coach: the consent, the coach's pages, the log the person reads."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import IntegrityError
from django.test import Client
from django.urls import reverse

from leerpad.accounts.models import Person
from leerpad.lrs.services import record_for_person
from leerpad.paths.services import enrol
from leerpad.paths.tests.learner_helpers import article, make_path
from leerpad.privacy import consent
from leerpad.privacy.models import AccessRecord, CoachConsent

pytestmark = pytest.mark.urls("leerpad.privacy.tests.urls")

COURSE = "https://tool.example/courses/forklift"


def _learning(person: Person) -> None:
    enrol(person, make_path("welkom", [{"item": article("Lees dit")}]))
    record_for_person(
        person,
        "http://adlnet.gov/expapi/verbs/experienced",
        {"en": "experienced"},
        {"objectType": "Activity", "id": COURSE, "definition": {"name": {"en": "Forklift"}}},
    )


# --- the service --------------------------------------------------------------------------------


def test_giving_twice_keeps_one_open_consent_and_withdrawing_keeps_history(lena: Person) -> None:
    first = consent.give_consent(lena)
    assert consent.give_consent(lena) == first
    assert consent.withdraw_consent(lena) is True
    assert consent.withdraw_consent(lena) is False
    second = consent.give_consent(lena)
    assert second != first
    history = consent.consent_history(lena)
    assert [c.pk for c in history] == [second.pk, first.pk]
    assert history[1].withdrawn_at is not None and history[0].withdrawn_at is None


def test_the_database_refuses_two_open_consents(lena: Person) -> None:
    CoachConsent.objects.create(person=lena)
    with pytest.raises(IntegrityError):
        CoachConsent.objects.create(person=lena)


def test_only_the_current_coach_with_consent_may_see(
    lena: Person, cas: Person, dirk: Person
) -> None:
    assert not consent.may_coach_see(cas, lena)
    consent.give_consent(lena)
    assert consent.may_coach_see(cas, lena)
    assert not consent.may_coach_see(dirk, lena)
    lena.coach = dirk
    lena.save()
    # Dirk coaches her now but holds no coach role: still not.
    assert not consent.may_coach_see(dirk, lena)
    assert not consent.may_coach_see(cas, lena)


def test_coachees_lists_who_shares(
    lena: Person, cas: Person, make_person: Callable[..., Person]
) -> None:
    other = make_person("Omar", coach=cas)
    consent.give_consent(lena)
    rows = {row.person.first_name: row.shared for row in consent.coachees(cas)}
    assert rows == {"Lena": True, "Omar": False}
    assert other.pk  # keeps the fixture used


def test_the_coach_view_reason_is_written_in_the_persons_language(
    lena: Person, cas: Person
) -> None:
    lena.language = "en"
    record = consent.record_coach_view(cas, lena)
    assert record is not None and record.reason == "coach, with consent"
    assert record.what == "coach_view"


# --- the person's page --------------------------------------------------------------------------


def test_my_data_page_needs_signing_in(client: Client, db: None) -> None:
    response = client.get(reverse("privacy:my_data_page"))
    assert response.status_code == 302 and "/accounts/login" in response["Location"]


def test_sharing_is_off_until_turned_on_then_on_then_withdrawn_after_confirming(
    client_for: Callable[[Person], Client], lena: Person, cas: Person
) -> None:
    client = client_for(lena)
    page = client.get(reverse("privacy:my_data_page")).content.decode()
    assert "Sharing with my coach" in page and "Not shared" in page and "Cas Test" in page
    assert client.get(reverse("privacy:coach_share")).status_code == 405
    response = client.post(reverse("privacy:coach_share"))
    assert response.status_code == 302
    assert consent.current_consent(lena) is not None
    page = client.get(reverse("privacy:my_data_page")).content.decode()
    assert "Stop sharing with my coach" in page
    # Withdrawing asks first; the GET changes nothing.
    confirm = client.get(reverse("privacy:coach_withdraw"))
    assert (
        confirm.status_code == 200 and "Stop sharing with your coach?" in confirm.content.decode()
    )
    assert consent.current_consent(lena) is not None
    client.post(reverse("privacy:coach_withdraw"))
    assert consent.current_consent(lena) is None
    assert CoachConsent.objects.filter(person=lena).count() == 1


# --- the coach's pages --------------------------------------------------------------------------


def test_the_coach_sees_who_shares(
    client_for: Callable[[Person], Client], lena: Person, cas: Person
) -> None:
    page = client_for(cas).get(reverse("privacy:coachees")).content.decode()
    assert "Lena Test" in page and "not shared" in page
    assert reverse("privacy:coachee", args=[lena.pk]) not in page
    consent.give_consent(lena)
    page = client_for(cas).get(reverse("privacy:coachees")).content.decode()
    assert reverse("privacy:coachee", args=[lena.pk]) in page


@pytest.mark.parametrize("persona", ["lena", "dirk", "mira"])
def test_the_coachee_list_is_for_coaches(
    client_for: Callable[[Person], Client], request: pytest.FixtureRequest, persona: str
) -> None:
    person = request.getfixturevalue(persona)
    assert client_for(person).get(reverse("privacy:coachees")).status_code == 403


def test_without_consent_the_coach_gets_a_friendly_403_and_nothing_is_logged(
    client_for: Callable[[Person], Client], lena: Person, cas: Person
) -> None:
    _learning(lena)
    response = client_for(cas).get(reverse("privacy:coachee", args=[lena.pk]))
    assert response.status_code == 403
    page = response.content.decode()
    assert "has not chosen to share" in page and "Forklift" not in page
    assert not AccessRecord.objects.exists()


def test_with_consent_the_coach_sees_progress_and_activity_and_each_view_is_logged(
    client_for: Callable[[Person], Client], lena: Person, cas: Person
) -> None:
    _learning(lena)
    consent.give_consent(lena)
    client = client_for(cas)
    url = reverse("privacy:coachee", args=[lena.pk])
    page = client.get(url).content.decode()
    assert "welkom" in page.lower() and "Forklift" in page and "0 / 1" in page
    client.get(url)
    records = list(AccessRecord.objects.filter(subject=lena))
    assert len(records) == 2
    assert {(r.viewer, r.what) for r in records} == {(cas, "coach_view")}
    # Lena reads it on "Who looked at my data" (in her language, Dutch, once translated).
    mine = client_for(lena).get(reverse("privacy:my_access")).content.decode()
    assert "Cas Test" in mine


def test_after_withdrawing_the_coach_is_refused_again(
    client_for: Callable[[Person], Client], lena: Person, cas: Person
) -> None:
    consent.give_consent(lena)
    consent.withdraw_consent(lena)
    assert client_for(cas).get(reverse("privacy:coachee", args=[lena.pk])).status_code == 403


def test_another_coach_cannot_see_someone_elses_coachee(
    client_for: Callable[[Person], Client],
    lena: Person,
    cas: Person,
    make_person: Callable[..., Person],
) -> None:
    from leerpad.core.access import Role

    consent.give_consent(lena)
    other_coach = make_person("Carla", Role.COACH)
    response = client_for(other_coach).get(reverse("privacy:coachee", args=[lena.pk]))
    assert response.status_code == 403
    assert not AccessRecord.objects.exists()


def test_an_admin_keeps_the_reason_gate(
    client_for: Callable[[Person], Client], lena: Person, cas: Person, ada: Person
) -> None:
    _learning(lena)
    consent.give_consent(lena)
    client = client_for(ada)
    url = reverse("privacy:coachee", args=[lena.pk])
    page = client.get(url).content.decode()
    assert "Why do you need to see this?" in page and "Forklift" not in page
    reason = "Checking a complaint about the forklift course"
    client.post(url, {"privacy_reason_for": f"{lena.pk}:learning_record", "reason": reason})
    assert "Forklift" in client.get(url).content.decode()
    assert AccessRecord.objects.get().reason == reason
