"""Chart geometry: scales, gaps for withheld figures, and rankings."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import translation

from leerpad.analytics import charts


def test_bars_scale_to_a_round_top_and_stand_on_the_axis() -> None:
    chart = charts.bars("Active", ["a", "b", "c"], [("people", [10, 37, None])])
    (series,) = chart.series
    # 37 people: four steps of 10, never 12.5 for a count.
    assert [t.label for t in chart.y_ticks] == ["0", "10", "20", "30", "40"]
    plot = charts.HEIGHT - charts.BOTTOM - charts.TOP
    assert [m.height for m in series.marks] == pytest.approx([plot * 10 / 40, plot * 37 / 40])
    bottom = charts.HEIGHT - charts.BOTTOM
    assert all(m.y + m.height == pytest.approx(bottom) for m in series.marks)
    assert len(series.marks) == 2  # the withheld value draws nothing: it is not a zero
    assert series.marks[1].tooltip == "b: 37"
    assert not chart.legend
    assert not chart.empty


def test_a_chart_of_withheld_figures_only_is_empty() -> None:
    assert charts.bars("x", ["a", "b"], [("rate", [None, None])]).empty


def test_figures_follow_the_language(settings: Any) -> None:
    settings.USE_THOUSAND_SEPARATOR = True
    with translation.override("nl"):
        chart = charts.bars("x", ["a"], [("rate", [0.3])], unit="%")
        assert chart.y_ticks[1].label == "0,1%"
        assert chart.series[0].marks[0].tooltip == "a: 0,3%"
    with translation.override("en"):
        assert charts.number(12500) == "12,500"


def test_grouped_bars_sit_side_by_side_with_a_legend() -> None:
    chart = charts.bars("x", ["w1"], [("new", [2]), ("returning", [3])])
    new, returning = chart.series
    assert returning.marks[0].x == pytest.approx(new.marks[0].x + new.marks[0].width)
    assert chart.legend
    assert new.colour != returning.colour


def test_lines_break_at_missing_values() -> None:
    chart = charts.lines("x", ["a", "b", "c", "d"], [("Gent", [1, None, 3, 4])], top=4)
    (series,) = chart.series
    assert series.points.count("M") == 2  # two runs: a, then c-d
    assert len(series.marks) == 3
    assert series.marks[-1].y == pytest.approx(charts.TOP)  # 4 of 4 is the top of the plot


@pytest.mark.parametrize(
    ("values", "top"),
    [([0], 4), ([3], 4), ([7], 8), ([12], 20), ([37], 40), ([240], 400), ([0.3], 0.4), ([9.5], 10)],
)
def test_axis_tops_are_four_round_steps(values: list[float], top: float) -> None:
    assert charts._axis_top(values) == pytest.approx(top)


def test_meters_scale_to_the_longest_row() -> None:
    rows = charts.meters([("a", 8, "8"), ("b", 2, "2")], urls=["/a/"])
    assert [m.percent for m in rows] == [100.0, 25.0]
    assert rows[0].url == "/a/"
    assert rows[1].url == ""


def test_long_category_labels_are_cut_to_their_slot() -> None:
    names = [f"A rather long learning path name {i}" for i in range(14)]
    chart = charts.bars("x", names, [("rate", [50.0] * 14)])
    assert all(
        len(t.label) * charts.CHAR_WIDTH <= 600 / 14 + charts.CHAR_WIDTH for t in chart.x_ticks
    )
    assert chart.x_ticks[0].label.endswith("…")
    assert chart.series[0].marks[0].tooltip.startswith("A rather long learning path name 0")
    short = charts.bars("x", ["Mon", "Tue"], [("n", [1, 2])])
    assert [t.label for t in short.x_ticks] == ["Mon", "Tue"]
