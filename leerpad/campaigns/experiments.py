"""Experiments: who gets which variant, and what a variant changes in a message.

Assignment is computed, never stored as a choice: sha256("<experiment id>:<person id>")
gives a number u in [0, 1); u below the hold-out share puts the person in the hold-out
group, the rest of [0, 1) is divided among the variants by weight, in key order. The same
person therefore lands in the same arm on every run, on every machine, and nobody can
steer it. Planning copies the arm onto `Delivery.variant` so reports can group by it, and
a person keeps the arm of their first delivery when bandit mode later moves the weights
(changing arms midway would mix two texts in one person's outcome).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from leerpad.campaigns.models import (
    HOLDOUT_KEY,
    MESSAGE_PARTS,
    Campaign,
    Delivery,
    Experiment,
    Message,
    Variant,
)

MAX_HOLDOUT_PERCENT = 20
MAX_VARIANTS = 5
KEYS = "ABCDE"
# 60 bits of the digest: far finer than any weight anyone sets.
_BITS = 60


class ExperimentError(Exception):
    def __init__(self, messages: list[str]) -> None:
        super().__init__("; ".join(messages))
        self.messages = messages


@dataclass(frozen=True)
class Arm:
    key: str
    weight: float


def bucket(experiment_id: int, person_id: int) -> float:
    """A number in [0, 1) fixed by the experiment and the person."""
    digest = hashlib.sha256(f"{experiment_id}:{person_id}".encode()).digest()
    return (int.from_bytes(digest[:8], "big") >> (64 - _BITS)) / float(1 << _BITS)


def assign(experiment_id: int, person_id: int, arms: Sequence[Arm], holdout_percent: int) -> str:
    """The arm's key (or HOLDOUT_KEY) for one person."""
    if not arms:
        raise ValueError("an experiment needs at least one variant")
    u = bucket(experiment_id, person_id)
    holdout = holdout_percent / 100
    if u < holdout:
        return HOLDOUT_KEY
    # The rest of [0, 1) scaled back to [0, 1), so the variants' split is the same with or
    # without a hold-out.
    rest = (u - holdout) / (1 - holdout)
    total = sum(max(arm.weight, 0.0) for arm in arms)
    if total <= 0:
        raise ValueError("the variants' weights must add up to more than 0")
    edge = 0.0
    for arm in arms:
        edge += max(arm.weight, 0.0) / total
        if rest < edge:
            return arm.key
    return arms[-1].key  # rounding at the very top of the range


def arms_of(experiment: Experiment) -> list[Arm]:
    return [Arm(v.key, v.weight) for v in experiment.variants.order_by("key")]


def running(campaign: Campaign) -> Experiment | None:
    """The campaign's experiment when it decides who gets what (running, with two arms)."""
    experiment = Experiment.objects.filter(
        campaign=campaign, status=Experiment.Status.RUNNING
    ).first()
    if experiment is None or experiment.variants.count() < 2:
        return None
    return experiment


def arms_for(campaign: Campaign, person_ids: Iterable[int]) -> dict[int, str]:
    """Each person's arm for this campaign's running experiment ({} when there is none).

    People who got a delivery of this campaign before keep that arm (see the module doc)."""
    experiment = running(campaign)
    if experiment is None:
        return {}
    ids = list(person_ids)
    earlier: dict[int, str] = {}
    for start in range(0, len(ids), 500):
        rows = (
            Delivery.objects.filter(campaign=campaign, person_id__in=ids[start : start + 500])
            .exclude(variant="")
            .values_list("person_id", "variant")
        )
        earlier.update(rows)
    arms = arms_of(experiment)
    return {
        pid: earlier.get(pid) or assign(experiment.pk, pid, arms, experiment.holdout_percent)
        for pid in ids
    }


def variants_by_key(campaign: Campaign) -> dict[str, Variant]:
    experiment = running(campaign)
    if experiment is None:
        return {}
    return {v.key: v for v in experiment.variants.all()}


def messages_for(variant: Variant | None, messages: Sequence[Message]) -> list[Message]:
    """The campaign's messages a variant sends (a channel experiment picks channels)."""
    if variant is None or not variant.channels:
        return list(messages)
    return [m for m in messages if m.channel in variant.channels]


def message_for(delivery: Delivery) -> Message:
    """The message as the delivery's variant says it: the campaign's Message with the varied
    part replaced where the variant wrote it (an unsaved copy; the Message stays intact)."""
    message = delivery.message
    if not delivery.variant or delivery.variant == HOLDOUT_KEY:
        return message
    variant = Variant.objects.filter(
        experiment__campaign_id=delivery.campaign_id, key=delivery.variant
    ).first()
    if variant is None or not variant.texts:
        return message
    part = variant.experiment.varies
    if part not in MESSAGE_PARTS:
        return message
    texts = {lang: dict(parts) for lang, parts in message.texts.items()}
    for lang, text in variant.texts.items():
        if text and lang in texts:
            texts[lang][part] = text
    copy = Message(
        pk=message.pk,
        campaign=message.campaign,
        channel=message.channel,
        texts=texts,
        link=message.link,
        banner=message.banner,
    )
    return copy


