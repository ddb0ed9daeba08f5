"""Results: outcomes count only inside each person's window, arms under k show nothing
and get no verdict, and the verdict gets exactly the arms' counts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from leerpad.accounts.models import Person
from leerpad.campaigns import results
from leerpad.campaigns.models import HOLDOUT_KEY, Campaign, Experiment, Preference
from leerpad.campaigns.stats import verdict as stats_verdict
from leerpad.campaigns.stats.inputs import ArmStats
from leerpad.campaigns.tests.campaign_helpers import TUESDAY, campaign
from leerpad.campaigns.tests.experiment_helpers import assign_people, experiment
from leerpad.lrs.services import record_for_person
from leerpad.paths.models import Enrolment
from leerpad.paths.tests.learner_helpers import make_path

DAY = dt.timedelta(days=1)


@pytest.fixture
def make_people(make_person: Callable[..., Person]) -> Callable[[str, int], list[Person]]:
    def make(prefix: str, n: int) -> list[Person]:
        return [make_person(f"{prefix}{i:02d}") for i in range(n)]

    return make


def _visit(person: Person, when: dt.datetime) -> None:
    record_for_person(
        person,
        "http://id.tincanapi.com/verb/viewed",
        {"en-US": "viewed"},
        {"objectType": "Activity", "id": "https://leerpad.test/items/1"},
        timestamp=when,
    )


def _by_key(found: results.Results) -> dict[str, results.ArmResult]:
    return {arm.key: arm for arm in found.arms}


def test_visits_count_only_inside_each_persons_window(
    make_people: Callable[[str, int], list[Person]],
) -> None:
    exp = experiment(window_days=14, metric=Experiment.Metric.VISITED, holdout=10)
    a, b, held = make_people("A", 6), make_people("B", 6), make_people("H", 5)
    assign_people(exp, a, "A")
    assign_people(exp, b, "B", clicked_at=TUESDAY + 2 * DAY)
    assign_people(exp, held, HOLDOUT_KEY)
    _visit(a[0], TUESDAY + 3 * DAY)  # inside
    _visit(a[1], TUESDAY + 15 * DAY)  # after the window (sent at 11:00 + 14 days)
    _visit(a[2], TUESDAY - DAY)  # before the message
    for person in b[:4]:
        _visit(person, TUESDAY + 13 * DAY)
    _visit(held[0], TUESDAY + DAY)  # the hold-out's window starts at the planned time
    found = results.results(exp, now=TUESDAY + 30 * DAY)
    arms = _by_key(found)
    assert (arms["A"].assigned, arms["A"].delivered, arms["A"].visited) == (6, 6, 1)
    assert (arms["B"].assigned, arms["B"].clicked, arms["B"].visited) == (6, 6, 4)
    assert arms["B"].outcome == 4
    assert (arms[HOLDOUT_KEY].assigned, arms[HOLDOUT_KEY].delivered) == (5, 0)
    assert arms[HOLDOUT_KEY].visited == 1
    assert arms["A"].rate == pytest.approx(1 / 6)


def test_enrolments_and_completions_of_the_goal_path_inside_the_window(
    make_people: Callable[[str, int], list[Person]],
) -> None:
    path = make_path("welkom")
    made = campaign(goal=Campaign.Goal.ENROL, goal_path=path)
    exp = experiment(made, metric=Experiment.Metric.ENROLLED, window_days=7)
    a, b = make_people("A", 5), make_people("B", 5)
    assign_people(exp, a, "A")
    assign_people(exp, b, "B")
    version = path.current
    assert version is not None
    Enrolment.objects.create(person=a[0], path=path, version=version, enrolled_at=TUESDAY + DAY)
    Enrolment.objects.create(person=a[1], path=path, version=version, enrolled_at=TUESDAY + 8 * DAY)
    Enrolment.objects.create(
        person=b[0],
        path=path,
        version=version,
        enrolled_at=TUESDAY + DAY,
        completed_at=TUESDAY + 5 * DAY,
        status=Enrolment.Status.COMPLETED,
    )
    arms = _by_key(results.results(exp, now=TUESDAY + 20 * DAY))
    assert (arms["A"].enrolled, arms["A"].completed_path) == (1, 0)
    assert (arms["B"].enrolled, arms["B"].completed_path) == (1, 1)
    assert arms["A"].outcome == 1


def test_unsubscribes_are_the_guardrail(make_people: Callable[[str, int], list[Person]]) -> None:
    exp = experiment()
    a, b = make_people("A", 5), make_people("B", 5)
    assign_people(exp, a, "A")
    assign_people(exp, b, "B")
    Preference.objects.create(person=b[0], opted_out=["email"], updated_at=TUESDAY + DAY)
    Preference.objects.create(person=b[1], opted_out=[], updated_at=TUESDAY + DAY)
    arms = _by_key(results.results(exp, now=TUESDAY + 2 * DAY))
    assert (arms["A"].unsubscribed, arms["B"].unsubscribed) == (0, 1)


def test_an_arm_under_k_shows_nothing_and_there_is_no_verdict(
    settings: Any, make_people: Callable[[str, int], list[Person]]
) -> None:
    settings.LEERPAD_MIN_GROUP_SIZE = 5
    exp = experiment()
    a, b = make_people("A", 5), make_people("B", 4)
    assign_people(exp, a, "A")
    assign_people(exp, b, "B")
    _visit(b[0], TUESDAY + DAY)
    found = results.results(exp, now=TUESDAY + 2 * DAY)
    arms = _by_key(found)
    assert arms["A"].shown and arms["A"].assigned == 5
    assert not arms["B"].shown
    assert (arms["B"].assigned, arms["B"].visited, arms["B"].outcome) == (0, 0, 0)
    assert found.verdict is None and found.text == ""
    assert "at least 5 people" in found.no_verdict


def test_the_verdict_gets_each_arms_people_and_outcomes(
    monkeypatch: pytest.MonkeyPatch, make_people: Callable[[str, int], list[Person]]
) -> None:
    exp = experiment(metric=Experiment.Metric.CLICKED, mde=0.05, mode=Experiment.Mode.FIXED)
    a, b = make_people("A", 6), make_people("B", 7)
    assign_people(exp, a[:2], "A", clicked_at=TUESDAY + DAY)
    assign_people(exp, a[2:], "A")
    assign_people(exp, b[:5], "B", clicked_at=TUESDAY + DAY)
    assign_people(exp, b[5:], "B")
    seen: list[tuple[list[ArmStats], stats_verdict.Settings]] = []
    real = stats_verdict.judge

    def spy(arms: list[ArmStats], settings: stats_verdict.Settings) -> stats_verdict.Verdict:
        seen.append((list(arms), settings))
        return real(arms, settings)

    monkeypatch.setattr(stats_verdict, "judge", spy)
    found = results.results(exp, now=TUESDAY + 10 * DAY)
    [(arms, settings)] = seen
    assert arms == [ArmStats.binomial(6, 2, name="A"), ArmStats.binomial(7, 5, name="B")]
    assert settings.mode is stats_verdict.Mode.FIXED
    assert settings.mde == 0.05
    assert settings.weights == (1.0, 1.0)
    assert found.verdict is not None
    assert found.verdict.variants[0].status is stats_verdict.Status.NOT_ENOUGH_DATA
    assert found.text == stats_verdict.describe(found.verdict, "clicks")
    assert found.question
