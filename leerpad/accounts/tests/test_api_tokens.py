"""Personal API tokens: made and revoked on the profile page or with `leerpad apitoken`."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from leerpad.accounts import services
from leerpad.accounts.models import ApiToken, Person

pytestmark = pytest.mark.django_db

ClientFor = Callable[[Person], Client]


def test_only_the_hash_is_stored(lena: Person) -> None:
    token, plain = services.create_api_token(lena, "  my script ")
    assert plain.startswith("lp_") and len(plain) > 40
    assert token.name == "my script"
    assert token.token_hash == hashlib.sha256(plain.encode()).hexdigest()
    assert token.prefix == plain[:10]
    assert plain not in str(ApiToken.objects.values_list())
    assert services.person_for_api_token(plain) == lena
    assert services.person_for_api_token(plain + "x") is None
    assert services.person_for_api_token("not a token") is None


def test_revoked_tokens_and_inactive_people_do_not_authenticate(lena: Person) -> None:
    token, plain = services.create_api_token(lena, "a")
    assert services.revoke_api_token(token) is True
    assert services.revoke_api_token(token) is False
    assert services.person_for_api_token(plain) is None
    _token, other = services.create_api_token(lena, "b")
    lena.is_active = False
    lena.save()
    assert services.person_for_api_token(other) is None


def test_a_name_is_needed_and_active_tokens_are_limited(lena: Person) -> None:
    with pytest.raises(services.ApiTokenError):
        services.create_api_token(lena, "   ")
    for i in range(services.MAX_ACTIVE_API_TOKENS):
        services.create_api_token(lena, f"t{i}")
    with pytest.raises(services.ApiTokenError, match="revoke one"):
        services.create_api_token(lena, "one too many")


def test_profile_creates_shows_once_and_revokes(client_for: ClientFor, lena: Person) -> None:
    client = client_for(lena)
    page = client.get("/accounts/profile/").content.decode()
    assert "API tokens" in page and "You have no API tokens." in page
    response = client.post("/accounts/profile/tokens/", {"name": "Excel rapport"})
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    page = response.content.decode()
    assert "Copy it now: you will not see it again." in page
    plain = page.split("data-new-token")[0].rsplit('value="', 1)[1].split('"')[0]
    assert services.person_for_api_token(plain) == lena
    # Shown once: the profile page lists the token by name and prefix only.
    page = client.get("/accounts/profile/").content.decode()
    assert plain not in page and "Excel rapport" in page and plain[:10] in page
    token = ApiToken.objects.get()
    response = client.post(f"/accounts/profile/tokens/{token.pk}/revoke", follow=True)
    assert "The token “Excel rapport” was revoked." in response.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_profile_token_form_errors(client_for: ClientFor, lena: Person) -> None:
    response = client_for(lena).post("/accounts/profile/tokens/", {"name": ""})
    assert "This field is required." in response.content.decode()
    assert not ApiToken.objects.exists()


def test_nobody_revokes_someone_elses_token(
    client_for: ClientFor, lena: Person, ada: Person
) -> None:
    token, _plain = services.create_api_token(lena, "mine")
    assert client_for(ada).post(f"/accounts/profile/tokens/{token.pk}/revoke").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_command_create_list_revoke(lena: Person) -> None:
    out, err = StringIO(), StringIO()
    call_command("apitoken", "create", "LENA@example.test", "nightly sync", stdout=out, stderr=err)
    plain = out.getvalue().strip()
    assert services.person_for_api_token(plain) == lena
    assert "not shown again" in err.getvalue()
    out = StringIO()
    call_command("apitoken", "list", lena.email, stdout=out)
    assert "nightly sync" in out.getvalue() and plain not in out.getvalue()
    out = StringIO()
    call_command("apitoken", "revoke", lena.email, "nightly sync", stdout=out)
    assert "Revoked 1 token(s)." in out.getvalue()
    assert services.person_for_api_token(plain) is None
    with pytest.raises(CommandError, match="no active token"):
        call_command("apitoken", "revoke", lena.email, "nightly sync")
    with pytest.raises(CommandError, match="No one has"):
        call_command("apitoken", "create", "nobody@example.test", "x")
