"""The flow diagram's geometry: pure, so exact positions."""

from __future__ import annotations

from collections.abc import Hashable

from leerpad.analytics import flow
from leerpad.analytics.flow import FlowEdge, Node

ROW = [
    Node("start", "Start"),
    Node(0, "Step 1"),
    Node(1, "Step 2"),
    Node(2, "Step 3", optional=True),
    Node("done", "Completed"),
]
LANES = [Node("left", "Left"), Node("going", "Still going")]


def edge(source: Hashable, target: Hashable, people: int) -> FlowEdge:
    return FlowEdge(source, target, people, f"{source} -> {target}: {people} people")


def by_kind(diagram: flow.Diagram, kind: str) -> list[flow.Curve]:
    return [c for c in diagram.curves if c.kind == kind]


def test_boxes_in_designed_order_left_to_right_and_lanes_below() -> None:
    d = flow.diagram(ROW, LANES, [edge(0, 1, 10)])

    row = [b for b in d.boxes if b.kind == "row"]
    assert [b.x for b in row] == [12 + i * (120 + 56) for i in range(5)]
    assert len({b.y for b in row}) == 1
    assert d.width == 12 * 2 + 5 * 120 + 4 * 56
    lanes = [b for b in d.boxes if b.kind == "lane"]
    assert [b.label for b in lanes] == ["Left", "Still going"]
    assert all(lane.y > row[0].y + row[0].height for lane in lanes)
    assert lanes[0].width == d.width - 24
    # The designed sequence: a baseline between each pair of neighbours.
    assert len(d.baseline) == 4
    assert d.baseline[0].x1 == row[0].x + 120 and d.baseline[0].x2 == row[1].x


def test_edge_kinds_and_arches() -> None:
    d = flow.diagram(ROW, LANES, [edge(0, 1, 10), edge(0, 2, 4), edge(2, 0, 4), edge(1, "left", 2)])

    assert [c.kind for c in d.curves] == ["next", "skip", "back", "exit"]
    row_y = next(b.y for b in d.boxes if b.kind == "row")
    skip, back = by_kind(d, "skip")[0], by_kind(d, "back")[0]
    # Both arch over the row; the loop rises higher, and its midpoint is above the skip's.
    # Their numbers sit just above the top of each arch.
    gap = flow.LABEL_GAP
    assert skip.label_y == round(row_y - flow.arch_height(2, back=False) - skip.width / 2 - gap, 2)
    assert back.label_y == round(row_y - flow.arch_height(2, back=True) - back.width / 2 - gap, 2)
    assert back.label_y < skip.label_y
    # The arches leave and reach the boxes at distinct points.
    a_centre = next(b.centre_x for b in d.boxes if b.key == 0)
    assert skip.d.startswith(f"M{a_centre + 15:g},")
    assert back.d.endswith(f" {a_centre + 5:g},{row_y:g}")
    # With no room above, the highest arch would leave the drawing: the row leaves room.
    assert back.label_y >= 0
    exit_ = by_kind(d, "exit")[0]
    assert exit_.d.startswith("M")
    xs = {pair.split(",")[0] for pair in exit_.d.lstrip("M").replace("C", "").split()}
    assert len(xs) == 1  # a straight drop


def test_band_width_is_proportional_to_people() -> None:
    d = flow.diagram(ROW, LANES, [edge("start", 0, 20), edge(0, 1, 10), edge(1, 2, 1)])

    widths = {c.people: c.width for c in d.curves}
    assert widths[20] == flow.MAX_WIDTH
    assert widths[10] == flow.MAX_WIDTH / 2
    assert widths[1] == flow.MIN_WIDTH  # 0.9 would be invisible
    # Drawn widest first: thin bands stay on top.
    assert [c.people for c in d.curves] == [20, 10, 1]


def test_tooltips_carried_and_unknown_nodes_left_out() -> None:
    d = flow.diagram(ROW, LANES, [edge(0, 1, 3), edge(0, "nowhere", 3)])

    assert [c.tooltip for c in d.curves] == ["0 -> 1: 3 people"]


def test_next_band_runs_between_neighbours() -> None:
    d = flow.diagram(ROW, [], [edge(0, 1, 5)])

    (band,) = d.curves
    a, b = d.boxes[1], d.boxes[2]
    middle = a.y + a.height / 2
    assert band.d == (
        f"M{a.x + 120:g},{middle:g} C{a.x + 120 + 56 / 3:g},{middle:g} "
        f"{b.x - 56 / 3:g},{middle:g} {b.x:g},{middle:g}"
    )
    assert d.height == a.y + a.height + 12  # no lanes: the row is the bottom
    # The number is above the band, not on it.
    assert band.label_y == middle - flow.MAX_WIDTH / 2 - flow.LABEL_GAP
    assert band.label_x == (a.x + 120 + b.x) / 2
