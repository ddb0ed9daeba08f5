"""The path funnel over recorded statements: exact numbers per step, the k rule, versions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from leerpad.accounts.models import Person
from leerpad.analytics import sync
from leerpad.analytics.filters import Scope
from leerpad.analytics.questions.funnel import StepRow, funnel, part, path_totals
from leerpad.analytics.tests.conftest import at
from leerpad.analytics.tests.funnel_helpers import (
    build_path,
    completed_item,
    enrolled,
    path_event,
)
from leerpad.paths import services_builder, tracking

pytestmark = pytest.mark.django_db

START = at("2025-03-03")  # a Monday, 10:00 UTC: every enrolment happens then
SCOPE = Scope(start=at("2025-03-01", 0), end=at("2025-04-01", 0))
AS_OF = at("2025-06-01")


def day(n: int) -> dt.datetime:
    return START + dt.timedelta(days=n)


@pytest.fixture
def onboarding(make_person: Callable[..., Person], settings: Any) -> dict[str, Any]:
    """k = 3; steps A, B, C, D (all required); twelve learners in four groups of three:
    - finishers: A +1, B +3, C +13, D +14, path completed +14;
    - quiet: A +2, B +5, then nothing (inactive: they left at C);
    - leavers: A +1, exited +4 (left at B);
    - swappers: A +1, B +2, D +4, C +20, path completed +20 (D before C).
    One more learner enrolled in February: outside the period asked."""
    settings.LEERPAD_MIN_GROUP_SIZE = 3
    path, (a, b, c, d) = build_path("onboarding", ["A", "B", "C", "D"])
    groups = {
        name: [make_person(f"{name}{i}") for i in range(3)]
        for name in ("finisher", "quiet", "leaver", "swapper")
    }
    for people in groups.values():
        for person in people:
            enrolled(person, path, START)
    for person in groups["finisher"]:
        for item, n in ((a, 1), (b, 3), (c, 13), (d, 14)):
            completed_item(person, item, day(n))
        path_event(person, path, tracking.COMPLETED, day(14))
    for person in groups["quiet"]:
        completed_item(person, a, day(2))
        completed_item(person, b, day(5))
    for person in groups["leaver"]:
        completed_item(person, a, day(1))
        path_event(person, path, tracking.EXITED, day(4))
    for person in groups["swapper"]:
        for item, n in ((a, 1), (b, 2), (d, 4), (c, 20)):
            completed_item(person, item, day(n))
        path_event(person, path, tracking.COMPLETED, day(20))
    early = make_person("Early")
    enrolled(early, path, at("2025-02-03"))
    completed_item(early, a, at("2025-02-04"))
    sync.sync()
    return {"path": path, "items": (a, b, c, d), "groups": groups}


def test_funnel_per_step(onboarding: dict[str, Any]) -> None:
    result = funnel(onboarding["path"], SCOPE, as_of=AS_OF)

    (v1,) = result.versions
    assert (v1.number, v1.enrolled, v1.finished, v1.left) == (1, 12, 6, 6)
    assert [(s.title, s.reached, s.completed, s.median_days) for s in v1.steps] == [
        ("A", 12, 12, 1),  # 1, 2, 1, 1 days after enrolling: nine 1s and three 2s
        ("B", 12, 9, 2),  # 2 (finishers), 3 (quiet), 1 (swappers)
        ("C", 9, 6, 10),  # 10 (B +3 to C +13) and 16 (D +4 to C +20): the lower median
        ("D", 6, 6, 1),
    ]
    # Left: the leavers at B (exited), the quiet at C (30 days without activity).
    assert [s.left for s in v1.steps] == [0, 3, 3, 0]
    # Stalled (14 days): leavers at B (silent since +4); at C the quiet (silent) and the
    # swappers (16 days for C).
    assert [s.stalled for s in v1.steps] == [0, 3, 6, 0]
    # Order: the swappers did D before C; nobody did B before A or C before B.
    c = v1.steps[2]
    assert (c.with_next, c.next_first) == (6, 3)
    assert [s.next_first for s in v1.steps[:2]] == [0, 0]


def test_inactivity_is_a_parameter(onboarding: dict[str, Any]) -> None:
    # Measured on day +10, the quiet ones (last seen +5) have not been away 30 days yet.
    v1 = funnel(onboarding["path"], SCOPE, as_of=day(10)).versions[0]
    assert [s.left for s in v1.steps] == [0, 3, 0, 0]
    # With 3 days as the limit they have.
    v1 = funnel(onboarding["path"], SCOPE, as_of=day(10), inactive_days=3).versions[0]
    assert [s.left for s in v1.steps] == [0, 3, 3, 0]


def test_the_k_rule_withholds_small_parts(onboarding: dict[str, Any], settings: Any) -> None:
    settings.LEERPAD_MIN_GROUP_SIZE = 4
    v1 = funnel(onboarding["path"], SCOPE, as_of=AS_OF).versions[0]
    b = v1.steps[1]
    # 9 of 12 completed B: the 3 who did not are fewer than k, so "completed" is withheld.
    assert (b.reached, b.completed, b.left) == (12, None, None)
    c = v1.steps[2]
    # 9 of 12 reached C: the 3 who did not are too few, so nothing about C is shown.
    assert (c.reached, c.completed, c.stalled, c.median_days) == (None, None, None, None)
    assert c.next_first is None  # 3 of 6
    assert v1.steps[3].median_days == 1  # 6 timed completions: enough for k = 4

    settings.LEERPAD_MIN_GROUP_SIZE = 13
    v1 = funnel(onboarding["path"], SCOPE, as_of=AS_OF).versions[0]
    assert v1.enrolled is None and not v1.shown
    assert all(s.reached is None and s.completed is None for s in v1.steps)


def test_people_filters_narrow_the_cohort(onboarding: dict[str, Any], settings: Any) -> None:
    from leerpad.accounts.models import Location

    gent = Location.objects.create(name="Gent")
    for person in onboarding["groups"]["finisher"]:
        person.location = gent
        person.save(update_fields=["location"])
    sync.sync()
    scope = Scope(start=SCOPE.start, end=SCOPE.end, location_id=gent.pk)
    v1 = funnel(onboarding["path"], scope, as_of=AS_OF).versions[0]
    assert v1.enrolled == 3
    assert [s.completed for s in v1.steps] == [3, 3, 3, 3]


def test_versions_side_by_side(
    onboarding: dict[str, Any], make_person: Callable[..., Person]
) -> None:
    path = onboarding["path"]
    draft = services_builder.draft_of(path, None)
    steps = list(draft.steps.order_by("position"))
    services_builder.reorder(draft, [steps[0].pk, steps[1].pk, steps[3].pk, steps[2].pk])
    services_builder.publish(draft, "D before C", None)
    a, b, _c, d = onboarding["items"]
    for i in range(3):
        person = make_person(f"New{i}")
        enrolled(person, path, START, version=2)
        completed_item(person, a, day(1))
        completed_item(person, b, day(2))
        completed_item(person, d, day(3))
    sync.sync()

    result = funnel(path, SCOPE, as_of=AS_OF)

    assert [(v.number, v.enrolled) for v in result.versions] == [(1, 12), (2, 3)]
    v2 = result.version(2)
    assert v2 is not None
    assert [(s.title, s.reached, s.completed) for s in v2.steps] == [
        ("A", 3, 3),
        ("B", 3, 3),
        ("D", 3, 3),
        ("C", 3, 0),
    ]
    only_v2 = funnel(path, SCOPE, versions=[2], as_of=AS_OF)
    assert [v.number for v in only_v2.versions] == [2]


def test_path_totals(onboarding: dict[str, Any]) -> None:
    totals = path_totals([onboarding["path"]], SCOPE)
    assert (totals["onboarding"].enrolled, totals["onboarding"].finished) == (12, 6)


def test_part_follows_the_guard() -> None:
    assert part(9, 12, k=3) == 9
    assert part(9, 12, k=4) is None  # the other 3 are a small group
    assert part(0, 12, k=4) == 0
    assert part(12, 12, k=4) == 12
    assert part(2, 12, k=3) is None
    assert part(3, 3, k=4) is None


def test_a_step_row_numbers_from_one() -> None:
    row = StepRow(0, "u", "A", True, *([None] * 9))
    assert row.number == 1
