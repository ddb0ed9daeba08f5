"""Writes for initiatives and plans: each function is one transaction. Permission is the
caller's job (`queries.may_*`); these functions keep the data consistent."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Literal

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext

from leerpad.accounts.models import JobRole, Location, Person
from leerpad.initiatives import queries
from leerpad.initiatives.models import (
    AnnualPlan,
    BuyIn,
    Consultation,
    Initiative,
    PlanEntry,
    ProCon,
    Stakeholder,
    SwotCard,
    SwotVote,
)

LANGUAGES = ("nl", "fr", "en")


class InitiativeError(ValueError):
    """A change could not be made; the message says why, for the page."""


def _touch(initiative: Initiative) -> None:
    Initiative.objects.filter(pk=initiative.pk).update(updated_at=timezone.now())


# --- initiatives ------------------------------------------------------------------------


@transaction.atomic
def save_initiative(initiative: Initiative, members: Iterable[Person]) -> Initiative:
    """Create or update an initiative (fields set by the form) with its team members."""
    if not initiative.title.strip():
        raise InitiativeError(gettext("An initiative needs a title."))
    initiative.title = initiative.title.strip()
    initiative.updated_at = timezone.now()
    initiative.save()
    initiative.members.set(list(members))
    return initiative


def _texts(values: dict[str, str]) -> dict[str, str]:
    return {lang: values[lang].strip() for lang in LANGUAGES if values.get(lang, "").strip()}


@transaction.atomic
def save_story(
    initiative: Initiative,
    why: dict[str, str],
    for_whom: dict[str, str],
    changes: dict[str, str],
) -> Initiative:
    """The brief's story, per language; empty languages are left out (the brief falls back)."""
    initiative.story_why = _texts(why)
    initiative.story_for_whom = _texts(for_whom)
    initiative.story_changes = _texts(changes)
    initiative.updated_at = timezone.now()
    initiative.save(update_fields=["story_why", "story_for_whom", "story_changes", "updated_at"])
    return initiative


# --- stakeholders and the consultation plan ---------------------------------------------


def _check_stakeholder(stakeholder: Stakeholder) -> None:
    if stakeholder.person_id is None and not stakeholder.name.strip():
        raise InitiativeError(gettext("Choose a person or write a name."))
    for value in (stakeholder.influence, stakeholder.interest):
        if not 1 <= value <= 5:
            raise InitiativeError(gettext("Influence and interest go from 1 to 5."))


@transaction.atomic
def save_stakeholder(stakeholder: Stakeholder) -> Stakeholder:
    """Create (last in the consultation plan) or update a stakeholder."""
    _check_stakeholder(stakeholder)
    stakeholder.name = stakeholder.name.strip()
    if stakeholder.pk is None:
        last = stakeholder.initiative.stakeholders.aggregate(m=Max("position"))["m"]
        stakeholder.position = 0 if last is None else last + 1
    stakeholder.save()
    _touch(stakeholder.initiative)
    return stakeholder


@transaction.atomic
def delete_stakeholder(stakeholder: Stakeholder) -> None:
    initiative = stakeholder.initiative
    stakeholder.delete()
    _renumber(initiative, list(initiative.stakeholders.order_by("position", "id")))


def _renumber(initiative: Initiative, ordered: list[Stakeholder]) -> None:
    for index, row in enumerate(ordered):
        if row.position != index:
            row.position = index
            row.save(update_fields=["position"])
    _touch(initiative)


@transaction.atomic
def move_stakeholder(stakeholder: Stakeholder, direction: Literal["up", "down"]) -> bool:
    """Swap with the neighbour above or below in the plan; False at either end."""
    initiative = stakeholder.initiative
    ordered = list(initiative.stakeholders.select_for_update().order_by("position", "id"))
    index = next(i for i, s in enumerate(ordered) if s.pk == stakeholder.pk)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(ordered):
        return False
    ordered[index], ordered[other] = ordered[other], ordered[index]
    _renumber(initiative, ordered)
    return True


@transaction.atomic
def apply_suggested_order(initiative: Initiative) -> None:
    """Put the plan in the suggested order (`planning.suggested_order`)."""
    _renumber(initiative, queries.suggested(list(initiative.stakeholders.all())))


@transaction.atomic
def log_consultation(
    stakeholder: Stakeholder,
    *,
    held_on: dt.date,
    said: str,
    concerns: str = "",
    next_step: str = "",
    buy_in: str,
    author: Person | None,
) -> Consultation:
    """Record a consultation; the stakeholder takes the new buy-in, the entry keeps the
    old one, so the log is also the buy-in's history."""
    if buy_in not in BuyIn.values:
        raise InitiativeError(gettext("Unknown buy-in status."))
    if not said.strip():
        raise InitiativeError(gettext("Write down what was said."))
    stakeholder = Stakeholder.objects.select_for_update().get(pk=stakeholder.pk)
    entry = Consultation.objects.create(
        stakeholder=stakeholder,
        held_on=held_on,
        said=said.strip(),
        concerns=concerns.strip(),
        next_step=next_step.strip(),
        buy_in_before=stakeholder.buy_in,
        buy_in_after=buy_in,
        author=author,
    )
    stakeholder.buy_in = buy_in
    stakeholder.save(update_fields=["buy_in"])
    _touch(stakeholder.initiative)
    return entry


