"""Creating, revoking and reactivating LRS clients (`leerpad.lrs.services_clients`), and
the `lrsclient` command that uses the same functions."""

from __future__ import annotations

import base64
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from leerpad.accounts.models import Person
from leerpad.lrs import services
from leerpad.lrs.http import hash_secret
from leerpad.lrs.models import Client as LrsClient
from leerpad.lrs.services_clients import (
    ClientError,
    create_client,
    parse_scopes,
    reactivate_client,
    revoke_client,
)

pytestmark = pytest.mark.django_db

STATEMENT = {
    "actor": {"objectType": "Agent", "mbox": "mailto:lena@example.com"},
    "verb": {"id": "http://adlnet.gov/expapi/verbs/completed"},
    "object": {"objectType": "Activity", "id": "https://leerpad.example/courses/safety"},
}


def post_statement(client: Client, key: str, secret: str) -> int:
    token = base64.b64encode(f"{key}:{secret}".encode()).decode()
    response = client.post(
        "/xapi/statements",
        json.dumps(STATEMENT),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Basic {token}",
        HTTP_X_EXPERIENCE_API_VERSION="1.0.3",
    )
    return response.status_code


def test_create_returns_the_secret_once_and_keeps_only_its_hash(ada: Person) -> None:
    created = create_client("  Webinar tool ", ["statements/write", "state"], by=ada)
    stored = LrsClient.objects.get(pk=created.client.pk)
    assert stored.name == "Webinar tool"
    assert stored.scopes == ["statements/write", "state"]
    assert stored.is_active and stored.created_by == ada
    assert stored.secret_hash == hash_secret(created.secret)
    assert len(created.secret) >= 43  # 256 bits, URL-safe base64
    assert len(stored.key) >= 24 and ":" not in stored.key
    everything = json.dumps(list(LrsClient.objects.values()), default=str)
    assert created.secret not in everything


def test_default_scope_is_writing_statements() -> None:
    assert create_client("Moodle").client.scopes == ["statements/write"]


def test_created_credentials_work_over_http_basic(client: Client) -> None:
    created = create_client("Moodle", ["statements/write"])
    assert post_statement(client, created.client.key, created.secret) == 200
    assert post_statement(client, created.client.key, "wrong") == 401
    created.client.refresh_from_db()
    assert created.client.last_used_at is not None


def test_revoke_stops_the_key_and_reactivate_brings_it_back(client: Client) -> None:
    created = create_client("Moodle", ["statements/write"])
    key, secret = created.client.key, created.secret
    revoke_client(key)
    assert not LrsClient.objects.get(key=key).is_active
    assert post_statement(client, key, secret) == 401
    with pytest.raises(ClientError, match="No active LRS client"):
        revoke_client(key)
    reactivate_client(key)
    assert post_statement(client, key, secret) == 200
    with pytest.raises(ClientError, match="No revoked LRS client"):
        reactivate_client(key)


@pytest.mark.parametrize(
    ("name", "scopes", "key", "message"),
    [
        ("", ["all"], None, "name"),
        ("x" * 201, ["all"], None, "at most 200"),
        ("Tool", [], None, "none given"),
        ("Tool", ["everything"], None, "Unknown scope"),
        ("Tool", ["all"], "a:b", "':'"),
        ("Tool", ["all"], "k" * 65, "at most 64"),
    ],
)
def test_bad_input_is_refused_with_a_reason(
    name: str, scopes: list[str], key: str | None, message: str
) -> None:
    with pytest.raises(ClientError, match=message):
        create_client(name, scopes, key=key)
    assert not LrsClient.objects.exists()


def test_a_key_is_used_once() -> None:
    create_client("One", key="k1", secret="s")
    with pytest.raises(ClientError, match="exists already"):
        create_client("Two", key="k1")


def test_parse_scopes_keeps_order_and_drops_repeats() -> None:
    assert parse_scopes([" state", "all", "state", ""]) == ["state", "all"]


def test_command_reactivates_and_lists_what_each_client_sent() -> None:
    created = create_client("Moodle", ["all"])
    services.record_statements(
        [STATEMENT, STATEMENT | {"verb": {"id": "http://adlnet.gov/expapi/verbs/passed"}}],
        version="1.0.3",
        authority=services.client_authority(created.client),
        client=created.client,
    )
    call_command("lrsclient", "revoke", created.client.key, stdout=io.StringIO())
    out = io.StringIO()
    call_command("lrsclient", "list", stdout=out)
    assert "revoked" in out.getvalue() and "2 statements" in out.getvalue()
    call_command("lrsclient", "reactivate", created.client.key, stdout=io.StringIO())
    assert LrsClient.objects.get(pk=created.client.pk).is_active
    with pytest.raises(CommandError, match="No revoked"):
        call_command("lrsclient", "reactivate", created.client.key)


def test_generated_keys_never_look_like_command_line_options() -> None:
    from leerpad.lrs.services_clients import new_key

    assert not any(new_key().startswith("-") for _ in range(2000))
