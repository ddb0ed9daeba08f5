"""Deterministic assignment: stable, split by weight, with a hold-out group first."""

from __future__ import annotations

from collections import Counter

import pytest

from leerpad.campaigns.experiments import Arm, assign, bucket
from leerpad.campaigns.models import HOLDOUT_KEY

PEOPLE = range(1, 10_001)
AB = [Arm("A", 1.0), Arm("B", 1.0)]


def test_the_same_person_always_gets_the_same_arm() -> None:
    first = [assign(7, pid, AB, 10) for pid in range(1, 200)]
    again = [assign(7, pid, AB, 10) for pid in range(1, 200)]
    assert first == again
    assert 0 <= bucket(7, 1) < 1


def test_another_experiment_shuffles_people_anew() -> None:
    one = [assign(1, pid, AB, 0) for pid in range(1, 1001)]
    two = [assign(2, pid, AB, 0) for pid in range(1, 1001)]
    # Independent experiments agree for about half the people, not for all of them.
    same = sum(a == b for a, b in zip(one, two, strict=True))
    assert 400 < same < 600


@pytest.mark.parametrize(
    ("weights", "holdout"),
    [((1.0, 1.0), 0), ((3.0, 1.0), 0), ((1.0, 1.0, 2.0), 10), ((1.0, 1.0), 20)],
)
def test_weights_and_holdout_are_respected_over_ten_thousand_people(
    weights: tuple[float, ...], holdout: int
) -> None:
    arms = [Arm("ABC"[i], w) for i, w in enumerate(weights)]
    counts = Counter(assign(42, pid, arms, holdout) for pid in PEOPLE)
    n = len(PEOPLE)
    # Binomial sd at n = 10,000 is at most 50 people (0.5 pp): allow 4 sd.
    tolerance = 0.02
    assert abs(counts[HOLDOUT_KEY] / n - holdout / 100) < tolerance
    rest = 1 - holdout / 100
    for arm in arms:
        expected = rest * arm.weight / sum(weights)
        assert abs(counts[arm.key] / n - expected) < tolerance, (arm.key, counts)


def test_holdout_is_decided_before_the_variants() -> None:
    # A person in the hold-out stays there whatever the variants' weights become (bandit).
    held = {pid for pid in PEOPLE if assign(5, pid, AB, 10) == HOLDOUT_KEY}
    reweighted = [Arm("A", 0.1), Arm("B", 0.9)]
    assert held == {pid for pid in PEOPLE if assign(5, pid, reweighted, 10) == HOLDOUT_KEY}
    assert not any(assign(5, pid, AB, 0) == HOLDOUT_KEY for pid in PEOPLE)


def test_no_arms_is_an_error() -> None:
    with pytest.raises(ValueError):
        assign(1, 1, [], 0)
