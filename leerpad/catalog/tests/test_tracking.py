"""What people do with catalogue items lands in the learning record as xAPI statements."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.test import Client

from leerpad.accounts.models import Person
from leerpad.catalog import tracking
from leerpad.catalog.tests.ui_helpers import make_item, session_dates, statements
from leerpad.lrs.models import Statement

pytestmark = pytest.mark.django_db

ClientFor = Callable[[Person], Client]


def test_viewing_an_item_is_recorded_with_its_activity(client_for: ClientFor, lena: Person) -> None:
    item = make_item(
        kind="video",
        translations={
            "nl": {"title": "Klachten", "summary": "Rustig blijven."},
            "fr": {"title": "Réclamations"},
        },
    )
    client_for(lena).get(item.get_absolute_url() + "?lang=fr")
    (viewed,) = statements(tracking.VIEWED)
    assert viewed["actor"]["account"]["name"] == str(lena.pk)
    assert viewed["verb"]["display"]["en"] == "viewed"
    activity = viewed["object"]
    assert activity["id"] == f"{settings.SITE_URL}/catalogue/{item.pk}/"
    assert activity["definition"]["type"] == "https://w3id.org/xapi/video/activity-type/video"
    assert activity["definition"]["name"] == {"nl": "Klachten", "fr": "Réclamations"}
    assert activity["definition"]["description"] == {"nl": "Rustig blijven."}
    assert viewed["context"]["language"] == "fr"
    assert not statements(tracking.SELECTED)


@pytest.mark.parametrize(
    ("kind", "activity_type"),
    [
        ("document", "http://id.tincanapi.com/activitytype/document"),
        ("link", "http://adlnet.gov/expapi/activities/link"),
        ("article", "http://activitystrea.ms/schema/1.0/article"),
        ("session", "http://adlnet.gov/expapi/activities/meeting"),
        ("package", "http://adlnet.gov/expapi/activities/course"),
        ("audio", "https://w3id.org/xapi/audio/activity-type/audio"),
    ],
)
def test_activity_type_follows_the_kind(kind: str, activity_type: str) -> None:
    item = make_item(kind=kind, url="https://example.org/" if kind == "link" else "")
    assert tracking.activity(item)["definition"]["type"] == activity_type


def test_drafts_are_not_recorded(client_for: ClientFor, dirk: Person) -> None:
    draft = make_item(status="draft")
    client_for(dirk).get(draft.get_absolute_url())
    assert not Statement.objects.exists()


def test_a_click_from_search_is_selected_with_query_and_rank(
    client_for: ClientFor, lena: Person
) -> None:
    item = make_item()
    client_for(lena).get(item.get_absolute_url() + "?from_search=klachten%20kassa&rank=3")
    (selected,) = statements(tracking.SELECTED)
    assert selected["context"]["extensions"] == {
        "https://leerpad.org/xapi/extensions/search-query": "klachten kassa",
        "https://leerpad.org/xapi/extensions/search-rank": 3,
    }
    assert selected["object"]["id"].endswith(item.get_absolute_url())
    assert len(statements(tracking.VIEWED)) == 1


def test_first_play_is_recorded_by_the_player(client_for: ClientFor, lena: Person) -> None:
    item = make_item(kind="video", url="https://cdn.example/v.mp4")
    response = client_for(lena).post(
        f"/catalogue/{item.pk}/played", {"time": "12.5", "length": "480"}
    )
    assert response.status_code == 204
    (played,) = statements(tracking.PLAYED)
    assert played["result"]["extensions"] == {"https://w3id.org/xapi/video/extensions/time": 12.5}
    assert played["context"]["extensions"] == {
        "https://w3id.org/xapi/video/extensions/length": 480.0
    }


def test_played_needs_the_csrf_token(lena: Person) -> None:
    item = make_item(kind="video", url="https://cdn.example/v.mp4")
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(lena)
    assert browser.post(f"/catalogue/{item.pk}/played", {"time": "0"}).status_code == 403
    assert not statements(tracking.PLAYED)


def test_played_ignores_nonsense_times(client_for: ClientFor, lena: Person) -> None:
    item = make_item(kind="audio", url="https://cdn.example/p.mp3")
    client_for(lena).post(f"/catalogue/{item.pk}/played", {"time": "nan", "length": "inf"})
    (played,) = statements(tracking.PLAYED)
    assert played["result"]["extensions"]["https://w3id.org/xapi/video/extensions/time"] == 0.0
    assert "context" not in played


def test_download_is_recorded(client_for: ClientFor, lena: Person) -> None:
    item = make_item(kind="document")
    item.file.save("handleiding.docx", ContentFile(b"PK"), save=True)
    client_for(lena).get(f"/catalogue/{item.pk}/download")
    assert len(statements(tracking.DOWNLOADED)) == 1


def test_opening_a_link_is_launched(client_for: ClientFor, lena: Person) -> None:
    item = make_item(kind="link", url="https://example.org/")
    client_for(lena).get(f"/catalogue/{item.pk}/open")
    (launched,) = statements(tracking.LAUNCHED)
    assert launched["object"]["definition"]["type"] == "http://adlnet.gov/expapi/activities/link"


def test_useful_is_liked_and_taking_it_back_voids_it(client_for: ClientFor, lena: Person) -> None:
    item = make_item()
    client = client_for(lena)
    client.post(f"/catalogue/{item.pk}/useful", {"useful": "1"})
    (liked,) = statements(tracking.LIKED)
    # Saying it twice records it once.
    client.post(f"/catalogue/{item.pk}/useful", {"useful": "1"})
    assert len(statements(tracking.LIKED)) == 1
    client.post(f"/catalogue/{item.pk}/useful", {"useful": "0"})
    (voided,) = statements(tracking.VOIDED)
    assert voided["object"] == {"objectType": "StatementRef", "id": liked["id"]}
    assert Statement.objects.get(statement_id=liked["id"]).voided


def test_registration_and_cancellation_are_recorded(client_for: ClientFor, lena: Person) -> None:
    item = make_item(kind="session", sessions=session_dates(seats=1))
    session = item.sessions.get()
    client = client_for(lena)
    client.post(f"/catalogue/sessions/{session.pk}/register")
    (registered,) = statements(tracking.REGISTERED)
    assert registered["result"]["extensions"] == {
        "https://leerpad.org/xapi/extensions/registration-state": "registered"
    }
    extension = registered["context"]["extensions"]["https://leerpad.org/xapi/extensions/session"]
    assert extension["id"] == session.pk
    client.post(f"/catalogue/sessions/{session.pk}/cancel")
    assert len(statements(tracking.UNREGISTERED)) == 1


def test_a_failing_record_does_not_break_the_page(
    client_for: ClientFor, lena: Person, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> str:
        raise RuntimeError("the store is down")

    monkeypatch.setattr("leerpad.lrs.services.record_for_person", broken)
    item = make_item()
    assert client_for(lena).get(item.get_absolute_url()).status_code == 200
