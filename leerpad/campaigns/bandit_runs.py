"""Bandit mode, run once a day: new traffic weights from the results so far.

`reweigh(experiment, day)` feeds every variant's people and outcomes (campaigns.results)
to `stats.bandit.thompson_weights` with the experiment's minimum share, stores the
weights on the variants and one `BanditRun` row per day (the history the results page
shows). The seed is the experiment and the day, so a rerun on the same day gives the same
weights, and a second run that day changes nothing (one row per day).
Only people assigned after the change follow the new weights: everyone keeps their arm.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tasks import task

from leerpad.campaigns import results as experiment_results
from leerpad.campaigns.models import BanditRun, Experiment, Variant
from leerpad.campaigns.stats import bandit
from leerpad.campaigns.stats.inputs import ArmStats
from leerpad.core.logging import get_logger

log = get_logger(__name__)


def _seed(experiment_id: int, day: dt.date) -> int:
    return experiment_id * 100_000 + day.toordinal() % 100_000


def reweigh(
    experiment: Experiment, day: dt.date | None = None, now: dt.datetime | None = None
) -> BanditRun | None:
    """Today's weights for a running bandit experiment (None: not a bandit, or done today)."""
    now = now or timezone.now()
    day = day or now.date()
    if not experiment.bandit or experiment.status != Experiment.Status.RUNNING:
        return None
    if BanditRun.objects.filter(experiment=experiment, ran_on=day).exists():
        return None
    # Counts under k are withheld from the page, but the weights may still use them: the
    # bandit steers traffic and shows nobody a figure about a small group.
    counts = _raw_counts(experiment)
    variants = list(experiment.variants.order_by("key"))
    arms = [ArmStats.binomial(*counts.get(v.key, (0, 0)), name=v.key) for v in variants]
    weights = bandit.thompson_weights(
        arms, seed=_seed(experiment.pk, day), floor=experiment.bandit_floor
    )
    return _store(experiment, day, variants, weights, counts)


def _raw_counts(experiment: Experiment) -> dict[str, tuple[int, int]]:
    people = experiment_results.people_of(experiment)
    window = dt.timedelta(days=experiment.window_days)
    outcome = experiment_results.outcomes(experiment, people, window)[experiment.metric]
    totals: dict[str, list[int]] = {}
    for pk, person in people.items():
        n_and_x = totals.setdefault(person.arm, [0, 0])
        n_and_x[0] += 1
        n_and_x[1] += pk in outcome
    return {key: (n, x) for key, (n, x) in totals.items()}


@transaction.atomic
def _store(
    experiment: Experiment,
    day: dt.date,
    variants: list[Variant],
    weights: bandit.BanditWeights,
    counts: dict[str, tuple[int, int]],
) -> BanditRun | None:
    try:
        with transaction.atomic():
            run = BanditRun.objects.create(
                experiment=experiment,
                ran_on=day,
                weights={v.key: w for v, w in zip(variants, weights.weights, strict=True)},
                chance_best=(
                    {v.key: c for v, c in zip(variants, weights.chance_best, strict=True)}
                    if weights.chance_best
                    else {}
                ),
                counts={v.key: list(counts.get(v.key, (0, 0))) for v in variants},
                reweighted=weights.reweighted,
            )
    except IntegrityError:  # another worker ran it first today
        return None
    for variant, weight in zip(variants, weights.weights, strict=True):
        Variant.objects.filter(pk=variant.pk).update(weight=weight)
    return run


def reweigh_all(now: dt.datetime | None = None) -> int:
    """Every running bandit experiment, once a day; returns how many were reweighted."""
    now = now or timezone.now()
    done = 0
    running = Experiment.objects.filter(status=Experiment.Status.RUNNING, bandit=True)
    for experiment in running.select_related("campaign"):
        if reweigh(experiment, now=now) is not None:
            done += 1
    return done


@task()
def run_bandits() -> int:
    done = reweigh_all()
    if done:
        log.info("campaigns.bandit_reweighted", experiments=done)
    return done
