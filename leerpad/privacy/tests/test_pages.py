"""The public privacy page: for everyone, in the three languages, with the configured k."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from leerpad.accounts.models import Person
from leerpad.privacy.models import RetentionAction, RetentionPolicy

pytestmark = pytest.mark.urls("leerpad.privacy.tests.urls")


def shown_k(html: str) -> str:
    match = re.search(r'class="min-group-size">(\d+)<', html)
    assert match, "the page shows no minimum group size"
    return match.group(1)


@pytest.mark.parametrize("language", ["nl", "fr", "en"])
def test_anonymous_visitors_can_read_it_in_every_language(
    client: Client, db: None, settings: Any, language: str
) -> None:
    settings.LEERPAD_MIN_GROUP_SIZE = 7
    client.cookies["leerpad_language"] = language
    response = client.get(reverse("privacy:about"))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{language}"' in html
    assert shown_k(html) == "7"
    # Eight purposes, each in the table and as a section.
    assert html.count('id="purpose-') == 11
    assert 'href="/privacy/my-data/access/"' not in html


@pytest.mark.parametrize("language", ["nl", "fr", "en"])
def test_signed_in_people_can_read_it_in_every_language(
    client_for: Callable[[Person], Client], lena: Person, settings: Any, language: str
) -> None:
    settings.LEERPAD_MIN_GROUP_SIZE = 6
    client = client_for(lena)
    client.cookies["leerpad_language"] = language
    response = client.get(reverse("privacy:about"))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{language}"' in html
    assert shown_k(html) == "6"
    assert reverse("privacy:my_access") in html


def test_k_is_the_configured_one_everywhere_on_the_page(
    client: Client, db: None, settings: Any
) -> None:
    settings.LEERPAD_MIN_GROUP_SIZE = 9
    html = client.get(reverse("privacy:about")).content.decode()
    assert shown_k(html) == "9"
    assert "at least 9 people" in html
    assert "at least 5 people" not in html


def test_the_retention_period_is_shown_when_set(client: Client, db: None) -> None:
    RetentionPolicy.objects.create(months=18, action=RetentionAction.DELETE)
    html = client.get(reverse("privacy:about")).content.decode()
    assert "18 months after it was recorded; then it is deleted" in html


def test_the_retention_period_says_anonymous_when_it_anonymises(client: Client, db: None) -> None:
    RetentionPolicy.objects.create(months=24, action=RetentionAction.ANONYMISE)
    html = client.get(reverse("privacy:about")).content.decode()
    assert "24 months after it was recorded; then it is made anonymous" in html


def test_without_a_retention_period_the_page_says_so(client: Client, db: None) -> None:
    html = client.get(reverse("privacy:about")).content.decode()
    assert "no retention period is set in this Leerpad" in html
    assert "months after it was recorded" not in html


def test_the_page_names_the_principles_and_the_rights(client: Client, db: None) -> None:
    html = client.get(reverse("privacy:about")).content.decode()
    for word in ("Finality", "Proportionality", "Transparency", "Erasure", "Get a copy"):
        assert word in html
    assert "not legal advice" in html


def test_the_page_is_read_only(client: Client, db: None) -> None:
    assert client.post(reverse("privacy:about")).status_code == 405


def test_admin_access_is_explained_per_purpose_except_safe_voice(client: Client, db: None) -> None:
    html = client.get(reverse("privacy:about")).content.decode()
    start = html.find('id="purpose-safe_voice"')
    section = html[start : html.find('id="purpose-', start + 1)]
    assert "Admins only with a reason you can read." not in section
    # Ten purposes, each in the table and in its section.
    assert html.count("Admins only with a reason you can read.") == 20
