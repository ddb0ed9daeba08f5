"""Across campaigns: which channels and send times work for which locations and job roles.

The unit is a person in a cell: everyone who was delivered a campaign message in the
period (status sent, `sent_at` inside it) on that channel / in that time band / on that
weekday, from that location or job role. Location and job role are the ones the
message was planned under (`Delivery.location` / `Delivery.job_role`, copied from the
person by planning), not the person's current ones: someone who moved from Gent to Liège
after a campaign still counts for Gent. A person counts as clicked in a cell when any of
their messages there was clicked, and as having reached the goal when they reached the
goal of any campaign whose message they got there, inside that campaign's window
(`funnel.goal_reached`: the same definition as the funnel).

A person who moved during the period can have messages from two locations (or job roles)
in one column. They still count in one row of that column only, the row of their latest
message there, with all their messages of that column: the privacy rules below need
everyone in exactly one row of a column.

Send times are read in the recipient's own time zone (their preference, else the
company's): morning 9-12, midday 12-14, afternoon 14-18, anything else "other".

Privacy (leerpad.core.guard): a cell about fewer than k people shows nothing. Each
column also shows its total over all rows ("all locations"); since every person is in
exactly one row of a column, the total minus the shown cells would give a single hidden
cell away, so `guard.suppress` hides further cells in that column (complementary
suppression) until the hidden ones hold at least k people, and the total is shown only
when it is at least k. Rows have no totals: one person can be in several columns, so a
row total would not be a sum and could not be protected the same way.

Intervals: Wilson 95 percent per cell. The plain-language line names a best cell only
when its interval does not overlap any other shown cell's; otherwise it says there is no
clear difference. Small groups make wide intervals: most tables will honestly say that.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from django.conf import settings
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext, gettext_lazy, pgettext_lazy

from leerpad.analytics.stats import Interval, wilson
from leerpad.campaigns import funnel, respect
from leerpad.campaigns.models import Campaign, Delivery, Message
from leerpad.campaigns.results import PersonFacts
from leerpad.core import guard

PERIODS = (30, 90, 180, 365)
DEFAULT_DAYS = 90
NONE_KEY = "-"


class Compare(StrEnum):
    CHANNEL = "channel"
    TIME = "band"
    WEEKDAY = "weekday"


class By(StrEnum):
    LOCATION = "location"
    JOB_ROLE = "job_role"


COMPARE_LABELS = {
    Compare.CHANNEL: gettext_lazy("Channel"),
    Compare.TIME: gettext_lazy("Time of day"),
    Compare.WEEKDAY: gettext_lazy("Weekday"),
}
BY_LABELS = {By.LOCATION: gettext_lazy("Location"), By.JOB_ROLE: gettext_lazy("Job role")}

# (key, first hour, end hour) in the recipient's zone; the rest is "other".
BANDS = (("morning", 9, 12), ("midday", 12, 14), ("afternoon", 14, 18))
BAND_LABELS = {
    "morning": gettext_lazy("Morning (9-12)"),
    "midday": gettext_lazy("Midday (12-14)"),
    "afternoon": gettext_lazy("Afternoon (14-18)"),
    "other": gettext_lazy("Evening and other hours"),
}
WEEKDAY_LABELS = (
    pgettext_lazy("weekday", "Monday"),
    pgettext_lazy("weekday", "Tuesday"),
    pgettext_lazy("weekday", "Wednesday"),
    pgettext_lazy("weekday", "Thursday"),
    pgettext_lazy("weekday", "Friday"),
    pgettext_lazy("weekday", "Saturday"),
    pgettext_lazy("weekday", "Sunday"),
)


def band_of(local: dt.datetime) -> str:
    for key, start, end in BANDS:
        if start <= local.hour < end:
            return key
    return "other"


@dataclass(frozen=True)
class Touch:
    """One delivered message, reduced to what the report groups by."""

    person_id: int
    location: str
    job_role: str
    channel: str
    band: str
    weekday: str
    clicked: bool
    goal: bool

    def key(self, dimension: str) -> str:
        return str(getattr(self, dimension))


def touches(start: dt.datetime, end: dt.datetime) -> list[Touch]:
    """Every message delivered in [start, end), with its click and its campaign's goal, in
    the order they were sent."""
    rows = list(
        Delivery.objects.filter(status=Delivery.Status.SENT, sent_at__gte=start, sent_at__lt=end)
        .exclude(sent_at=None)
        # Send order: for a person with messages from two rows in one column, `table`
        # lets the latest decide the row.
        .order_by("sent_at", "pk")
        .values_list(
            "campaign_id",
            "person_id",
            "channel",
            "sent_at",
            "clicked_at",
            "location_id",
            "job_role_id",
            "person__campaign_preference__time_zone",
        )
    )
    by_campaign: dict[int, dict[int, PersonFacts]] = defaultdict(dict)
    for campaign_id, person_id, _ch, sent_at, clicked_at, *_rest in rows:
        if sent_at is None:
            continue
        facts = by_campaign[campaign_id].get(person_id)
        if facts is None:
            by_campaign[campaign_id][person_id] = PersonFacts("", sent_at, True, clicked_at)
        else:
            facts.start = min(facts.start, sent_at)
    reached: dict[int, set[int]] = {}
    campaigns = Campaign.objects.in_bulk(list(by_campaign))
    for campaign_id, people in by_campaign.items():
        campaign = campaigns[campaign_id]
        window = dt.timedelta(days=funnel.window_of(campaign))
        reached[campaign_id] = funnel.goal_reached(campaign, people, window)[1]
    found: list[Touch] = []
    for campaign_id, person_id, channel, sent_at, clicked_at, loc, role, zone_name in rows:
        if sent_at is None:
            continue
        local = sent_at.astimezone(respect.zone(zone_name or "", settings.TIME_ZONE))
        found.append(
            Touch(
                person_id=person_id,
                location=str(loc) if loc is not None else NONE_KEY,
                job_role=str(role) if role is not None else NONE_KEY,
                channel=channel,
                band=band_of(local),
                weekday=str(local.weekday()),
                clicked=clicked_at is not None,
                goal=person_id in reached[campaign_id],
            )
        )
    return found


@dataclass(frozen=True)
class CellFigures:
    people: int
    clicked: int
    goal: int

    @property
    def click_rate(self) -> Interval:
        return wilson(self.clicked, self.people)

    @property
    def goal_rate(self) -> Interval:
        return wilson(self.goal, self.people)


@dataclass(frozen=True)
class ShownCell:
    """A cell as the page may show it: figures, or withheld (`figures` None)."""

    figures: CellFigures | None
    # "": shown; "small": fewer than k people; "complement": hidden to protect another
    # cell of its column; "empty": nobody.
    withheld: str = ""


@dataclass(frozen=True)
class Table:
    compare: str
    by: str
    columns: tuple[tuple[str, str], ...]  # (key, label)
    rows: tuple[tuple[str, str, tuple[ShownCell, ...]], ...]  # (key, label, cells)
    totals: tuple[ShownCell, ...]
    k: int
    click_line: str
    goal_line: str
    people: int = 0
    messages: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.rows


def _column_labels(compare: str, keys: Iterable[str]) -> list[tuple[str, str]]:
    present = set(keys)
    if compare == Compare.CHANNEL:
        return [(str(v), str(label)) for v, label in Message.Channel.choices if v in present]
    if compare == Compare.TIME:
        order = [key for key, _s, _e in BANDS] + ["other"]
        return [(key, str(BAND_LABELS[key])) for key in order if key in present]
    return [(str(d), str(WEEKDAY_LABELS[d])) for d in range(7) if str(d) in present]


def _row_labels(by: str, keys: Iterable[str]) -> list[tuple[str, str]]:
    from leerpad.accounts.models import JobRole, Location

    model = Location if by == By.LOCATION else JobRole
    ids = [int(key) for key in keys if key != NONE_KEY]
    names = {str(pk): str(obj) for pk, obj in model.objects.in_bulk(ids).items()}
    labelled = sorted(
        ((key, names.get(key, key)) for key in keys if key != NONE_KEY), key=lambda r: r[1].lower()
    )
    if NONE_KEY in keys:
        none = gettext("No location") if by == By.LOCATION else gettext("No job role")
        labelled.append((NONE_KEY, none))
    return labelled


def _figures(found: Iterable[Touch]) -> CellFigures:
    people: set[int] = set()
    clicked: set[int] = set()
    goal: set[int] = set()
    for touch in found:
        people.add(touch.person_id)
        if touch.clicked:
            clicked.add(touch.person_id)
        if touch.goal:
            goal.add(touch.person_id)
    return CellFigures(len(people), len(clicked), len(goal))


def _best_line(cells: list[tuple[str, str, CellFigures]], metric: str, k: int) -> str:
    """The plain-language line: a best cell when its interval clears every other's."""
    candidates = [c for c in cells if c[2].people >= k]
    if len(candidates) < 2:
        return gettext("Too few groups of at least %(k)d people to compare.") % {"k": k}

    def rate(figures: CellFigures) -> Interval:
        return figures.click_rate if metric == "click" else figures.goal_rate

    ranked = sorted(candidates, key=lambda c: rate(c[2]).estimate, reverse=True)
    best, rest = ranked[0], ranked[1:]
    best_rate = rate(best[2])
    if rest and all(best_rate.low > rate(other[2]).high for other in rest):
        values = {
            "column": best[0],
            "row": best[1],
            "rate": number_format(round(best_rate.estimate * 100)),
            "people": best[2].people,
        }
        if metric == "click":
            return (
                gettext(
                    "%(column)s works best for %(row)s: %(rate)s percent clicked, "
                    "%(people)s people."
                )
                % values
            )
        return (
            gettext(
                "%(column)s works best for %(row)s: %(rate)s percent reached the goal, "
                "%(people)s people."
            )
            % values
        )
    if metric == "click":
        return gettext("No clear difference in clicks: the intervals overlap.")
    return gettext("No clear difference in goals reached: the intervals overlap.")


