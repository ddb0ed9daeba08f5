"""In-app notifications for any app: one (`notify`) or many at once (`notify_many`), each
stored in its reader's language and cut to fit its columns."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.translation import gettext

from leerpad.accounts.models import Person
from leerpad.campaigns import services
from leerpad.campaigns.models import Notification

pytestmark = pytest.mark.django_db


def _texts() -> tuple[str, str, str]:
    # A msgid the catalogues translate, so each language's row can be told apart.
    return gettext("Log out") + " " + "x" * 400, "body", "y" * 300


def test_notify_cuts_title_and_link_text(lena: Person) -> None:
    made = services.notify(lena, title="t" * 400, body="b", link="/x/", link_text="l" * 300)
    made.refresh_from_db()
    assert (len(made.title), len(made.link_text), made.link) == (300, 200, "/x/")


def test_notify_many_renders_once_per_language_in_one_insert(
    make_person: Callable[..., Person],
) -> None:
    people = [make_person(f"N{i}", language=("nl", "fr", "en")[i % 3]) for i in range(9)]
    calls: list[str] = []

    def texts() -> tuple[str, str, str]:
        calls.append(gettext("Log out"))
        return _texts()

    with CaptureQueriesContext(connection) as captured:
        made = services.notify_many([(p.pk, p.language) for p in people], texts, link="/p/")

    assert made == 9 and len(calls) == 3 and len(captured) == 1
    titles = {n.person.language: n.title for n in Notification.objects.select_related("person")}
    assert titles["nl"].startswith("Afmelden") and titles["fr"].startswith("Se déconnecter")
    assert titles["en"].startswith("Log out")
    row = Notification.objects.first()
    assert row is not None and (len(row.title), len(row.link_text), row.link) == (300, 200, "/p/")


def test_notify_many_with_nobody_writes_nothing() -> None:
    assert services.notify_many([], _texts) == 0
    assert not Notification.objects.exists()
