"""The LRS services: the in-process recording API, completion rules, comparison, and
the `lrsclient` command."""

from __future__ import annotations

import datetime as dt
import io
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.utils import timezone

from leerpad.accounts.models import Person
from leerpad.lrs import services
from leerpad.lrs.agents import agent_for_person, person_for_agent
from leerpad.lrs.backends.base import StatementQuery
from leerpad.lrs.http import VERSION_1, VERSION_2, hash_secret
from leerpad.lrs.models import Activity, Statement
from leerpad.lrs.models import Client as LrsClient

pytestmark = pytest.mark.django_db

COURSE = {"objectType": "Activity", "id": "https://leerpad.example/courses/safety"}
COMPLETED = "http://adlnet.gov/expapi/verbs/completed"


def statement(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "actor": {"mbox": "mailto:lena@example.com"},
        "verb": {"id": COMPLETED},
        "object": COURSE,
    }
    data.update(overrides)
    return data


@pytest.fixture
def lena(make_person: Callable[..., Person]) -> Person:
    return make_person("Lena")


# --- the in-process API -----------------------------------------------------------------


def test_record_stores_with_leerpad_as_authority(settings: Any) -> None:
    statement_id = services.record(statement())
    stored = Statement.objects.get(statement_id=statement_id)
    assert stored.payload["authority"] == {
        "objectType": "Agent",
        "name": "Leerpad",
        "account": {"homePage": settings.SITE_URL, "name": "leerpad"},
    }
    assert stored.payload["version"] == "2.0.0"
    assert stored.client is None


def test_record_for_person_uses_the_person_agent(lena: Person, settings: Any) -> None:
    statement_id = services.record_for_person(
        lena,
        COMPLETED,
        {"en-US": "completed", "nl-BE": "voltooid"},
        COURSE,
        result={"success": True},
        context={"language": "nl-BE"},
    )
    payload = Statement.objects.get(statement_id=statement_id).payload
    assert payload["actor"] == {
        "objectType": "Agent",
        "name": lena.get_full_name(),
        "account": {"homePage": settings.SITE_URL, "name": str(lena.pk)},
    }
    assert payload["result"] == {"success": True}
    found = services.find_statements(
        StatementQuery(agent_ifi=f"account:{settings.SITE_URL}|{lena.pk}")
    )
    assert [s["id"] for s in found.statements] == [statement_id]


def test_record_validates_like_the_endpoint() -> None:
    with pytest.raises(services.XapiValidationError, match=r"statement\.verb\.id"):
        services.record(statement(verb={"id": "not an iri"}))
    assert not Statement.objects.exists()


def test_record_refuses_other_content_under_a_stored_id() -> None:
    statement_id = str(uuid.uuid4())
    services.record(statement(id=statement_id))
    assert services.record(statement(id=statement_id)) == statement_id
    with pytest.raises(services.StatementConflict):
        services.record(statement(id=statement_id, verb={"id": "http://example.com/other"}))


def test_record_inside_an_outer_transaction_rolls_back_with_it() -> None:
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        services.record(statement())
        raise RuntimeError
    assert not Statement.objects.exists()


def test_person_for_agent_resolves_account_and_mbox(lena: Person, settings: Any) -> None:
    assert person_for_agent(agent_for_person(lena)) == lena
    assert person_for_agent({"mbox": f"mailto:{lena.email.upper()}"}) == lena
    assert (
        person_for_agent({"account": {"homePage": "https://hr.example", "name": str(lena.pk)}})
        is None
    )
    assert person_for_agent({"account": {"homePage": settings.SITE_URL, "name": "x"}}) is None
    assert person_for_agent({"mbox_sha1sum": "0" * 40}) is None


# --- completion -------------------------------------------------------------------------


