"""The voice demo on a small stand-in for the demo organisation's Gent team."""

from __future__ import annotations

import random

import pytest

from leerpad.accounts.models import Person, Team
from leerpad.campaigns.models import Notification
from leerpad.core.demo import DemoContext
from leerpad.voice import demo, queries
from leerpad.voice.models import Pulse, Question, Space

pytestmark = pytest.mark.django_db


def test_demo_space_with_questions_theme_and_pulses() -> None:
    team = Team.objects.create(name=demo.TEAM)
    coach = Person.objects.create_user(
        email="cas@example.test", first_name="Cas", last_name="Janssens", team=team
    )
    for n in range(20):
        Person.objects.create_user(email=f"p{n}@example.test", first_name=f"P{n}", team=team)
    ctx = DemoContext(rng=random.Random(1), password="x")
    demo.load(ctx)
    demo.load(ctx)  # loading twice adds nothing

    space = Space.objects.get()
    assert list(space.facilitators.values_list("person", flat=True)) == [coach.pk]
    assert Question.objects.count() == len(demo.QUESTIONS)
    assert space.themes.get().answered_on is not None
    closed = Pulse.objects.get(status=Pulse.Status.CLOSED)
    results = queries.results(closed)
    assert results.shown and results.answers >= results.k
    running = Pulse.objects.get(status=Pulse.Status.OPEN)
    assert queries.is_open(running) and not queries.results(running).shown
    # The team heard of both pulses; the old one's notices were read long ago.
    audience = queries.audience(space).count()
    old = Notification.objects.filter(link=f"/workspace/voice/pulses/{closed.pk}/")
    new = Notification.objects.filter(link=f"/workspace/voice/pulses/{running.pk}/")
    assert old.count() == new.count() == audience
    assert not old.filter(read_at__isnull=True).exists()
    assert new.filter(read_at__isnull=True).count() == audience
    assert ctx.notes
