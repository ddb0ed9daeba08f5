from __future__ import annotations

import pytest

from leerpad.campaigns.stats import power


@pytest.mark.parametrize(
    ("base", "mde", "research"),
    [
        # Research (b), "Sample size per arm for 80% power, two-sided 5%, fixed horizon".
        (0.03, 0.010, 5298),
        (0.10, 0.014, 7649),
        (0.10, 0.030, 1771),
        (0.30, 0.014, 17035),
        (0.30, 0.030, 3760),
    ],
)
def test_sample_size_matches_the_research_table(base: float, mde: float, research: int) -> None:
    # The research's table rounds the formula to the nearest person; the plan rounds up.
    assert round(power.sample_size_exact(base, mde)) == research
    assert power.sample_size_per_arm(base, mde) in (research, research + 1)


def test_mde_inverts_the_sample_size() -> None:
    for base, n in ((0.1, 7649), (0.03, 600), (0.3, 200)):
        detectable = power.mde(base, n)
        assert detectable is not None
        assert power.sample_size_exact(base, detectable) == pytest.approx(n, rel=1e-6)
    assert power.mde(0.1, 7649) == pytest.approx(0.014, abs=2e-6)


def test_issue_example_600_people_per_variant() -> None:
    # "With 600 people per variant you can detect +4 pp in about 3 weeks" (issue 7): a base
    # rate of 4.5 % and 30 new people per variant a day.
    plan = power.plan(0.045, 600, daily_per_arm=30)
    assert plan.mde is not None
    assert round(plan.mde * 100) == 4
    assert plan.days == 20
    assert round(plan.days / 7) == 3
    # Looking every day costs more people for the same effect.
    assert plan.sequential_n_per_arm is not None and plan.sequential_days is not None
    assert plan.sequential_n_per_arm > 600
    assert plan.sequential_days > plan.days


def test_sequential_design_needs_more_people() -> None:
    fixed = power.sample_size_per_arm(0.1, 0.02)
    sequential = power.sequential_sample_size_per_arm(0.1, 0.02)
    assert 1.3 * fixed < sequential < 3 * fixed
    # The smallest n with the wanted power (at the last look).
    assert power.sequential_power(0.1, 0.02, sequential, 0.02) >= 0.8
    assert power.sequential_power(0.1, 0.02, sequential - 1, 0.02) < 0.8


def test_mean_metric_sample_size() -> None:
    # 2 * (1.96 + 0.8416)^2 * 41^2 / 5^2 = 1055.5 -> 1056 people per arm.
    assert power.sample_size_per_arm_mean(41.0, 5.0) == 1056


def test_days_needed_rounds_up() -> None:
    assert power.days_needed(600, 30) == 20
    assert power.days_needed(601, 30) == 21
    assert power.days_needed(0, 30) == 0


def test_too_small_an_audience_has_no_mde() -> None:
    assert power.mde(0.5, 3) is None


@pytest.mark.parametrize(
    "call",
    [
        lambda: power.sample_size_per_arm(0.0, 0.01),
        lambda: power.sample_size_per_arm(0.1, 0.0),
        lambda: power.sample_size_per_arm(0.95, 0.06),
        lambda: power.sample_size_per_arm(0.1, 0.01, alpha=0.0),
        lambda: power.mde(0.1, 0),
        lambda: power.days_needed(10, 0),
        lambda: power.sample_size_per_arm_mean(0.0, 1.0),
    ],
)
def test_invalid_plans_are_refused(call: object) -> None:
    with pytest.raises(ValueError):
        call()  # type: ignore[operator]
