"""Sequential experiments carry their state between daily looks: the p-value is the
smallest seen so far, the interval the intersection, and the mixture's tau stays the one of
the first look; one look is stored per day, only for running sequential experiments."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable

import pytest

from leerpad.accounts.models import Person
from leerpad.campaigns import looks, results
from leerpad.campaigns.models import Experiment, ExperimentLook
from leerpad.campaigns.stats import verdict as stats_verdict
from leerpad.campaigns.stats.inputs import ArmStats
from leerpad.campaigns.stats.sequential import SequentialState
from leerpad.campaigns.tests.campaign_helpers import TUESDAY
from leerpad.campaigns.tests.experiment_helpers import assign_people, experiment

DAY = dt.timedelta(days=1)


@pytest.fixture
def make_people(make_person: Callable[..., Person]) -> Callable[[str, int], list[Person]]:
    def make(prefix: str, n: int) -> list[Person]:
        return [make_person(f"{prefix}{i:02d}") for i in range(n)]

    return make


def _strong_start(make_people: Callable[[str, int], list[Person]]) -> Experiment:
    """B clicks far more than A on the first day."""
    exp = experiment(metric=Experiment.Metric.CLICKED, mde=0.1, mode=Experiment.Mode.SEQUENTIAL)
    a, b = make_people("A", 30), make_people("B", 30)
    assign_people(exp, a[:3], "A", clicked_at=TUESDAY + DAY)
    assign_people(exp, a[3:], "A")
    assign_people(exp, b[:18], "B", clicked_at=TUESDAY + DAY)
    assign_people(exp, b[18:], "B")
    return exp


def test_state_survives_json_with_open_bounds() -> None:
    for state in (SequentialState(), SequentialState(3, 0.02, -0.1, 0.4)):
        assert looks.state_from_json(looks.state_to_json(state)) == state
    assert looks.state_to_json(SequentialState())["low"] is None
    assert math.isinf(looks.state_from_json({"low": None, "high": None}).high)


def test_one_look_a_day_for_running_sequential_experiments(
    make_people: Callable[[str, int], list[Person]],
) -> None:
    exp = _strong_start(make_people)
    first = looks.record(exp, now=TUESDAY + 2 * DAY)
    assert first is not None
    assert first.day == (TUESDAY + 2 * DAY).date()
    assert set(first.states) == {"B", looks.TAU}
    assert first.states["B"]["looks"] == 1
    assert first.counts == {"A": [30, 3], "B": [30, 18]}
    # A second run the same day changes nothing; the next day adds a look built on it.
    assert looks.record(exp, now=TUESDAY + 2 * DAY + dt.timedelta(hours=3)) is None
    second = looks.record(exp, now=TUESDAY + 3 * DAY)
    assert second is not None
    assert second.states["B"]["looks"] == 2
    assert ExperimentLook.objects.filter(experiment=exp).count() == 2
    assert looks.record_all(now=TUESDAY + 3 * DAY) == 0


def test_fixed_and_stopped_experiments_store_no_looks(
    make_people: Callable[[str, int], list[Person]],
) -> None:
    exp = _strong_start(make_people)
    Experiment.objects.filter(pk=exp.pk).update(mode=Experiment.Mode.FIXED)
    exp.refresh_from_db()
    assert looks.record(exp, now=TUESDAY + 2 * DAY) is None
    Experiment.objects.filter(pk=exp.pk).update(
        mode=Experiment.Mode.SEQUENTIAL, status=Experiment.Status.STOPPED
    )
    exp.refresh_from_db()
    assert looks.record(exp, now=TUESDAY + 2 * DAY) is None
    assert not ExperimentLook.objects.exists()


def test_a_strong_early_signal_is_not_forgotten_when_later_data_is_weaker(
    make_people: Callable[[str, int], list[Person]],
) -> None:
    exp = _strong_start(make_people)
    first = looks.record(exp, now=TUESDAY + 2 * DAY)
    assert first is not None
    early_p = first.states["B"]["min_p_value"]
    # The next days bring people in A who click a lot: today's evidence alone is weaker.
    late = make_people("L", 30)
    assign_people(exp, late[:24], "A", clicked_at=TUESDAY + 3 * DAY)
    assign_people(exp, late[24:], "A")
    carried = results.results(exp, now=TUESDAY + 4 * DAY).verdict
    assert carried is not None
    ExperimentLook.objects.all().delete()
    fresh = results.results(exp, now=TUESDAY + 4 * DAY).verdict
    assert fresh is not None
    assert fresh.variants[0].p_value > early_p  # today alone says less ...
    assert carried.variants[0].p_value == pytest.approx(early_p)  # ... the record remembers
    assert carried.variants[0].sequential_state is not None
    assert carried.variants[0].sequential_state.looks == 2


def test_the_next_look_uses_the_first_looks_tau(
    monkeypatch: pytest.MonkeyPatch, make_people: Callable[[str, int], list[Person]]
) -> None:
    exp = _strong_start(make_people)
    ExperimentLook.objects.create(
        experiment=exp,
        day=(TUESDAY + DAY).date(),
        states={"B": looks.state_to_json(SequentialState(1, 0.2, -0.1, 0.6)), looks.TAU: 0.07},
    )
    seen: list[stats_verdict.Settings] = []
    real = stats_verdict.judge

    def spy(arms: list[ArmStats], settings: stats_verdict.Settings) -> stats_verdict.Verdict:
        seen.append(settings)
        return real(arms, settings)

    monkeypatch.setattr(stats_verdict, "judge", spy)
    results.results(exp, now=TUESDAY + 2 * DAY)
    [settings] = seen
    assert settings.tau == 0.07
    assert settings.history == (SequentialState(1, 0.2, -0.1, 0.6),)
    # A look from today is not history yet: the same day's page reads the day before.
    seen.clear()
    results.results(exp, now=TUESDAY + DAY)
    assert seen[0].history is None
