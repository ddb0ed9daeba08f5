from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from leerpad.accounts.models import Person
from leerpad.core.access import Role, roles_of

pytestmark = pytest.mark.django_db


def test_createadmin_from_a_script(monkeypatch: Any) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("a-long-and-unusual-passphrase\n"))
    out = io.StringIO()
    call_command(
        "createadmin",
        "--email",
        "Root@Example.test",
        "--first-name",
        "Root",
        "--password-stdin",
        stdout=out,
    )
    person = Person.objects.get(email="root@example.test")
    assert Role.ADMIN in roles_of(person)
    assert person.is_staff and person.check_password("a-long-and-unusual-passphrase")


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["--email", "not-an-address", "--first-name", "X"], "a-long-passphrase-1\n", "valid"),
        (["--email", "x@example.test"], "a-long-passphrase-1\n", "first name"),
        (["--email", "x@example.test", "--first-name", "X"], "123\n", "short"),
    ],
)
def test_createadmin_refuses_bad_input(
    args: list[str], stdin: str, message: str, monkeypatch: Any
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    with pytest.raises(CommandError, match=message):
        call_command("createadmin", *args, "--password-stdin")
    assert not Person.objects.exists()


def test_createadmin_refuses_a_taken_address(lena: Person, monkeypatch: Any) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("a-long-passphrase-1\n"))
    with pytest.raises(CommandError, match="already"):
        call_command("createadmin", "--email", lena.email, "--first-name", "L", "--password-stdin")
