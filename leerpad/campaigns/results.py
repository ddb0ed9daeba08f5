"""An experiment's results: the funnel per arm and the verdict of the stats engine.

Who is in an arm: every person with a Delivery of the campaign that carries the arm's key
(`Delivery.variant`, written by planning only for people the respect rules let through,
so the arms and the hold-out group are alike). Counted by intention to treat: a person
whose message failed or was skipped at send time stays in their arm.

Each person's window starts at their first delivery (its send time; the planned time
when it was not sent, and always for the hold-out group, who are sent nothing) and lasts
`window_days`. Outcomes count only inside it:

- clicked: the delivery's first click (`Delivery.clicked_at`);
- visited: any statement of the person in the LRS's row store (`lrs.Statement`, by the
  person's account or e-mail identifier, by when it happened), whatever the tool;
- enrolled: a paths `Enrolment` in the goal path (created by Leerpad's own enrolment and by
  an xAPI `registered` statement alike);
- completed the step: the paths `Completion` index (fed by every completion statement) for
  any version of the goal step;
- completed the path: the enrolment's `completed_at`.

The row store is read, not the analytics store: results must be exact per person and
current to the minute for a daily look, and an experiment is a few thousand people.
Unsubscribes (the guardrail) are people of the arm who opted out of a channel inside
their window (`Preference.updated_at` of a preference with an opt-out: an approximation,
as the preference keeps no history of when each channel was switched off).

Privacy: an arm of fewer than k people (core.guard.min_group_size) shows no figures,
and then there is no verdict at all, since a verdict tells about every arm.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext

from leerpad.campaigns import looks
from leerpad.campaigns.models import HOLDOUT_KEY, Delivery, Experiment, Preference
from leerpad.campaigns.stats import verdict as stats_verdict
from leerpad.campaigns.stats.inputs import ArmStats
from leerpad.core.guard import min_group_size

BATCH = 500
STAGES = (
    "assigned",
    "delivered",
    "clicked",
    "visited",
    "enrolled",
    "completed_step",
    "completed_path",
)


@dataclass(frozen=True)
class ArmResult:
    key: str
    name: str
    holdout: bool
    # False: fewer than k people; every count below is then withheld (0).
    shown: bool
    assigned: int
    delivered: int
    clicked: int
    visited: int
    enrolled: int
    completed_step: int
    completed_path: int
    unsubscribed: int
    # The experiment's metric for this arm.
    outcome: int

    @property
    def rate(self) -> float | None:
        return self.outcome / self.assigned if self.shown and self.assigned else None


@dataclass(frozen=True)
class Results:
    arms: tuple[ArmResult, ...]
    k: int
    verdict: stats_verdict.Verdict | None
    # Plain-language verdict and the question it answers ("" when there is none).
    text: str
    question: str
    # Why there is no verdict ("" when there is one).
    no_verdict: str
    srm_flagged: bool
    days_run: int
    # Did the messages work at all? Everyone messaged against the hold-out group ("": no
    # hold-out group, or one too small to show).
    holdout_text: str = ""
    holdout_verdict: stats_verdict.Verdict | None = None


@dataclass
class PersonFacts:
    """One assigned person: their arm, when their window starts, what happened to the message."""

    arm: str
    start: dt.datetime
    delivered: bool = False
    clicked_at: dt.datetime | None = None


def metric_label(metric: str) -> str:
    """The metric as a plural noun for the verdict's sentence."""
    labels = {
        Experiment.Metric.VISITED: gettext("visits"),
        Experiment.Metric.ENROLLED: gettext("enrolments"),
        Experiment.Metric.COMPLETED_STEP: gettext("step completions"),
        Experiment.Metric.COMPLETED_PATH: gettext("path completions"),
        Experiment.Metric.CLICKED: gettext("clicks"),
    }
    return labels.get(Experiment.Metric(metric), metric)


def people_of(experiment: Experiment) -> dict[int, PersonFacts]:
    people: dict[int, PersonFacts] = {}
    rows = (
        Delivery.objects.filter(campaign_id=experiment.campaign_id)
        .exclude(variant="")
        .values_list("person_id", "variant", "status", "sent_at", "scheduled_for", "clicked_at")
    )
    for person_id, arm, status, sent_at, scheduled_for, clicked_at in rows:
        start = sent_at or scheduled_for
        found = people.get(person_id)
        if found is None:
            found = people[person_id] = PersonFacts(arm, start)
        found.start = min(found.start, start)
        found.delivered = found.delivered or status == Delivery.Status.SENT
        if clicked_at is not None and (found.clicked_at is None or clicked_at < found.clicked_at):
            found.clicked_at = clicked_at
    return people


