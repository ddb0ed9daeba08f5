from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.utils import translation

from leerpad.campaigns.stats import power
from leerpad.campaigns.stats.frequentist import Correction
from leerpad.campaigns.stats.inputs import ArmStats, StatsInputError
from leerpad.campaigns.stats.sequential import half_width
from leerpad.campaigns.stats.verdict import (
    FALLBACK_TAU_RELATIVE,
    Mode,
    Question,
    Settings,
    Status,
    describe,
    describe_question,
    judge,
)

binomial = ArmStats.binomial


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    with translation.override("en"):
        yield


def test_below_the_minimum_count_there_is_no_verdict() -> None:
    verdict = judge([binomial(1000, 20), binomial(1000, 25)], Settings(daily_per_arm=50))
    [variant] = verdict.variants
    assert verdict.status is Status.NOT_ENOUGH_DATA
    assert variant.status is Status.NOT_ENOUGH_DATA
    # The control lacks 10 conversions at 2 %: 500 more people, 10 days at 50 a day.
    assert variant.people_more == 500
    assert variant.days_more == 10
    assert "not enough results" in describe(verdict, "completions")


def test_minimum_people_gate_and_unknown_days_without_conversions() -> None:
    verdict = judge([binomial(50, 0), binomial(50, 40)], Settings(daily_per_arm=10))
    assert verdict.variants[0].status is Status.NOT_ENOUGH_DATA
    assert verdict.variants[0].people_more is None
    assert verdict.variants[0].days_more is None


def test_sequential_keep_collecting_with_days_until_the_boundary() -> None:
    control, variant = binomial(1000, 120), binomial(1000, 150)
    settings = Settings(mde=0.03, daily_per_arm=100)
    verdict = judge([control, variant], settings)
    [result] = verdict.variants
    assert verdict.question is Question.ALWAYS_VALID
    assert result.status is Status.KEEP_COLLECTING
    # The fixed-horizon test would already call it (p 0.0496): the sequential one does not.
    assert result.fixed_p_value < 0.05 < result.p_value
    assert result.people_more is not None and result.days_more is not None
    assert result.days_more == power.days_needed(result.people_more, 100)
    # If the rates stay as they are (per-person variances unchanged, V ~ 1/n), the estimate
    # is the first size at which the difference crosses the always-valid boundary.
    spread = control.variance + variant.variance
    tau = verdict.tau or 0.0
    n_later = 1000 + result.people_more
    assert half_width(spread / n_later, tau, 0.05) <= 0.03
    assert half_width(spread / (n_later - 2), tau, 0.05) > 0.03


def test_issue_wording_of_a_running_experiment() -> None:
    verdict = judge(
        [binomial(1000, 120), binomial(1000, 150)], Settings(mde=0.03, daily_per_arm=100)
    )
    [variant] = verdict.variants
    chance = round(variant.chance_to_win * 100)
    text = describe(verdict, "completions")
    assert text == (
        f"Variant B: {chance}% chance to be better, +3.0 pp completions; not yet reliable "
        f"under daily looking — about {variant.days_more} more days."
    )
    assert "every day" in describe_question(verdict, "completions")


@pytest.mark.parametrize(
    ("control", "variant", "status"),
    [
        (binomial(2000, 200), binomial(2000, 300), Status.BETTER),
        (binomial(2000, 300), binomial(2000, 200), Status.WORSE),
    ],
)
def test_sequential_better_and_worse(control: ArmStats, variant: ArmStats, status: Status) -> None:
    verdict = judge([control, variant], Settings(mde=0.03))
    assert verdict.status is status
    [result] = verdict.variants
    assert result.p_value <= 0.05
    assert not result.interval.contains(0.0)
    word = "better" if status is Status.BETTER else "worse"
    assert f"is {word}" in describe(verdict, "completions")


def test_lower_is_better_turns_an_increase_into_worse() -> None:
    settings = Settings(mde=0.03, higher_is_better=False)
    verdict = judge([binomial(2000, 200), binomial(2000, 300)], settings)
    assert verdict.status is Status.WORSE
    assert verdict.variants[0].chance_to_win < 0.01


def test_sequential_no_difference_when_the_interval_is_inside_the_mde() -> None:
    verdict = judge([binomial(30000, 3000), binomial(30000, 3000)], Settings(mde=0.02))
    [result] = verdict.variants
    assert result.status is Status.NO_DIFFERENCE
    assert result.interval.low > -0.02 and result.interval.high < 0.02
    # Without a planned effect the same data only say: keep collecting.
    unplanned = judge([binomial(30000, 3000), binomial(30000, 3000)], Settings())
    assert unplanned.variants[0].status is Status.KEEP_COLLECTING


