"""The figures of one month for the impact report, every figure about people through the k rule.

Sources:
- adoption: the analytics store (events). Weekly active learners come from the adoption
  question (`analytics.questions.adoption.active_learners`); the month's own totals (active,
  new, returning: distinct people over the whole month, which weekly counts cannot be
  added up to) from `MONTH_TEMPLATE` below.
- paths: enrolments, completed enrolments and certificates (leerpad.paths models).
- skills: new `SkillEvidence` in the month, and people who reached a higher level in a skill
  than any evidence showed before the month.
- top items and top path: the analytics store, people per catalogue item / path.
- campaign effects: visits recorded with `arrival = 'campaign'`, and what those people did
  within 14 days of their first campaign visit of the month (enrolled in a path, completed
  an activity).

Months are cut in UTC, like the analytics store's weeks and months, so the figures from the
store and from the database describe the same days.

Privacy (leerpad.core.guard): a count of people is shown only when it is at least k; a
part of a group ("new" among active, "enrolled" among campaign visitors) only when the part
and the rest both pass (`guard_subgroup`); breakdowns (paths, skills, items, campaigns)
through `suppress`, so small rows merge into "other" or disappear. A withheld figure is
None, never a zero.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import asdict, dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Count, Max

from leerpad.analytics import query
from leerpad.analytics.filters import Scope
from leerpad.analytics.questions import adoption
from leerpad.core.guard import Cell, guard_subgroup, min_group_size, suppress

CAMPAIGN_WINDOW_DAYS = 14
TOP = 5
COMPLETED = "http://adlnet.gov/expapi/verbs/completed"
PASSED = "http://adlnet.gov/expapi/verbs/passed"
MASTERED = "http://adlnet.gov/expapi/verbs/mastered"
ATTENDED = "http://adlnet.gov/expapi/verbs/attended"
FAILED = "http://adlnet.gov/expapi/verbs/failed"
REGISTERED = "http://adlnet.gov/expapi/verbs/registered"


# --- the figures (frozen into a report's JSON) ------------------------------------------------


@dataclass(frozen=True)
class Week:
    monday: dt.date
    active: int | None  # None: fewer than k people that week (or no activity)


@dataclass(frozen=True)
class Adoption:
    active: int | None
    new: int | None
    returning: int | None
    previous_active: int | None
    change_pct: float | None  # against the previous month; None when either is withheld
    weeks: list[Week] = field(default_factory=list)


@dataclass(frozen=True)
class Line:
    """One row of a ranking or breakdown: a named thing and how many people."""

    label: str
    people: int
    url: str = ""
    other: bool = False  # small rows merged into one


@dataclass(frozen=True)
class Paths:
    enrolments: int | None
    completions: int | None
    certificates: int | None
    top_path: str | None
    completed_by_path: list[Line] = field(default_factory=list)


@dataclass(frozen=True)
class Skills:
    evidence: int | None  # new pieces of evidence
    people: int | None  # people with new evidence
    level_ups: int | None  # people who reached a higher level than ever before
    top: list[Line] = field(default_factory=list)


@dataclass(frozen=True)
class Campaigns:
    has_data: bool  # any campaign visit in the month at all (even under k)
    visitors: int | None
    enrolled: int | None
    completed: int | None
    window_days: int = CAMPAIGN_WINDOW_DAYS
    by_campaign: list[Line] = field(default_factory=list)


@dataclass(frozen=True)
class MonthFigures:
    month: dt.date  # the first day
    language: str  # of the titles and names below
    k: int
    adoption: Adoption
    paths: Paths
    skills: Skills
    top_items: list[Line]
    campaigns: Campaigns

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["month"] = self.month.isoformat()
        data["adoption"]["weeks"] = [
            {"monday": w.monday.isoformat(), "active": w.active} for w in self.adoption.weeks
        ]
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> MonthFigures:
        def lines(rows: list[dict[str, Any]]) -> list[Line]:
            return [Line(**row) for row in rows]

        a, p, s, c = data["adoption"], data["paths"], data["skills"], data["campaigns"]
        return cls(
            month=dt.date.fromisoformat(data["month"]),
            language=data["language"],
            k=int(data["k"]),
            adoption=Adoption(
                **{key: a[key] for key in a if key != "weeks"},
                weeks=[Week(dt.date.fromisoformat(w["monday"]), w["active"]) for w in a["weeks"]],
            ),
            paths=Paths(
                **{key: p[key] for key in p if key != "completed_by_path"},
                completed_by_path=lines(p["completed_by_path"]),
            ),
            skills=Skills(**{key: s[key] for key in s if key != "top"}, top=lines(s["top"])),
            top_items=lines(data["top_items"]),
            campaigns=Campaigns(
                **{key: c[key] for key in c if key != "by_campaign"},
                by_campaign=lines(c["by_campaign"]),
            ),
        )


# --- months ----------------------------------------------------------------------------------


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def next_month(month: dt.date) -> dt.date:
    return (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def previous_month(month: dt.date) -> dt.date:
    return (month.replace(day=1) - dt.timedelta(days=1)).replace(day=1)


def bounds(month: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[start, end) of the month, in UTC (see the module docstring)."""
    start = dt.datetime.combine(month_start(month), dt.time.min, tzinfo=dt.UTC)
    end = dt.datetime.combine(next_month(month), dt.time.min, tzinfo=dt.UTC)
    return start, end


