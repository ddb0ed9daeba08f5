"""Facet counts from the index, dressed with the names people read."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from leerpad.accounts.models import Language, Location
from leerpad.catalog.models import Kind, Level
from leerpad.search.analysis import fold
from leerpad.skills.models import Skill

TITLES = {
    "kind": _("Type"),
    "languages": _("Language"),
    "level": _("Level"),
    "duration": _("Duration"),
    "skills": _("Skill"),
    "locations": _("Location"),
}
DURATION_LABELS = {
    "short": _("Under 10 minutes"),
    "medium": _("10 to 30 minutes"),
    "long": _("30 minutes to 2 hours"),
    "day": _("2 hours or more"),
}


@dataclass
class Option:
    value: str
    label: str
    count: int
    chosen: bool


@dataclass
class Facet:
    name: str
    title: str
    options: list[Option]


def _labels(name: str, values: list[str]) -> dict[str, str]:
    if name == "kind":
        return {k.value: str(k.label) for k in Kind}
    if name == "level":
        return {k.value: str(k.label) for k in Level}
    if name == "languages":
        return {k.value: str(k.label) for k in Language}
    if name == "duration":
        return {k: str(v) for k, v in DURATION_LABELS.items()}
    ids = [int(v) for v in values if v.isdigit()]
    if name == "skills":
        return {str(s.pk): s.name() for s in Skill.objects.filter(pk__in=ids)}
    if name == "locations":
        return {str(loc.pk): loc.name for loc in Location.objects.filter(pk__in=ids)}
    return {}


def dress(counts: dict[str, dict[str, int]], chosen: dict[str, list[str]]) -> list[Facet]:
    facets = []
    for name, title in TITLES.items():
        values = counts.get(name, {})
        picked = set(chosen.get(name, []))
        keys = list(values) + [v for v in picked if v not in values]
        labels = _labels(name, keys)
        options = [
            Option(v, labels.get(v, v), values.get(v, 0), v in picked) for v in keys if v in labels
        ]
        if name == "duration":
            order = list(DURATION_LABELS)
            options.sort(key=lambda o: order.index(o.value) if o.value in order else 99)
        else:
            options.sort(key=lambda o: (-o.count, o.label))
        if options:
            facets.append(Facet(name, str(title), options))
    return facets


def related_skills(query: str, limit: int = 6) -> list[Skill]:
    """Skills whose name shares a word with the query: a way on when nothing matched."""
    wanted = {fold(w) for w in query.split() if len(w) >= 3}
    found = []
    for skill in Skill.objects.all():
        names = " ".join(skill.names.values())
        words = {fold(w) for w in names.split()}
        if any(w.startswith(q[:4]) for q in wanted for w in words):
            found.append(skill)
    return found[:limit]
