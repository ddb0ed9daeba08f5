"""Generating, freezing, regenerating and the monthly draft."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from leerpad.accounts.models import Person
from leerpad.analytics import sync
from leerpad.analytics.tests.conftest import at, did
from leerpad.core.access import Role
from leerpad.core.signals import periodic
from leerpad.reports import figures, services
from leerpad.reports.models import MonthlyReport, ReportTemplate
from leerpad.reports.tests.conftest import MARCH

pytestmark = pytest.mark.django_db


@pytest.fixture
def maker(make_person: Callable[..., Person]) -> Person:
    return make_person("Maker", Role.LD_SPECIALIST)


def test_default_templates_in_three_languages_on_first_use() -> None:
    titles = {code: services.template_for(code).title for code in ("nl", "fr", "en")}

    assert titles == {
        "nl": "Leren op het werk: {month}",
        "fr": "Apprendre au travail : {month}",
        "en": "Learning at work: {month}",
    }
    assert ReportTemplate.objects.count() == 3
    for template in ReportTemplate.objects.all():
        template.full_clean()  # the defaults pass their own validation


def test_generate_fills_the_narrative_with_the_figures(
    march: dict[str, Any], maker: Person
) -> None:
    report = services.generate(MARCH, "en", maker)

    assert report.title == "Learning at work: March 2025"
    assert report.narrative["intro"].startswith(
        "In March 2025, 7 colleagues learned with Leerpad (+75% against the month before)."
    )
    assert "3 of them for the first time, 4 came back" in report.narrative["adoption"]
    assert "and fewer than 3 certificates issued" in report.narrative["completions"]
    assert "followed: Welcome." in report.narrative["completions"]
    assert "6 people arrived through a campaign" in report.narrative["campaigns"]
    assert "Most used this month: Item A." in report.narrative["closing"]
    assert report.figures["adoption"]["active"] == 7
    assert "Learning at work: March 2025" in report.html
    assert "<svg" in report.html  # the weekly chart
    assert not report.published and report.created_by == maker


def test_the_report_is_in_its_own_language(march: dict[str, Any], maker: Person) -> None:
    report = services.generate(MARCH, "nl", maker)

    assert report.title == "Leren op het werk: maart 2025"
    assert "Veilig tillen" in report.html
    assert "Welcome (nl)" in report.narrative["completions"]


def test_a_generated_report_does_not_change(
    march: dict[str, Any], maker: Person, make_person: Callable[..., Person]
) -> None:
    report = services.generate(MARCH, "en", maker)
    frozen = (report.html, report.figures, report.narrative, report.title)
    # Later: more learning in March arrives (a late tool), and L&D rewrites the template.
    for i in range(5):
        did(make_person(f"Late{i}"), at("2025-03-20"))
    sync.sync()
    services.save_template(services.template_for("en"), {"title": "New {month}"}, maker)

    again = MonthlyReport.objects.get(pk=report.pk)

    assert (again.html, again.figures, again.narrative, again.title) == frozen
    assert figures.month_figures(MARCH, "en").adoption.active == 12  # today's figure


def test_regenerate_takes_todays_figures_and_goes_back_to_draft(
    march: dict[str, Any], maker: Person, make_person: Callable[..., Person]
) -> None:
    report = services.set_published(services.generate(MARCH, "en", maker), True)
    for i in range(5):
        did(make_person(f"Late{i}"), at("2025-03-20"))
    sync.sync()

    report = services.regenerate(report, maker)

    assert report.figures["adoption"]["active"] == 12
    assert "12 colleagues" in report.narrative["intro"]
    assert not report.published and report.published_at is None


def test_one_report_per_month_and_language(march: dict[str, Any], maker: Person) -> None:
    services.generate(MARCH, "en", maker)

    with pytest.raises(services.ReportError, match="already a report"):
        services.generate(dt.date(2025, 3, 15), "en", maker)
    services.generate(MARCH, "fr", maker)  # another language is another report


def test_only_months_that_are_over(maker: Person) -> None:
    today = dt.date(2026, 11, 27)

    assert services.check_month(dt.date(2026, 10, 5), today) == dt.date(2026, 10, 1)
    with pytest.raises(services.ReportError, match="over"):
        services.check_month(dt.date(2026, 11, 1), today)


def test_save_template_refuses_unknown_placeholders(maker: Person) -> None:
    from django.core.exceptions import ValidationError

    template = services.template_for("en")

    with pytest.raises(ValidationError):
        services.save_template(template, {"intro": "{nope}"}, maker)
    assert ReportTemplate.objects.get(language="en").intro.startswith("In {month}")


def test_the_scheduler_makes_a_draft_on_the_first_days_only(settings: Any) -> None:
    settings.LANGUAGE_CODE = "nl"

    periodic.send(sender=None, now=dt.datetime(2026, 11, 4, 8, tzinfo=dt.UTC))
    assert not MonthlyReport.objects.exists()

    # The task takes the real date: the draft is for the month before today.
    today = dt.datetime.now(dt.UTC)
    first = dt.datetime(today.year, today.month, 2, 8, tzinfo=dt.UTC)
    periodic.send(sender=None, now=first)
    periodic.send(sender=None, now=first)  # again: still one

    draft = MonthlyReport.objects.get()
    assert draft.month == services.latest_closed_month()
    assert draft.language == "nl" and not draft.published and draft.created_by is None