def scope_of(month: dt.date) -> Scope:
    start, end = bounds(month)
    return Scope(start=start, end=end)


# --- the k rule --------------------------------------------------------------------------------


def _people(n: int) -> int | None:
    """A count of people, or None when it would describe fewer than k of them."""
    return n if n >= min_group_size() else None


def _part(part: int, whole: int) -> int | None:
    """A part of a shown group: only when the part and the rest are both safe to show."""
    if whole < min_group_size():
        return None
    return part if guard_subgroup(part, whole).allowed else None


def _ranking(cells: dict[str, Cell[str]], urls: dict[str, str] | None = None) -> list[Line]:
    """Rows of an overlapping breakdown (a person may be in several): no total is shown, so
    rows under k merge into one "other" row when they reach k together, else disappear."""
    shown = suppress(cells, None, merge=lambda merged: "")
    lines = []
    for row in shown:
        if row.kind == "cell" and row.key is not None and row.people is not None:
            lines.append(Line(str(row.value), row.people, (urls or {}).get(row.key, "")))
        elif row.kind == "other" and row.people is not None:
            lines.append(Line("", row.people, other=True))
    named = sorted((line for line in lines if not line.other), key=lambda x: (-x.people, x.label))
    return named[:TOP] + [line for line in lines if line.other]


# --- adoption ----------------------------------------------------------------------------------

MONTH_TEMPLATE = """
WITH firsts AS (
    SELECT actor_key, MIN(timestamp) AS first_seen
    FROM events WHERE actor_key IS NOT NULL GROUP BY actor_key
)
SELECT COUNT(DISTINCT e.actor_key) AS active,
       COUNT(DISTINCT CASE WHEN f.first_seen >= @p(start, timestamp)
                           THEN e.actor_key END) AS new
FROM events e
LEFT JOIN people p ON p.person_id = e.person_id
JOIN firsts f ON f.actor_key = e.actor_key
WHERE e.actor_key IS NOT NULL AND {where}
@settings()
"""


def month_active(scope: Scope) -> tuple[int, int]:
    """(active, new) distinct people in the scope; raw counts, for the guard to judge."""
    rows = query.run(MONTH_TEMPLATE.format(where=scope.where("e", "p")), scope.params())
    if not rows:
        return 0, 0
    return int(rows[0]["active"] or 0), int(rows[0]["new"] or 0)


def adoption_figures(month: dt.date) -> Adoption:
    scope = scope_of(month)
    active, new = month_active(scope)
    before, _new_before = month_active(scope_of(previous_month(month)))
    shown, previous = _people(active), _people(before)
    split = _part(new, active) is not None and _part(active - new, active) is not None
    change = None
    if shown is not None and previous:
        change = round(100 * (shown - previous) / previous, 1)
    weeks: dict[dt.date, int | None] = {}
    for row in adoption.active_learners(scope):
        if row.group is None and not row.other:
            weeks[row.week] = row.active
    monday = month - dt.timedelta(days=month.weekday())
    series = []
    while monday < next_month(month):
        series.append(Week(monday, weeks.get(monday)))
        monday += dt.timedelta(weeks=1)
    return Adoption(
        active=shown,
        new=new if split and shown is not None else None,
        returning=active - new if split and shown is not None else None,
        previous_active=previous,
        change_pct=change,
        weeks=series,
    )


# --- paths -------------------------------------------------------------------------------------


def _path_title(key: str, language: str) -> str:
    from leerpad.paths.models import Path

    path = Path.objects.filter(key=key).select_related("current").first()
    if path is None:
        return key
    return path.current.title(language) if path.current else key


