"""Coach access with consent: a person agrees (and may withdraw) that their coach sees their
path progress and learning record.

The consent is to "my coach in Leerpad", whoever that is when they look (`Person.coach`),
not to one named coach: people's coaches change, and a consent per coach would silently
lapse on every change. The page says so, and withdrawing takes one click.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from leerpad.accounts.models import Person
from leerpad.core.access import Capability, can
from leerpad.privacy import services
from leerpad.privacy.models import AccessRecord, CoachConsent

COACH_VIEW = "coach_view"


def current_consent(person: Person) -> CoachConsent | None:
    return CoachConsent.objects.filter(person=person, withdrawn_at__isnull=True).first()


def consent_history(person: Person) -> list[CoachConsent]:
    return list(CoachConsent.objects.filter(person=person))


@transaction.atomic
def give_consent(person: Person) -> CoachConsent:
    """Start sharing with the coach (idempotent: an open consent is returned as it is)."""
    # Lock the person's row so two clicks at once cannot open two consents.
    Person.objects.select_for_update().filter(pk=person.pk).first()
    found = current_consent(person)
    if found is not None:
        return found
    return CoachConsent.objects.create(person=person)


@transaction.atomic
def withdraw_consent(person: Person) -> bool:
    """Stop sharing; returns whether there was a consent to withdraw."""
    return bool(
        CoachConsent.objects.filter(person=person, withdrawn_at__isnull=True).update(
            withdrawn_at=timezone.now()
        )
    )


@dataclass(frozen=True)
class Coachee:
    person: Person
    shared: bool


def coachees(coach: Person) -> list[Coachee]:
    """The active people `coach` coaches, with whether each shares their learning."""
    people = list(
        Person.objects.filter(coach=coach, is_active=True)
        .select_related("location", "job_role")
        .order_by("last_name", "first_name")
    )
    shared = set(
        CoachConsent.objects.filter(person__in=people, withdrawn_at__isnull=True).values_list(
            "person_id", flat=True
        )
    )
    return [Coachee(p, p.pk in shared) for p in people]


def is_coach_of(viewer: Person, person: Person) -> bool:
    return (
        person.coach_id == viewer.pk and person.is_active and can(viewer, Capability.COACH_PEOPLE)
    )


def may_coach_see(viewer: Person, person: Person) -> bool:
    """Whether `viewer` may see `person`'s learning as their coach: their coach now, with the
    coach capability, and the person's consent in force."""
    return is_coach_of(viewer, person) and current_consent(person) is not None


def record_coach_view(coach: Person, person: Person) -> AccessRecord | None:
    """Log a coach's look at a coachee's learning; the person reads it on "Who looked at my
    data". The reason is fixed (consent is the basis, nobody types it) and written in the
    person's language, since they are the one who reads it."""
    with translation.override(person.language or None):
        reason = _("coach, with consent")
    return services.record_access(coach, person, COACH_VIEW, reason)
