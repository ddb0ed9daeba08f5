"""The document resources (State, Activity Profile, Agent Profile), Activities and Agents.

xAPI Communication 2.2-2.7 and 3.1, through the public HTTP interface, for 1.0.3 and 2.0.0
where they differ.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import threading
import time
import uuid
from typing import Any
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.db.models import QuerySet
from django.test import Client
from django.utils import timezone

from leerpad.lrs import views_documents
from leerpad.lrs.backends import orm_documents
from leerpad.lrs.backends.base import DocumentKey
from leerpad.lrs.backends.orm_documents import OrmDocumentStore, merge_json_objects
from leerpad.lrs.http import hash_secret
from leerpad.lrs.models import Activity, Document, Statement
from leerpad.lrs.models import Client as LrsClient
from leerpad.lrs.xapi import agent_ifi, parse_agent

pytestmark = pytest.mark.django_db

V1, V2 = "1.0.3", "2.0.0"
STATE = "/xapi/activities/state"
ACTIVITY_PROFILE = "/xapi/activities/profile"
AGENT_PROFILE = "/xapi/agents/profile"
ACTIVITY = "http://www.example.com/activities/meeting"
AGENT = {"objectType": "Agent", "account": {"homePage": "http://example.com", "name": "lena"}}


@pytest.fixture(autouse=True)
def lrs_client(db: None) -> LrsClient:
    return LrsClient.objects.create(name="t", key="k", secret_hash=hash_secret("s"), scopes=["all"])


def _auth(key: str = "k", secret: str = "s") -> str:  # noqa: S107 (test credentials)
    return "Basic " + base64.b64encode(f"{key}:{secret}".encode()).decode()


def call(
    client: Client,
    method: str,
    path: str,
    params: dict[str, Any] | None = None,
    body: bytes | str | dict[str, Any] | list[Any] | None = None,
    *,
    content_type: str = "application/json",
    version: str = V1,
    auth: str | None = None,
    **headers: str,
) -> Any:
    """One request; dict/list params are sent as JSON, dict/list bodies too."""
    query = urlencode(
        {
            name: json.dumps(value) if isinstance(value, dict | list) else value
            for name, value in (params or {}).items()
        }
    )
    if isinstance(body, dict | list):
        data: bytes = json.dumps(body).encode()
    elif isinstance(body, str):
        data = body.encode()
    else:
        data = body or b""
    return client.generic(
        method,
        f"{path}?{query}" if query else path,
        data=data,
        content_type=content_type,
        headers={
            "Authorization": auth or _auth(),
            "X-Experience-API-Version": version,
            **{name.replace("_", "-"): value for name, value in headers.items()},
        },
    )


def state(**extra: Any) -> dict[str, Any]:
    return {"activityId": ACTIVITY, "agent": AGENT, "stateId": "bookmark", **extra}


def sha1(content: bytes) -> str:
    return hashlib.sha1(content, usedforsecurity=False).hexdigest()


# --- State: the basic methods --------------------------------------------------------------


def test_put_then_get_returns_the_document_with_its_etag_and_dates(client: Client) -> None:
    assert call(client, "PUT", STATE, state(), {"page": 3}).status_code == 204
    response = call(client, "GET", STATE, state())
    assert response.status_code == 200
    assert json.loads(response.content) == {"page": 3}
    assert response["Content-Type"] == "application/json"
    assert response["ETag"] == f'"{sha1(response.content)}"'
    assert response["Last-Modified"].endswith("GMT")
    assert response["X-Experience-API-Version"] == V1


def test_any_content_type_is_stored_and_returned_as_is(client: Client) -> None:
    blob = bytes(range(256))
    put = call(client, "PUT", STATE, state(), blob, content_type="application/octet-stream")
    assert put.status_code == 204
    assert put["ETag"] == f'"{sha1(blob)}"'
    response = call(client, "GET", STATE, state())
    assert response.content == blob
    assert response["Content-Type"] == "application/octet-stream"


def test_head_answers_like_get_without_a_body(client: Client) -> None:
    call(client, "PUT", STATE, state(), {"a": 1})
    response = call(client, "HEAD", STATE, state())
    assert response.status_code == 200
    assert response.content == b""
    assert response["ETag"] == f'"{sha1(json.dumps({"a": 1}).encode())}"'


def test_get_of_a_missing_document_is_404(client: Client) -> None:
    assert call(client, "GET", STATE, state(stateId="nothing")).status_code == 404


def test_post_creates_a_missing_document(client: Client) -> None:
    assert (
        call(client, "POST", STATE, state(), "plain text", content_type="text/plain").status_code
        == 204
    )
    response = call(client, "GET", STATE, state())
    assert response.content == b"plain text"
    assert response["Content-Type"] == "text/plain"


def test_post_merges_json_objects_at_the_top_level_only(client: Client) -> None:
    call(client, "POST", STATE, state(), {"x": "foo", "y": "bar", "car": {"make": "Ford"}})
    assert (
        call(
            client, "POST", STATE, state(), {"x": "bash", "z": "faz", "car": {"model": "Ram"}}
        ).status_code
        == 204
    )
    response = call(client, "GET", STATE, state())
    assert json.loads(response.content) == {
        "x": "bash",
        "y": "bar",
        "z": "faz",
        "car": {"model": "Ram"},
    }
    assert response["Content-Type"] == "application/json"
    assert response["ETag"] == f'"{sha1(response.content)}"'


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ("abcdefg", "not/json"),
        ('{"a": 1}', "text/plain"),
        ('{"a": 1}{', "application/json"),
        ("[1, 2]", "application/json"),
    ],
)
def test_post_that_cannot_be_merged_is_400_and_changes_nothing(
    client: Client, body: str, content_type: str
) -> None:
    call(client, "POST", STATE, state(), {"kept": True})
    response = call(client, "POST", STATE, state(), body, content_type=content_type)
    assert response.status_code == 400
    assert json.loads(call(client, "GET", STATE, state()).content) == {"kept": True}


def test_post_json_onto_a_document_that_is_not_json_is_400(client: Client) -> None:
    call(
        client, "PUT", STATE, state(), "/ asdf / undefined", content_type="application/octet-stream"
    )
    assert call(client, "POST", STATE, state(), {"a": 1}).status_code == 400
    assert call(client, "GET", STATE, state()).content == b"/ asdf / undefined"


def test_post_onto_a_stored_json_array_is_400(client: Client) -> None:
    call(client, "PUT", STATE, state(), [1, 2])
    assert call(client, "POST", STATE, state(), {"a": 1}).status_code == 400


def test_delete_one_document(client: Client) -> None:
    call(client, "PUT", STATE, state(), {"a": 1})
    call(client, "PUT", STATE, state(stateId="other"), {"b": 2})
    assert call(client, "DELETE", STATE, state()).status_code == 204
    assert call(client, "GET", STATE, state()).status_code == 404
    assert call(client, "GET", STATE, state(stateId="other")).status_code == 200
    # Deleting what is not there is not an error.
    assert call(client, "DELETE", STATE, state()).status_code == 204


# --- State: lists, registration, since ----------------------------------------------------


def _ids(client: Client, path: str, params: dict[str, Any], version: str = V1) -> list[str]:
    response = call(client, "GET", path, params, version=version)
    assert response.status_code == 200, response.content
    ids: list[str] = json.loads(response.content)
    return ids


def test_get_without_state_id_lists_the_ids_of_the_context(client: Client) -> None:
    for state_id in ("a", "b"):
        call(client, "PUT", STATE, state(stateId=state_id), {"x": 1})
    call(client, "PUT", STATE, state(stateId="c", activityId=ACTIVITY + "/other"), {"x": 1})
    call(client, "PUT", STATE, state(stateId="d", agent={"mbox": "mailto:x@example.com"}), {})
    context = {"activityId": ACTIVITY, "agent": AGENT}
    assert sorted(_ids(client, STATE, context)) == ["a", "b"]
    assert _ids(client, STATE, {**context, "activityId": ACTIVITY + "/none"}) == []


def test_registration_separates_documents_and_a_list_without_it_shows_all(
    client: Client,
) -> None:
    registration = str(uuid.uuid4())
    call(client, "PUT", STATE, state(), {"where": "none"})
    call(client, "PUT", STATE, state(registration=registration.upper()), {"where": "reg"})
    assert json.loads(call(client, "GET", STATE, state()).content) == {"where": "none"}
    with_reg = call(client, "GET", STATE, state(registration=registration))
    assert json.loads(with_reg.content) == {"where": "reg"}
    context = {"activityId": ACTIVITY, "agent": AGENT}
    assert _ids(client, STATE, {**context, "registration": registration}) == ["bookmark"]
    assert _ids(client, STATE, context) == ["bookmark", "bookmark"]


def test_since_lists_only_documents_updated_after_it(client: Client) -> None:
    call(client, "PUT", STATE, state(stateId="old"), {"x": 1})
    call(client, "PUT", STATE, state(stateId="new"), {"x": 1})
    cut = timezone.now() - dt.timedelta(hours=1)
    Document.objects.filter(document_id="old").update(updated=cut)
    context = {"activityId": ACTIVITY, "agent": AGENT}
    # `since` is exclusive.
    assert _ids(client, STATE, {**context, "since": cut.isoformat()}) == ["new"]
    earlier = (cut - dt.timedelta(seconds=1)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    assert sorted(_ids(client, STATE, {**context, "since": earlier})) == ["new", "old"]
    # An offset whose "+" was not percent-encoded arrives as a space.
    plus = (cut + dt.timedelta(minutes=1)).astimezone(dt.timezone(dt.timedelta(hours=2)))
    raw = plus.strftime("%Y-%m-%dT%H:%M:%S") + " 02:00"
    assert _ids(client, STATE, {**context, "since": raw}) == ["new"]


@pytest.mark.parametrize("since", ["not a timestamp", "true", "2024-13-01T00:00:00Z", "2024-01-01"])
def test_since_that_is_not_a_timestamp_is_400(client: Client, since: str) -> None:
    params = {"activityId": ACTIVITY, "agent": AGENT, "since": since}
    assert call(client, "GET", STATE, params).status_code == 400


def test_delete_without_state_id_deletes_the_whole_context(client: Client) -> None:
    registration = str(uuid.uuid4())
    call(client, "PUT", STATE, state(stateId="a"), {})
    call(client, "PUT", STATE, state(stateId="b", registration=registration), {})
    call(client, "PUT", STATE, state(stateId="c", activityId=ACTIVITY + "/other"), {})
    context = {"activityId": ACTIVITY, "agent": AGENT}
    # With a registration: only that registration's documents.
    assert (
        call(client, "DELETE", STATE, {**context, "registration": registration}).status_code == 204
    )
    assert _ids(client, STATE, context) == ["a"]
    assert call(client, "DELETE", STATE, context).status_code == 204
    assert _ids(client, STATE, context) == []
    assert _ids(client, STATE, {**context, "activityId": ACTIVITY + "/other"}) == ["c"]


def test_the_same_agent_written_differently_finds_the_same_documents(client: Client) -> None:
    call(client, "PUT", STATE, state(), {"a": 1})
    same = {"name": "Lena", "account": {"name": "lena", "homePage": "http://example.com"}}
    assert call(client, "GET", STATE, state(agent=same)).status_code == 200


# --- Parameter validation ------------------------------------------------------------------


@pytest.mark.parametrize("method", ["GET", "PUT", "POST", "DELETE"])
@pytest.mark.parametrize(
    "change",
    [
        {"activityId": None},
        {"agent": None},
        {"activityId": "not an iri"},
        {"activityId": "true"},
        {"agent": "not JSON"},
        {"agent": "true"},
        {"agent": {"objectType": "Agent", "name": "no identifier"}},
        {"registration": "true"},
        {"registration": "1234"},
        {"stateId": ""},
        {"unknown": "x"},
        {"StateId": "bookmark"},
    ],
)
def test_bad_state_parameters_are_400(client: Client, method: str, change: dict[str, Any]) -> None:
    params = {name: value for name, value in {**state(), **change}.items() if value is not None}
    body = {"a": 1} if method in {"PUT", "POST"} else None
    response = call(client, method, STATE, params, body)
    assert response.status_code == 400, response.content
    assert json.loads(response.content)["error"]["message"]
    assert not Document.objects.exists()


@pytest.mark.parametrize("method", ["PUT", "POST"])
def test_writes_need_a_state_id(client: Client, method: str) -> None:
    params = {"activityId": ACTIVITY, "agent": AGENT}
    assert call(client, method, STATE, params, {"a": 1}).status_code == 400


def test_since_is_not_a_parameter_of_delete(client: Client) -> None:
    params = {"activityId": ACTIVITY, "agent": AGENT, "since": "2024-01-01T00:00:00Z"}
    assert call(client, "DELETE", STATE, params).status_code == 400


def test_an_agent_parameter_that_is_broken_json_is_400(client: Client) -> None:
    agent = json.dumps(AGENT).replace(":", '"', 1)
    path = f"{STATE}?activityId={ACTIVITY}&stateId=x&agent={agent}"
    response = client.post(
        path,
        data=b"{}",
        content_type="application/json",
        headers={"Authorization": _auth(), "X-Experience-API-Version": V1},
    )
    assert response.status_code == 400


# --- Concurrency (Communication 3.1) --------------------------------------------------------


def _etag(client: Client, path: str, params: dict[str, Any]) -> str:
    etag: str = call(client, "GET", path, params)["ETag"]
    return etag


def test_state_put_without_headers_overwrites_in_1_0_3(client: Client) -> None:
    call(client, "PUT", STATE, state(), {"v": 1})
    assert call(client, "PUT", STATE, state(), {"v": 2}).status_code == 204
    assert json.loads(call(client, "GET", STATE, state()).content) == {"v": 2}


def test_state_put_without_headers_on_an_existing_document_is_409_in_2_0(client: Client) -> None:
    assert call(client, "PUT", STATE, state(), {"v": 1}, version=V2).status_code == 204
    response = call(client, "PUT", STATE, state(), {"v": 2}, version=V2)
    assert response.status_code == 409
    assert "If-Match" in json.loads(response.content)["error"]["message"]
    assert response["X-Experience-API-Version"] == V2
    assert json.loads(call(client, "GET", STATE, state(), version=V2).content) == {"v": 1}


@pytest.mark.parametrize("version", [V1, V2])
def test_put_with_the_right_if_match_replaces(client: Client, version: str) -> None:
    call(client, "PUT", STATE, state(), {"v": 1}, version=version)
    etag = _etag(client, STATE, state())
    response = call(client, "PUT", STATE, state(), {"v": 2}, version=version, If_Match=etag)
    assert response.status_code == 204
    assert json.loads(call(client, "GET", STATE, state()).content) == {"v": 2}


@pytest.mark.parametrize("method", ["PUT", "POST", "DELETE"])
@pytest.mark.parametrize("version", [V1, V2])
def test_a_wrong_if_match_is_412_and_changes_nothing(
    client: Client, method: str, version: str
) -> None:
    call(client, "PUT", STATE, state(), {"v": 1})
    body = {"v": 2} if method != "DELETE" else None
    response = call(client, method, STATE, state(), body, version=version, If_Match='"1234"')
    assert response.status_code == 412
    assert json.loads(call(client, "GET", STATE, state()).content) == {"v": 1}


def test_if_match_on_a_missing_document_is_412(client: Client) -> None:
    response = call(client, "PUT", STATE, state(), {"v": 1}, If_Match='"1234"')
    assert response.status_code == 412
    assert not Document.objects.exists()


def test_if_match_star_and_lists_and_weak_tags(client: Client) -> None:
    call(client, "PUT", STATE, state(), {"v": 1})
    etag = _etag(client, STATE, state())
    assert call(client, "POST", STATE, state(), {"w": 1}, If_Match="*").status_code == 204
    etag = _etag(client, STATE, state())
    assert (
        call(client, "POST", STATE, state(), {"w": 2}, If_Match=f'"x", W/{etag}').status_code == 204
    )


@pytest.mark.parametrize("method", ["PUT", "POST"])
def test_if_none_match_star_refuses_to_overwrite(client: Client, method: str) -> None:
    assert call(client, method, STATE, state(), {"v": 1}, If_None_Match="*").status_code == 204
    assert call(client, method, STATE, state(), {"v": 2}, If_None_Match="*").status_code == 412
    assert json.loads(call(client, "GET", STATE, state()).content) == {"v": 1}


def test_delete_with_the_right_if_match(client: Client) -> None:
    call(client, "PUT", STATE, state(), {"v": 1})
    etag = _etag(client, STATE, state())
    assert call(client, "DELETE", STATE, state(), If_Match=etag).status_code == 204
    assert call(client, "GET", STATE, state()).status_code == 404


def test_get_with_a_matching_if_none_match_is_304(client: Client) -> None:
    call(client, "PUT", STATE, state(), {"v": 1})
    etag = _etag(client, STATE, state())
    response = call(client, "GET", STATE, state(), If_None_Match=etag)
    assert response.status_code == 304
    assert response["ETag"] == etag
    assert call(client, "GET", STATE, state(), If_None_Match='"other"').status_code == 200


def test_last_modified_follows_updates(client: Client) -> None:
    call(client, "PUT", STATE, state(), {"v": 1})
    Document.objects.update(updated=timezone.now() - dt.timedelta(days=1))
    before = call(client, "GET", STATE, state())["Last-Modified"]
    call(client, "POST", STATE, state(), {"w": 1})
    after = call(client, "GET", STATE, state())["Last-Modified"]
    assert before != after


# --- Activity Profile ----------------------------------------------------------------------


def profile(**extra: Any) -> dict[str, Any]:
    return {"activityId": ACTIVITY, "profileId": "settings", **extra}


@pytest.mark.parametrize("version", [V1, V2])
def test_activity_profile_put_needs_a_concurrency_header(client: Client, version: str) -> None:
    # A new document without either header: the client broke a MUST (3.1.s3.b1).
    assert (
        call(client, "PUT", ACTIVITY_PROFILE, profile(), {"v": 1}, version=version).status_code
        == 400
    )
    assert (
        call(
            client, "PUT", ACTIVITY_PROFILE, profile(), {"v": 1}, version=version, If_None_Match="*"
        ).status_code
        == 204
    )
    conflict = call(client, "PUT", ACTIVITY_PROFILE, profile(), {"v": 2}, version=version)
    assert conflict.status_code == 409
    assert json.loads(call(client, "GET", ACTIVITY_PROFILE, profile()).content) == {"v": 1}


def test_activity_profile_post_get_list_and_delete(client: Client) -> None:
    assert call(client, "POST", ACTIVITY_PROFILE, profile(), {"a": 1}).status_code == 204
    assert call(client, "POST", ACTIVITY_PROFILE, profile(), {"b": 2}).status_code == 204
    response = call(client, "GET", ACTIVITY_PROFILE, profile())
    assert json.loads(response.content) == {"a": 1, "b": 2}
    assert response["ETag"] == f'"{sha1(response.content)}"'
    call(client, "POST", ACTIVITY_PROFILE, profile(profileId="other"), {})
    assert sorted(_ids(client, ACTIVITY_PROFILE, {"activityId": ACTIVITY})) == ["other", "settings"]
    assert call(client, "DELETE", ACTIVITY_PROFILE, profile()).status_code == 204
    assert _ids(client, ACTIVITY_PROFILE, {"activityId": ACTIVITY}) == ["other"]


@pytest.mark.parametrize(
    ("method", "params"),
    [
        ("GET", {"profileId": "p"}),
        ("GET", {"activityId": "no iri", "profileId": "p"}),
        ("GET", {"activityId": ACTIVITY, "since": "yesterday"}),
        ("POST", {"activityId": ACTIVITY}),
        ("DELETE", {"activityId": ACTIVITY}),
        ("DELETE", {"profileId": "p"}),
        ("GET", {"activityId": ACTIVITY, "profileId": "p", "agent": json.dumps(AGENT)}),
        ("GET", {"activityId": ACTIVITY, "profileId": "p", "registration": str(uuid.uuid4())}),
    ],
)
def test_bad_activity_profile_parameters_are_400(
    client: Client, method: str, params: dict[str, Any]
) -> None:
    assert (
        call(client, method, ACTIVITY_PROFILE, params, {} if method == "POST" else None).status_code
        == 400
    )


def test_activity_profile_ignores_documents_of_other_kinds(client: Client) -> None:
    call(client, "PUT", STATE, state(stateId="settings"), {"state": True})
    assert call(client, "GET", ACTIVITY_PROFILE, profile()).status_code == 404


# --- Agent Profile -------------------------------------------------------------------------


def agent_profile(**extra: Any) -> dict[str, Any]:
    return {"agent": AGENT, "profileId": "preferences", **extra}


@pytest.mark.parametrize("version", [V1, V2])
def test_agent_profile_round_trip_and_concurrency(client: Client, version: str) -> None:
    assert (
        call(client, "PUT", AGENT_PROFILE, agent_profile(), {"v": 1}, version=version).status_code
        == 400
    )
    put = call(
        client, "PUT", AGENT_PROFILE, agent_profile(), {"v": 1}, version=version, If_None_Match="*"
    )
    assert put.status_code == 204
    etag = _etag(client, AGENT_PROFILE, agent_profile())
    assert (
        call(client, "PUT", AGENT_PROFILE, agent_profile(), {"v": 2}, version=version).status_code
        == 409
    )
    assert (
        call(
            client,
            "PUT",
            AGENT_PROFILE,
            agent_profile(),
            {"v": 2},
            version=version,
            If_Match='"bad"',
        ).status_code
        == 412
    )
    assert (
        call(
            client, "PUT", AGENT_PROFILE, agent_profile(), {"v": 2}, version=version, If_Match=etag
        ).status_code
        == 204
    )
    assert json.loads(call(client, "GET", AGENT_PROFILE, agent_profile()).content) == {"v": 2}
    assert _ids(client, AGENT_PROFILE, {"agent": AGENT}, version) == ["preferences"]
    assert (
        call(client, "DELETE", AGENT_PROFILE, agent_profile(), version=version).status_code == 204
    )
    assert _ids(client, AGENT_PROFILE, {"agent": AGENT}, version) == []


@pytest.mark.parametrize(
    ("method", "params"),
    [
        ("GET", {"profileId": "p"}),
        ("GET", {"agent": "true", "profileId": "p"}),
        ("DELETE", {"agent": json.dumps(AGENT)}),
        ("POST", {"agent": json.dumps(AGENT)}),
        ("GET", {"agent": json.dumps(AGENT), "activityId": ACTIVITY}),
    ],
)
def test_bad_agent_profile_parameters_are_400(
    client: Client, method: str, params: dict[str, Any]
) -> None:
    assert (
        call(client, method, AGENT_PROFILE, params, {} if method == "POST" else None).status_code
        == 400
    )


# --- Activities and Agents -----------------------------------------------------------------


def test_activities_returns_the_canonical_definition(client: Client) -> None:
    definition = {"name": {"en-US": "example meeting", "fr-FR": "réunion"}}
    Activity.objects.create(iri=ACTIVITY, definition=definition)
    response = call(client, "GET", "/xapi/activities", {"activityId": ACTIVITY})
    assert response.status_code == 200
    assert json.loads(response.content) == {
        "objectType": "Activity",
        "id": ACTIVITY,
        "definition": definition,
    }


@pytest.mark.parametrize("version", [V1, V2])
def test_an_unknown_activity_still_gets_an_activity_object(client: Client, version: str) -> None:
    iri = "http://www.example.com/never-seen/" + str(uuid.uuid4())
    response = call(client, "GET", "/xapi/activities", {"activityId": iri}, version=version)
    assert response.status_code == 200
    assert json.loads(response.content) == {"objectType": "Activity", "id": iri}


@pytest.mark.parametrize("params", [{}, {"activityId": "true"}, {"activityId": ACTIVITY, "x": "1"}])
def test_bad_activities_parameters_are_400(client: Client, params: dict[str, Any]) -> None:
    assert call(client, "GET", "/xapi/activities", params).status_code == 400


def test_activities_allows_only_get(client: Client) -> None:
    assert call(client, "POST", "/xapi/activities", {"activityId": ACTIVITY}, {}).status_code == 405


def test_agents_returns_a_person_with_the_agent_and_names_seen_in_statements(
    client: Client,
) -> None:
    agent = {"objectType": "Agent", "name": "xAPI mbox", "mbox": "mailto:xapi@adlnet.gov"}
    ifi = agent_ifi(parse_agent(agent, version=V1))
    now = timezone.now()
    Statement.objects.create(
        statement_id=uuid.uuid4(),
        stored=now,
        timestamp=now,
        version="1.0.0",
        verb_iri="http://adlnet.gov/expapi/verbs/attended",
        actor_ifi=ifi,
        object_type="Activity",
        object_iri=ACTIVITY,
        payload={"actor": {**agent, "name": "Another Name"}},
        original={},
    )
    response = call(client, "GET", "/xapi/agents", {"agent": agent})
    assert response.status_code == 200
    assert json.loads(response.content) == {
        "objectType": "Person",
        "name": ["xAPI mbox", "Another Name"],
        "mbox": ["mailto:xapi@adlnet.gov"],
    }


@pytest.mark.parametrize("version", [V1, V2])
@pytest.mark.parametrize(
    ("agent", "expected"),
    [
        ({"account": {"homePage": "http://example.com", "name": "x"}}, "account"),
        ({"openid": "http://openid.example.org/12345"}, "openid"),
        ({"mbox_sha1sum": "cd9b00a5611f94eaa7b1661edab976068e364975"}, "mbox_sha1sum"),
    ],
)
def test_agents_for_an_unknown_agent_returns_its_own_identifier(
    client: Client, version: str, agent: dict[str, Any], expected: str
) -> None:
    response = call(client, "GET", "/xapi/agents", {"agent": agent}, version=version)
    assert response.status_code == 200
    person = json.loads(response.content)
    assert person == {"objectType": "Person", expected: [agent[expected]]}


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"agent": {"objectType": "Agent", "name": "no identifier"}},
        {"agent": {"objectType": "Group", "mbox": "mailto:team@example.com"}},
        {"agent": "not json"},
        {"agent": AGENT, "profileId": "x"},
    ],
)
def test_bad_agents_parameters_are_400(client: Client, params: dict[str, Any]) -> None:
    assert call(client, "GET", "/xapi/agents", params).status_code == 400


# --- The frame around the resources: scopes, alternate syntax --------------------------------


@pytest.mark.parametrize(
    ("scopes", "method", "path", "status"),
    [
        (["state"], "PUT", STATE, 204),
        (["state"], "GET", STATE, 404),
        (["profile"], "PUT", STATE, 403),
        (["all/read"], "GET", STATE, 404),
        (["all/read"], "PUT", STATE, 403),
        (["profile"], "PUT", AGENT_PROFILE, 204),
        (["state"], "PUT", AGENT_PROFILE, 403),
        (["statements/write"], "GET", "/xapi/activities", 403),
        (["state"], "GET", "/xapi/activities", 200),
        (["profile"], "GET", "/xapi/agents", 403),
        (["statements/read"], "GET", "/xapi/agents", 200),
    ],
)
def test_scopes(client: Client, scopes: list[str], method: str, path: str, status: int) -> None:
    LrsClient.objects.create(name="narrow", key="n", secret_hash=hash_secret("n"), scopes=scopes)
    params: dict[str, Any] = {
        STATE: state(),
        AGENT_PROFILE: agent_profile(),
        "/xapi/activities": {"activityId": ACTIVITY},
        "/xapi/agents": {"agent": AGENT},
    }[path]
    body = {"a": 1} if method == "PUT" else None
    response = call(client, method, path, params, body, auth=_auth("n", "n"), If_None_Match="*")
    assert response.status_code == status


def test_the_alternate_request_syntax_of_1_0_3(client: Client) -> None:
    form = urlencode(
        {
            "activityId": ACTIVITY,
            "agent": json.dumps(AGENT),
            "stateId": "bookmark",
            "Authorization": _auth(),
            "X-Experience-API-Version": V1,
            "Content-Type": "application/json",
            "content": json.dumps({"via": "form"}),
        }
    )
    response = client.post(
        f"{STATE}?method=PUT", data=form, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 204
    assert json.loads(call(client, "GET", STATE, state()).content) == {"via": "form"}


def test_unauthenticated_requests_are_401(client: Client) -> None:
    assert (
        call(
            client, "GET", STATE, state(), auth="Basic " + base64.b64encode(b"k:x").decode()
        ).status_code
        == 401
    )


# --- The store -----------------------------------------------------------------------------


def test_merge_json_objects_replaces_top_level_properties() -> None:
    merged = merge_json_objects(b'{"a": {"b": 1}, "c": 2}', b'{"a": {"d": 3}}')
    assert json.loads(merged) == {"a": {"d": 3}, "c": 2}
    with pytest.raises(ValueError):
        merge_json_objects(b"[]", b"{}")
    with pytest.raises(ValueError):
        merge_json_objects(b"{}", b"not json")


def test_store_put_get_list_delete() -> None:
    store = OrmDocumentStore()
    key = DocumentKey(kind="state", activity_iri=ACTIVITY, agent_ifi="mbox:mailto:a@b.c")
    first = store.put(key, "one", "application/json", b'{"a":1}', merge_json=False)
    assert first.etag == sha1(b'{"a":1}')
    merged = store.put(key, "one", "application/json", b'{"b":2}', merge_json=True)
    assert json.loads(merged.content) == {"a": 1, "b": 2}
    assert merged.updated >= first.updated
    store.put(key, "two", "text/plain", b"x", merge_json=True)  # nothing to merge: created
    with pytest.raises(ValueError):
        store.put(key, "two", "application/json", b"{}", merge_json=True)
    assert store.list_ids(key, since=None) == ["one", "two"]
    assert store.list_ids(key, since=timezone.now()) == []
    assert store.delete(key, "one") == 1
    assert store.get(key, "one") is None
    assert store.delete(key, None) == 1


def test_store_put_survives_losing_the_race_to_create(monkeypatch: pytest.MonkeyPatch) -> None:
    store = OrmDocumentStore()
    key = DocumentKey(kind="agent_profile", agent_ifi="mbox:mailto:a@b.c")
    store.put(key, "p", "application/json", b'{"first":1}', merge_json=False)
    real_one = orm_documents._one
    calls = []

    def stale_once(key: DocumentKey, document_id: str, *, lock: bool = True) -> QuerySet[Document]:
        # The first look finds nothing, as if a concurrent writer had not committed yet.
        calls.append(document_id)
        rows = real_one(key, document_id, lock=lock)
        return rows.none() if len(calls) == 1 else rows

    monkeypatch.setattr(orm_documents, "_one", stale_once)
    stored = store.put(key, "p", "application/json", b'{"second":2}', merge_json=True)
    assert json.loads(stored.content) == {"first": 1, "second": 2}
    assert Document.objects.count() == 1


@pytest.mark.parametrize("body", ['{"a": 1}[', "[1]", '"text"'])
def test_a_new_document_posted_as_json_must_be_a_json_object(client: Client, body: str) -> None:
    assert call(client, "POST", ACTIVITY_PROFILE, profile(), body).status_code == 400
    assert not Document.objects.exists()
    # PUT stores any content, whatever it claims to be.
    assert call(client, "PUT", STATE, state(), body).status_code == 204


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_with_the_same_if_match_cannot_both_win(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Needs real row locks and a server that lets two writers in at once: PostgreSQL
    # (SQLite serialises writers with IMMEDIATE transactions; its shared-memory test
    # database answers "table is locked" instead of waiting).
    if connection.vendor != "postgresql":
        pytest.skip("row locking is exercised on PostgreSQL")
    LrsClient.objects.get_or_create(
        key="k", defaults={"name": "t", "secret_hash": hash_secret("s"), "scopes": ["all"]}
    )
    call(Client(), "PUT", AGENT_PROFILE, agent_profile(), {"v": 0}, If_None_Match="*")
    etag = _etag(Client(), AGENT_PROFILE, agent_profile())
    # Widen the window between checking the precondition and writing, so that both
    # writers would pass the check if reading the document did not lock it.
    check = views_documents._check_preconditions

    def slow_check(xreq: Any, current: Any) -> None:
        check(xreq, current)
        time.sleep(0.3)

    monkeypatch.setattr(views_documents, "_check_preconditions", slow_check)
    barrier = threading.Barrier(2)
    statuses: list[int] = []

    def writer(value: int) -> None:
        try:
            barrier.wait()
            response = call(
                Client(), "PUT", AGENT_PROFILE, agent_profile(), {"v": value}, If_Match=etag
            )
            statuses.append(response.status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(value,)) for value in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [204, 412]
