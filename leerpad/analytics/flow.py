"""The geometry of a flow diagram (actual routes through a path), computed on the server.

Pure functions of plain data: nodes in designed order, lanes for where routes end, and
edges with a number of people; out comes a `Diagram` of boxes and SVG path strings that
`analytics/path_routes.html` draws. Why server-side, like `charts.py`: the figures are
privacy-checked already, the page works without JavaScript and prints, and every curve
carries a <title> tooltip with a table of the same edges beside it.

Layout (left to right, the designed order):
- the main row: start, the steps, "completed"; a faint dashed baseline joins them in
  the designed sequence, whether or not anyone took it;
- an edge to the next box in the row is a straight band between the two boxes;
- a forward edge over one or more steps (a skip) arches over the row; a back edge (a
  loop) arches over it too, a little higher, in its own colour and from its own anchor
  points, so a skip A -> C and a loop C -> A never draw on top of each other;
- the lanes under the row (left the path, still going) are wide bars; an edge into one
  drops straight down from its step;
- a band's width is proportional to its people (the widest is `MAX_WIDTH`).
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from itertools import pairwise

BOX_W = 120
BOX_H = 48
GAP = 56  # between boxes of the row: room for a band and its number
MARGIN = 12
ARC_BASE = 34  # the height of the lowest arch above the row
ARC_STEP = 22  # each step spanned raises an arch by this much
LOOP_LIFT = 11  # loops arch a little higher than skips of the same span
LANE_GAP = 40
LANE_H = 28
DROP_OFFSET = 14  # drops to different lanes leave a box side by side
MIN_WIDTH = 1.5
MAX_WIDTH = 18.0
LABEL_GAP = 4  # between a band and its number
# Offsets from a box's centre where arches leave and arrive: (leave, arrive).
ANCHORS = {"skip": (15.0, -5.0), "back": (-15.0, 5.0)}


@dataclass(frozen=True)
class Node:
    key: Hashable
    label: str  # short text in the box
    title: str = ""  # the full text, as the box's tooltip
    optional: bool = False


@dataclass(frozen=True)
class FlowEdge:
    source: Hashable
    target: Hashable
    people: int
    tooltip: str  # "Step 2 -> Step 4: 23 people", already translated


@dataclass(frozen=True)
class Box:
    key: Hashable
    label: str
    title: str
    x: float
    y: float
    width: float
    height: float
    kind: str  # "row" or "lane"
    optional: bool = False

    @property
    def centre_x(self) -> float:
        return self.x + self.width / 2

    @property
    def text_y(self) -> float:
        return self.y + self.height / 2


@dataclass(frozen=True)
class Curve:
    kind: str  # "next", "skip", "back" or "exit"
    d: str  # the SVG path
    width: float
    people: int
    tooltip: str
    label_x: float  # where the number of people is written (its baseline's middle)
    label_y: float


@dataclass(frozen=True)
class Segment:
    x1: float
    y1: float
    x2: float
    y2: float


@dataclass(frozen=True)
class Diagram:
    width: float
    height: float
    boxes: tuple[Box, ...]
    baseline: tuple[Segment, ...]
    curves: tuple[Curve, ...]


def band_width(people: int, most: int) -> float:
    """A band's width: proportional to people, never thinner than MIN_WIDTH."""
    if most <= 0:
        return MIN_WIDTH
    return round(max(MIN_WIDTH, MAX_WIDTH * people / most), 2)


def _n(value: float) -> str:
    return f"{value:g}"


def _cubic(
    x0: float, y0: float, x1: float, y1: float, x2: float, y2: float, x3: float, y3: float
) -> str:
    return f"M{_n(x0)},{_n(y0)} C{_n(x1)},{_n(y1)} {_n(x2)},{_n(y2)} {_n(x3)},{_n(y3)}"


def _midpoint(points: Sequence[float]) -> tuple[float, float]:
    """The point at t = 1/2 of a cubic Bézier (x0, y0, ..., x3, y3)."""
    x0, y0, x1, y1, x2, y2, x3, y3 = points
    return round((x0 + 3 * x1 + 3 * x2 + x3) / 8, 2), round((y0 + 3 * y1 + 3 * y2 + y3) / 8, 2)