def _chunks(ids: list[int]) -> Iterable[list[int]]:
    for start in range(0, len(ids), BATCH):
        yield ids[start : start + BATCH]


def _in_window(person: PersonFacts, when: dt.datetime | None, window: dt.timedelta) -> bool:
    return when is not None and person.start <= when <= person.start + window


def visited(
    people: dict[int, PersonFacts], window: dt.timedelta, *, via_campaign: str = ""
) -> set[int]:
    """People with a statement of theirs inside their window; with `via_campaign`, only
    statements that carry that campaign's key (they arrived through its link)."""
    from leerpad.accounts.models import Person
    from leerpad.core import extensions as xapi
    from leerpad.lrs.models import Statement
    from leerpad.lrs.queries import person_ifis

    if not people:
        return set()
    earliest = min(p.start for p in people.values())
    latest = max(p.start for p in people.values()) + window
    by_ifi: dict[str, int] = {}
    for chunk in _chunks(list(people)):
        # person_ifis builds the xAPI agent, which reads the name: load it with the rest,
        # or each person costs two more queries.
        for person in Person.objects.filter(pk__in=chunk).only(
            "pk", "email", "first_name", "last_name"
        ):
            for ifi in person_ifis(person):
                by_ifi[ifi] = person.pk
    found: set[int] = set()
    ifis = list(by_ifi)
    fields = ("actor_ifi", "timestamp", "payload") if via_campaign else ("actor_ifi", "timestamp")
    for start in range(0, len(ifis), BATCH):
        rows = Statement.objects.filter(
            actor_ifi__in=ifis[start : start + BATCH],
            voided=False,
            timestamp__gte=earliest,
            timestamp__lte=latest,
        ).values_list(*fields)
        for row in rows:
            pk = by_ifi[row[0]]
            if pk in found or not _in_window(people[pk], row[1], window):
                continue
            if via_campaign:
                context = (row[2] or {}).get("context") or {}
                if (context.get("extensions") or {}).get(xapi.CAMPAIGN) != via_campaign:
                    continue
            found.add(pk)
    return found


def _path_outcomes(
    experiment: Experiment, people: dict[int, PersonFacts], window: dt.timedelta
) -> tuple[set[int], set[int]]:
    from leerpad.paths.models import Enrolment

    path_id = experiment.campaign.goal_path_id
    if path_id is None:
        return set(), set()
    enrolled: set[int] = set()
    completed: set[int] = set()
    for chunk in _chunks(list(people)):
        rows = Enrolment.objects.filter(path_id=path_id, person_id__in=chunk).values_list(
            "person_id", "enrolled_at", "completed_at"
        )
        for pk, enrolled_at, completed_at in rows:
            if _in_window(people[pk], enrolled_at, window):
                enrolled.add(pk)
            if _in_window(people[pk], completed_at, window):
                completed.add(pk)
    return enrolled, completed


def _step_outcomes(
    experiment: Experiment, people: dict[int, PersonFacts], window: dt.timedelta
) -> set[int]:
    from leerpad.campaigns.planning import _step_iris
    from leerpad.paths.models import Completion

    iris = _step_iris(experiment.campaign)
    if not iris:
        return set()
    done: set[int] = set()
    for chunk in _chunks(list(people)):
        rows = Completion.objects.filter(person_id__in=chunk, activity_iri__in=iris).values_list(
            "person_id", "completed_at"
        )
        for pk, when in rows:
            if _in_window(people[pk], when, window):
                done.add(pk)
    return done


def _unsubscribed(people: dict[int, PersonFacts], window: dt.timedelta) -> set[int]:
    found: set[int] = set()
    for chunk in _chunks(list(people)):
        rows = Preference.objects.filter(person_id__in=chunk).values_list(
            "person_id", "opted_out", "updated_at"
        )
        for pk, opted_out, when in rows:
            if opted_out and _in_window(people[pk], when, window):
                found.add(pk)
    return found


