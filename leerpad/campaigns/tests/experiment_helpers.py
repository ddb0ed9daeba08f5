"""Helpers for the experiment tests: a campaign with an A/B test of its hook."""

from __future__ import annotations

import datetime as dt
from typing import Any

from leerpad.accounts.models import Person
from leerpad.campaigns import experiments
from leerpad.campaigns.models import HOLDOUT_KEY, Campaign, Delivery, Experiment, Message
from leerpad.campaigns.tests.campaign_helpers import TUESDAY, campaign

B_HOOK = {"nl": "Nieuw: {first_name}, kijk even", "en": "New: {first_name}, have a look"}


def experiment(
    made: Campaign | None = None,
    *,
    holdout: int = 0,
    start: bool = True,
    variants: list[experiments.VariantInput] | None = None,
    **fields: Any,
) -> Experiment:
    made = made or campaign((Message.Channel.EMAIL,))
    fields.setdefault("varies", Experiment.Varies.HOOK)
    found = experiments.save_experiment(
        Experiment(campaign=made, holdout_percent=holdout, **fields),
        variants
        or [
            experiments.VariantInput("Control", {}, [], 0),
            experiments.VariantInput("Curious", dict(B_HOOK), [], 0),
        ],
    )
    if start:
        experiments.start(found)
    return found


def assign_people(exp: Experiment, people: list[Person], arm: str, **fields: Any) -> None:
    """Deliveries of the campaign to `people` in `arm`, sent (or held out) on TUESDAY."""
    message = exp.campaign.messages.first()
    assert message is not None
    holdout = arm == HOLDOUT_KEY
    for person in people:
        Delivery.objects.create(
            campaign=exp.campaign,
            message=message,
            person=person,
            channel=message.channel,
            occurrence="once",
            status=Delivery.Status.SKIPPED if holdout else Delivery.Status.SENT,
            reason=Delivery.Reason.HOLDOUT if holdout else "",
            scheduled_for=TUESDAY,
            sent_at=None if holdout else TUESDAY + dt.timedelta(hours=1),
            variant=arm,
            **fields,
        )
