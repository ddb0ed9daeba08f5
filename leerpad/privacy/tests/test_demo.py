"""The demo's consents: the learner persona shares with the coach persona."""

from __future__ import annotations

import random

import pytest

from leerpad.accounts.models import Person
from leerpad.core.demo import DemoContext, DemoLogin
from leerpad.privacy import consent, demo

pytestmark = pytest.mark.django_db


def test_the_learner_persona_shares_with_the_coach_persona(lena: Person, cas: Person) -> None:
    ctx = DemoContext(rng=random.Random(1), password="x")
    ctx.logins = [
        DemoLogin("coach", cas.email, "Cas"),
        DemoLogin("learner", lena.email, "Lena"),
    ]
    demo.load(ctx)
    assert consent.current_consent(lena) is not None
    demo.load(ctx)  # loading again adds nothing
    assert len(consent.consent_history(lena)) == 1
