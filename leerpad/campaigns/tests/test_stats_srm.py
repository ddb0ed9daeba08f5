from __future__ import annotations

import pytest

from leerpad.campaigns.stats import srm


def test_textbook_value_two_arms() -> None:
    # 5100/4900 at 50/50: X^2 = 2 * 100^2 / 5000 = 4 on 1 dof -> p = 0.0455 (not flagged).
    result = srm.check([5100, 4900], [0.5, 0.5])
    assert result.chi_square == pytest.approx(4.0)
    assert result.dof == 1
    assert result.p_value == pytest.approx(0.0455, abs=1e-4)
    assert result.checked and not result.flagged


@pytest.mark.parametrize(
    ("counts", "weights", "flagged"),
    [
        ([5000, 4700], [1, 1], False),  # p 0.0023: suspicious but above 0.001
        ([5000, 4650], [1, 1], True),  # p 0.00037
        ([5200, 2400, 2150], [0.5, 0.25, 0.25], True),
        ([5012, 4988], [0.5, 0.5], False),
    ],
)
def test_flag_at_one_in_a_thousand(counts: list[int], weights: list[float], flagged: bool) -> None:
    assert srm.check(counts, weights).flagged is flagged


def test_unequal_weights_are_respected() -> None:
    assert not srm.check([6000, 2000, 2000], [0.6, 0.2, 0.2]).flagged
    assert srm.check([6000, 2000, 2000], [1, 1, 1]).flagged


def test_zero_weight_arm_is_skipped() -> None:
    result = srm.check([5000, 5000, 40], [0.5, 0.5, 0.0])
    assert result.dof == 1
    assert result.chi_square == pytest.approx(2 * (5000 - 10040 / 2) ** 2 / (10040 / 2))


def test_too_few_people_is_not_checked() -> None:
    result = srm.check([30, 10], [1, 1])
    assert not result.checked and not result.flagged
    assert srm.check([0, 0], [1, 1]).p_value == 1.0


def test_bad_input() -> None:
    with pytest.raises(ValueError, match="one weight per arm"):
        srm.check([1, 2], [1])
    with pytest.raises(ValueError, match="two arms"):
        srm.check([1], [1])
    with pytest.raises(ValueError, match="negative"):
        srm.check([-1, 2], [1, 1])
    with pytest.raises(ValueError, match="weights"):
        srm.check([1, 2], [0, 0])
