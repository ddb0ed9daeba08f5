"""Writes of the reports app: typed functions, one transaction each.

Generating a report freezes it: the figures (JSON), the narrative as filled in, and the
page as rendered are stored, and everything that shows the report later (page, PDF) reads
only those. Regenerating replaces the snapshot and takes the report back to draft, so a
changed report is looked at again before it is shared.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from leerpad.accounts.models import Person
from leerpad.analytics import charts
from leerpad.reports import figures as figs
from leerpad.reports.defaults import DEFAULTS
from leerpad.reports.models import LANGUAGES, MonthlyReport, ReportTemplate
from leerpad.reports.narrative import SECTIONS, render_sections, values_for

LANGUAGE_CODES = tuple(code for code, _name in LANGUAGES)


class ReportError(Exception):
    """A request the rules refuse; the message is shown to the person."""


def _language(language: str | None) -> str:
    code = (language or settings.LANGUAGE_CODE)[:2]
    return code if code in LANGUAGE_CODES else "en"


@transaction.atomic
def template_for(language: str | None) -> ReportTemplate:
    """The narrative template of a language, created from the defaults on first use."""
    code = _language(language)
    found = ReportTemplate.objects.filter(language=code).first()
    if found is not None:
        return found
    template, _created = ReportTemplate.objects.get_or_create(
        language=code, defaults=dict(DEFAULTS[code])
    )
    return template


@transaction.atomic
def save_template(template: ReportTemplate, texts: dict[str, str], by: Person) -> ReportTemplate:
    """Save edited texts; raises ValidationError naming unknown placeholders."""
    for name in SECTIONS:
        if name in texts:
            setattr(template, name, texts[name])
    template.updated_by = by
    template.updated_at = timezone.now()
    template.full_clean()
    template.save()
    return template


@transaction.atomic
def reset_template(template: ReportTemplate, by: Person) -> ReportTemplate:
    """Back to the default texts of the template's language."""
    return save_template(template, dict(DEFAULTS[template.language]), by)


def latest_closed_month(today: dt.date | None = None) -> dt.date:
    """The last month that is over (reports describe closed months: see the guard)."""
    return figs.previous_month(today or timezone.now().astimezone(dt.UTC).date())


def check_month(month: dt.date, today: dt.date | None = None) -> dt.date:
    month = figs.month_start(month)
    if month > latest_closed_month(today):
        raise ReportError(_("A report can only be made for a month that is over."))
    return month


def chart_of(figures: figs.MonthFigures) -> charts.Chart:
    weeks = figures.adoption.weeks
    labels = [str(formats.date_format(w.monday, "MONTH_DAY_FORMAT")) for w in weeks]
    title = _("Active learners per week")
    values: list[float | None] = [w.active for w in figures.adoption.weeks]
    return charts.bars(title, labels, [(title, values)])


def compose(figures: figs.MonthFigures, texts: dict[str, str]) -> dict[str, Any]:
    """What a report page shows, in the active language: narrative, figures, chart."""
    narrative = render_sections(texts, values_for(figures))
    return {
        "figures": figures,
        "narrative": narrative,
        "chart": chart_of(figures),
        "k": figures.k,
    }


def _snapshot(month: dt.date, language: str) -> dict[str, Any]:
    with translation.override(language):
        figures = figs.month_figures(month, language)
        template = template_for(language)
        context = compose(figures, template.texts())
        generated_at = timezone.now()
        html = render_to_string("reports/_report.html", {**context, "generated_at": generated_at})
    return {
        "title": context["narrative"]["title"][:300] or str(month),
        "figures": figures.to_json(),
        "narrative": context["narrative"],
        "html": html,
        "created_at": generated_at,
    }


@transaction.atomic
def generate(month: dt.date, language: str, by: Person | None) -> MonthlyReport:
    """Generate and freeze the report of a month in a language (once per month and language)."""
    month = check_month(month)
    language = _language(language)
    if MonthlyReport.objects.filter(month=month, language=language).exists():
        raise ReportError(
            _("There is already a report for this month in this language: regenerate it instead.")
        )
    try:
        with transaction.atomic():
            return MonthlyReport.objects.create(
                month=month, language=language, created_by=by, **_snapshot(month, language)
            )
    except IntegrityError:  # made by someone else (or the scheduler) a moment ago
        raise ReportError(
            _("There is already a report for this month in this language: regenerate it instead.")
        ) from None


@transaction.atomic
def regenerate(report: MonthlyReport, by: Person) -> MonthlyReport:
    """Replace the snapshot with today's figures and template; back to draft."""
    report = MonthlyReport.objects.select_for_update().get(pk=report.pk)
    for name, value in _snapshot(report.month, report.language).items():
        setattr(report, name, value)
    report.created_by = by
    report.published = False
    report.published_at = None
    report.save()
    return report


@transaction.atomic
def set_published(report: MonthlyReport, published: bool) -> MonthlyReport:
    report.published = published
    report.published_at = timezone.now() if published else None
    report.save(update_fields=["published", "published_at"])
    return report


@transaction.atomic
def delete_report(report: MonthlyReport) -> None:
    report.delete()


def generate_draft_if_missing(today: dt.date | None = None) -> MonthlyReport | None:
    """The scheduler's job: a draft for last month in the default language, if none exists."""
    month = latest_closed_month(today)
    language = _language(settings.LANGUAGE_CODE)
    if MonthlyReport.objects.filter(month=month).exists():
        return None
    try:
        return generate(month, language, None)
    except ReportError:
        return None
