"""Writes for safe voice, one transaction each.

Two rules run through this module (docs/voice.md explains them):
- Nothing that is said or answered is stored with anything that points to the person: no
  foreign key, no time of day, and row order is scrambled where it could give them away.
- Randomness that protects people comes from the operating system (`secrets`); tests may
  pass a seeded `random.Random` to check the behaviour, never the demo or the pages.
"""

from __future__ import annotations

import datetime as dt
import random
import secrets
import uuid
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import models, transaction
from django.db.models import Case, F, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from leerpad.accounts.models import Location, Person, Team
from leerpad.core.guard import min_group_size
from leerpad.voice import notices, queries
from leerpad.voice.models import (
    MAX_STATEMENTS,
    RATING_FIELDS,
    SCALE,
    Ballot,
    Facilitator,
    Member,
    Pulse,
    Question,
    ResponseSlot,
    Space,
    Statement,
    Theme,
)

_system_random: random.Random = secrets.SystemRandom()

QUESTION_FIELDS = (
    "id",
    "space_id",
    "kind",
    "text",
    "asked_on",
    "is_hidden",
    "hidden_reason",
    "theme_id",
    "answer",
    "answered_on",
)


class VoiceError(ValueError):
    """A write was refused; the message is shown to the person as it is."""


class AlreadyAnswered(VoiceError):
    pass


# --- spaces ---------------------------------------------------------------------------


@transaction.atomic
def create_space(
    *,
    title: str,
    description: str = "",
    audience: str,
    team: Team | None = None,
    location: Location | None = None,
    members: Iterable[Person] = (),
    by: Person | None,
) -> Space:
    title = title.strip()
    if not title:
        raise VoiceError(_("A space needs a title."))
    if audience == Space.Audience.TEAM and team is None:
        raise VoiceError(_("Choose the team whose members are the audience."))
    if audience == Space.Audience.LOCATION and location is None:
        raise VoiceError(_("Choose the location whose people are the audience."))
    space = Space.objects.create(
        title=title,
        description=description.strip(),
        audience=audience,
        team=team if audience == Space.Audience.TEAM else None,
        location=location if audience == Space.Audience.LOCATION else None,
        created_by=by,
        created_on=timezone.localdate(),
    )
    if audience == Space.Audience.LIST:
        Member.objects.bulk_create(Member(space=space, person=p) for p in set(members))
    return space


@transaction.atomic
def set_members(space: Space, people: Iterable[Person]) -> None:
    """Replace the chosen audience list."""
    wanted = {p.pk for p in people}
    space.members.exclude(person_id__in=wanted).delete()
    have = set(space.members.values_list("person_id", flat=True))
    Member.objects.bulk_create(Member(space=space, person_id=pk) for pk in wanted - have)


@transaction.atomic
def set_facilitators(space: Space, people: Iterable[Person]) -> None:
    wanted = {p.pk for p in people}
    space.facilitators.exclude(person_id__in=wanted).delete()
    have = set(space.facilitators.values_list("person_id", flat=True))
    Facilitator.objects.bulk_create(Facilitator(space=space, person_id=pk) for pk in wanted - have)


@transaction.atomic
def set_roles(
    space: Space, facilitators: Iterable[Person], members: Iterable[Person] | None = None
) -> None:
    """Save the facilitators page in one go: both lists, or neither."""
    set_facilitators(space, facilitators)
    if members is not None:
        chosen = list(members)
        if space.audience == Space.Audience.LIST and not chosen:
            raise VoiceError(_("Choose the people of the audience."))
        set_members(space, chosen)


# --- questions ------------------------------------------------------------------------


@transaction.atomic
def ask(
    space: Space, person: Person, *, kind: str, text: str, rng: random.Random | None = None
) -> Question:
    """Store a question with no trace of who asked it.

    The person is only checked (audience member?), never stored. The date is kept, not the
    time; and because databases keep rows in insertion order (SQLite's rowid, PostgreSQL's
    heap), the space's questions of the day are written again in a random order, so the
    order of rows cannot be matched with the order of requests in a server log.
    """
    rng = rng or _system_random
    if not queries.in_audience(person, space):
        raise VoiceError(_("Only the audience of this space can ask here."))
    text = text.strip()
    if not text:
        raise VoiceError(_("Write your question first."))
    if kind not in Question.Kind.values:
        raise VoiceError(_("Choose question, concern or idea."))
    today = timezone.localdate()
    same_day = Question.objects.select_for_update().filter(space=space, asked_on=today)
    rows = [Question(**values) for values in same_day.values(*QUESTION_FIELDS)]
    new = Question(space=space, kind=kind, text=text, asked_on=today)
    rows.append(new)
    rng.shuffle(rows)
    Question.objects.filter(pk__in=[row.pk for row in rows if row is not new]).delete()
    Question.objects.bulk_create(rows)
    return new


