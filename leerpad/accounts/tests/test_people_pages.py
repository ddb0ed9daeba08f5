from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from leerpad.accounts.models import Location, Person
from leerpad.core.access import Role, roles_of

pytestmark = pytest.mark.django_db


def test_language_switch_is_remembered_for_the_person(
    client_for: Callable[[Person], Client], lena: Person
) -> None:
    client = client_for(lena)
    response = client.post("/accounts/language/", {"language": "fr", "next": "/"})
    assert response.status_code == 302
    assert response.cookies["leerpad_language"].value == "fr"
    lena.refresh_from_db()
    assert lena.language == "fr"
    assert 'lang="fr"' in client.get("/").content.decode()


def test_language_switch_works_before_login_and_ignores_foreign_redirects(client: Client) -> None:
    response = client.post(
        "/accounts/language/", {"language": "en", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"
    assert 'lang="en"' in client.get("/accounts/login/").content.decode()


def test_unknown_language_changes_nothing(client_for: Callable[..., Client], lena: Person) -> None:
    response = client_for(lena).post("/accounts/language/", {"language": "de"})
    assert "leerpad_language" not in response.cookies
    lena.refresh_from_db()
    assert lena.language == "nl"


def test_dates_and_numbers_follow_the_language(
    client_for: Callable[..., Client], lena: Person
) -> None:
    client = client_for(lena)
    client.post("/accounts/language/", {"language": "fr"})
    page = client.get("/accounts/profile/").content.decode()
    from django.utils import formats, translation

    with translation.override("fr"):
        expected = formats.date_format(lena.date_joined, "DATE_FORMAT")
    assert expected in page


def test_profile_shows_the_place_in_the_organisation_and_saves_language(
    client_for: Callable[..., Client], lena: Person, cas: Person
) -> None:
    client = client_for(lena)
    page = client.get("/accounts/profile/").content.decode()
    assert "Gent" in page and "Cas Test" in page
    response = client.post(
        "/accounts/profile/", {"first_name": "Lena", "last_name": "Test", "language": "en"}
    )
    assert response.status_code == 302
    assert response.cookies["leerpad_language"].value == "en"
    lena.refresh_from_db()
    assert lena.language == "en"


def test_people_directory_is_for_admins_only(
    client_for: Callable[..., Client], lena: Person, greet: Person, ada: Person
) -> None:
    assert client_for(lena).get("/accounts/people/").status_code == 403
    assert client_for(greet).get("/accounts/people/").status_code == 403
    assert client_for(ada).get("/accounts/people/").status_code == 200


def test_people_directory_searches_filters_and_pages(
    client_for: Callable[..., Client],
    ada: Person,
    make_person: Callable[..., Person],
    gent: Location,
    django_assert_max_num_queries: Any,
) -> None:
    for i in range(30):
        make_person(f"Staff{i:02d}", location=gent)
    make_person("Coachy", Role.COACH)
    client = client_for(ada)
    with django_assert_max_num_queries(12):
        page = client.get("/accounts/people/").content.decode()
    assert "Page 1 of 2" in page or "Pagina 1 van 2" in page or page.count("<tr") == 26
    found = client.get("/accounts/people/", {"q": "staff07"}).content.decode()
    assert "Staff07" in found and "Staff08" not in found
    by_location = client.get("/accounts/people/", {"location": gent.pk}).context["page"]
    assert by_location.paginator.count == 30
    by_role = client.get("/accounts/people/", {"role": "coach"}).context["page"]
    assert [p.first_name for p in by_role] == ["Coachy"]
    partial = client.get("/accounts/people/", {"q": "staff"}, headers={"HX-Request": "true"})
    assert "<html" not in partial.content.decode()
    assert client.get("/accounts/people/", {"location": "x", "role": "bogus"}).status_code == 200


def test_admin_edits_a_person_and_their_roles(
    client_for: Callable[..., Client], ada: Person, lena: Person, cas: Person
) -> None:
    data = {
        "first_name": "Lena",
        "last_name": "Peeters",
        "email": "lena.p@example.test",
        "employee_number": "E1",
        "job_role": lena.job_role_id or "",
        "location": lena.location_id,
        "team": lena.team_id or "",
        "manager": "",
        "coach": cas.pk,
        "language": "nl",
        "is_active": "on",
        "roles": ["coach", "marketer"],
    }
    response = client_for(ada).post(f"/accounts/people/{lena.pk}/", data)
    assert response.status_code == 302, response.context["form"].errors
    lena.refresh_from_db()
    assert lena.last_name == "Peeters"
    assert roles_of(lena) == {Role.LEARNER, Role.COACH, Role.MARKETER}


def test_person_form_refuses_an_email_in_use(
    client_for: Callable[..., Client], ada: Person, lena: Person, cas: Person
) -> None:
    data = {"first_name": "Lena", "email": cas.email.upper(), "language": "nl"}
    response = client_for(ada).post(f"/accounts/people/{lena.pk}/", data)
    assert response.status_code == 200
    assert "email" in response.context["form"].errors
    lena.refresh_from_db()
    assert lena.email == "lena@example.test"
