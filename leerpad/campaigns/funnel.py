"""A campaign's funnel: planned → sent → delivered → clicked → visited → enrolled → goal.

Counts of people (not messages: someone reached on two channels or in two weekly sends
counts once), for the whole campaign and, when it has an experiment, per variant with the
hold-out group as its own row (sent nothing, so only its outcomes are counted: the
baseline the variants are compared with).

- planned: people with a message the respect rules let through (skipped messages are left
  out); in an experiment, everyone assigned to an arm, the hold-out group included, by
  intention to treat as in `results`;
- sent: a message was handed to its channel or tried (sending, sent or failed);
- delivered: a message the channel accepted (status sent);
- clicked: the tracked link was followed (`Delivery.clicked_at`), whenever;
- visited: the person arrived in Leerpad through this campaign inside their window: a
  statement of theirs carrying the campaign's key (the tracked link's `launched`
  statement and the landing page's `viewed` with the campaign arrival);
- enrolled (campaigns with a goal path, except when enrolling is the goal itself) and
  the goal: reached inside the window, however the person came to it.

Each person's window starts at their first message and lasts the experiment's window
(14 days without an experiment), as in `results`, whose outcome helpers count the
enrolments and goals here, so the funnel and the experiment agree. The first steps are
nested, each shown as a share of the step before; enrolled and the goal count everyone of
the row (people may enrol without clicking, and the hold-out group has no clicks), so
their rate is of everyone in the row.

Privacy: the marketer sent these messages, so the campaign's own row shows its counts;
a variant row of fewer than k people shows its sends but withholds what people learned
(visited, enrolled, goal), like the experiment results. Splits by location or job role
are the cross-campaign report's (`report`), under its rules.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext

from leerpad.campaigns import results
from leerpad.campaigns.models import HOLDOUT_KEY, Campaign, Delivery, Experiment
from leerpad.campaigns.results import PersonFacts
from leerpad.core.guard import min_group_size

DEFAULT_WINDOW_DAYS = 14
TRIED = (Delivery.Status.SENDING, Delivery.Status.SENT, Delivery.Status.FAILED)


@dataclass(frozen=True)
class Step:
    key: str
    label: str
    # None: does not apply to the row (the hold-out group's sends) or withheld.
    count: int | None
    # Share of the base (the previous step, or everyone of the row when `of_all`).
    rate: float | None
    of_all: bool = False


@dataclass(frozen=True)
class Row:
    key: str  # "" for the whole campaign, a variant's key, or HOLDOUT_KEY
    name: str
    holdout: bool
    people: int
    # False: fewer than k people in a variant row, so its learning steps are withheld.
    shown: bool
    steps: tuple[Step, ...]


@dataclass(frozen=True)
class Funnel:
    rows: tuple[Row, ...]
    window_days: int
    goal: str
    k: int
    experiment: bool

    @property
    def empty(self) -> bool:
        return not self.rows or self.rows[0].people == 0


@dataclass
class _Person:
    facts: PersonFacts
    planned: bool = False
    sent: bool = False


def window_of(campaign: Campaign) -> int:
    experiment = Experiment.objects.filter(campaign=campaign).first()
    return experiment.window_days if experiment is not None else DEFAULT_WINDOW_DAYS


DeliveryRow = tuple[int, str, str, str, dt.datetime | None, dt.datetime, dt.datetime | None]


def people_of(deliveries: Iterable[DeliveryRow]) -> dict[int, _Person]:
    """One entry per person from their deliveries' (person, variant, status, reason,
    sent_at, scheduled_for, clicked_at); people whose every message the respect rules
    skipped were never part of the campaign's audience."""
    people: dict[int, _Person] = {}
    for pk, variant, status, _reason, sent_at, scheduled_for, clicked_at in deliveries:
        # An experiment's arms count by intention to treat, as in `results`: planning
        # writes the variant only for people it let through, so a message skipped later
        # (at send time) keeps its person in the arm.
        planned = status != Delivery.Status.SKIPPED or bool(variant)
        if not planned:
            continue
        start = sent_at or scheduled_for
        found = people.get(pk)
        if found is None:
            found = people[pk] = _Person(PersonFacts(variant, start))
        facts = found.facts
        facts.start = min(facts.start, start)
        facts.delivered = facts.delivered or status == Delivery.Status.SENT
        if clicked_at is not None and (facts.clicked_at is None or clicked_at < facts.clicked_at):
            facts.clicked_at = clicked_at
        found.planned = True
        found.sent = found.sent or status in TRIED
    return people


