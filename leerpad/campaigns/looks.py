"""Sequential experiments carry their state from one look to the next.

The mixture SPRT (stats.sequential) is always valid at every look, but only when each look
starts from the previous one's state: the p-value is the smallest seen so far and the
interval the intersection of all intervals. `results.results` reads the last look before
today (`history_before`) and the scheduler stores today's once a day (`record_all`), so a
verdict the team read on Tuesday cannot quietly flip back on Wednesday.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tasks import task

from leerpad.campaigns.models import Experiment, ExperimentLook
from leerpad.campaigns.stats.sequential import SequentialState
from leerpad.core.logging import get_logger

log = get_logger(__name__)


def _bound(value: float) -> float | None:
    return None if math.isinf(value) else value


def state_to_json(state: SequentialState) -> dict[str, Any]:
    return {
        "looks": state.looks,
        "min_p_value": state.min_p_value,
        "low": _bound(state.low),
        "high": _bound(state.high),
    }


def state_from_json(data: dict[str, Any]) -> SequentialState:
    low, high = data.get("low"), data.get("high")
    return SequentialState(
        looks=int(data.get("looks", 0)),
        min_p_value=float(data.get("min_p_value", 1.0)),
        low=-math.inf if low is None else float(low),
        high=math.inf if high is None else float(high),
    )


TAU = "_tau"


@dataclass(frozen=True)
class Carried:
    """What the last look before today hands on: a state per compared variant, and tau."""

    history: tuple[SequentialState | None, ...]
    tau: float | None
    day: dt.date


def carried_before(experiment: Experiment, day: dt.date, variant_keys: list[str]) -> Carried | None:
    """Each compared variant's state after the last look before `day` (None: no look yet).

    A variant added after that look starts fresh; the control has no state of its own.
    """
    if experiment.mode != Experiment.Mode.SEQUENTIAL:
        return None
    look = experiment.looks.filter(day__lt=day).order_by("-day").first()
    if look is None:
        return None
    tau = look.states.get(TAU)
    return Carried(
        history=tuple(
            state_from_json(look.states[key]) if key in look.states else None
            for key in variant_keys
        ),
        tau=float(tau) if isinstance(tau, int | float) and tau > 0 else None,
        day=look.day,
    )


def record(experiment: Experiment, now: dt.datetime | None = None) -> ExperimentLook | None:
    """Store today's look of a running sequential experiment (None: nothing to store, or
    already stored today: a second run the same day changes nothing)."""
    from leerpad.campaigns import results as experiment_results

    now = now or timezone.now()
    day = timezone.localdate(now)
    if experiment.status != Experiment.Status.RUNNING:
        return None
    if experiment.mode != Experiment.Mode.SEQUENTIAL:
        return None
    if experiment.looks.filter(day=day).exists():
        return None
    found = experiment_results.results(experiment, now=now)
    if found.verdict is None:
        return None
    states: dict[str, Any] = {
        v.name: state_to_json(v.sequential_state)
        for v in found.verdict.variants
        if v.sequential_state is not None
    }
    if not states:
        return None
    if found.verdict.tau is not None:
        states[TAU] = found.verdict.tau
    counts = {a.key: [a.assigned, a.outcome] for a in found.arms if a.shown}
    try:
        with transaction.atomic():
            return ExperimentLook.objects.create(
                experiment=experiment, day=day, states=states, counts=counts
            )
    except IntegrityError:  # another worker stored today's look first
        return None


def record_all(now: dt.datetime | None = None) -> int:
    """Today's look of every running sequential experiment; returns how many were stored."""
    stored = 0
    running = Experiment.objects.filter(
        status=Experiment.Status.RUNNING, mode=Experiment.Mode.SEQUENTIAL
    )
    for experiment in running:
        if record(experiment, now=now) is not None:
            stored += 1
    return stored


@task()
def record_looks() -> int:
    stored = record_all()
    if stored:
        log.info("campaigns.experiment_looks_recorded", experiments=stored)
    return stored
