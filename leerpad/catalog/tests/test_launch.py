"""Playing packages: the player page, package files, SCORM reports recorded as xAPI
statements with resume data in the LRS, and cmi5 / Tin Can launches whose credentials
work against /xapi/."""

from __future__ import annotations

import base64
import datetime as dt
import json
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import NoReverseMatch, include, path, reverse
from django.utils import timezone

from leerpad import urls as main_urls
from leerpad.accounts.models import Person
from leerpad.catalog import services_launch
from leerpad.catalog.models import ContentItem, ItemTranslation, Package, Status
from leerpad.catalog.services_launch import (
    CMI5_CATEGORY,
    SCORM_PROFILE,
    iso_duration,
    item_activity_id,
    parse_scorm_time,
    registration_for,
)
from leerpad.catalog.tasks import revoke_expired_launch_clients
from leerpad.catalog.tests.test_packages import (
    cmi5_zip,
    package_item,
    scorm12_zip,
    scorm2004_zip,
    tincan_zip,
    upload,
)
from leerpad.lrs.agents import agent_for_person
from leerpad.lrs.models import Client as LrsClient
from leerpad.lrs.models import Statement
from leerpad.lrs.xapi import agent_ifi

pytestmark = pytest.mark.django_db

V = "http://adlnet.gov/expapi/verbs/"


def _item_page(request: HttpRequest, pk: int) -> HttpResponse:
    return HttpResponse(f"item {pk}")


# Used only while the catalogue's own pages are not mounted in leerpad/urls.py: the
# activity id of an item is its page, so that page must have an address.
urlpatterns = [
    path("catalogue/", include(([path("<int:pk>/", _item_page, name="item")], "catalog"))),
    *main_urls.urlpatterns,
]


@pytest.fixture(autouse=True)
def item_pages(settings: Any) -> None:
    try:
        reverse("catalog:item", args=[1])
    except NoReverseMatch:
        settings.ROOT_URLCONF = __name__


@pytest.fixture
def player(dirk: Person, django_capture_on_commit_callbacks: Any) -> Callable[[bytes], ContentItem]:
    """A published package item made from a ZIP, through the real upload."""

    def make(data: bytes) -> ContentItem:
        item = package_item()
        ItemTranslation.objects.create(item=item, language="nl", title="Veilig werken")
        item = upload(item, data, dirk, django_capture_on_commit_callbacks)
        assert Package.objects.filter(item=item).exists(), item.extraction_error
        return item

    return make


def launch_url(item: ContentItem) -> str:
    return reverse("catalog_launch:launch", args=[item.pk])


def statements_of(person: Person) -> list[dict[str, Any]]:
    ifi = agent_ifi(agent_for_person(person))
    return [s.payload for s in Statement.objects.filter(actor_ifi=ifi).order_by("id")]


def verbs_of(person: Person) -> list[str]:
    return [s["verb"]["id"].removeprefix(V) for s in statements_of(person)]


def xapi_headers(authorization: str) -> dict[str, str]:
    return {"Authorization": authorization, "X-Experience-API-Version": "1.0.3"}


# --- who may play -------------------------------------------------------------------------