def goal_reached(
    campaign: Campaign, people: dict[int, PersonFacts], window: dt.timedelta
) -> tuple[set[int], set[int]]:
    """(enrolled in the goal path, reached the campaign's goal), each inside the window."""
    # `results.outcomes` reads the campaign from an experiment; an unsaved one carries it
    # for campaigns without an experiment (nothing is written).
    found = results.outcomes(Experiment(campaign=campaign), people, window)
    enrolled = found[Experiment.Metric.ENROLLED]
    goal = campaign.goal
    if goal == Campaign.Goal.VISIT:
        return enrolled, found[Experiment.Metric.VISITED]
    if goal == Campaign.Goal.ENROL:
        return enrolled, enrolled
    if goal == Campaign.Goal.COMPLETE_STEP:
        return enrolled, found[Experiment.Metric.COMPLETED_STEP]
    return enrolled, _registered(campaign, people, window)


def _registered(
    campaign: Campaign, people: dict[int, PersonFacts], window: dt.timedelta
) -> set[int]:
    from leerpad.catalog.models import Registration

    if campaign.goal_session_id is None:
        return set()
    rows = (
        Registration.objects.filter(session_id=campaign.goal_session_id, person_id__in=people)
        .exclude(state=Registration.State.CANCELLED)
        .values_list("person_id", "created_at")
    )
    return {pk for pk, when in rows if results._in_window(people[pk], when, window)}


def _rate(count: int | None, base: int | None) -> float | None:
    return count / base if count is not None and base else None


def _row(
    key: str,
    name: str,
    ids: set[int],
    people: dict[int, _Person],
    found: dict[str, set[int]],
    *,
    holdout: bool,
    shown: bool,
    with_enrolled: bool,
) -> Row:
    labels = {
        "sent": gettext("Sent"),
        "delivered": gettext("Delivered"),
        "clicked": gettext("Clicked"),
        "visited": gettext("Visited"),
        "enrolled": gettext("Enrolled"),
        "goal": gettext("Reached the goal"),
    }
    steps: list[Step] = []
    base: int | None = len(ids)
    nested = {
        "sent": {pk for pk in ids if people[pk].sent},
        "delivered": {pk for pk in ids if people[pk].facts.delivered},
        "clicked": {pk for pk in ids if people[pk].facts.clicked_at is not None},
    }
    # A campaign arrival without a click of one's own (a forwarded link) is not this
    # funnel's: visited stays a part of clicked.
    nested["visited"] = found["visited"] & nested["clicked"]
    for key_ in ("sent", "delivered", "clicked", "visited"):
        if holdout:
            steps.append(Step(key_, labels[key_], None, None))
            continue
        learning = key_ == "visited"
        count = len(nested[key_] & ids) if shown or not learning else None
        steps.append(Step(key_, labels[key_], count, _rate(count, base)))
        base = count
    later = (("enrolled", found["enrolled"]),) if with_enrolled else ()
    for key_, who in (*later, ("goal", found["goal"])):
        count = len(who & ids) if shown else None
        steps.append(Step(key_, labels[key_], count, _rate(count, len(ids)), of_all=True))
    return Row(key, name, holdout, len(ids), shown, tuple(steps))


def funnel(campaign: Campaign) -> Funnel:
    window_days = window_of(campaign)
    window = dt.timedelta(days=window_days)
    rows = campaign.deliveries.values_list(
        "person_id", "variant", "status", "reason", "sent_at", "scheduled_for", "clicked_at"
    )
    people = people_of(rows)
    facts = {pk: p.facts for pk, p in people.items()}
    enrolled, goal = goal_reached(campaign, facts, window)
    found = {
        "visited": results.visited(facts, window, via_campaign=campaign.key),
        "enrolled": enrolled,
        "goal": goal,
    }
    with_enrolled = campaign.goal_path_id is not None and campaign.goal != Campaign.Goal.ENROL
    k = min_group_size()
    experiment = Experiment.objects.filter(campaign=campaign).first()
    everyone = {pk for pk, p in people.items() if p.facts.arm != HOLDOUT_KEY}
    made = [
        _row(
            "",
            gettext("Everyone who was sent it"),
            everyone,
            people,
            found,
            holdout=False,
            shown=True,
            with_enrolled=with_enrolled,
        )
    ]
    if experiment is not None:
        arms: dict[str, set[int]] = {}
        for pk, p in people.items():
            arms.setdefault(p.facts.arm, set()).add(pk)
        names = [(v.key, v.name or v.key) for v in experiment.variants.order_by("key")]
        if experiment.holdout_percent or arms.get(HOLDOUT_KEY):
            names.append((HOLDOUT_KEY, gettext("Hold-out (no message)")))
        for key, name in names:
            ids = arms.get(key, set())
            made.append(
                _row(
                    key,
                    name,
                    ids,
                    people,
                    found,
                    holdout=key == HOLDOUT_KEY,
                    shown=len(ids) >= k,
                    with_enrolled=with_enrolled,
                )
            )
    return Funnel(
        rows=tuple(made),
        window_days=window_days,
        goal=str(Campaign.Goal(campaign.goal).label),
        k=k,
        experiment=experiment is not None,
    )
