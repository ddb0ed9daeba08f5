"""The safe formatter and the template's validation."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from leerpad.reports.models import ReportTemplate
from leerpad.reports.narrative import (
    PLACEHOLDERS,
    SECTIONS,
    PlaceholderError,
    SafeFormatter,
    formatter,
)

VALUES = {name: f"<{name}>" for name in PLACEHOLDERS}


def test_known_placeholders_are_filled() -> None:
    text = "In {month}, {active_learners} people ({change_active_pct}). Braces: {{x}}."

    assert formatter.fill(text, VALUES) == (
        "In <month>, <active_learners> people (<change_active_pct>). Braces: {x}."
    )


@pytest.mark.parametrize(
    "text",
    [
        "{month.__class__}",  # attribute access
        "{month.__class__.__mro__[1].__subclasses__}",
        "{month[0]}",  # indexing
        "{month!r}",  # conversion
        "{month:>1000000000}",  # a gigabyte of padding
        "{month:{k}}",  # nested fields in the spec
        "{}",  # positional
        "{0}",
        "{salary}",  # unknown name
        "{settings.SECRET_KEY}",
        "{month",  # not closed
        "month}",
    ],
)
def test_anything_but_a_bare_known_name_is_refused(text: str) -> None:
    assert formatter.problems(text)
    with pytest.raises(PlaceholderError):
        formatter.fill(text, VALUES)


def test_the_formatter_itself_refuses_what_the_check_refuses() -> None:
    # Even when called as a plain string.Formatter, bypassing `check`.
    with pytest.raises(PlaceholderError):
        formatter.format("{month.__class__}", **VALUES)
    with pytest.raises(PlaceholderError):
        formatter.format("{month!r}", **VALUES)
    with pytest.raises(PlaceholderError):
        formatter.format("{month:>20}", **VALUES)
    assert SafeFormatter(["a"]).format("{a}", a="1") == "1"


def test_django_template_syntax_is_never_evaluated() -> None:
    # A tag is not a known name: refused, with a message naming it.
    assert formatter.problems("{% debug %}") == ["Unknown placeholder {% debug %}."]
    # "{{" is a literal brace: a Django variable stays text.
    assert formatter.fill("{{ settings }} {month}", VALUES) == "{ settings } <month>"


def test_problems_name_the_field() -> None:
    problems = formatter.problems("{month} {salary} {month!s}")

    assert len(problems) == 2
    assert "{salary}" in problems[0]
    assert "{month!s}" in problems[1]


@pytest.mark.django_db
def test_unknown_placeholder_is_a_field_error_listing_the_known_ones() -> None:
    template = ReportTemplate(language="en", title="Report {month}", intro="{salary} up")

    with pytest.raises(ValidationError) as caught:
        template.full_clean()

    errors = caught.value.message_dict
    assert list(errors) == ["intro"]
    assert "Unknown placeholder {salary}." in errors["intro"][0]
    assert "{active_learners}" in errors["intro"][1] and "{top_path}" in errors["intro"][1]


@pytest.mark.django_db
def test_a_valid_template_passes() -> None:
    template = ReportTemplate(language="en", **{name: "{month}" for name in SECTIONS})

    template.full_clean()
