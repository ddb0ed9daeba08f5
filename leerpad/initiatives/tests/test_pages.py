"""Every page renders for the owner on the demo's data (and each GET is read-only)."""

from __future__ import annotations

import random
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from leerpad.accounts.models import Person
from leerpad.core.demo import DemoContext
from leerpad.initiatives import demo
from leerpad.initiatives.models import AnnualPlan, Initiative

pytestmark = pytest.mark.django_db


def test_every_page_renders(
    client_for: Callable[[Person], Client], greet: Person, dirk: Person, mira: Person
) -> None:
    demo.load(DemoContext(rng=random.Random(2), password="x"))
    initiative = Initiative.objects.get(title=demo.CHECKOUT)
    stakeholder = initiative.stakeholders.first()
    card = initiative.swot_cards.first()
    other = initiative.swot_cards.last()
    plan = AnnualPlan.objects.get(kind="ld")
    entry = plan.entries.first()
    assert stakeholder and card and other and entry
    pk = initiative.pk
    urls = [
        reverse("initiatives:list"),
        reverse("initiatives:new"),
        reverse("initiatives:detail", args=[pk]),
        reverse("initiatives:edit", args=[pk]),
        reverse("initiatives:stakeholders", args=[pk]),
        reverse("initiatives:stakeholder_edit", args=[pk, stakeholder.pk]),
        reverse("initiatives:stakeholder_delete", args=[pk, stakeholder.pk]),
        reverse("initiatives:consultation", args=[pk]),
        reverse("initiatives:consultation_log", args=[pk, stakeholder.pk]),
        reverse("initiatives:swot", args=[pk]),
        reverse("initiatives:card_edit", args=[pk, card.pk]),
        reverse("initiatives:card_delete", args=[pk, card.pk]),
        reverse("initiatives:card_merge", args=[pk, card.pk]) + f"?target={other.pk}",
        reverse("initiatives:pros_cons", args=[pk]),
        reverse("initiatives:brief", args=[pk]),
        reverse("initiatives:story_edit", args=[pk]),
        reverse("initiatives:plans", args=[timezone.localdate().year]),
        reverse("initiatives:entry_new", args=[plan.pk]),
        reverse("initiatives:entry_edit", args=[entry.pk]),
        reverse("initiatives:entry_delete", args=[entry.pk]),
    ]
    client = client_for(greet)
    counts = (initiative.stakeholders.count(), initiative.swot_cards.count())
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
    assert (initiative.stakeholders.count(), initiative.swot_cards.count()) == counts
    page = client.get(reverse("initiatives:plans_now"), follow=True).content.decode()
    assert "Strengthen each other" in page
    brief = client.get(reverse("initiatives:brief", args=[pk])).content.decode()
    assert "Works council" not in brief  # names stay on the map, the brief sums up
    assert "Customers judge us on the last minute" in brief
