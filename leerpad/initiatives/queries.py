"""Reads for initiatives and plans, and who may change what (one place).

Everyone with the workspace (USE_WORKSPACE) sees every initiative and plan. An
initiative is changed by its owner and by portfolio managers (MANAGE_PORTFOLIO); its
members (the team working on it) also log consultations. Anyone with the workspace adds
SWOT cards, votes and pros/cons, and changes what they wrote themselves.

The stakeholder map, the consultation plan and its log are judgements about named
colleagues (influence, buy-in, what they said), and coaches have the workspace too: only
the initiative's own people see them (`may_see_stakeholders`). Everyone else with the
workspace gets counts without names (overview, brief).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from leerpad.accounts.models import Person
from leerpad.core.access import Capability, can
from leerpad.initiatives import planning
from leerpad.initiatives.models import (
    BUY_IN_RANK,
    AnnualPlan,
    BuyIn,
    Consultation,
    Initiative,
    PlanEntry,
    ProCon,
    Stakeholder,
    SwotCard,
)

if TYPE_CHECKING:
    from leerpad.core.access import AnyUser

ACTIVE = (Initiative.Status.IDEA, Initiative.Status.CONSULTING, Initiative.Status.RUNNING)


def may_edit(user: AnyUser, initiative: Initiative) -> bool:
    return user.is_authenticated and (
        initiative.owner_id == user.pk or can(user, Capability.MANAGE_PORTFOLIO)
    )


def may_see_stakeholders(user: AnyUser, initiative: Initiative) -> bool:
    """The initiative's owner, its members and portfolio managers: the people who need
    the stakeholder map, the consultation plan and the log to do the work."""
    if may_edit(user, initiative):
        return True
    return user.is_authenticated and initiative.members.filter(pk=user.pk).exists()


def may_log(user: AnyUser, initiative: Initiative) -> bool:
    """Owner, portfolio managers and the initiative's members record consultations."""
    return may_see_stakeholders(user, initiative)


def may_change_card(user: AnyUser, card: SwotCard | ProCon, initiative: Initiative) -> bool:
    return may_edit(user, initiative) or (
        user.is_authenticated and card.author_id is not None and card.author_id == user.pk
    )


def may_edit_plan(user: AnyUser, plan: AnnualPlan) -> bool:
    return user.is_authenticated and (
        plan.owner_id == user.pk or can(user, Capability.MANAGE_PORTFOLIO)
    )


# --- initiatives ------------------------------------------------------------------------


def initiatives(status: str = "") -> QuerySet[Initiative]:
    rows = Initiative.objects.select_related("owner").annotate(
        stakeholder_count=Count("stakeholders", distinct=True)
    )
    if status in Initiative.Status.values:
        rows = rows.filter(status=status)
    return rows.order_by("-updated_at", "-id")


def initiative(pk: int) -> Initiative:
    return Initiative.objects.select_related("owner", "path", "path__current", "campaign").get(
        pk=pk
    )


def stakeholders(initiative: Initiative) -> list[Stakeholder]:
    return list(
        initiative.stakeholders.select_related("person")
        .annotate(consulted=Count("consultations"))
        .order_by("position", "id")
    )


def is_open(stakeholder: Stakeholder) -> bool:
    """Silence is not consent: never consulted, or buy-in still unknown."""
    consulted: int | None = getattr(stakeholder, "consulted", None)  # from `stakeholders`
    if consulted is None:
        consulted = stakeholder.consultations.count()
    return consulted == 0 or stakeholder.buy_in == BuyIn.UNKNOWN


def suggested(rows: Sequence[Stakeholder]) -> list[Stakeholder]:
    by_pk = {s.pk: s for s in rows}
    order = planning.suggested_order(
        planning.Candidate(s.pk, s.influence, s.interest, BUY_IN_RANK[BuyIn(s.buy_in)])
        for s in rows
    )
    return [by_pk[pk] for pk in order]


def consultations(initiative: Initiative) -> QuerySet[Consultation]:
    return (
        Consultation.objects.filter(stakeholder__initiative=initiative)
        .select_related("stakeholder", "stakeholder__person", "author")
        .order_by("-held_on", "-id")
    )


# The drawn grid (stakeholders.html): cells of CELL px, interest 1-5 left to right,
# influence 1-5 bottom to top, after a margin for the axis labels.
CELL, LEFT, TOP = 60, 44, 8


# Places inside a cell, the centre first (clear of the quadrant labels at the top).
SPREAD = [(0, 0), (1, 0), (-1, 0), (0, 1), (1, 1), (-1, 1), (0, -1), (1, -1), (-1, -1)]


@dataclass(frozen=True)
class GridDot:
    stakeholder: Stakeholder
    number: int  # as in the table beside the grid
    cx: int
    cy: int