def path_figures(month: dt.date, language: str) -> Paths:
    from leerpad.paths.models import Certificate, Enrolment

    start, end = bounds(month)
    enrolled = Enrolment.objects.filter(enrolled_at__gte=start, enrolled_at__lt=end)
    completed = Enrolment.objects.filter(
        status=Enrolment.Status.COMPLETED, completed_at__gte=start, completed_at__lt=end
    )
    certificates = Certificate.objects.filter(
        issued_at__gte=start, issued_at__lt=end, revoked_at__isnull=True
    )

    def guarded(rows: Any, person: str) -> int | None:
        # Shown only when at least k different people are behind the count.
        people = rows.values(person).distinct().count()
        return rows.count() if _people(people) is not None else None

    completions = guarded(completed, "person_id")
    # One enrolment per person and path: per path, completions are people. The total shown
    # is the sum of the rows, so `suppress` also hides rows whose difference would tell.
    per_path = {
        row["path__key"]: row["n"]
        for row in completed.values("path__key").annotate(n=Count("id")).order_by("path__key")
    }
    by_path: list[Line] = []
    if completions is not None:
        cells = {key: Cell(n, key) for key, n in per_path.items()}
        for line in suppress(cells, sum(per_path.values()), merge=lambda merged: ""):
            if line.kind == "cell" and line.key is not None and line.people is not None:
                by_path.append(Line(_path_title(line.key, language), line.people))
            elif line.kind == "other" and line.people is not None:
                by_path.append(Line("", line.people, other=True))
    return Paths(
        enrolments=guarded(enrolled, "person_id"),
        completions=completions,
        certificates=guarded(certificates, "enrolment__person_id"),
        top_path=top_path(month, language),
        completed_by_path=by_path,
    )


TOP_PATHS_TEMPLATE = """
SELECT e.path_key AS path_key, COUNT(DISTINCT e.actor_key) AS people
FROM events e LEFT JOIN people p ON p.person_id = e.person_id
WHERE e.actor_key IS NOT NULL AND e.path_key IS NOT NULL AND {where}
GROUP BY e.path_key
HAVING COUNT(DISTINCT e.actor_key) >= @p(k, int)
ORDER BY people DESC, path_key
LIMIT 1
@settings()
"""


def top_path(month: dt.date, language: str) -> str | None:
    """The path the most people were active in (at least k of them), by title."""
    scope = scope_of(month)
    rows = query.run(
        TOP_PATHS_TEMPLATE.format(where=scope.where("e", "p")),
        {**scope.params(), "k": min_group_size()},
    )
    return _path_title(str(rows[0]["path_key"]), language) if rows else None


# --- skills ------------------------------------------------------------------------------------


def skill_figures(month: dt.date, language: str) -> Skills:
    from leerpad.skills.models import Skill, SkillEvidence

    start, end = bounds(month)
    new = SkillEvidence.objects.filter(achieved_at__gte=start, achieved_at__lt=end)
    people = _people(new.values("person_id").distinct().count())
    # The highest level each person showed per skill this month, against before it.
    this_month = {
        (row["person_id"], row["skill_id"]): row["top"]
        for row in new.values("person_id", "skill_id").annotate(top=Max("level"))
    }
    before = {
        (row["person_id"], row["skill_id"]): row["top"]
        for row in SkillEvidence.objects.filter(
            achieved_at__lt=start,
            person_id__in={p for p, _ in this_month},
            skill_id__in={s for _, s in this_month},
        )
        .values("person_id", "skill_id")
        .annotate(top=Max("level"))
    }
    raised = {p for (p, s), level in this_month.items() if level > before.get((p, s), 0)}
    per_skill: dict[int, int] = {}
    for _person, skill in this_month:
        per_skill[skill] = per_skill.get(skill, 0) + 1
    names = {skill.pk: skill.name(language) for skill in Skill.objects.filter(pk__in=per_skill)}
    cells = {str(pk): Cell(n, names.get(pk, str(pk))) for pk, n in per_skill.items()}
    return Skills(
        evidence=new.count() if people is not None else None,
        people=people,
        level_ups=_people(len(raised)),
        top=_ranking(cells) if people is not None else [],
    )


# --- top items ---------------------------------------------------------------------------------

TOP_ITEMS_TEMPLATE = """
SELECT e.object_iri AS iri, COUNT(DISTINCT e.actor_key) AS people
FROM events e LEFT JOIN people p ON p.person_id = e.person_id
WHERE e.actor_key IS NOT NULL AND e.object_iri LIKE @p(prefix, text) AND {where}
GROUP BY e.object_iri
HAVING COUNT(DISTINCT e.actor_key) >= @p(k, int)
ORDER BY people DESC, iri
LIMIT 50
@settings()
"""


