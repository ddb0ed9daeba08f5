"""The figures of an initiative's brief: what its linked path and campaign achieved.

Cheap reads of the row store, no analytics query: the path's enrolments (paths'
`Enrolment`, which Leerpad's own enrolment and an xAPI `registered` statement both
create) and the campaign's deliveries. A visit is any statement of the person in the LRS
within VISIT_WINDOW after their first message was sent (as campaigns.results counts it).

Privacy: a brief is read by people who are not the learners' coaches, and it may be
printed and passed on. So figures about a group of fewer than k people
(core.guard.min_group_size) are not shown at all: the path's figures need at least k
enrolled, the campaign's at least k people who were sent a message.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Min

from leerpad.core.guard import min_group_size
from leerpad.initiatives.models import Initiative

VISIT_WINDOW = dt.timedelta(days=14)
BATCH = 500


@dataclass(frozen=True)
class PathFigures:
    title: str
    k: int
    enrolled: int | None = None  # None: fewer than k, nothing shown
    completed: int | None = None

    @property
    def shown(self) -> bool:
        return self.enrolled is not None

    @property
    def completion_rate(self) -> int | None:
        """Whole percent of the enrolled who completed."""
        if not self.enrolled or self.completed is None:
            return None
        return round(100 * self.completed / self.enrolled)


@dataclass(frozen=True)
class CampaignFigures:
    name: str
    k: int
    sent: int | None = None  # None: fewer than k, nothing shown
    clicked: int | None = None
    visited: int | None = None

    @property
    def shown(self) -> bool:
        return self.sent is not None


def path_figures(initiative: Initiative) -> PathFigures | None:
    from leerpad.paths.models import Enrolment

    path = initiative.path
    if path is None:
        return None
    k = min_group_size()
    rows = Enrolment.objects.filter(path=path)
    enrolled = rows.count()
    if enrolled < k:
        return PathFigures(str(path), k)
    completed = rows.filter(status=Enrolment.Status.COMPLETED).count()
    return PathFigures(str(path), k, enrolled, completed)


def _visited(first_sent: dict[int, dt.datetime]) -> int:
    """People with any statement within VISIT_WINDOW of their first message."""
    from leerpad.campaigns.results import PersonFacts, visited

    people = {pk: PersonFacts("", when) for pk, when in first_sent.items()}
    return len(visited(people, VISIT_WINDOW))


def campaign_figures(initiative: Initiative) -> CampaignFigures | None:
    from leerpad.campaigns.models import Delivery

    campaign = initiative.campaign
    if campaign is None:
        return None
    k = min_group_size()
    sent_rows = Delivery.objects.filter(campaign=campaign, status=Delivery.Status.SENT)
    first_sent = {
        pk: when
        for pk, when in sent_rows.values("person_id")
        .annotate(first=Min("sent_at"))
        .values_list("person_id", "first")
        if when is not None
    }
    if len(first_sent) < k:
        return CampaignFigures(campaign.name, k)
    clicked = (
        Delivery.objects.filter(campaign=campaign, clicked_at__isnull=False)
        .values("person_id")
        .distinct()
        .count()
    )
    return CampaignFigures(campaign.name, k, len(first_sent), clicked, _visited(first_sent))