@transaction.atomic
def hide(question: Question, reason: str) -> None:
    reason = reason.strip()
    if not reason:
        raise VoiceError(_("Say why you hide it: the audience sees the reason."))
    Question.objects.filter(pk=question.pk).update(is_hidden=True, hidden_reason=reason[:300])


@transaction.atomic
def unhide(question: Question) -> None:
    Question.objects.filter(pk=question.pk).update(is_hidden=False, hidden_reason="")


@transaction.atomic
def set_theme(question: Question, theme: Theme | None) -> None:
    if theme is not None and theme.space_id != question.space_id:
        raise VoiceError(_("That theme belongs to another space."))
    Question.objects.filter(pk=question.pk).update(theme=theme)


@transaction.atomic
def answer_question(question: Question, answer: str) -> None:
    """Publish (or, with an empty text, withdraw) the answer to one question."""
    answer = answer.strip()
    Question.objects.filter(pk=question.pk).update(
        answer=answer, answered_on=timezone.localdate() if answer else None
    )


@transaction.atomic
def create_theme(space: Space, title: str) -> Theme:
    title = title.strip()
    if not title:
        raise VoiceError(_("A theme needs a title."))
    return Theme.objects.create(space=space, title=title[:160])


@transaction.atomic
def answer_theme(theme: Theme, answer: str) -> None:
    answer = answer.strip()
    Theme.objects.filter(pk=theme.pk).update(
        answer=answer, answered_on=timezone.localdate() if answer else None
    )


# --- pulses ---------------------------------------------------------------------------


def _check_audience_size(space: Space) -> int:
    size = queries.audience_size(space)
    k = min_group_size()
    if size < k:
        raise VoiceError(
            _(
                "This space's audience has %(size)s people; a pulse needs at least %(k)s, "
                "or its results could point to a person."
            )
            % {"size": size, "k": k}
        )
    return size


@transaction.atomic
def create_pulse(
    space: Space,
    *,
    title: str,
    statements: Sequence[str],
    open_question: str = "",
    closes_on: Any = None,
) -> Pulse:
    _check_audience_size(space)
    title = title.strip()
    texts = [s.strip() for s in statements if s.strip()]
    if not title:
        raise VoiceError(_("A pulse needs a title."))
    if not 1 <= len(texts) <= MAX_STATEMENTS:
        raise VoiceError(_("Write between 1 and 5 statements."))
    if closes_on is not None and closes_on < timezone.localdate():
        raise VoiceError(_("The closing date is in the past."))
    pulse = Pulse.objects.create(
        space=space, title=title, open_question=open_question.strip(), closes_on=closes_on
    )
    Statement.objects.bulk_create(
        Statement(pulse=pulse, position=index, text=text) for index, text in enumerate(texts, 1)
    )
    return pulse


@transaction.atomic
def open_pulse(pulse: Pulse, rng: random.Random | None = None) -> int:
    """Open a draft for the audience: one ballot and one empty slot per member, each list
    shuffled, so neither row order nor ids say whose ballot or slot is whose, and a
    notification to each of them (`notices`, in their language). Returns the number of
    ballots."""
    rng = rng or _system_random
    # Lock the draft: two facilitators pressing "Open" at once must not make two sets of
    # ballots (the second one finds it open and is refused).
    locked = Pulse.objects.select_for_update().filter(pk=pulse.pk).values_list("status", flat=True)
    if pulse.status != Pulse.Status.DRAFT or list(locked) != [Pulse.Status.DRAFT]:
        raise VoiceError(_("Only a draft can be opened."))
    if pulse.closes_on is not None and pulse.closes_on < timezone.localdate():
        # Opened, it would be closed at once, after telling everyone to answer.
        raise VoiceError(
            _("The closing date of this draft has passed; make a new pulse with a later date.")
        )
    _check_audience_size(pulse.space)
    people = list(queries.audience(pulse.space).values_list("pk", "language"))
    hashes = [queries.ballot_hash(pulse.pk, pk) for pk, _language in people]
    rng.shuffle(hashes)
    Ballot.objects.bulk_create(Ballot(id=_uuid(rng), pulse=pulse, token_hash=h) for h in hashes)
    pulse.status, pulse.opened_on = Pulse.Status.OPEN, timezone.localdate()
    pulse.save(update_fields=["status", "opened_on"])
    _add_slots(pulse, len(hashes), rng)
    # Everyone in the audience, in the same transaction: no pulse opens unannounced, and no
    # notice announces a pulse that did not open.
    notices.send(pulse, people, reminder=False)
    return len(hashes)


def _uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def _add_slots(pulse: Pulse, count: int, rng: random.Random) -> None:
    # Random UUIDs drawn from `rng`, inserted in one statement: nothing to sort them by.
    ResponseSlot.objects.bulk_create(ResponseSlot(id=_uuid(rng), pulse=pulse) for _ in range(count))