def test_player_pages_require_login(client: Client, player: Callable[[bytes], ContentItem]) -> None:
    item = player(scorm12_zip())
    for url in (
        launch_url(item),
        reverse("catalog_launch:file", args=[item.pk, "index.html"]),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
    response = client.post(
        reverse("catalog_launch:scorm", args=[item.pk]), "{}", content_type="application/json"
    )
    assert response.status_code == 302
    assert Statement.objects.count() == 0


def test_unpublished_packages_are_for_the_catalogue_team_only(
    client_for: Callable[[Person], Client],
    player: Callable[[bytes], ContentItem],
    lena: Person,
    dirk: Person,
) -> None:
    item = player(scorm12_zip())
    ContentItem.objects.filter(pk=item.pk).update(status=Status.DRAFT)
    assert client_for(lena).get(launch_url(item)).status_code == 404
    assert client_for(dirk).get(launch_url(item)).status_code == 200


def test_a_package_still_being_prepared_says_so(
    client_for: Callable[[Person], Client], lena: Person
) -> None:
    item = package_item(extraction="pending")
    response = client_for(lena).get(launch_url(item))
    assert response.status_code == 200
    assert b"being prepared" in response.content


# --- SCORM --------------------------------------------------------------------------------


def test_scorm_player_page_offers_the_api_and_frames_the_sco(
    client_for: Callable[[Person], Client], player: Callable[[bytes], ContentItem], lena: Person
) -> None:
    item = player(scorm12_zip())
    response = client_for(lena).get(launch_url(item))
    assert response.status_code == 200
    html = response.content.decode()
    assert "catalog/scorm-api.js" in html
    config = response.context["scorm_config"]
    assert config["version"] == "1.2"
    assert config["reportUrl"] == reverse("catalog_launch:scorm", args=[item.pk])
    initial = config["initial"]
    assert initial["cmi.core.student_id"] == str(lena.pk)
    assert initial["cmi.core.student_name"] == "Test, Lena"
    assert initial["cmi.core.entry"] == "ab-initio"
    assert initial["cmi.core.lesson_status"] == "not attempted"
    assert initial["cmi.student_data.mastery_score"] == "80"
    assert initial["cmi.launch_data"] == "start=1"
    frame = f"/catalog/packages/{item.pk}/files/index.html?lang=nl"
    assert response.context["frame_src"] == frame
    assert f'src="{frame}"' in html


def test_package_files_are_served_to_the_frame_and_never_from_outside(
    client_for: Callable[[Person], Client], player: Callable[[bytes], ContentItem], lena: Person
) -> None:
    item = player(scorm12_zip())
    client = client_for(lena)
    page = client.get(reverse("catalog_launch:file", args=[item.pk, "index.html"]))
    assert page.status_code == 200
    assert page["Content-Type"] == "text/html"
    assert page["X-Frame-Options"] == "SAMEORIGIN"
    assert page.getvalue() == b"<!doctype html><title>SCO</title><p>Hallo</p>"
    script = client.get(reverse("catalog_launch:file", args=[item.pk, "js/app.js"]))
    assert script["Content-Type"] == "text/javascript"
    base = f"/catalog/packages/{item.pk}/files/"
    for bad in ("../../../settings.py", "js/../../1/index.html", "%2e%2e/%2e%2e/x", "missing.html"):
        assert client.get(base + bad).status_code == 404, bad
    package = Package.objects.get(item=item)
    assert views_launch_file(package, "../../etc/passwd") is None
    assert views_launch_file(package, "index.html\x00.png") is None


def views_launch_file(package: Package, path: str) -> Any:
    from leerpad.catalog.views_launch import _package_file

    return _package_file(package, path)


def report(client: Client, item: ContentItem, event: str, cmi: dict[str, str]) -> Any:
    return client.post(
        reverse("catalog_launch:scorm", args=[item.pk]),
        json.dumps({"event": event, "cmi": cmi}),
        content_type="application/json",
    )


def test_scorm12_session_is_recorded_as_xapi_statements(
    client_for: Callable[[Person], Client], player: Callable[[bytes], ContentItem], lena: Person
) -> None:
    item = player(scorm12_zip())
    client = client_for(lena)
    cmi = dict(client.get(launch_url(item)).context["scorm_config"]["initial"])

    assert report(client, item, "initialize", cmi).json() == {"statements": 2}
    cmi.update({"cmi.core.lesson_status": "incomplete", "cmi.suspend_data": "page=3"})
    assert report(client, item, "commit", cmi).json() == {"statements": 0}
    cmi.update(
        {
            "cmi.core.lesson_status": "passed",
            "cmi.core.score.raw": "85",
            "cmi.core.session_time": "0000:12:30.5",
            "cmi.core.exit": "suspend",
        }
    )
    assert report(client, item, "commit", cmi).json() == {"statements": 2}
    assert report(client, item, "finish", cmi).json() == {"statements": 1}

    assert verbs_of(lena) == ["launched", "initialized", "completed", "passed", "terminated"]
    statements = statements_of(lena)
    activity = item_activity_id(item)
    assert all(s["object"]["id"] == activity for s in statements)
    assert all(s["context"]["registration"] == registration_for(item, lena) for s in statements)
    assert all(
        s["context"]["contextActivities"]["category"] == [{"id": SCORM_PROFILE}] for s in statements
    )
    passed = statements[3]
    assert passed["result"] == {
        "success": True,
        "score": {"scaled": 0.85, "raw": 85.0},
    }
    assert statements[2]["result"] == {"completion": True}
    assert statements[4]["result"] == {"duration": "PT12M30.5S"}
    assert statements[0]["authority"]["account"]["name"] == "leerpad"

    # The next launch resumes: suspend_data, status, score and time come back.
    again = client.get(launch_url(item)).context["scorm_config"]["initial"]
    assert again["cmi.core.entry"] == "resume"
    assert again["cmi.suspend_data"] == "page=3"
    assert again["cmi.core.lesson_status"] == "passed"
    assert again["cmi.core.score.raw"] == "85"
    assert again["cmi.core.total_time"] == "0000:12:30.50"
    # A second pass in the same registration is not recorded twice.
    report(client, item, "initialize", again)
    assert report(client, item, "commit", {**again, "cmi.core.lesson_status": "passed"}).json() == {
        "statements": 0
    }


def test_scorm2004_failed_with_scaled_score(
    client_for: Callable[[Person], Client], player: Callable[[bytes], ContentItem], lena: Person
) -> None:
    item = player(scorm2004_zip())
    client = client_for(lena)
    config = client.get(launch_url(item)).context["scorm_config"]
    assert config["version"] == "2004"
    cmi = dict(config["initial"])
    assert cmi["cmi.learner_name"] == "Lena Test"
    assert cmi["cmi.completion_status"] == "unknown"
    report(client, item, "initialize", cmi)
    cmi.update(
        {
            "cmi.completion_status": "completed",
            "cmi.success_status": "failed",
            "cmi.score.scaled": "0.4",
            "cmi.score.raw": "40",
            "cmi.score.min": "0",
            "cmi.score.max": "100",
            "cmi.session_time": "PT1H2M3S",
            "cmi.exit": "normal",
            "cmi.location": "slide-9",
        }
    )
    report(client, item, "finish", cmi)
    assert verbs_of(lena) == ["launched", "initialized", "completed", "failed", "terminated"]
    failed = statements_of(lena)[3]
    assert failed["result"] == {
        "success": False,
        "score": {"scaled": 0.4, "raw": 40.0, "min": 0.0, "max": 100.0},
    }
    assert statements_of(lena)[4]["result"] == {"duration": "PT1H2M3S"}
    again = client.get(launch_url(item)).context["scorm_config"]["initial"]
    assert again["cmi.entry"] == ""
    assert again["cmi.location"] == "slide-9"
    assert again["cmi.total_time"] == "PT1H2M3S"
    assert again["cmi.score.scaled"] == "0.4"


def test_scores_xapi_would_refuse_are_left_out(
    client_for: Callable[[Person], Client], player: Callable[[bytes], ContentItem], lena: Person
) -> None:
    item = player(scorm2004_zip())
    client = client_for(lena)
    cmi = {
        "cmi.success_status": "passed",
        "cmi.score.raw": "120",
        "cmi.score.max": "100",
        "cmi.score.scaled": "7",
    }
    assert report(client, item, "commit", cmi).status_code == 200
    assert statements_of(lena)[-1]["result"] == {"success": True}


@pytest.mark.parametrize(
    "body",
    [
        "not json",
        json.dumps([1]),
        json.dumps({"event": "explode", "cmi": {}}),
        json.dumps({"event": "commit", "cmi": {"cmi.suspend_data": 5}}),
        json.dumps({"event": "commit", "cmi": {"cmi.suspend_data": "x" * 70_000}}),
    ],
)
def test_bad_scorm_reports_are_refused(
    client_for: Callable[[Person], Client],
    player: Callable[[bytes], ContentItem],
    lena: Person,
    body: str,
) -> None:
    item = player(scorm12_zip())
    response = client_for(lena).post(
        reverse("catalog_launch:scorm", args=[item.pk]), body, content_type="application/json"
    )
    assert response.status_code == 400
    assert "error" in response.json()
    assert Statement.objects.count() == 0


def test_scorm_reports_need_the_csrf_token(
    player: Callable[[bytes], ContentItem], lena: Person
) -> None:
    item = player(scorm12_zip())
    client = Client(enforce_csrf_checks=True)
    client.force_login(lena)
    response = client.post(
        reverse("catalog_launch:scorm", args=[item.pk]),
        json.dumps({"event": "initialize", "cmi": {}}),
        content_type="application/json",
    )
    assert response.status_code == 403
    token = client.get(launch_url(item)).context["scorm_config"]["csrfToken"]
    response = client.post(
        reverse("catalog_launch:scorm", args=[item.pk]),
        json.dumps({"event": "initialize", "cmi": {}}),
        content_type="application/json",
        HTTP_X_CSRFTOKEN=token,
    )
    assert response.status_code == 200


def test_scorm_times() -> None:
    assert parse_scorm_time("0001:02:03.5") == 3723.5
    assert parse_scorm_time("PT1H2M3.5S") == 3723.5
    assert parse_scorm_time("P1DT1S") == 86401
    assert parse_scorm_time("PT") is None
    assert parse_scorm_time("soon") is None
    assert iso_duration(3723.5) == "PT1H2M3.5S"
    assert iso_duration(0) == "PT0S"


# --- cmi5 ---------------------------------------------------------------------------------


def start(client: Client, item: ContentItem) -> dict[str, str]:
    """POST the start button; the launch parameters of the framed AU."""
    response = client.post(launch_url(item))
    assert response.status_code == 200
    src = response.context["frame_src"]
    assert f'src="{src.replace("&", "&amp;")}"' in response.content.decode()
    query = parse_qs(urlsplit(src).query)
    return {name: values[-1] for name, values in query.items()} | {"_path": urlsplit(src).path}


def test_cmi5_start_page_asks_first(
    client_for: Callable[[Person], Client], player: Callable[[bytes], ContentItem], lena: Person
) -> None:
    item = player(cmi5_zip())
    response = client_for(lena).get(launch_url(item))
    assert response.status_code == 200
    assert response.context["mode"] == "start"
    assert b"Start the course" in response.content
    assert Statement.objects.count() == 0
    assert not LrsClient.objects.exists()


def test_cmi5_launch_records_launched_and_hands_over_credentials_once(
    client_for: Callable[[Person], Client],
    player: Callable[[bytes], ContentItem],
    lena: Person,
    settings: Any,
) -> None:
    item = player(cmi5_zip())
    client = client_for(lena)
    params = start(client, item)
    site = settings.SITE_URL.rstrip("/")
    activity = item_activity_id(item)
    registration = registration_for(item, lena)
    assert params["_path"] == f"/catalog/packages/{item.pk}/files/au/index.html"
    assert params["mode"] == "x"  # the AU's own query string is kept
    assert params["endpoint"] == f"{site}/xapi/"
    assert json.loads(params["actor"]) == agent_for_person(lena)
    assert params["registration"] == registration
    assert params["activityId"] == activity
    assert activity != "https://publisher.example/au/1"  # cmi5 8.1: not the publisher id

    # The LMS's "launched" statement (cmi5 9.3.1).
    (launched,) = statements_of(lena)
    assert launched["verb"]["id"] == V + "launched"
    context = launched["context"]
    assert context["registration"] == registration
    assert context["contextActivities"]["category"] == [{"id": CMI5_CATEGORY}]
    assert context["contextActivities"]["grouping"] == [{"id": "https://publisher.example/au/1"}]
    ext = "https://w3id.org/xapi/cmi5/context/extensions/"
    session_id = context["extensions"][ext + "sessionid"]
    assert context["extensions"][ext + "launchmode"] == "Normal"
    assert context["extensions"][ext + "moveon"] == "CompletedOrPassed"
    assert context["extensions"][ext + "masteryscore"] == 0.8
    assert context["extensions"][ext + "launchurl"] == (
        f"{site}/catalog/packages/{item.pk}/files/au/index.html"
    )

    # The fetch URL: POST only, the token once, then error-code 1 (cmi5 8.2).
    fetch = urlsplit(params["fetch"])
    assert params["fetch"].startswith(f"{site}/catalog/packages/{item.pk}/fetch/")
    anonymous = Client()
    assert anonymous.get(fetch.path).status_code == 405
    first = anonymous.post(fetch.path)
    assert first.status_code == 200
    assert first["Content-Type"] == "application/json"
    token = first.json()["auth-token"]
    second = anonymous.post(fetch.path)
    assert second.status_code == 200
    assert second.json()["error-code"] == "1"
    assert "auth-token" not in second.json()

    # The token works against the LRS: the AU reads its launch data ...
    headers = xapi_headers(f"Basic {token}")
    state = anonymous.get(
        "/xapi/activities/state",
        {
            "activityId": activity,
            "agent": params["actor"],
            "registration": registration,
            "stateId": "LMS.LaunchData",
        },
        headers=headers,
    )
    assert state.status_code == 200, state.content
    launch_data = state.json()
    assert launch_data["launchMode"] == "Normal"
    assert launch_data["moveOn"] == "CompletedOrPassed"
    assert launch_data["masteryScore"] == 0.8
    assert launch_data["launchParameters"] == "level=2"
    assert launch_data["contextTemplate"]["extensions"][ext + "sessionid"] == session_id
    assert launch_data["contextTemplate"]["contextActivities"]["grouping"] == [
        {"id": "https://publisher.example/au/1"}
    ]
    # ... and records its statements.
    initialized = {
        "actor": json.loads(params["actor"]),
        "verb": {"id": V + "initialized"},
        "object": {"objectType": "Activity", "id": activity},
        "context": {**launch_data["contextTemplate"], "registration": registration},
    }
    posted = anonymous.post(
        "/xapi/statements",
        json.dumps(initialized),
        content_type="application/json",
        headers=headers,
    )
    assert posted.status_code == 200, posted.content
    assert verbs_of(lena) == ["launched", "initialized"]
    mine = anonymous.get("/xapi/statements", headers=headers)
    assert mine.status_code == 200
    assert [s["verb"]["id"] for s in mine.json()["statements"]] == [V + "initialized"]


def test_a_launch_token_dies_with_its_day(
    client_for: Callable[[Person], Client], player: Callable[[bytes], ContentItem], lena: Person
) -> None:
    item = player(cmi5_zip())
    params = start(client_for(lena), item)
    fetch = urlsplit(params["fetch"]).path
    token = Client().post(fetch).json()["auth-token"]
    day_later = timezone.now() + dt.timedelta(hours=25)
    assert revoke_expired_launch_clients(day_later) == (1, 0)
    response = Client().get("/xapi/statements", headers=xapi_headers(f"Basic {token}"))
    assert response.status_code == 401
    assert revoke_expired_launch_clients(day_later + dt.timedelta(days=30)) == (0, 1)
    assert not LrsClient.objects.exists()


def test_an_unfetched_token_expires_and_unknown_tokens_are_refused(
    client_for: Callable[[Person], Client], player: Callable[[bytes], ContentItem], lena: Person
) -> None:
    item = player(cmi5_zip())
    params = start(client_for(lena), item)
    LrsClient.objects.update(created_at=timezone.now() - dt.timedelta(hours=25))
    fetch = urlsplit(params["fetch"]).path
    assert Client().post(fetch).json()["error-code"] == "1"
    unknown = reverse("catalog_launch:fetch", args=[item.pk, "nope"])
    assert Client().post(unknown).json()["error-code"] == "2"


def test_each_launch_is_a_new_session_of_the_same_registration(
    client_for: Callable[[Person], Client], player: Callable[[bytes], ContentItem], lena: Person
) -> None:
    item = player(cmi5_zip())
    client = client_for(lena)
    first, second = start(client, item), start(client, item)
    assert first["registration"] == second["registration"]
    assert first["fetch"] != second["fetch"]
    sessions = {
        s["context"]["extensions"]["https://w3id.org/xapi/cmi5/context/extensions/sessionid"]
        for s in statements_of(lena)
    }
    assert len(sessions) == 2
    assert LrsClient.objects.filter(name__startswith="launch:").count() == 2


def test_cmi5_own_window_replaces_the_page(
    client_for: Callable[[Person], Client], player: Callable[[bytes], ContentItem], lena: Person
) -> None:
    item = player(cmi5_zip(launch_method="OwnWindow"))
    client = client_for(lena)
    response = client.post(launch_url(item))
    assert response.status_code == 302
    assert response["Location"].startswith(f"/catalog/packages/{item.pk}/files/au/index.html?")
    token = (
        Client()
        .post(urlsplit(parse_qs(urlsplit(response["Location"]).query)["fetch"][0]).path)
        .json()["auth-token"]
    )
    state = Client().get(
        "/xapi/activities/state",
        {
            "activityId": item_activity_id(item),
            "agent": json.dumps(agent_for_person(lena)),
            "registration": registration_for(item, lena),
            "stateId": "LMS.LaunchData",
        },
        headers=xapi_headers(f"Basic {token}"),
    )
    assert state.json()["returnURL"].endswith(item.get_absolute_url())


# --- Tin Can ------------------------------------------------------------------------------


def test_tincan_launch_passes_working_credentials(
    client_for: Callable[[Person], Client], player: Callable[[bytes], ContentItem], lena: Person
) -> None:
    item = player(tincan_zip())
    params = start(client_for(lena), item)
    assert params["_path"] == f"/catalog/packages/{item.pk}/files/story.html"
    assert params["activity_id"] == "https://publisher.example/tincan/course"
    assert params["auth"].startswith("Basic ")
    key, _, _secret = base64.b64decode(params["auth"][6:]).decode().partition(":")
    assert LrsClient.objects.get(key=key).name.startswith("launch:")
    assert "fetch" not in params
    statement = {
        "actor": json.loads(params["actor"]),
        "verb": {"id": V + "experienced"},
        "object": {"objectType": "Activity", "id": params["activity_id"]},
        "context": {"registration": params["registration"]},
    }
    response = Client().post(
        "/xapi/statements",
        json.dumps(statement),
        content_type="application/json",
        headers=xapi_headers(params["auth"]),
    )
    assert response.status_code == 200, response.content
    assert verbs_of(lena) == ["launched", "experienced"]


def test_scorm_items_are_not_launched_by_post(
    client_for: Callable[[Person], Client], player: Callable[[bytes], ContentItem], lena: Person
) -> None:
    item = player(scorm12_zip())
    assert client_for(lena).post(launch_url(item)).status_code == 405
    with pytest.raises(services_launch.LaunchError):
        services_launch.launch_xapi(item, lena)
