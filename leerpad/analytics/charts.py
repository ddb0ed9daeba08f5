"""Chart geometry for the analytics pages, computed on the server.

Why server-side SVG rather than a chart library in the browser: the figures are already
privacy-checked numbers, a page with the chart drawn works without JavaScript, prints,
reads well with a screen reader next to its table, and needs no asset from a CDN. The
small script `analytics/charts.js` adds the interaction (tooltips that follow the pointer,
a legend that hides and shows series, a switch between chart and table).

Every chart is a dataclass the partial `analytics/_chart.html` draws; labels are
already-formatted text (the view formats dates and numbers for the person's language).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.utils import formats

WIDTH = 640  # viewBox units; the SVG scales to its container
HEIGHT = 200
LEFT = 44  # room for the value axis labels
BOTTOM = 24  # room for the category labels
TOP = 8
# Distinguishable for the common colour-vision deficiencies (Okabe-Ito), Leerpad green first.
PALETTE = ("#0b6b4f", "#e69f00", "#56b4e9", "#cc79a7", "#d55e00", "#0072b2", "#999999")


@dataclass(frozen=True)
class Mark:
    """One drawn shape: a bar (x, y, width, height) or a line point (x, y)."""

    x: float
    y: float
    width: float
    height: float
    tooltip: str


@dataclass(frozen=True)
class Tick:
    position: float
    label: str


@dataclass(frozen=True)
class Series:
    name: str
    colour: str
    marks: tuple[Mark, ...]
    points: str = ""  # the polyline of a line chart, "x,y x,y ..."


@dataclass(frozen=True)
class Chart:
    kind: str  # "bars" (grouped or single) or "lines"
    title: str
    series: tuple[Series, ...]
    x_ticks: tuple[Tick, ...]
    y_ticks: tuple[Tick, ...]
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    bottom: int = HEIGHT - BOTTOM
    legend: bool = field(default=False)

    @property
    def empty(self) -> bool:
        """Nothing to draw: every figure withheld, or no data yet."""
        return not any(s.marks for s in self.series)


def _nice_step(value: float, integers: bool) -> float:
    """The smallest 1, 2, 2.5 or 5 times 10^n at or above value (no 2.5, and at least 1,
    for counts: an axis of people reads 0, 10, 20, never 12.5)."""
    if value <= 0:
        return 1.0
    magnitude = 1.0
    while magnitude * 10 <= value:
        magnitude *= 10
    while magnitude > value:
        magnitude /= 10
    steps = (1, 2, 5, 10) if integers else (1, 2, 2.5, 5, 10)
    for step in steps:
        if step * magnitude >= value:
            return max(1.0, step * magnitude) if integers else step * magnitude
    return 10 * magnitude  # pragma: no cover - the loop always returns


def _axis_top(values: Sequence[float], top: float | None = None) -> float:
    """The top of the value axis: four equal, round steps that reach the largest value."""
    if top is not None:
        return top
    integers = all(float(v).is_integer() for v in values)
    return 4 * _nice_step(max(values, default=0) / 4, integers)


def number(value: float) -> str:
    """A figure as the person's language writes it (decimal comma in nl and fr)."""
    if float(value).is_integer():
        return formats.number_format(int(value), use_l10n=True, force_grouping=True)
    return formats.number_format(round(value, 2), use_l10n=True)


def _y_ticks(top: float, unit: str) -> tuple[Tick, ...]:
    plot = HEIGHT - BOTTOM - TOP
    return tuple(
        Tick(HEIGHT - BOTTOM - plot * i / 4, f"{number(top * i / 4)}{unit}") for i in range(5)
    )


CHAR_WIDTH = 6.2  # an 11px label character, in viewBox units (about; for fitting only)


def _fit(label: str, room: float) -> str:
    """The label cut with an ellipsis to fit `room` units; the tooltip has it whole."""
    most = max(3, int(room / CHAR_WIDTH))
    return label if len(label) <= most else label[: most - 1].rstrip() + "…"


