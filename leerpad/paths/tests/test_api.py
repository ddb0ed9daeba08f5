"""The paths JSON API: my enrolments with progress, a path with its steps, enrolling.

The router is tested where the lead mounts it (/api/v1/paths/); until then, through an
API of this test module's own with the same authentication.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.urls import path as url_path
from ninja import NinjaAPI

from leerpad.accounts.models import Person
from leerpad.accounts.services import create_api_token
from leerpad.api import ApiTokenAuth
from leerpad.api import api as main_api
from leerpad.catalog.tracking import activity_id
from leerpad.paths import services
from leerpad.paths.api import router
from leerpad.paths.models import Enrolment, Step
from leerpad.paths.tests.learner_helpers import Capture, article, complete, make_path, steps_of

pytestmark = pytest.mark.django_db

MOUNTED = any(r is router for _prefix, r in main_api._routers)
API = "/api/v1/paths" if MOUNTED else "/test-api/paths"

if not MOUNTED:
    from ninja.security import SessionAuth

    from leerpad import urls

    _api = NinjaAPI(urls_namespace="paths-test-api", auth=[ApiTokenAuth(), SessionAuth()])
    _api.add_router("/paths/", router)
    urlpatterns = [url_path("test-api/", _api.urls), *urls.urlpatterns]


@pytest.fixture(autouse=True)
def _urls(settings: Any) -> None:
    if not MOUNTED:
        settings.ROOT_URLCONF = __name__


def bearer(person: Person) -> dict[str, str]:
    _token, plain = create_api_token(person, "tests")
    return {"Authorization": f"Bearer {plain}"}


def test_a_token_is_needed(client: Client) -> None:
    assert client.get(f"{API}/enrolments").status_code == 401


def test_my_enrolments_with_progress(
    client: Client, lena: Person, cas: Person, django_capture_on_commit_callbacks: Capture
) -> None:
    first = article("Eerste", minutes=20)
    path = make_path(
        "api-pad",
        [{"item": first}, {"item": article("Tweede", minutes=40)}],
        titles={"en": "API path"},
    )
    services.enrol(lena, path)
    services.enrol(cas, make_path("van-cas", [{"item": article("Cas")}]))
    complete(django_capture_on_commit_callbacks, lena, activity_id(first))

    response = client.get(f"{API}/enrolments", headers=bearer(lena))
    assert response.status_code == 200
    (row,) = response.json()
    assert row["path"] == "api-pad" and row["title"] == "API path" and row["status"] == "active"
    assert (row["percent"], row["steps_done"], row["steps_total"]) == (50, 1, 2)
    assert row["minutes_left"] == 40 and row["complete"] is False
    assert row["next_step"]["title"] == "Tweede"
    assert row["next_step"]["url"].endswith(f"/paths/api-pad/steps/{steps_of(path)[1].uid}/")
    assert row["certificate_url"] is None

    paused = client.get(f"{API}/enrolments?status=paused", headers=bearer(lena))
    assert paused.json() == []
    assert client.get(f"{API}/enrolments?status=bogus", headers=bearer(lena)).status_code == 400


def test_a_path_with_its_steps_and_my_state(client: Client, lena: Person) -> None:
    path = make_path(
        "stappen",
        [
            {"item": article("Lezen", minutes=15)},
            {
                "kind": Step.Kind.ASSIGNMENT,
                "titles": {"en": "Practise"},
                "needs": [0],
                "minutes": 30,
            },
            {"item": article("Video"), "branch": 1, "optional": True},
        ],
        titles={"en": "Steps"},
        summaries={"en": "What it is about."},
    )
    first, second, third = steps_of(path)
    data = client.get(f"{API}/stappen", headers=bearer(lena)).json()
    assert data["key"] == "stappen" and data["summary"] == "What it is about."
    assert data["enrolment"] is None and data["version"] == 1
    assert [s["uid"] for s in data["steps"]] == [str(first.uid), str(second.uid), str(third.uid)]
    assert data["steps"][1]["prerequisites"] == [str(first.uid)]
    assert data["steps"][1]["state"] == "locked" and data["steps"][0]["state"] == "open"
    assert data["steps"][2]["branch"] == 1 and data["steps"][2]["optional"] is True
    assert data["minutes_total"] == 15 + 30 + 20
    assert client.get(f"{API}/bestaat-niet", headers=bearer(lena)).status_code == 404
    make_path("klad", [{"item": article("Klad")}], published=False)
    assert client.get(f"{API}/klad", headers=bearer(lena)).status_code == 404


def test_enrol_answers_201_then_200(client: Client, lena: Person) -> None:
    make_path("inschrijven", [{"item": article()}])
    headers = bearer(lena)
    first = client.post(f"{API}/inschrijven/enrol", headers=headers)
    assert first.status_code == 201
    assert first.json()["status"] == "active" and first.json()["via"] == "self"
    again = client.post(f"{API}/inschrijven/enrol", headers=headers)
    assert again.status_code == 200
    assert again.json()["registration"] == first.json()["registration"]
    assert Enrolment.objects.filter(person=lena).count() == 1
    data = client.get(f"{API}/inschrijven", headers=headers).json()
    assert data["enrolment"]["registration"] == first.json()["registration"]


def test_enrolling_in_an_archived_path_is_refused(client: Client, lena: Person) -> None:
    path = make_path("oud", [{"item": article()}])
    path.is_archived = True
    path.save()
    response = client.post(f"{API}/oud/enrol", headers=bearer(lena))
    assert response.status_code == 404
    assert json.loads(response.content)["detail"]
