"""Reads of the intake app: scores, capacity with its arithmetic, the portfolio plan,
the board and the counts of the workspace tile. Who may see a request is decided here."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from leerpad.core.access import Capability, can
from leerpad.intake import portfolio, quarters
from leerpad.intake.models import PLANNABLE, Capacity, Event, Project, Request, Weights

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

    from leerpad.core.access import AnyUser


def may_see(user: AnyUser, request: Request) -> bool:
    return bool(
        user.is_authenticated
        and (request.requester_id == user.pk or can(user, Capability.USE_WORKSPACE))
    )


def weighted_value(request: Request, weights: Weights) -> Decimal | None:
    """The weighted cost of delay: the WSJF numerator."""
    if request.value is None or request.urgency is None or request.risk is None:
        return None
    return (
        weights.value * request.value
        + weights.urgency * request.urgency
        + weights.risk * request.risk
    )


def wsjf(request: Request, weights: Weights) -> Decimal | None:
    value = weighted_value(request, weights)
    if value is None or not request.effort_days:
        return None
    return (value / request.effort_days).quantize(Decimal("0.01"))


@dataclass(frozen=True)
class ScoreParts:
    value: int
    urgency: int
    risk: int
    effort: Decimal
    weights: Weights
    numerator: Decimal
    score: Decimal


def score_parts(request: Request, weights: Weights | None = None) -> ScoreParts | None:
    weights = weights or Weights.current()
    numerator = weighted_value(request, weights)
    score = wsjf(request, weights)
    if (
        numerator is None
        or score is None
        or request.effort_days is None
        or request.value is None
        or request.urgency is None
        or request.risk is None
    ):
        return None
    return ScoreParts(
        request.value,
        request.urgency,
        request.risk,
        request.effort_days,
        weights,
        numerator,
        score,
    )


# --- capacity --------------------------------------------------------------------------


def remaining_effort(project: Project) -> Decimal:
    """What a running project still takes: its effort times the share of milestones
    still open (all of it while it has no milestones); nothing once it is done."""
    if project.status == Project.Status.DONE:
        return Decimal(0)
    milestones = list(project.milestones.all())
    if not milestones:
        return project.effort_days
    open_count = sum(1 for m in milestones if not m.done)
    return (project.effort_days * open_count / len(milestones)).quantize(Decimal("0.1"))


@dataclass(frozen=True)
class CapacityView:
    quarter: str
    capacity: Capacity | None
    gross: Decimal
    running: list[tuple[Project, Decimal]]
    running_days: Decimal
    free: Decimal


def _running(quarters: list[str]) -> dict[str, list[Project]]:
    """The active projects of these quarters, with their milestones, in two queries."""
    found: dict[str, list[Project]] = {q: [] for q in quarters}
    projects = (
        Project.objects.filter(quarter__in=quarters, status=Project.Status.ACTIVE)
        .select_related("request", "owner")
        .prefetch_related("milestones")
    )
    for project in projects:
        found[project.quarter].append(project)
    return found


def _capacity_view(
    quarter: str, capacity: Capacity | None, projects: list[Project]
) -> CapacityView:
    gross = capacity.gross_days if capacity else Decimal(0)
    running = [(p, remaining_effort(p)) for p in projects]
    running_days = sum((days for _p, days in running), Decimal(0))
    return CapacityView(
        quarter, capacity, gross, running, running_days, max(gross - running_days, Decimal(0))
    )


def capacity_for(quarter: str) -> CapacityView:
    capacity = Capacity.objects.filter(quarter=quarter).first()
    return _capacity_view(quarter, capacity, _running([quarter])[quarter])


def capacities() -> list[CapacityView]:
    """Every recorded quarter with its arithmetic (the capacity page), in three queries
    however many quarters there are."""
    recorded = list(Capacity.objects.order_by("quarter"))
    running = _running([c.quarter for c in recorded])
    return [_capacity_view(c.quarter, c, running[c.quarter]) for c in recorded]


def quarter_choices(today: dt.date | None = None) -> list[str]:
    """The current quarter, the next three and every quarter that has a capacity."""
    start = quarters.of(today or timezone.localdate())
    found = {quarters.following(start, n) for n in range(4)}
    found |= set(Capacity.objects.values_list("quarter", flat=True))
    return sorted(found)


# --- the plan --------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanRow:
    request: Request
    item: portfolio.Item
    explanation: portfolio.Explanation
    wsjf: Decimal | None
    in_greedy: bool


@dataclass(frozen=True)
class PlanView:
    quarter: str
    capacity: CapacityView
    plan: portfolio.Plan | None
    rows: list[PlanRow]


def plannable() -> QuerySet[Request]:
    return Request.objects.filter(
        status__in=PLANNABLE,
        value__isnull=False,
        urgency__isnull=False,
        risk__isnull=False,
        effort_days__isnull=False,
    ).select_related("requester", "sponsor")


def plan_for(quarter: str, *, explain: bool = True) -> PlanView:
    """The plan for `quarter` over the plannable requests; `explain=False` when only the
    chosen set is needed (see `portfolio.plan`)."""
    capacity = capacity_for(quarter)
    weights = Weights.current()
    requests = list(plannable().order_by("id"))
    items = []
    for r in requests:
        # `plannable` only returns fully scored requests.
        numerator = weighted_value(r, weights) or Decimal(0)
        items.append(portfolio.Item(r.pk, float(numerator), float(r.effort_days or 0)))
    if not requests:
        return PlanView(quarter, capacity, None, [])
    result = portfolio.plan(
        items,
        float(capacity.free),
        pinned_in=[r.pk for r in requests if r.pin == Request.Pin.IN],
        pinned_out=[r.pk for r in requests if r.pin == Request.Pin.OUT],
        explain=explain,
    )
    rows = [
        PlanRow(r, item, result.explanations[r.pk], wsjf(r, weights), r.pk in result.greedy.chosen)
        for r, item in zip(requests, items, strict=True)
    ]
    rows.sort(key=lambda row: (not row.explanation.chosen, -(row.wsjf or 0), row.request.pk))
    return PlanView(quarter, capacity, result, rows)


# --- board and lists -------------------------------------------------------------------

# Board columns: (key, label, statuses shown in it).
COLUMNS: tuple[tuple[str, _StrPromise, tuple[str, ...]], ...] = (
    ("new", _("New"), (Request.Status.NEW,)),
    ("scored", _("Scored"), (Request.Status.SCORED, Request.Status.REVIEW)),
    ("accepted", _("Accepted"), (Request.Status.ACCEPTED,)),
    ("parked", _("Parked"), (Request.Status.PARKED,)),
    ("declined", _("Declined"), (Request.Status.DECLINED,)),
    ("done", _("Done"), (Request.Status.DONE,)),
)
# Shown only through their list (the board has no column for them).
WITHDRAWN_COLUMN: tuple[str, _StrPromise, tuple[str, ...]] = (
    "withdrawn",
    _("Withdrawn"),
    (Request.Status.WITHDRAWN,),
)
CARDS_PER_COLUMN = 50


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    count: int
    cards: list[Request]

    @property
    def more(self) -> bool:
        """More requests than the column shows: it links to the whole list."""
        return self.count > len(self.cards)


def _filtered(quarter: str, sponsor: str) -> QuerySet[Request]:
    found = Request.objects.select_related("sponsor", "requester", "project")
    if quarter:
        found = found.filter(Q(project__quarter=quarter) | Q(project__isnull=True))
    if sponsor:
        terms = Q()
        for word in sponsor.split():
            terms &= (
                Q(sponsor__first_name__icontains=word)
                | Q(sponsor__last_name__icontains=word)
                | Q(sponsor_name__icontains=word)
            )
        found = found.filter(terms)
    return found


def board(*, quarter: str = "", sponsor: str = "") -> list[Column]:
    """The requests by status, the newest `CARDS_PER_COLUMN` of each column (with the
    column's full count). `quarter` keeps accepted/done requests of that quarter (open
    ones have no quarter yet and stay); `sponsor` matches a sponsor's name."""
    found = _filtered(quarter, sponsor)
    columns = []
    for key, label, statuses in COLUMNS:
        cards = found.filter(status__in=statuses).order_by("-created_at", "-id")
        columns.append(Column(key, str(label), cards.count(), list(cards[:CARDS_PER_COLUMN])))
    return columns