def test_sequential_history_keeps_the_smallest_p() -> None:
    settings = Settings(mde=0.03)
    first = judge([binomial(2000, 200), binomial(2000, 300)], settings)
    state = first.variants[0].sequential_state
    assert state is not None and first.variants[0].status is Status.BETTER
    # The next day the difference looks smaller, but an always-valid "yes" stays a yes.
    second = judge(
        [binomial(2100, 215), binomial(2100, 270)],
        Settings(mde=0.03, history=(state,)),
    )
    assert second.variants[0].p_value == pytest.approx(first.variants[0].p_value)
    assert second.variants[0].status is Status.BETTER
    fresh = judge([binomial(2100, 215), binomial(2100, 270)], settings)
    assert fresh.variants[0].p_value > second.variants[0].p_value


def test_sample_ratio_mismatch_blocks_every_verdict() -> None:
    verdict = judge([binomial(5000, 500), binomial(4650, 700)], Settings(mde=0.02))
    assert verdict.srm.flagged
    assert verdict.status is Status.SAMPLE_RATIO_MISMATCH
    assert verdict.variants[0].status is Status.SAMPLE_RATIO_MISMATCH
    assert "not split" in describe(verdict, "completions")
    # The same counts are fine when the plan was 52/48.
    weighted = judge(
        [binomial(5000, 500), binomial(4650, 700)], Settings(mde=0.02, weights=(0.518, 0.482))
    )
    assert not weighted.srm.flagged


def test_fixed_mode_waits_for_the_planned_size() -> None:
    arms = [binomial(2000, 200), binomial(2000, 245)]
    waiting = judge(arms, Settings(mode=Mode.FIXED, planned_n_per_arm=3000, daily_per_arm=100))
    assert waiting.question is Question.FIXED_HORIZON
    assert waiting.variants[0].status is Status.KEEP_COLLECTING
    assert waiting.variants[0].days_more == 10
    assert "planned number of people" in describe(waiting, "completions")
    reached = judge(arms, Settings(mode=Mode.FIXED, planned_n_per_arm=2000))
    assert reached.variants[0].status is Status.BETTER
    assert "judged once at the end" in describe(reached, "completions")


def test_fixed_mode_no_difference() -> None:
    verdict = judge([binomial(2000, 200), binomial(2000, 205)], Settings(mode=Mode.FIXED))
    assert verdict.status is Status.NO_DIFFERENCE
    assert "no difference" in describe(verdict, "completions")


def test_holm_correction_across_variants_changes_the_verdict() -> None:
    arms = [binomial(2000, 200), binomial(2000, 242), binomial(2000, 205)]
    corrected = judge(arms, Settings(mode=Mode.FIXED))
    uncorrected = judge(arms, Settings(mode=Mode.FIXED, correction=Correction.NONE))
    assert uncorrected.variants[0].status is Status.BETTER
    assert corrected.variants[0].status is Status.NO_DIFFERENCE
    assert corrected.variants[0].p_value_adjusted == pytest.approx(
        2 * corrected.variants[0].p_value
    )
    # The shown interval follows the corrected decision.
    assert corrected.variants[0].interval.contains(0.0)
    assert not uncorrected.variants[0].interval.contains(0.0)
    assert [v.name for v in corrected.variants] == ["B", "C"]


def test_mean_metric_verdict_uses_units_not_pp() -> None:
    control = ArmStats.from_summary(800, 22.0, 41.0, name="Short")
    variant = ArmStats.from_summary(820, 25.5, 46.0, name="Story")
    verdict = judge([control, variant], Settings(mode=Mode.FIXED))
    assert verdict.control == "Short"
    text = describe(verdict, "minutes learned")
    assert "Story" in text and "+3.50 minutes learned" in text and "pp" not in text


def test_invalid_settings_and_inputs() -> None:
    arms = [binomial(100, 10), binomial(100, 12)]
    with pytest.raises(ValueError, match="weight"):
        judge(arms, Settings(weights=(1.0,)))
    with pytest.raises(ValueError, match="state"):
        judge(arms, Settings(history=(None, None)))
    with pytest.raises(StatsInputError):
        judge([binomial(100, 10), ArmStats.from_summary(100, 1.0, 1.0)])
    with pytest.raises(ValueError, match="alpha"):
        Settings(alpha=0)
    with pytest.raises(ValueError, match="daily"):
        Settings(daily_per_arm=0)
    with pytest.raises(ValueError, match="detectable"):
        Settings(mde=-0.01)


def test_a_carried_tau_replaces_the_one_from_the_control() -> None:
    arms = [ArmStats.binomial(400, 40, name="A"), ArmStats.binomial(400, 60, name="B")]
    own = judge(arms, Settings())
    carried = judge(arms, Settings(tau=0.5))
    assert own.tau == pytest.approx(FALLBACK_TAU_RELATIVE * 0.1)
    assert carried.tau == 0.5
    assert carried.variants[0].p_value != own.variants[0].p_value
    with pytest.raises(ValueError, match="tau"):
        Settings(tau=0.0)