def outcomes(
    experiment: Experiment, people: dict[int, PersonFacts], window: dt.timedelta
) -> dict[str, set[int]]:
    """Per metric, the people who reached it inside their window."""
    enrolled, completed_path = _path_outcomes(experiment, people, window)
    return {
        Experiment.Metric.VISITED: visited(people, window),
        Experiment.Metric.ENROLLED: enrolled,
        Experiment.Metric.COMPLETED_STEP: _step_outcomes(experiment, people, window),
        Experiment.Metric.COMPLETED_PATH: completed_path,
        Experiment.Metric.CLICKED: {
            pk for pk, p in people.items() if _in_window(p, p.clicked_at, window)
        },
    }


def results(experiment: Experiment, now: dt.datetime | None = None) -> Results:
    """The funnel per arm (variants in key order, then the hold-out group) and the verdict."""
    now = now or timezone.now()
    window = dt.timedelta(days=experiment.window_days)
    people = people_of(experiment)
    found = outcomes(experiment, people, window)
    clicked = found[Experiment.Metric.CLICKED]
    visited = found[Experiment.Metric.VISITED]
    enrolled = found[Experiment.Metric.ENROLLED]
    completed_step = found[Experiment.Metric.COMPLETED_STEP]
    completed_path = found[Experiment.Metric.COMPLETED_PATH]
    unsubscribed = _unsubscribed(people, window)
    outcome = found[Experiment.Metric(experiment.metric)]

    members: dict[str, list[int]] = defaultdict(list)
    for pk, person in people.items():
        members[person.arm].append(pk)
    k = min_group_size()
    variants = list(experiment.variants.order_by("key"))
    arms: list[ArmResult] = []
    names = [(v.key, v.name or v.key, False) for v in variants]
    if experiment.holdout_percent or members.get(HOLDOUT_KEY):
        names.append((HOLDOUT_KEY, gettext("Hold-out (no message)"), True))
    for key, name, holdout in names:
        ids = set(members.get(key, []))
        shown = len(ids) >= k

        def count(found: set[int], ids: set[int] = ids, shown: bool = shown) -> int:
            return len(ids & found) if shown else 0

        arms.append(
            ArmResult(
                key=key,
                name=name,
                holdout=holdout,
                shown=shown,
                assigned=len(ids) if shown else 0,
                delivered=count({pk for pk in ids if people[pk].delivered}),
                clicked=count(clicked),
                visited=count(visited),
                enrolled=count(enrolled),
                completed_step=count(completed_step),
                completed_path=count(completed_path),
                unsubscribed=count(unsubscribed),
                outcome=count(outcome),
            )
        )
    return _judged(experiment, tuple(arms), k, now)


def settings_for(
    experiment: Experiment, arms: tuple[ArmResult, ...], now: dt.datetime
) -> stats_verdict.Settings:
    """The stats engine's settings for this experiment and today's counts."""
    started = experiment.started_at or now
    days_run = max(0, (now - started).days)
    compared = [a for a in arms if not a.holdout]
    people = sum(a.assigned for a in compared)
    daily = people / len(compared) / days_run if days_run and people else None
    if experiment.bandit:
        # Bandit traffic moves day by day, so the configured weights are not the split to
        # test against; the observed split stands in (the SRM check then never fires).
        weights: tuple[float, ...] | None = tuple(float(a.assigned) for a in compared)
    else:
        by_key = {v.key: v.weight for v in experiment.variants.all()}
        weights = tuple(by_key.get(a.key, 1.0) for a in compared)
    return stats_verdict.Settings(
        mode=stats_verdict.Mode(experiment.mode),
        daily_per_arm=daily,
        days_run=days_run,
        mde=experiment.mde,
        planned_n_per_arm=experiment.planned_per_arm,
        weights=weights,
    )