def top_items(month: dt.date, language: str) -> list[Line]:
    """Catalogue items used by the most people (each by at least k people)."""
    from leerpad.catalog.models import ContentItem
    from leerpad.core.links import absolute_url

    scope = scope_of(month)
    base = absolute_url("/catalogue/")
    rows = query.run(
        TOP_ITEMS_TEMPLATE.format(where=scope.where("e", "p")),
        {**scope.params(), "prefix": base + "%", "k": min_group_size()},
    )
    # An item's activity id is its page, /catalogue/<id>/; other addresses under it are not.
    page = re.compile(re.escape(base) + r"(\d+)/$")
    counts: dict[int, int] = {}
    for row in rows:
        found = page.match(str(row["iri"]))
        if found:
            counts[int(found.group(1))] = int(row["people"])
    items = ContentItem.objects.filter(pk__in=counts).prefetch_related("translations")
    lines = [
        Line(item.title(language), counts[item.pk], item.get_absolute_url())
        for item in items
        if _people(counts[item.pk]) is not None
    ]
    return sorted(lines, key=lambda x: (-x.people, x.label))[:TOP]


# --- campaigns ---------------------------------------------------------------------------------

CAMPAIGN_TEMPLATE = """
WITH arrivals AS (
    SELECT e.actor_key, MIN(e.timestamp) AS first_visit
    FROM events e LEFT JOIN people p ON p.person_id = e.person_id
    WHERE e.actor_key IS NOT NULL AND e.arrival = @p(arrival, text) AND {where}
    GROUP BY e.actor_key
),
followed AS (
    SELECT a.actor_key,
           MAX(CASE WHEN n.timestamp >= a.first_visit
                     AND n.timestamp < @add_days(a.first_visit, {window})
                     AND n.verb = @p(registered, text)
                     AND n.path_key IS NOT NULL AND n.step_uid IS NULL
                    THEN 1 ELSE 0 END) AS enrolled,
           MAX(CASE WHEN n.timestamp >= a.first_visit
                     AND n.timestamp < @add_days(a.first_visit, {window})
                     AND n.verb <> @p(failed, text)
                     AND (n.verb IN (@p(completed, text), @p(passed, text),
                                     @p(mastered, text), @p(attended, text))
                          OR n.result_completion = true)
                    THEN 1 ELSE 0 END) AS completed
    FROM arrivals a
    LEFT JOIN events n ON n.actor_key = a.actor_key
    GROUP BY a.actor_key
)
SELECT COUNT(*) AS visitors, SUM(enrolled) AS enrolled, SUM(completed) AS completed
FROM followed
@settings()
"""

CAMPAIGN_BY_KEY_TEMPLATE = """
SELECT e.campaign AS campaign, COUNT(DISTINCT e.actor_key) AS people
FROM events e LEFT JOIN people p ON p.person_id = e.person_id
WHERE e.actor_key IS NOT NULL AND e.arrival = @p(arrival, text)
  AND e.campaign IS NOT NULL AND {where}
GROUP BY e.campaign
ORDER BY e.campaign
@settings()
"""


def campaign_figures(month: dt.date) -> Campaigns:
    scope = scope_of(month)
    where = scope.where("e", "p")
    params = {
        **scope.params(),
        "arrival": "campaign",
        "registered": REGISTERED,
        "failed": FAILED,
        "completed": COMPLETED,
        "passed": PASSED,
        "mastered": MASTERED,
        "attended": ATTENDED,
    }
    # The window is this module's constant, not a parameter: macros do not nest `@p`.
    sql = CAMPAIGN_TEMPLATE.format(where=where, window=int(CAMPAIGN_WINDOW_DAYS))
    rows = query.run(sql, params)
    row = rows[0] if rows else {}
    visitors = int(row.get("visitors") or 0)
    enrolled, completed = int(row.get("enrolled") or 0), int(row.get("completed") or 0)
    by_key = query.run(
        CAMPAIGN_BY_KEY_TEMPLATE.format(where=where),
        {**scope.params(), "arrival": "campaign"},
    )
    cells = {str(r["campaign"]): Cell(int(r["people"]), str(r["campaign"])) for r in by_key}
    shown = _people(visitors)
    return Campaigns(
        has_data=visitors > 0,
        visitors=shown,
        enrolled=_part(enrolled, visitors) if shown is not None else None,
        completed=_part(completed, visitors) if shown is not None else None,
        by_campaign=_ranking(cells) if shown is not None else [],
    )


# --- all of it -----------------------------------------------------------------------------------


def month_figures(month: dt.date, language: str | None = None) -> MonthFigures:
    """Every figure of the report for `month` (any day of it), names in `language`."""
    month = month_start(month)
    lang = (language or settings.LANGUAGE_CODE)[:2]
    return MonthFigures(
        month=month,
        language=lang,
        k=min_group_size(),
        adoption=adoption_figures(month),
        paths=path_figures(month, lang),
        skills=skill_figures(month, lang),
        top_items=top_items(month, lang),
        campaigns=campaign_figures(month),
    )