def arch_height(span: int, back: bool) -> float:
    """How far above the row an arch over `span` columns rises."""
    return ARC_BASE + ARC_STEP * max(0, span - 1) + (LOOP_LIFT if back else 0)


def diagram(row: Sequence[Node], lanes: Sequence[Node], edges: Sequence[FlowEdge]) -> Diagram:
    """Lay out `row` left to right, `lanes` under it, and `edges` between them.

    An edge whose source or target is not a node is left out (the caller filters).
    """
    column = {node.key: i for i, node in enumerate(row)}
    lane_index = {node.key: i for i, node in enumerate(lanes)}
    arches = [
        abs(column[e.target] - column[e.source])
        for e in edges
        if e.source in column and e.target in column and column[e.target] != column[e.source] + 1
    ]
    top_room = max(
        (arch_height(span, back=True) for span in arches), default=0.0
    )  # room for the highest arch (loops rise highest)
    row_y = MARGIN + top_room
    width = MARGIN * 2 + len(row) * BOX_W + max(0, len(row) - 1) * GAP
    boxes = [
        Box(
            node.key,
            node.label,
            node.title or node.label,
            MARGIN + i * (BOX_W + GAP),
            row_y,
            BOX_W,
            BOX_H,
            "row",
            node.optional,
        )
        for i, node in enumerate(row)
    ]
    lane_top = row_y + BOX_H + LANE_GAP
    for i, node in enumerate(lanes):
        y = lane_top + i * (LANE_H + LANE_GAP / 2)
        boxes.append(
            Box(
                node.key,
                node.label,
                node.title or node.label,
                MARGIN,
                y,
                width - 2 * MARGIN,
                LANE_H,
                "lane",
            )
        )
    height = (boxes[-1].y + boxes[-1].height if lanes else row_y + BOX_H) + MARGIN
    by_key = {box.key: box for box in boxes}
    middle = row_y + BOX_H / 2
    baseline = tuple(
        Segment(a.x + a.width, middle, b.x, middle) for a, b in pairwise(boxes[: len(row)])
    )
    most = max((e.people for e in edges), default=0)
    curves: list[Curve] = []
    for edge in edges:
        source, target = by_key.get(edge.source), by_key.get(edge.target)
        if source is None or target is None or source.kind != "row":
            continue
        width_ = band_width(edge.people, most)
        if target.kind == "lane":
            x = source.centre_x + (lane_index[edge.target] * 2 - 1) * DROP_OFFSET / 2 * (
                1 if len(lanes) > 1 else 0
            )
            y0, y3 = source.y + BOX_H, target.y
            points = (x, y0, x, y0 + (y3 - y0) / 3, x, y3 - (y3 - y0) / 3, x, y3)
            kind = "exit"
        elif column[edge.target] == column[edge.source] + 1:
            x0, x3 = source.x + source.width, target.x
            points = (x0, middle, x0 + GAP / 3, middle, x3 - GAP / 3, middle, x3, middle)
            kind = "next"
        else:
            back = column[edge.target] < column[edge.source]
            # Four distinct anchors on a box's top (skip out / in, loop out / in), so an
            # arch leaving a box never starts where another one arrives.
            leave, arrive = ANCHORS["back" if back else "skip"]
            x0, x3 = source.centre_x + leave, target.centre_x + arrive
            lift = arch_height(abs(column[edge.target] - column[edge.source]), back)
            # A cubic's control points at 4/3 of the wanted height put its top at it.
            peak = row_y - lift * 4 / 3
            points = (x0, row_y, x0, peak, x3, peak, x3, row_y)
            kind = "back" if back else "skip"
        label_x, label_y = _midpoint(points)
        # The number sits beside its band, never on it: above a band or arch, right of a drop.
        if kind == "exit":
            label_x = round(label_x + width_ / 2 + LABEL_GAP * 2, 2)
        else:
            label_y = round(label_y - width_ / 2 - LABEL_GAP, 2)
        curves.append(
            Curve(kind, _cubic(*points), width_, edge.people, edge.tooltip, label_x, label_y)
        )
    # Wide bands first, so a thin one is never hidden under a wide one.
    curves.sort(key=lambda c: -c.width)
    return Diagram(round(width, 2), round(height, 2), tuple(boxes), baseline, tuple(curves))