def _judged(
    experiment: Experiment, arms: tuple[ArmResult, ...], k: int, now: dt.datetime
) -> Results:
    compared = [a for a in arms if not a.holdout]
    started = experiment.started_at or now
    days_run = max(0, (now - started).days)
    if len(compared) < 2:
        return Results(
            arms, k, None, "", "", gettext("The experiment has no variants yet."), False, days_run
        )
    if not all(a.shown for a in compared):
        reason = gettext(
            "No verdict yet: every variant needs at least %(k)d people before any figure "
            "about it is shown."
        ) % {"k": k}
        return Results(arms, k, None, "", "", reason, False, days_run)
    stats = [ArmStats.binomial(a.assigned, a.outcome, name=a.key) for a in compared]
    engine = settings_for(experiment, arms, now)
    carried = looks.carried_before(
        experiment, timezone.localdate(now), [a.key for a in compared[1:]]
    )
    if carried is not None:
        engine = dataclasses.replace(engine, history=carried.history, tau=carried.tau)
    judged = stats_verdict.judge(stats, engine)
    label = metric_label(experiment.metric)
    holdout = _against_holdout(experiment, arms, engine)
    return Results(
        arms=arms,
        k=k,
        verdict=judged,
        text=stats_verdict.describe(judged, label),
        question=stats_verdict.describe_question(judged, label),
        no_verdict="",
        srm_flagged=judged.srm.flagged,
        days_run=days_run,
        holdout_text=describe_holdout(holdout, label) if holdout else "",
        holdout_verdict=holdout,
    )


def _against_holdout(
    experiment: Experiment, arms: tuple[ArmResult, ...], engine: stats_verdict.Settings
) -> stats_verdict.Verdict | None:
    """Everyone who was messaged (all variants pooled) against the hold-out group.

    The variants answer "which text?"; this answers "is a message better than none?", the
    question a hold-out group is for. Same mode and minimum counts as the main verdict; the
    split to check is the hold-out share. In sequential mode no state is carried for this
    comparison, which keeps it valid under daily looking, only more cautious.
    """
    held = next((a for a in arms if a.holdout), None)
    messaged = [a for a in arms if not a.holdout]
    if held is None or not held.shown or not all(a.shown for a in messaged):
        return None
    pooled_n = sum(a.assigned for a in messaged)
    pooled_x = sum(a.outcome for a in messaged)
    share = experiment.holdout_percent
    if experiment.bandit or not 0 < share < 100:
        weights: tuple[float, ...] | None = (float(held.assigned), float(pooled_n))
    else:
        weights = (float(share), float(100 - share))
    settings = dataclasses.replace(engine, weights=weights, history=None, tau=None)
    return stats_verdict.judge(
        [
            ArmStats.binomial(held.assigned, held.outcome, name=HOLDOUT_KEY),
            ArmStats.binomial(pooled_n, pooled_x, name="messaged"),
        ],
        settings,
    )


def describe_holdout(verdict: stats_verdict.Verdict, metric: str) -> str:
    """One sentence: did getting a message change the metric compared with getting none?"""
    found = verdict.variants[0]
    values = {
        "metric": metric,
        "effect": stats_verdict.format_effect(found.difference, verdict.kind),
        "low": stats_verdict.format_effect(found.interval.low, verdict.kind)
        if math.isfinite(found.interval.low)
        else "-",
        "high": stats_verdict.format_effect(found.interval.high, verdict.kind)
        if math.isfinite(found.interval.high)
        else "-",
        "outcomes": int(found.outcomes),
        "needed": found.outcomes_needed,
    }
    status = found.status
    if status is stats_verdict.Status.SAMPLE_RATIO_MISMATCH:
        return gettext(
            "Message or none: no verdict, the hold-out group is not the planned share of "
            "people; check the assignment first."
        )
    if status is stats_verdict.Status.NOT_ENOUGH_DATA:
        return (
            gettext(
                "Message or none: not enough results yet to judge (%(outcomes)s of the "
                "%(needed)s needed per group)."
            )
            % values
        )
    if status is stats_verdict.Status.KEEP_COLLECTING:
        return (
            gettext(
                "Message or none: people who got a message so far show %(effect)s %(metric)s "
                "against the hold-out group; too early to call."
            )
            % values
        )
    if status is stats_verdict.Status.BETTER:
        return (
            gettext(
                "The messages work: people who got one show %(effect)s %(metric)s against "
                "the hold-out group (interval %(low)s to %(high)s)."
            )
            % values
        )
    if status is stats_verdict.Status.WORSE:
        return (
            gettext(
                "The messages backfire: people who got one show %(effect)s %(metric)s "
                "against the hold-out group (interval %(low)s to %(high)s)."
            )
            % values
        )
    return (
        gettext(
            "Message or none: no difference worth acting on, %(effect)s %(metric)s against "
            "the hold-out group (interval %(low)s to %(high)s)."
        )
        % values
    )
