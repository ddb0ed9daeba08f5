"""Reads for safe voice: who is in a space's audience, who may do what, and pulse results
(shown only from k answers, `core.guard.min_group_size`)."""

from __future__ import annotations

import hashlib
import hmac
import random
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from leerpad.accounts.models import Person
from leerpad.core.access import Capability, can
from leerpad.core.guard import min_group_size
from leerpad.voice.models import (
    RATING_FIELDS,
    SCALE,
    Ballot,
    Facilitator,
    Pulse,
    Question,
    ResponseSlot,
    Space,
)

if TYPE_CHECKING:
    from leerpad.core.access import AnyUser

# Open answers are shown in an order nobody can predict (not the order they were given).
_shuffler: random.Random = secrets.SystemRandom()


def audience(space: Space) -> QuerySet[Person]:
    """The active people a space speaks for, worked out now (teams and locations change)."""
    people = Person.objects.filter(is_active=True)
    if space.audience == Space.Audience.TEAM:
        return people.filter(team_id=space.team_id) if space.team_id else people.none()
    if space.audience == Space.Audience.LOCATION:
        return people.filter(location_id=space.location_id) if space.location_id else people.none()
    return people.filter(pk__in=space.members.values("person_id"))


def audience_size(space: Space) -> int:
    return audience(space).count()


def in_audience(user: AnyUser, space: Space) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    return audience(space).filter(pk=user.pk).exists()


def is_facilitator(user: AnyUser, space: Space) -> bool:
    if not user.is_authenticated:
        return False
    return Facilitator.objects.filter(space=space, person_id=user.pk).exists()


def can_manage(user: AnyUser, space: Space) -> bool:
    """Choose facilitators and the audience: the creator, or the LD&M manager."""
    if not user.is_authenticated:
        return False
    return space.created_by_id == user.pk or can(user, Capability.MANAGE_PORTFOLIO)


def can_view(user: AnyUser, space: Space) -> bool:
    return (
        can(user, Capability.USE_WORKSPACE)
        or is_facilitator(user, space)
        or in_audience(user, space)
        or can_manage(user, space)
    )


def spaces_for(user: AnyUser) -> QuerySet[Space]:
    """The spaces a person may open: all of them for the workspace, else the ones they are
    in (audience or facilitator)."""
    spaces = Space.objects.select_related("team", "location")
    if can(user, Capability.USE_WORKSPACE):
        return spaces
    person: Any = user
    return spaces.filter(
        Q(facilitators__person_id=person.pk)
        | Q(members__person_id=person.pk)
        | Q(audience=Space.Audience.TEAM, team_id=person.team_id, team_id__isnull=False)
        | Q(
            audience=Space.Audience.LOCATION,
            location_id=person.location_id,
            location_id__isnull=False,
        )
    ).distinct()


def visible_questions(space: Space) -> QuerySet[Question]:
    """What the audience sees: every question, hidden ones only as "hidden by the
    facilitator" (the template leaves their text out)."""
    return space.questions.select_related("theme")


def waiting_questions(spaces: QuerySet[Space] | None = None) -> QuerySet[Question]:
    """Visible questions without an answer of their own or of their theme."""
    found = Question.objects.filter(is_hidden=False, answered_on__isnull=True).filter(
        Q(theme__isnull=True) | Q(theme__answered_on__isnull=True)
    )
    if spaces is not None:
        found = found.filter(space__in=spaces)
    return found


# --- pulses ---------------------------------------------------------------------------


def is_open(pulse: Pulse) -> bool:
    """Open and not past its closing date (a pulse closes on its date without a worker)."""
    if pulse.status != Pulse.Status.OPEN:
        return False
    return pulse.closes_on is None or timezone.localdate() <= pulse.closes_on


def open_pulses(spaces: QuerySet[Space] | None = None) -> QuerySet[Pulse]:
    today = timezone.localdate()
    found = Pulse.objects.filter(status=Pulse.Status.OPEN).filter(
        Q(closes_on__isnull=True) | Q(closes_on__gte=today)
    )
    if spaces is not None:
        found = found.filter(space__in=spaces)
    return found