@transaction.atomic
def close_pulse(pulse: Pulse) -> None:
    if pulse.status != Pulse.Status.OPEN:
        raise VoiceError(_("Only an open pulse can be closed."))
    pulse.status, pulse.closed_on = Pulse.Status.CLOSED, timezone.localdate()
    pulse.save(update_fields=["status", "closed_on"])


@transaction.atomic
def ensure_ballot(pulse: Pulse, person: Person, rng: random.Random | None = None) -> bool:
    """A person who joined the audience after the pulse opened gets a ballot and a slot on
    first visit (or earlier, from `top_up_ballots`). True when one was added."""
    rng = rng or _system_random
    if not queries.is_open(pulse) or not queries.in_audience(person, pulse.space):
        return False
    _lock(pulse)
    token_hash = queries.ballot_hash(pulse.pk, person.pk)
    if Ballot.objects.filter(token_hash=token_hash).exists():
        return False
    _add_ballots(pulse, [token_hash], rng)
    return True


@transaction.atomic
def top_up_ballots(pulse: Pulse, rng: random.Random | None = None) -> int:
    """Ballots for everyone who joined the audience since the pulse opened (run by the
    scheduler): late joiners get theirs within minutes whether or not they visit the pulse,
    so the number of ballots does not tell who looked at it. Returns how many were added."""
    rng = rng or _system_random
    if not queries.is_open(pulse):
        return 0
    _lock(pulse)
    wanted = {
        queries.ballot_hash(pulse.pk, pk)
        for pk in queries.audience(pulse.space).values_list("pk", flat=True)
    }
    have = set(Ballot.objects.filter(pulse=pulse).values_list("token_hash", flat=True))
    missing = sorted(wanted - have)
    if missing:
        _add_ballots(pulse, missing, rng)
    return len(missing)


def _lock(pulse: Pulse) -> None:
    """Serialise the writes to one pulse's ballots and slots (PostgreSQL; SQLite has one
    writer anyway): adding late joiners rewrites them, and a vote must not spend a ballot
    that is being rewritten."""
    list(Pulse.objects.select_for_update().filter(pk=pulse.pk).values_list("pk", flat=True))


SLOT_FIELDS = ("filled", *RATING_FIELDS, "open_answer")


def _add_ballots(pulse: Pulse, token_hashes: Sequence[str], rng: random.Random) -> None:
    """Add ballots (and as many empty slots) for late joiners **without** making them the
    newest rows.

    Databases keep rows in insertion order (SQLite's rowid, PostgreSQL's heap), so a ballot
    simply added after the opening would be the last row: whoever knows who joined late
    would see whether that person answered. Instead every ballot and slot of the pulse is
    written again, all together, in a fresh random order and with fresh random ids; spent
    flags and answers are kept. The new ballots sit somewhere among the old ones, and the
    new empty slots among the old slots. Caller holds the pulse lock (`_lock`).
    """
    ballots = [
        Ballot(id=_uuid(rng), pulse=pulse, token_hash=token_hash, spent=spent)
        for token_hash, spent in Ballot.objects.filter(pulse=pulse).values_list(
            "token_hash", "spent"
        )
    ]
    ballots += [Ballot(id=_uuid(rng), pulse=pulse, token_hash=h) for h in token_hashes]
    slots = [
        ResponseSlot(id=_uuid(rng), pulse=pulse, **values)
        for values in ResponseSlot.objects.filter(pulse=pulse).values(*SLOT_FIELDS)
    ]
    slots += [ResponseSlot(id=_uuid(rng), pulse=pulse) for _ in token_hashes]
    rng.shuffle(ballots)
    rng.shuffle(slots)
    Ballot.objects.filter(pulse=pulse).delete()
    ResponseSlot.objects.filter(pulse=pulse).delete()
    Ballot.objects.bulk_create(ballots, batch_size=500)
    ResponseSlot.objects.bulk_create(slots, batch_size=500)