def column_label(key: str) -> str | None:
    for column_key, label, _statuses in (*COLUMNS, WITHDRAWN_COLUMN):
        if column_key == key:
            return str(label)
    return None


def column_requests(key: str, *, quarter: str = "", sponsor: str = "") -> QuerySet[Request]:
    """Every request of one board column (or of the withdrawn ones), newest first, with
    the board's filters: the list behind a column's "Show all"."""
    for column_key, _label, statuses in (*COLUMNS, WITHDRAWN_COLUMN):
        if column_key == key:
            return (
                _filtered(quarter, sponsor)
                .filter(status__in=statuses)
                .order_by("-created_at", "-id")
            )
    raise KeyError(key)


def withdrawn_count(*, quarter: str = "", sponsor: str = "") -> int:
    return column_requests("withdrawn", quarter=quarter, sponsor=sponsor).count()


def mine(person: AnyUser) -> QuerySet[Request]:
    return (
        Request.objects.filter(requester_id=person.pk)
        .select_related("project")
        .prefetch_related(Prefetch("events", queryset=Event.objects.select_related("by")))
        .order_by("-created_at", "-id")
    )


@dataclass(frozen=True)
class TileCounts:
    new: int
    unscored: int
    coming_back: int


def tile_counts(today: dt.date | None = None) -> TileCounts:
    today = today or timezone.localdate()
    counts = Request.objects.aggregate(
        new=Count("id", filter=Q(status=Request.Status.NEW)),
        unscored=Count(
            "id",
            filter=Q(status__in=[Request.Status.NEW, Request.Status.REVIEW], value__isnull=True),
        ),
        coming_back=Count(
            "id",
            filter=Q(
                status=Request.Status.PARKED,
                revisit_on__lte=today + dt.timedelta(days=14),
            ),
        ),
    )
    return TileCounts(counts["new"], counts["unscored"], counts["coming_back"])