# --- SWOT and pros/cons -----------------------------------------------------------------


@transaction.atomic
def add_card(
    initiative: Initiative, quadrant: str, text: str, detail: str, *, author: Person | None
) -> SwotCard:
    if quadrant not in SwotCard.Quadrant.values:
        raise InitiativeError(gettext("Choose a quadrant."))
    if not text.strip():
        raise InitiativeError(gettext("A card needs a text."))
    card = SwotCard.objects.create(
        initiative=initiative,
        quadrant=quadrant,
        text=text.strip()[:200],
        detail=detail.strip(),
        author=author,
    )
    _touch(initiative)
    return card


@transaction.atomic
def update_card(card: SwotCard, text: str, detail: str) -> SwotCard:
    if not text.strip():
        raise InitiativeError(gettext("A card needs a text."))
    card.text, card.detail = text.strip()[:200], detail.strip()
    card.save(update_fields=["text", "detail"])
    _touch(card.initiative)
    return card


@transaction.atomic
def move_card(card: SwotCard, quadrant: str) -> SwotCard:
    if quadrant not in SwotCard.Quadrant.values:
        raise InitiativeError(gettext("Choose a quadrant."))
    card.quadrant = quadrant
    card.save(update_fields=["quadrant"])
    return card


@transaction.atomic
def delete_card(card: SwotCard) -> None:
    card.delete()


@transaction.atomic
def merge_cards(source: SwotCard, target: SwotCard) -> SwotCard:
    """Fold `source` into `target`: its text joins the target's detail, its votes move
    (someone who voted for both keeps one vote), and `source` is deleted."""
    if source.pk == target.pk or source.initiative_id != target.initiative_id:
        raise InitiativeError(gettext("Choose another card of the same board to merge with."))
    extra = source.text + (f"\n{source.detail}" if source.detail else "")
    target.detail = f"{target.detail}\n\n{extra}".strip() if target.detail else extra
    target.save(update_fields=["detail"])
    voters = set(target.votes.values_list("person_id", flat=True))
    SwotVote.objects.bulk_create(
        SwotVote(card=target, person_id=person_id)
        for person_id in source.votes.values_list("person_id", flat=True)
        if person_id not in voters
    )
    source.delete()
    return target


@transaction.atomic
def toggle_vote(card: SwotCard, person: Person) -> bool:
    """+1 from `person`, or take it back; True when they now vote for the card."""
    deleted, _ = SwotVote.objects.filter(card=card, person=person).delete()
    if deleted:
        return False
    try:
        with transaction.atomic():
            SwotVote.objects.create(card=card, person=person)
    except IntegrityError:  # a double click that raced the first
        pass
    return True


@transaction.atomic
def add_procon(
    initiative: Initiative, side: str, text: str, weight: int, *, author: Person | None
) -> ProCon:
    if side not in ProCon.Side.values:
        raise InitiativeError(gettext("Choose pro or con."))
    if not 1 <= weight <= 3:
        raise InitiativeError(gettext("The weight goes from 1 to 3."))
    if not text.strip():
        raise InitiativeError(gettext("Write the pro or con."))
    row = ProCon.objects.create(
        initiative=initiative, side=side, text=text.strip()[:200], weight=weight, author=author
    )
    _touch(initiative)
    return row


@transaction.atomic
def delete_procon(row: ProCon) -> None:
    row.delete()


# --- annual plans -----------------------------------------------------------------------


@transaction.atomic
def create_plan(year: int, kind: str, owner: Person) -> AnnualPlan:
    if kind not in AnnualPlan.Kind.values:
        raise InitiativeError(gettext("Unknown kind of plan."))
    if AnnualPlan.objects.filter(year=year, kind=kind).exists():
        raise InitiativeError(gettext("That plan exists already."))
    return AnnualPlan.objects.create(year=year, kind=kind, owner=owner)


@transaction.atomic
def save_entry(
    entry: PlanEntry, job_roles: Iterable[JobRole], locations: Iterable[Location]
) -> PlanEntry:
    """Create or update an entry (fields set by the form) with its audience."""
    if not 1 <= entry.start_month <= entry.end_month <= 12:
        raise InitiativeError(gettext("The end month cannot come before the start month."))
    entry.save()
    entry.job_roles.set(list(job_roles))
    entry.locations.set(list(locations))
    return entry


@transaction.atomic
def delete_entry(entry: PlanEntry) -> None:
    entry.delete()