def grid(rows: Iterable[Stakeholder]) -> list[GridDot]:
    """Where each stakeholder goes on the influence x interest grid; people on the same
    cell are spread over a 3 x 3 pattern inside it (more than nine share the last place)."""
    seen: dict[tuple[int, int], int] = {}
    dots: list[GridDot] = []
    for number, s in enumerate(rows, start=1):
        cell = (s.interest, s.influence)
        n = min(seen.get(cell, 0), 8)
        seen[cell] = n + 1
        dx, dy = SPREAD[n]
        cx = LEFT + (s.interest - 1) * CELL + CELL // 2 + dx * 17
        cy = TOP + (5 - s.influence) * CELL + CELL // 2 + dy * 17
        dots.append(GridDot(s, number, cx, cy))
    return dots


def grid_quadrants() -> list[dict[str, object]]:
    """The four quadrants as rectangles: high is 3 and more (planning.HIGH)."""
    low = planning.HIGH - 1  # cells on the low side
    split_x = LEFT + low * CELL
    split_y = TOP + (5 - low) * CELL
    right, bottom = LEFT + 5 * CELL, TOP + 5 * CELL
    boxes = [
        (planning.Quadrant.KEEP_SATISFIED, LEFT, TOP, split_x, split_y),
        (planning.Quadrant.MANAGE_CLOSELY, split_x, TOP, right, split_y),
        (planning.Quadrant.MONITOR, LEFT, split_y, split_x, bottom),
        (planning.Quadrant.KEEP_INFORMED, split_x, split_y, right, bottom),
    ]
    return [
        {
            "code": q.value,
            "label": q.label,
            "x": x0,
            "y": y0,
            "w": x1 - x0,
            "h": y1 - y0,
            "tx": (x0 + x1) // 2,
            "ty": y0 + 14,
        }
        for q, x0, y0, x1, y1 in boxes
    ]


def buy_in_summary(rows: Iterable[Stakeholder]) -> list[tuple[str, str, int]]:
    """(code, label, count) per buy-in status, in the order of the scale."""
    counts: dict[str, int] = {}
    for s in rows:
        counts[s.buy_in] = counts.get(s.buy_in, 0) + 1
    return [(code, str(label), counts.get(code, 0)) for code, label in BuyIn.choices]


def swot_cards(initiative: Initiative, viewer: AnyUser) -> QuerySet[SwotCard]:
    return (
        initiative.swot_cards.select_related("author")
        .annotate(
            vote_count=Count("votes", distinct=True),
            voted=Count("votes", filter=Q(votes__person_id=viewer.pk), distinct=True),
        )
        .order_by("-vote_count", "created_at", "id")
    )


def swot_card(initiative: Initiative, pk: int, viewer: AnyUser) -> SwotCard:
    return swot_cards(initiative, viewer).get(pk=pk)


def top_cards(
    initiative: Initiative, viewer: AnyUser, per_quadrant: int = 3
) -> dict[str, list[SwotCard]]:
    board: dict[str, list[SwotCard]] = {q: [] for q in SwotCard.Quadrant.values}
    for card in swot_cards(initiative, viewer):
        if len(board[card.quadrant]) < per_quadrant:
            board[card.quadrant].append(card)
    return board


@dataclass(frozen=True)
class ProsCons:
    pros: list[ProCon]
    cons: list[ProCon]

    @property
    def pro_sum(self) -> int:
        return sum(p.weight for p in self.pros)

    @property
    def con_sum(self) -> int:
        return sum(c.weight for c in self.cons)


def pros_cons(initiative: Initiative) -> ProsCons:
    rows = list(initiative.pros_cons.select_related("author"))
    return ProsCons(
        [r for r in rows if r.side == ProCon.Side.PRO],
        [r for r in rows if r.side == ProCon.Side.CON],
    )


def open_consultations(initiatives: QuerySet[Initiative] | None = None) -> int:
    """Stakeholders of active initiatives never consulted or with unknown buy-in."""
    rows = Stakeholder.objects.filter(initiative__status__in=ACTIVE)
    if initiatives is not None:
        rows = rows.filter(initiative__in=initiatives)
    return (
        rows.annotate(consulted=Count("consultations"))
        .filter(Q(consulted=0) | Q(buy_in=BuyIn.UNKNOWN))
        .count()
    )


# --- annual plans -----------------------------------------------------------------------


def this_year() -> int:
    return timezone.localdate().year


def plans_of(year: int) -> dict[str, AnnualPlan | None]:
    entries = PlanEntry.objects.prefetch_related("job_roles", "locations").order_by(
        "start_month", "end_month", "id"
    )
    found = {
        plan.kind: plan
        for plan in AnnualPlan.objects.filter(year=year)
        .select_related("owner")
        .prefetch_related(Prefetch("entries", queryset=entries))
    }
    return {kind: found.get(kind) for kind in AnnualPlan.Kind.values}


def years() -> list[int]:
    return sorted(set(AnnualPlan.objects.values_list("year", flat=True)), reverse=True)


def span_of(entry: PlanEntry) -> planning.Span:
    """The entry for the overlap rule (uses prefetched job roles and locations)."""
    return planning.Span(
        key=entry.pk,
        start=entry.start_month,
        end=entry.end_month,
        job_roles=frozenset(r.pk for r in entry.job_roles.all()),
        locations=frozenset(loc.pk for loc in entry.locations.all()),
    )


def people_choices() -> QuerySet[Person]:
    return Person.objects.filter(is_active=True).order_by("first_name", "last_name")
