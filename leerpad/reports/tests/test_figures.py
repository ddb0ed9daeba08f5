"""The month's figures on the known fixture (conftest.py), with exact numbers and the k rule."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from leerpad.reports import figures
from leerpad.reports.figures import Adoption, Campaigns, Line, MonthFigures, Paths, Skills, Week
from leerpad.reports.tests.conftest import MARCH

pytestmark = pytest.mark.django_db

WEEKS = [dt.date(2025, 2, 24), dt.date(2025, 3, 3), dt.date(2025, 3, 10)]
WEEKS += [dt.date(2025, 3, 17), dt.date(2025, 3, 24), dt.date(2025, 3, 31)]


def test_adoption_of_the_month(march: dict[str, Any]) -> None:
    assert figures.adoption_figures(MARCH) == Adoption(
        active=7,
        new=3,
        returning=4,
        previous_active=4,
        change_pct=75.0,
        weeks=[
            Week(WEEKS[0], None),  # 1-2 March: nobody
            Week(WEEKS[1], 7),
            Week(WEEKS[2], 5),
            Week(WEEKS[3], None),  # 2 people: under k
            Week(WEEKS[4], None),  # 2 people: under k
            Week(WEEKS[5], None),  # 31 March only: nobody
        ],
    )


def test_paths_of_the_month(march: dict[str, Any]) -> None:
    assert figures.path_figures(MARCH, "en") == Paths(
        enrolments=4,  # P1's February enrolment does not count
        completions=4,
        certificates=None,  # 2 valid certificates (one revoked): under k
        top_path="Welcome",  # 4 people had events in it in March
        # welkom (3) alone would tell extra's 1 by difference with the total: merged.
        completed_by_path=[Line("", 4, other=True)],
    )


def test_skills_progress(march: dict[str, Any]) -> None:
    assert figures.skill_figures(MARCH, "nl") == Skills(
        evidence=4,
        people=4,
        level_ups=3,  # P1, P2 and N0; P0 showed the level they had shown before
        top=[Line("Veilig tillen", 3)],  # Service (1 person) is left out
    )


def test_top_items_need_k_people(march: dict[str, Any]) -> None:
    a, b, _c = march["items"]

    assert figures.top_items(MARCH, "en") == [
        Line("Item A", 7, a.get_absolute_url()),
        Line("Item B", 3, b.get_absolute_url()),
    ]  # Item C: 2 people


def test_campaign_effects_within_14_days(march: dict[str, Any]) -> None:
    assert figures.campaign_figures(MARCH) == Campaigns(
        has_data=True,
        visitors=6,
        enrolled=3,  # N0..N2; P1 enrolled 21 days later
        completed=None,  # only N0 within 14 days: under k (P0's was 21 days later)
        by_campaign=[Line("spring", 6)],
    )


def test_a_month_without_campaign_visits(march: dict[str, Any]) -> None:
    february = figures.campaign_figures(dt.date(2025, 2, 1))

    assert february == Campaigns(has_data=False, visitors=None, enrolled=None, completed=None)


def test_k_follows_the_setting(march: dict[str, Any], settings: Any) -> None:
    settings.LEERPAD_MIN_GROUP_SIZE = 5

    result = figures.month_figures(MARCH, "en")

    assert result.k == 5
    assert result.adoption.active == 7
    # 3 new and 4 returning are both under 5; February's 4 too, so no comparison.
    assert (result.adoption.new, result.adoption.returning) == (None, None)
    assert (result.adoption.previous_active, result.adoption.change_pct) == (None, None)
    assert [w.active for w in result.adoption.weeks] == [None, 7, 5, None, None, None]
    assert result.paths.completions is None and result.paths.completed_by_path == []
    assert result.paths.top_path is None
    assert result.skills == Skills(evidence=None, people=None, level_ups=None, top=[])
    assert [line.label for line in result.top_items] == ["Item A"]
    assert result.campaigns.visitors == 6
    assert result.campaigns.enrolled is None  # 3 of 6: both parts under 5
    assert result.campaigns.by_campaign == [Line("spring", 6)]


def test_figures_survive_their_json(march: dict[str, Any]) -> None:
    result = figures.month_figures(MARCH, "en")

    assert MonthFigures.from_json(result.to_json()) == result


def test_month_arithmetic() -> None:
    assert figures.next_month(dt.date(2025, 12, 1)) == dt.date(2026, 1, 1)
    assert figures.previous_month(dt.date(2025, 1, 31)) == dt.date(2024, 12, 1)
    assert figures.bounds(dt.date(2024, 2, 10)) == (
        dt.datetime(2024, 2, 1, tzinfo=dt.UTC),
        dt.datetime(2024, 3, 1, tzinfo=dt.UTC),
    )
