"""Demo consents: a few learners share their learning with their coach, so the coach's
"people I coach" page has someone to open (the learner persona among them). Everyone else
keeps the default: not shared."""

from __future__ import annotations

from leerpad.accounts.models import Person
from leerpad.core.access import Role
from leerpad.core.demo import DemoContext
from leerpad.privacy import consent
from leerpad.privacy.models import CoachConsent

SHARING = 3  # learners of the coach persona who agreed


def load(ctx: DemoContext) -> None:
    if CoachConsent.objects.exists():
        return
    # The coach persona whose login the demo prints (and whose coachee is the learner one).
    emails = [login.email for login in ctx.logins if login.role == Role.COACH.value]
    coach = Person.objects.filter(email__in=emails).order_by("pk").first()
    if coach is None:
        return
    learners = [login.email for login in ctx.logins if login.role == Role.LEARNER.value]
    people = Person.objects.filter(coach=coach, is_active=True)
    chosen = list(people.filter(email__in=learners)) + list(
        people.exclude(email__in=learners).order_by("pk")[: SHARING - 1]
    )
    for person in chosen:
        consent.give_consent(person)
    ctx.notes.append(f"privacy: {CoachConsent.objects.count()} learners share with their coach")