# --- writes ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class VariantInput:
    name: str
    texts: dict[str, str]
    channels: list[str]
    delay_hours: int
    weight: float = 1.0


def _check(experiment: Experiment, variants: Sequence[VariantInput]) -> list[str]:
    problems: list[str] = []
    if not 2 <= len(variants) <= MAX_VARIANTS:
        problems.append(
            gettext("An experiment needs between 2 and %(n)d variants.") % {"n": MAX_VARIANTS}
        )
    if not 0 <= experiment.holdout_percent <= MAX_HOLDOUT_PERCENT:
        problems.append(
            gettext("The hold-out group must be between 0 and %(n)d%%.")
            % {"n": MAX_HOLDOUT_PERCENT}
        )
    if not 1 <= experiment.window_days <= 90:
        problems.append(gettext("The window must be between 1 and 90 days."))
    if experiment.bandit and not 0 < experiment.bandit_floor <= 1 / max(len(variants), 2):
        problems.append(gettext("The minimum share must be above 0 and at most one per variant."))
    if experiment.metric in (Experiment.Metric.ENROLLED, Experiment.Metric.COMPLETED_PATH) and (
        experiment.campaign.goal_path_id is None
    ):
        problems.append(gettext("This metric needs a campaign whose goal is a path."))
    if experiment.metric == Experiment.Metric.COMPLETED_STEP and (
        experiment.campaign.goal_step_uid is None
    ):
        problems.append(gettext("This metric needs a campaign whose goal is a step."))
    channels = set(experiment.campaign.messages.values_list("channel", flat=True))
    for index, variant in enumerate(variants):
        if variant.weight <= 0:
            problems.append(gettext("Every variant needs a weight above 0."))
        if index == 0:
            continue  # the control sends the campaign as written
        label = KEYS[index] if index < len(KEYS) else str(index)
        if experiment.varies in MESSAGE_PARTS and not any(
            t.strip() for t in variant.texts.values()
        ):
            problems.append(
                gettext("Variant %(key)s: write its text in at least one language.")
                % {"key": label}
            )
        if experiment.varies == Experiment.Varies.CHANNEL and (
            not variant.channels or not set(variant.channels) <= channels
        ):
            problems.append(
                gettext("Variant %(key)s: choose channels the campaign has a message for.")
                % {"key": label}
            )
    return problems


@transaction.atomic
def save_experiment(experiment: Experiment, variants: Sequence[VariantInput]) -> Experiment:
    """Create or replace a draft experiment and its variants (A = the first, the control)."""
    if (
        experiment.pk
        and Experiment.objects.filter(pk=experiment.pk, status=Experiment.Status.RUNNING).exists()
    ):
        raise ExperimentError([gettext("Stop the experiment before changing it.")])
    if experiment.pk and (
        Delivery.objects.filter(campaign_id=experiment.campaign_id).exclude(variant="").exists()
    ):
        # The results group people by variant key: new variants under old keys would
        # mix two texts in one arm.
        raise ExperimentError(
            [gettext("People have been assigned already: this experiment can no longer change.")]
        )
    problems = _check(experiment, variants)
    if problems:
        raise ExperimentError(problems)
    experiment.save()
    experiment.variants.all().delete()
    for index, given in enumerate(variants):
        Variant.objects.create(
            experiment=experiment,
            key=KEYS[index],
            name=given.name or KEYS[index],
            weight=given.weight,
            texts={lang: text.strip() for lang, text in given.texts.items() if text.strip()},
            channels=list(given.channels),
            delay_hours=given.delay_hours,
        )
    return experiment


@transaction.atomic
def start(experiment: Experiment) -> None:
    """Start assigning people; the campaign's next planning uses the variants."""
    if experiment.variants.count() < 2:
        raise ExperimentError([gettext("An experiment needs at least two variants.")])
    Experiment.objects.filter(pk=experiment.pk).update(
        status=Experiment.Status.RUNNING, started_at=experiment.started_at or timezone.now()
    )
    experiment.refresh_from_db()


@transaction.atomic
def stop(experiment: Experiment) -> None:
    """Stop assigning: later sends go out as the campaign's messages are written."""
    Experiment.objects.filter(pk=experiment.pk).update(status=Experiment.Status.STOPPED)
    experiment.refresh_from_db()
