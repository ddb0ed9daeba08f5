"""The recommendations JSON API: my suggestions with reasons, "not for me" and its undo."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.utils import translation

from leerpad.accounts.models import Person
from leerpad.accounts.services import create_api_token
from leerpad.recommend.models import Dismissal
from leerpad.recommend.tests import factories as f

pytestmark = pytest.mark.django_db
API = "/api/v1/recommendations"


def bearer(person: Person) -> dict[str, str]:
    _token, plain = create_api_token(person, "tests")
    return {"Authorization": f"Bearer {plain}"}


def test_a_token_is_needed(client: Client) -> None:
    assert client.get(f"{API}/").status_code == 401


def test_my_suggestions_come_with_their_reasons(client: Client, lena: Person) -> None:
    assert lena.job_role is not None
    conflict = f.skill("conflict", "Conflict handling")
    f.needs(lena.job_role, conflict, level=3)
    wanted = f.item("Calm in a conflict", skills=[conflict])
    f.item("Unrelated")
    with translation.override("en"):
        body = client.get(f"{API}/", headers=bearer(lena)).json()
    ids = [s["id"] for s in body["recommended"]]
    assert ids == [wanted.pk]
    suggestion = body["recommended"][0]
    assert suggestion["target"] == "item"
    assert suggestion["reasons"][0]["code"] == "gap"
    assert "Conflict handling" in suggestion["reasons"][0]["text"]
    assert suggestion["url"].endswith(f"/catalogue/{wanted.pk}/")


def test_not_for_me_hides_it_and_undo_brings_it_back(client: Client, lena: Person) -> None:
    assert lena.job_role is not None
    conflict = f.skill("conflict", "Conflict handling")
    f.needs(lena.job_role, conflict, level=3)
    wanted = f.item("Calm in a conflict", skills=[conflict])
    auth = bearer(lena)
    answer = client.post(
        f"{API}/dismissals",
        data=json.dumps({"target": "item", "id": wanted.pk, "reason": "know_it"}),
        content_type="application/json",
        headers=auth,
    )
    assert answer.status_code == 200
    assert Dismissal.objects.get(person=lena).reason == "know_it"
    assert client.get(f"{API}/", headers=auth).json()["recommended"] == []
    gone = client.delete(f"{API}/dismissals?target=item&id={wanted.pk}", headers=auth)
    assert gone.status_code == 200
    assert [s["id"] for s in client.get(f"{API}/", headers=auth).json()["recommended"]] == [
        wanted.pk
    ]
    again = client.delete(f"{API}/dismissals?target=item&id={wanted.pk}", headers=auth)
    assert again.status_code == 404


def test_bad_input_is_refused_and_changes_nothing(client: Client, lena: Person) -> None:
    auth = bearer(lena)
    unknown = client.post(
        f"{API}/dismissals",
        data=json.dumps({"target": "item", "id": 999999}),
        content_type="application/json",
        headers=auth,
    )
    assert unknown.status_code == 404
    wrong = client.post(
        f"{API}/dismissals",
        data=json.dumps({"target": "video", "id": 1, "reason": "meh"}),
        content_type="application/json",
        headers=auth,
    )
    assert wrong.status_code == 422
    assert not Dismissal.objects.exists()
