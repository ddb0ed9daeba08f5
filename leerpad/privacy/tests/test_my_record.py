"""A person reads their own learning record; nobody else's comes along."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from leerpad.accounts.models import Person
from leerpad.lrs import services

pytestmark = pytest.mark.django_db

VIEWED = "http://id.tincanapi.com/verb/viewed"


def view(person: Person, iri: str, name: str) -> None:
    services.record_for_person(
        person,
        VIEWED,
        {"en": "viewed"},
        {"objectType": "Activity", "id": iri, "definition": {"name": {"en": name}}},
    )


def test_the_record_lists_my_statements_only(
    lena: Person, dirk: Person, client_for: Callable[[Person], Client]
) -> None:
    view(lena, "https://leerpad.example/items/1", "Fire safety basics")
    view(dirk, "https://leerpad.example/items/2", "Secret management course")
    response = client_for(lena).get(reverse("privacy:my_record"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Fire safety basics" in page
    assert "Secret management course" not in page
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_the_record_pages_newest_first(
    lena: Person, client_for: Callable[[Person], Client], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("leerpad.privacy.views.MY_RECORD_PAGE", 2)
    for i in range(3):
        view(lena, f"https://leerpad.example/items/{i}", f"Item number {i}")
    client = client_for(lena)
    first = client.get(reverse("privacy:my_record")).content.decode()
    assert "Item number 2" in first and "Item number 0" not in first
    assert 'rel="next"' in first


def test_an_empty_record_says_so(lena: Person, client_for: Callable[[Person], Client]) -> None:
    response = client_for(lena).get(reverse("privacy:my_record"))
    assert "No learning recorded yet." in response.content.decode()


def test_signing_in_is_required(client: Client) -> None:
    response = client.get(reverse("privacy:my_record"))
    assert response.status_code == 302