def ballot_token(pulse_id: int, person_id: int) -> str:
    """HMAC(SECRET_KEY, "voice-ballot", pulse, person): recomputed when needed, never stored."""
    message = f"voice-ballot:{pulse_id}:{person_id}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def ballot_hash(pulse_id: int, person_id: int) -> str:
    """What a `Ballot` stores: sha256 of the token."""
    return hashlib.sha256(ballot_token(pulse_id, person_id).encode()).hexdigest()


def has_answered(pulse: Pulse, person: Person) -> bool:
    return Ballot.objects.filter(token_hash=ballot_hash(pulse.pk, person.pk), spent=True).exists()


def answered(pulses: Iterable[Pulse], person: Person) -> set[int]:
    """The ids of the pulses among `pulses` that the person answered, in one query."""
    hashes = {ballot_hash(pulse.pk, person.pk): pulse.pk for pulse in pulses}
    if not hashes:
        return set()
    spent = Ballot.objects.filter(token_hash__in=list(hashes), spent=True)
    return {hashes[token_hash] for token_hash in spent.values_list("token_hash", flat=True)}


def pulses_waiting_for(person: Person) -> list[Pulse]:
    """Open pulses in the person's spaces that they have not answered yet."""
    pulses = list(open_pulses(spaces_for_audience(person)).select_related("space"))
    done = answered(pulses, person)
    return [pulse for pulse in pulses if pulse.pk not in done]


def spaces_for_audience(person: Person) -> QuerySet[Space]:
    return Space.objects.filter(
        Q(members__person_id=person.pk)
        | Q(audience=Space.Audience.TEAM, team_id=person.team_id, team_id__isnull=False)
        | Q(
            audience=Space.Audience.LOCATION,
            location_id=person.location_id,
            location_id__isnull=False,
        )
    )


def answer_count(pulse: Pulse) -> int:
    return ResponseSlot.objects.filter(pulse=pulse, filled=True).count()


def answer_counts(space: Space) -> dict[int, int]:
    """Answers per pulse of a space, in one query (pulse id -> count)."""
    rows = (
        ResponseSlot.objects.filter(pulse__space=space, filled=True)
        .order_by()
        .values_list("pulse_id")
        .annotate(n=Count("id"))
    )
    return dict(rows)


@dataclass(frozen=True)
class StatementResult:
    text: str
    # (rating, count, share of answers as a whole number 0..100) for ratings 1..5
    distribution: list[tuple[int, int, int]]
    mean: float | None


@dataclass(frozen=True)
class Results:
    answers: int
    k: int
    # Still taking answers: results wait for the close (see `results`).
    running: bool = False
    statements: list[StatementResult] = field(default_factory=list)
    open_answers: list[str] = field(default_factory=list)

    @property
    def shown(self) -> bool:
        return self.answers >= self.k and not self.running


def results(pulse: Pulse) -> Results:
    """Distribution and mean per statement and the open answers in random order, only
    once the pulse is closed and at least k people answered; before that only the count.

    Why wait for the close: live results change with every answer, so someone who looks
    before and after a colleague answers learns that colleague's answer by subtraction.
    """
    k = min_group_size()
    filled = ResponseSlot.objects.filter(pulse=pulse, filled=True)
    answers = filled.count()
    running = pulse.status == Pulse.Status.DRAFT or is_open(pulse)
    if answers < k or running:
        return Results(answers=answers, k=k, running=running)
    rows = list(filled.values(*RATING_FIELDS, "open_answer"))
    statements = []
    for statement in pulse.statements.all():
        name = RATING_FIELDS[statement.position - 1]
        ratings = [row[name] for row in rows if row[name] is not None]
        counts = [(value, ratings.count(value)) for value in SCALE]
        total = len(ratings)
        statements.append(
            StatementResult(
                text=statement.text,
                distribution=[
                    (value, count, round(100 * count / total) if total else 0)
                    for value, count in counts
                ],
                mean=round(sum(ratings) / total, 2) if total else None,
            )
        )
    open_answers = [row["open_answer"] for row in rows if row["open_answer"]]
    _shuffler.shuffle(open_answers)
    return Results(
        answers=answers, k=k, running=False, statements=statements, open_answers=open_answers
    )