def test_prepare_completes_what_the_lrs_sets() -> None:
    given = str(uuid.uuid4())
    stored = dt.datetime(2026, 1, 2, 3, 4, 5, 123456, tzinfo=dt.UTC)
    authority = {"objectType": "Agent", "account": {"homePage": "https://x.example", "name": "a"}}
    batch = services.prepare_statements(
        [
            statement(id=given, authority={"mbox": "mailto:forged@example.com"}),
            statement(timestamp="2026-01-01T00:00:00Z", version="1.0.2"),
        ],
        version=VERSION_1,
        authority=authority,
        stored=stored,
    )
    first, second = (new.statement for new in batch)
    assert first["id"] == given and uuid.UUID(second["id"])
    assert first["stored"] == second["stored"] == "2026-01-02T03:04:05.123456Z"
    assert first["timestamp"] == first["stored"]
    assert second["timestamp"] == "2026-01-01T00:00:00Z"
    assert first["authority"] == second["authority"] == authority
    assert (first["version"], second["version"]) == ("1.0.0", "1.0.2")
    assert "stored" not in batch[0].original and "authority" in batch[0].original
    two = services.prepare_statements(statement(), version=VERSION_2, authority=authority)
    assert two[0].statement["version"] == "2.0.0"


def test_stored_grows_strictly_even_when_the_clock_does_not(monkeypatch: Any) -> None:
    frozen = timezone.now()
    monkeypatch.setattr("django.utils.timezone.now", lambda: frozen)
    ids = [services.record(statement()) for _ in range(3)]
    stored = [Statement.objects.get(statement_id=i).stored for i in ids]
    assert stored[0] == frozen
    assert stored[0] < stored[1] < stored[2]


def test_client_authority_is_configured_or_derived(settings: Any) -> None:
    client = LrsClient(name="Moodle", key="moodle-1")
    assert services.client_authority(client) == {
        "objectType": "Agent",
        "name": "Moodle",
        "account": {"homePage": settings.SITE_URL, "name": "client:moodle-1"},
    }
    client.authority = {"objectType": "Agent", "mbox": "mailto:lms@example.com"}
    assert services.client_authority(client) == client.authority


# --- comparison -------------------------------------------------------------------------


def test_comparison_ignores_what_the_spec_lets_differ() -> None:
    base = statement(
        id=str(uuid.uuid4()),
        actor={
            "objectType": "Group",
            "member": [{"mbox": "mailto:a@example.com"}, {"mbox": "mailto:b@example.com"}],
        },
        object={**COURSE, "definition": {"name": {"en-US": "Safety"}}},
        verb={"id": COMPLETED, "display": {"en-US": "completed"}},
        timestamp="2026-01-01T10:00:00+01:00",
        context={"registration": "ABCDEF00-0000-4000-8000-000000000000"},
        result={"duration": "PT1.2345S"},
    )
    other = {
        **base,
        "actor": {
            "objectType": "Group",
            "member": [{"mbox": "mailto:b@EXAMPLE.com"}, {"mbox": "mailto:a@example.com"}],
        },
        "object": COURSE,
        "verb": {"id": COMPLETED},
        "timestamp": "2026-01-01T09:00:00.000Z",
        "context": {"registration": "abcdef00-0000-4000-8000-000000000000"},
        "result": {"duration": "PT1.23S"},
        "stored": "2026-02-02T00:00:00Z",
        "authority": {"mbox": "mailto:x@example.com"},
        "version": "1.0.0",
        "attachments": [],
    }
    assert services.comparable(base) == services.comparable(other)
    assert services.comparable(base) != services.comparable(
        {**base, "result": {"duration": "PT1.24S"}}
    )
    assert services.comparable(base) != services.comparable(
        {**base, "actor": {"mbox": "mailto:a@example.com"}}
    )


# --- reading through the services ---------------------------------------------------------


def test_canonical_definitions_are_merged_and_served() -> None:
    services.record(statement(object={**COURSE, "definition": {"name": {"en-US": "Safety"}}}))
    services.record(
        statement(
            object={
                **COURSE,
                "definition": {
                    "name": {"nl-BE": "Veiligheid"},
                    "type": "http://adlnet.gov/expapi/activities/course",
                },
            }
        )
    )
    activity = Activity.objects.get(iri=COURSE["id"])
    assert activity.definition == {
        "name": {"en-US": "Safety", "nl-BE": "Veiligheid"},
        "type": "http://adlnet.gov/expapi/activities/course",
    }
    found = services.find_statements(StatementQuery(), fmt="canonical", languages=["nl-BE"])
    assert all(
        s["object"]["definition"]["name"] == {"nl-BE": "Veiligheid"} for s in found.statements
    )