def _x_ticks(labels: Sequence[str], slot: float, every: int) -> tuple[Tick, ...]:
    room = slot * every - 4  # each shown label may use the slots of the hidden ones
    return tuple(
        Tick(LEFT + slot * (i + 0.5), _fit(label, room))
        for i, label in enumerate(labels)
        if i % every == 0
    )


def bars(
    title: str,
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | None]]],
    *,
    unit: str = "",
    tooltips: Sequence[Sequence[str]] | None = None,
) -> Chart:
    """Vertical bars, one group per label and one bar per series in the group.

    A value of None draws nothing (a figure withheld for privacy, or no data): it is not
    a zero, and the table beside the chart says which.
    """
    values = [v for _, column in series for v in column if v is not None]
    top = _axis_top(values)
    plot_w, plot_h = WIDTH - LEFT, HEIGHT - BOTTOM - TOP
    slot = plot_w / max(1, len(labels))
    bar_w = max(1.0, slot * 0.8 / max(1, len(series)))
    drawn = []
    for s, (name, column) in enumerate(series):
        marks = []
        for i, value in enumerate(column):
            if value is None:
                continue
            h = plot_h * value / top
            x = LEFT + slot * i + slot * 0.1 + bar_w * s
            tip = tooltips[s][i] if tooltips else f"{labels[i]}: {number(value)}{unit}"
            marks.append(
                Mark(round(x, 2), round(HEIGHT - BOTTOM - h, 2), round(bar_w, 2), round(h, 2), tip)
            )
        drawn.append(Series(name, PALETTE[s % len(PALETTE)], tuple(marks)))
    every = max(1, len(labels) // 12)
    return Chart(
        "bars",
        title,
        tuple(drawn),
        _x_ticks(labels, slot, every),
        _y_ticks(top, unit),
        legend=len(series) > 1,
    )


def lines(
    title: str,
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | None]]],
    *,
    unit: str = "",
    top: float | None = None,
) -> Chart:
    """One line per series over the labels; None leaves a gap in the line."""
    values = [v for _, column in series for v in column if v is not None]
    axis_top = _axis_top(values, top)
    plot_w, plot_h = WIDTH - LEFT, HEIGHT - BOTTOM - TOP
    slot = plot_w / max(1, len(labels))
    drawn = []
    for s, (name, column) in enumerate(series):
        marks = []
        segments: list[list[str]] = [[]]
        for i, value in enumerate(column):
            if value is None:
                segments.append([])
                continue
            x = round(LEFT + slot * (i + 0.5), 2)
            y = round(HEIGHT - BOTTOM - plot_h * value / axis_top, 2)
            marks.append(Mark(x, y, 0, 0, f"{name} · {labels[i]}: {number(value)}{unit}"))
            segments[-1].append(f"{x},{y}")
        # A gap splits the line: the partial draws one polyline per run of points.
        points = " M ".join(" L ".join(seg) for seg in segments if seg)
        drawn.append(
            Series(name, PALETTE[s % len(PALETTE)], tuple(marks), f"M {points}" if points else "")
        )
    every = max(1, len(labels) // 12)
    return Chart(
        "lines",
        title,
        tuple(drawn),
        _x_ticks(labels, slot, every),
        _y_ticks(axis_top, unit),
        legend=len(series) > 1,
    )


@dataclass(frozen=True)
class Meter:
    """One row of a horizontal bar list (a ranking): label, value, share of the longest."""

    label: str
    value: float
    text: str  # the value as shown, formatted by the caller
    percent: float  # 0..100 of the row's bar length
    url: str = ""
    note: str = ""


def meters(rows: Sequence[tuple[str, float, str]], *, urls: Sequence[str] = ()) -> list[Meter]:
    """Rows (label, value, shown text) as horizontal bars scaled to the largest value."""
    top = max((value for _, value, _ in rows), default=0) or 1
    return [
        Meter(label, value, text, round(100 * value / top, 1), urls[i] if i < len(urls) else "")
        for i, (label, value, text) in enumerate(rows)
    ]