@transaction.atomic
def vote(
    pulse: Pulse,
    person: Person,
    *,
    ratings: Sequence[int],
    open_answer: str = "",
    rng: random.Random | None = None,
) -> None:
    """Answer a pulse once. The ballot is spent and a randomly chosen empty slot is filled in
    the same transaction; nothing connects the two.

    The slot is filled by one UPDATE over every slot of the pulse (the others keep their
    values), so in PostgreSQL, where an UPDATE writes a new row version, the physical order
    does not single out the slot written last.
    """
    rng = rng or _system_random
    if not queries.is_open(pulse):
        raise VoiceError(_("This pulse is not open."))
    if not queries.in_audience(person, pulse.space):
        raise VoiceError(_("Only the audience of this space can answer this pulse."))
    positions = list(pulse.statements.values_list("position", flat=True))
    if len(ratings) != len(positions) or any(r not in SCALE for r in ratings):
        raise VoiceError(_("Rate every statement from 1 to 5."))
    open_answer = open_answer.strip()[:2000] if pulse.open_question else ""
    _lock(pulse)
    ensure_ballot(pulse, person, rng)
    token_hash = queries.ballot_hash(pulse.pk, person.pk)
    spent = Ballot.objects.filter(pulse=pulse, token_hash=token_hash, spent=False).update(
        spent=True
    )
    if not spent:
        raise AlreadyAnswered(_("You have already answered this pulse. Thank you!"))
    # Lock the pulse's slots: two voters at once must not pick the same empty slot.
    slots = list(
        ResponseSlot.objects.select_for_update().filter(pulse=pulse).values_list("id", "filled")
    )
    empty = sorted(slot_id for slot_id, filled in slots if not filled)
    if not empty:  # cannot happen: every ballot came with a slot
        raise VoiceError(_("This pulse cannot take more answers."))
    chosen = rng.choice(empty)
    values: dict[str, Any] = {
        name: Case(
            When(id=chosen, then=Value(rating)),
            default=F(name),
            output_field=models.PositiveSmallIntegerField(),
        )
        for name, rating in zip(RATING_FIELDS, ratings, strict=False)
    }
    ResponseSlot.objects.filter(pulse=pulse).update(
        filled=Case(
            When(id=chosen, then=Value(True)),
            default=F("filled"),
            output_field=models.BooleanField(),
        ),
        open_answer=Case(
            When(id=chosen, then=Value(open_answer)),
            default=F("open_answer"),
            output_field=models.TextField(),
        ),
        **values,
    )


# --- reminders (the scheduler) ---------------------------------------------------------


def reminder_due(pulse: Pulse, today: dt.date) -> bool:
    """Open, with a closing date at most `REMINDER_DAYS` ahead, not reminded yet, and
    opened before the reminder day (a pulse opened two days before it closes was just
    announced, with its date: a reminder on top would be noise)."""
    if pulse.status != Pulse.Status.OPEN or pulse.reminder_sent_on or not pulse.closes_on:
        return False
    reminder_day = pulse.closes_on - dt.timedelta(days=notices.REMINDER_DAYS)
    opened_before = pulse.opened_on is not None and pulse.opened_on < reminder_day
    return reminder_day <= today <= pulse.closes_on and opened_before


@transaction.atomic
def remind(pulse: Pulse, today: dt.date | None = None) -> int:
    """Send the reminder of one pulse to its whole audience, once; returns how many people
    got it (0 when it was not due or already sent).

    The claim (`reminder_sent_on`, a conditional UPDATE) and the notifications are one
    transaction: two scheduler runs at once send it once, and a failure sends it never
    (the next run tries again).
    """
    today = today or timezone.localdate()
    if not reminder_due(pulse, today):
        return 0
    claimed = Pulse.objects.filter(
        pk=pulse.pk, status=Pulse.Status.OPEN, reminder_sent_on__isnull=True
    ).update(reminder_sent_on=today)
    if not claimed:
        return 0
    pulse.reminder_sent_on = today
    people = queries.audience(pulse.space).values_list("pk", "language")
    # Everyone, answered or not: who got a reminder must never tell who answered.
    return notices.send(pulse, people, reminder=True)


def send_reminders(today: dt.date | None = None) -> int:
    """Remind the audience of every pulse that closes within `REMINDER_DAYS` days; each
    pulse once. Returns how many notifications went out."""
    today = today or timezone.localdate()
    candidates = Pulse.objects.filter(
        status=Pulse.Status.OPEN,
        reminder_sent_on__isnull=True,
        closes_on__gte=today,
        closes_on__lte=today + dt.timedelta(days=notices.REMINDER_DAYS),
    ).select_related("space")
    return sum(remind(pulse, today) for pulse in candidates)


def top_up_open_pulses() -> int:
    """Ballots for the late joiners of every open pulse; returns how many were added."""
    return sum(top_up_ballots(pulse) for pulse in queries.open_pulses().select_related("space"))


# --- erasure --------------------------------------------------------------------------


def erase_person(person: Person, *, dry_run: bool) -> dict[str, int]:
    """What voice keeps about a person: facilitator assignments, places on chosen audience
    lists, and being the creator of a space. Questions, ballots and answers hold nothing
    about anyone, so there is nothing else to erase (and nothing could be found)."""
    facilitating = Facilitator.objects.filter(person=person)
    listed = Member.objects.filter(person=person)
    created = Space.objects.filter(created_by=person)
    counts = {
        "facilitator_assignments": facilitating.count(),
        "audience_lists": listed.count(),
        "spaces_created": created.count(),
    }
    if not dry_run:
        facilitating.delete()
        listed.delete()
        created.update(created_by=None)
    return counts