def test_page_size_defaults_and_caps(settings: Any) -> None:
    settings.LEERPAD_LRS_PAGE_SIZE = 2
    settings.LEERPAD_LRS_MAX_PAGE_SIZE = 3
    services.record_statements(
        [statement() for _ in range(5)], version=VERSION_2, authority=services.leerpad_authority()
    )
    assert len(services.find_statements(StatementQuery()).statements) == 2
    assert len(services.find_statements(StatementQuery(limit=10)).statements) == 3
    assert len(services.find_statements(StatementQuery(limit=1)).statements) == 1


# --- lrsclient --------------------------------------------------------------------------


def test_lrsclient_create_list_revoke(client: Client) -> None:
    out = io.StringIO()
    call_command(
        "lrsclient", "create", "Moodle", "--scopes", "statements/write,statements/read", stdout=out
    )
    lines = dict(line.split(":", 1) for line in out.getvalue().splitlines() if ":" in line)
    key, secret = lines["key"].strip(), lines["secret"].strip()
    created = LrsClient.objects.get(key=key)
    assert created.secret_hash == hash_secret(secret) and secret not in created.secret_hash
    assert len(secret) >= 43  # 256 bits, URL-safe base64
    assert created.scopes == ["statements/write", "statements/read"]

    out = io.StringIO()
    call_command("lrsclient", "list", stdout=out)
    assert key in out.getvalue() and secret not in out.getvalue()

    call_command("lrsclient", "revoke", key, stdout=io.StringIO())
    assert not LrsClient.objects.get(key=key).is_active
    with pytest.raises(CommandError):
        call_command("lrsclient", "revoke", key)


def test_lrsclient_refuses_bad_input() -> None:
    with pytest.raises(CommandError, match="Unknown scope"):
        call_command("lrsclient", "create", "x", "--scopes", "everything")
    call_command("lrsclient", "create", "x", "--key", "k1", "--secret", "s", stdout=io.StringIO())
    with pytest.raises(CommandError, match="exists"):
        call_command("lrsclient", "create", "y", "--key", "k1")
    with pytest.raises(CommandError, match="':'"):
        call_command("lrsclient", "create", "y", "--key", "a:b")


# --- clients that act for one learner ------------------------------------------------------


def _bound_client(agent: dict[str, Any]) -> tuple[str, str]:
    LrsClient.objects.create(
        name="launch",
        key="bound-key",
        secret_hash=hash_secret("bound-secret"),
        scopes=["statements/write", "statements/read/mine", "state", "profile"],
        agent=agent,
    )
    return "bound-key", "bound-secret"


def _basic(key: str, secret: str) -> dict[str, str]:
    import base64

    token = base64.b64encode(f"{key}:{secret}".encode()).decode()
    return {"Authorization": f"Basic {token}", "X-Experience-API-Version": "1.0.3"}


@pytest.mark.django_db
def test_a_client_bound_to_a_learner_writes_only_for_them(client: Client) -> None:
    import json

    me: dict[str, Any] = {
        "objectType": "Agent",
        "account": {"homePage": "https://l.example", "name": "7"},
    }
    other: dict[str, Any] = {"objectType": "Agent", "mbox": "mailto:someone@else.example"}
    headers = _basic(*_bound_client(me))

    def post(actor: dict[str, Any]) -> int:
        statement = {
            "actor": actor,
            "verb": {"id": "http://adlnet.gov/expapi/verbs/experienced"},
            "object": {"id": "https://l.example/course"},
        }
        response = client.post(
            "/xapi/statements", json.dumps(statement), "application/json", headers=headers
        )
        return int(response.status_code)

    assert post(me) == 200
    assert post(other) == 403

    def state(agent: dict[str, Any], method: str = "put") -> int:
        query = (
            "/xapi/activities/state?activityId=https%3A%2F%2Fl.example%2Fcourse"
            f"&stateId=resume&agent={json.dumps(agent)}"
        )
        call = getattr(client, method)
        if method == "put":
            return int(call(query, "{}", "application/json", headers=headers).status_code)
        return int(call(query, headers=headers).status_code)

    assert state(me) == 204
    assert state(other) == 403
    assert state(other, "get") == 403
    profile = "/xapi/activities/profile?activityId=https%3A%2F%2Fl.example%2Fc&profileId=p"
    assert client.put(profile, "{}", "application/json", headers=headers).status_code == 403
