"""The narrative L&D writes around the figures: placeholders filled by a safe formatter.

L&D types plain text with placeholders such as `{active_learners}`; the report fills them
with the month's figures, already formatted for the report's language.

Why a `string.Formatter` subclass that allows only known names, and not a Django template:

- The text is written by people, not developers. A Django template would give them the
  whole template language: `{% include %}` and `{% load %}` reach other templates and tag
  libraries, `{% debug %}` dumps the context and settings-like data, filters run code, and a
  typo becomes a `TemplateSyntaxError` instead of a message naming the mistake. Even over a
  plain dict, the surface is far larger than "put this number here".
- Plain `str.format` is not safe either: `{x.__class__}` walks attributes, `{x[0]}` indexes,
  `{x!r}` converts, `{x:>999999999}` pads a string to a gigabyte. So `SafeFormatter` parses
  the text once with the standard parser and refuses anything but a bare known name: no
  attribute access, no index, no conversion, no format spec, no positional `{}` or `{0}`.
  The values are strings the report formatted itself, so a format spec is never needed.
- The result is plain text: pages escape it (autoescape, `linebreaks`), and the PDF prints
  it as text, so nothing L&D types becomes HTML.
"""

from __future__ import annotations

import string
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from leerpad.reports.figures import MonthFigures

# Every placeholder a template may use, with what it says (shown on the edit page).
PLACEHOLDERS: dict[str, str | Promise] = {
    "month": _("the month of the report, e.g. “October 2026”"),
    "active_learners": _("people with any learning activity in the month"),
    "new_learners": _("of them, people new to Leerpad that month"),
    "returning_learners": _("of them, people who had learned before"),
    "previous_active_learners": _("active learners the month before"),
    "change_active_pct": _("change in active learners against the month before, e.g. “+12%”"),
    "enrolments": _("new path enrolments in the month"),
    "completions": _("paths completed in the month"),
    "certificates": _("certificates issued in the month"),
    "top_path": _("the path most people were active in"),
    "top_item": _("the catalogue item most people used"),
    "skill_evidence": _("new pieces of skill evidence (completed paths, passed quizzes)"),
    "skill_people": _("people who showed a skill in the month"),
    "level_ups": _("people who reached a higher level in a skill than ever before"),
    "campaign_visitors": _("people who arrived through a campaign"),
    "campaign_enrolled": _("of them, people who enrolled in a path within 14 days"),
    "campaign_completed": _("of them, people who completed an activity within 14 days"),
    "k": _("the smallest group a figure may describe"),
}

# The parts of a report template, in the order the report shows them.
SECTIONS = ("title", "intro", "adoption", "completions", "skills", "campaigns", "closing")


class PlaceholderError(ValueError):
    """A template uses something other than known `{name}` placeholders."""

    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = list(problems)


class SafeFormatter(string.Formatter):
    """`str.format` restricted to bare, known names (see the module docstring)."""

    def __init__(self, known: Iterable[str]) -> None:
        super().__init__()
        self.known = frozenset(known)

    def problems(self, text: str) -> list[str]:
        """What is wrong with the placeholders of `text` (empty when it is fine)."""
        found: list[str] = []
        try:
            parsed = list(self.parse(text))
        except ValueError:
            return [str(_("A “{” or “}” is not closed. Write {{ or }} for a brace itself."))]
        for _literal, name, spec, conversion in parsed:
            if name is None:
                continue
            shown = "{" + name + ("!" + conversion if conversion else "")
            shown += (":" + spec if spec else "") + "}"
            if name == "" or name.isdigit():
                found.append(str(_("%(field)s: use a name, such as {month}.") % {"field": shown}))
            elif conversion or spec:
                found.append(str(_("%(field)s: write just the name in braces.") % {"field": shown}))
            elif name not in self.known:
                found.append(str(_("Unknown placeholder %(field)s.") % {"field": shown}))
        return found

    def check(self, text: str) -> None:
        problems = self.problems(text)
        if problems:
            raise PlaceholderError(problems)

    def fill(self, text: str, values: Mapping[str, str]) -> str:
        """`text` with its placeholders replaced; raises PlaceholderError on anything else."""
        self.check(text)
        return self.vformat(text, (), dict(values))

    # The overrides below refuse what `check` refuses, so that no path around `check`
    # (a subclass, a caller of `format`) can walk attributes or items.
    def get_field(self, field_name: str, args: Sequence[Any], kwargs: Mapping[str, Any]) -> Any:
        if field_name not in self.known:
            message = _("Unknown placeholder {%(name)s}.") % {"name": field_name}
            raise PlaceholderError([str(message)])
        return kwargs.get(field_name, ""), field_name

    def convert_field(self, value: Any, conversion: str | None) -> Any:
        if conversion:
            raise PlaceholderError([str(_("Conversions such as !r are not allowed."))])
        return value

    def format_field(self, value: Any, format_spec: str) -> str:
        if format_spec:
            raise PlaceholderError([str(_("Format options after “:” are not allowed."))])
        return str(value)


formatter = SafeFormatter(PLACEHOLDERS)


def known_list() -> str:
    """The known placeholders, as L&D would type them (for error messages)."""
    return ", ".join("{" + name + "}" for name in PLACEHOLDERS)


def render_sections(texts: Mapping[str, str], values: Mapping[str, str]) -> dict[str, str]:
    """Every section of a template filled with the values (plain text)."""
    return {name: formatter.fill(texts.get(name, ""), values) for name in SECTIONS}


def values_for(figures: MonthFigures) -> dict[str, str]:
    """The placeholders' values for a month, as text in the active language.

    A figure withheld by the k rule reads "fewer than 5" (with this installation's k), so a
    sentence stays true whatever the month's numbers are.
    """
    from django.utils import formats

    k = figures.k
    fewer = str(_("fewer than %(k)s") % {"k": k})

    def n(value: int | None) -> str:
        return fewer if value is None else str(formats.number_format(value, force_grouping=True))

    a, p, s, c = figures.adoption, figures.paths, figures.skills, figures.campaigns
    if a.change_pct is None:
        change = str(_("no comparison possible"))
    else:
        change = ("+" if a.change_pct > 0 else "") + str(formats.number_format(round(a.change_pct)))
        change += "%"
    no_path = str(_("no path with at least %(k)s people") % {"k": k})
    no_item = str(_("no item with at least %(k)s people") % {"k": k})
    return {
        "month": str(formats.date_format(figures.month, "YEAR_MONTH_FORMAT")),
        "active_learners": n(a.active),
        "new_learners": n(a.new),
        "returning_learners": n(a.returning),
        "previous_active_learners": n(a.previous_active),
        "change_active_pct": change,
        "enrolments": n(p.enrolments),
        "completions": n(p.completions),
        "certificates": n(p.certificates),
        "top_path": p.top_path or no_path,
        "top_item": figures.top_items[0].label if figures.top_items else no_item,
        "skill_evidence": n(s.evidence),
        "skill_people": n(s.people),
        "level_ups": n(s.level_ups),
        "campaign_visitors": n(c.visitors),
        "campaign_enrolled": n(c.enrolled),
        "campaign_completed": n(c.completed),
        "k": str(k),
    }