def table(found: list[Touch], compare: str, by: str, k: int | None = None) -> Table:
    """The table of `found` (in send order): one row per location or job role, one column
    per channel, time band or weekday."""
    size = guard.min_group_size() if k is None else k
    # One row per person and column, the row of their latest message there, so that the
    # rows of a column partition its people (what `guard.suppress` needs).
    row_of = {(t.person_id, t.key(compare)): t.key(by) for t in found}
    grouped: dict[tuple[str, str], list[Touch]] = defaultdict(list)
    per_column: dict[str, list[Touch]] = defaultdict(list)
    for touch in found:
        col = touch.key(compare)
        grouped[(row_of[(touch.person_id, col)], col)].append(touch)
        per_column[col].append(touch)
    columns = _column_labels(compare, per_column)
    rows = _row_labels(by, {row for row, _col in grouped})
    figures = {key: _figures(touches_) for key, touches_ in grouped.items()}
    shown: dict[tuple[str, str], ShownCell] = {}
    totals: list[ShownCell] = []
    for col, _label in columns:
        column_cells = {
            row: guard.Cell(figures[(row, col)].people if (row, col) in figures else 0, row)
            for row, _l in rows
        }
        total = _figures(per_column[col])
        decided = guard.suppress(column_cells, total.people, k=size)
        visible = {s.key for s in decided if s.kind == "cell"}
        for row, _l in rows:
            cell = figures.get((row, col))
            if cell is None or cell.people == 0:
                shown[(row, col)] = ShownCell(None, "empty")
            elif row in visible:
                shown[(row, col)] = ShownCell(cell)
            else:
                shown[(row, col)] = ShownCell(None, "small" if cell.people < size else "complement")
        has_total = any(s.kind == "total" for s in decided)
        totals.append(ShownCell(total) if has_total else ShownCell(None, "small"))
    shown_cells = [
        (col_label, row_label, shown_cell.figures)
        for row, row_label in rows
        for col, col_label in columns
        if (shown_cell := shown[(row, col)]).figures is not None
    ]
    return Table(
        compare=compare,
        by=by,
        columns=tuple(columns),
        rows=tuple(
            (row, label, tuple(shown[(row, col)] for col, _c in columns)) for row, label in rows
        ),
        totals=tuple(totals),
        k=size,
        click_line=_best_line(shown_cells, "click", size),
        goal_line=_best_line(shown_cells, "goal", size),
        people=len({t.person_id for t in found}),
        messages=len(found),
    )


def report(
    compare: str = Compare.CHANNEL,
    by: str = By.LOCATION,
    days: int = DEFAULT_DAYS,
    now: dt.datetime | None = None,
) -> Table:
    now = now or timezone.now()
    return table(touches(now - dt.timedelta(days=days), now), compare, by)
