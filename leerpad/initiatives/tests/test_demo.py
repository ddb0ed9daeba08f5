"""The demo: two initiatives with a full board and this year's plans with overlaps,
also without the rest of the demo (no paths or campaigns); loading twice adds nothing."""

from __future__ import annotations

import random

import pytest
from django.utils import timezone

from leerpad.accounts.models import Person
from leerpad.core.demo import DemoContext
from leerpad.initiatives import demo, planning, queries
from leerpad.initiatives.models import AnnualPlan, BuyIn, Consultation, Initiative, SwotVote

pytestmark = pytest.mark.django_db


def test_demo(greet: Person, dirk: Person, mira: Person, cas: Person) -> None:
    demo.load(DemoContext(rng=random.Random(1), password="x"))
    checkout = Initiative.objects.get(title=demo.CHECKOUT)
    safety = Initiative.objects.get(title=demo.SAFETY)
    assert checkout.owner == greet and safety.status == Initiative.Status.RUNNING
    for initiative in (checkout, safety):
        assert initiative.stakeholders.count() >= 4
        assert Consultation.objects.filter(stakeholder__initiative=initiative).exists()
        assert initiative.swot_cards.count() >= 4 and initiative.pros_cons.exists()
        assert set(initiative.story_why) == {"nl", "fr", "en"}
    assert SwotVote.objects.exists()
    # The plan was put in the suggested order (buy-in changed since, through the log),
    # and some stakeholders are still open.
    rows = queries.stakeholders(checkout)
    assert rows[0].influence == 5 and rows[0].buy_in in (BuyIn.UNKNOWN, BuyIn.OPPOSED)
    assert any(queries.is_open(s) for s in rows)

    plans = queries.plans_of(timezone.localdate().year)
    ld, marketing = plans["ld"], plans["marketing"]
    assert ld is not None and marketing is not None
    assert 4 <= ld.entries.count() <= 6 and 4 <= marketing.entries.count() <= 6
    found = planning.overlaps(
        [queries.span_of(e) for e in ld.entries.all()],
        [queries.span_of(e) for e in marketing.entries.all()],
    )
    assert len(found) >= 2

    demo.load(DemoContext(rng=random.Random(1), password="x"))
    assert Initiative.objects.count() == 2 and AnnualPlan.objects.count() == 2


def test_demo_without_people_does_nothing() -> None:
    demo.load(DemoContext(rng=random.Random(1), password="x"))
    assert not Initiative.objects.exists()
