from __future__ import annotations

import re
import socket
from collections.abc import Iterator
from email import message_from_bytes
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from django.core import mail
from django.test import Client

from conftest import PASSWORD
from leerpad.accounts.models import Person

pytestmark = pytest.mark.django_db


def _login(client: Client, email: str, password: str) -> Any:
    return client.post("/accounts/login/", {"username": email, "password": password})


def test_login_with_email_and_password(client: Client, lena: Person) -> None:
    response = _login(client, "LENA@example.test", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.get("/").status_code == 200


def test_login_sets_the_persons_language(client: Client, mira: Person) -> None:
    response = _login(client, mira.email, PASSWORD)
    assert response.cookies["leerpad_language"].value == "fr"
    page = client.get("/")
    assert 'lang="fr"' in page.content.decode()


def test_wrong_password_is_refused_with_a_clear_message(client: Client, lena: Person) -> None:
    response = _login(client, lena.email, "wrong")
    assert response.status_code == 200
    assert response.context["form"].errors["__all__"][0] in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_repeated_failures_lock_the_login(client: Client, lena: Person, settings: Any) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, lena.email, "wrong")
    response = _login(client, lena.email, PASSWORD)
    assert response.status_code == 429
    assert "Too many failed attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_logout_needs_post_and_ends_the_session(client: Client, lena: Person) -> None:
    client.force_login(lena)
    assert client.get("/accounts/logout/").status_code == 405
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert client.get("/").status_code == 302


def test_inactive_people_cannot_log_in(client: Client, lena: Person) -> None:
    lena.is_active = False
    lena.save()
    assert _login(client, lena.email, PASSWORD).status_code == 200
    assert "_auth_user_id" not in client.session


def test_logged_in_visitor_skips_the_login_page(client: Client, lena: Person) -> None:
    client.force_login(lena)
    assert client.get("/accounts/login/").status_code == 302


class _Inbox:
    def __init__(self) -> None:
        self.messages: list[bytes] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(envelope.content)
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server(settings: Any) -> Iterator[_Inbox]:
    """A real SMTP server on loopback; Django sends to it through its SMTP backend."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    inbox = _Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    try:
        yield inbox
    finally:
        controller.stop()


def test_password_reset_by_real_mail_in_the_persons_language(
    client: Client, mira: Person, smtp_server: _Inbox
) -> None:
    response = client.post("/accounts/password-reset/", {"email": mira.email})
    assert response.status_code == 302
    assert len(smtp_server.messages) == 1
    message = message_from_bytes(smtp_server.messages[0])
    assert message["To"] == mira.email
    body = message.get_payload(decode=True).decode()  # type: ignore[union-attr]
    link = re.search(r"https?://[^/]+(/accounts/password-reset/[^\s]+/)", body)
    assert link, body
    # Mira reads French; the mail is in French (once translations are compiled).
    from django.utils import translation

    with translation.override("fr"):
        expected = translation.gettext("Choose a new Leerpad password")
    assert expected in str(message["Subject"]) or "=?utf-8?" in str(message["Subject"])

    confirm = client.get(link.group(1), follow=True)
    assert confirm.status_code == 200
    form_url = confirm.redirect_chain[-1][0]
    done = client.post(
        form_url,
        {"new_password1": "a-new-long-password-9", "new_password2": "a-new-long-password-9"},
    )
    assert done.status_code == 302
    mira.refresh_from_db()
    assert mira.check_password("a-new-long-password-9")


def test_password_reset_does_not_reveal_unknown_addresses(client: Client) -> None:
    response = client.post("/accounts/password-reset/", {"email": "nobody@example.test"})
    assert response.status_code == 302
    assert mail.outbox == []
