"""One verdict per experiment: the numbers of every method, and a status a marketer can act on.

`judge(arms, settings)` returns a structure; `describe(verdict, metric)` turns it into one
translatable sentence per variant ("Variant B: 96% chance to be better, +3.1 pp
completions; not yet reliable under daily looking — about 5 more days"). The UI may also
build its own text from the structure.

The rules, in order (docs/experiments.md explains why):
1. Sample ratio mismatch (srm.py) flagged: no verdict for any variant.
2. Below the minimum counts (default 30 outcomes and 100 people in each arm, after Optimizely's
   25 conversions / 100 visitors and the research's d1 finding that tests drift at 3-10
   conversions per arm): "not enough data", with the days until the counts are reached.
3. Decided on the absolute difference, at level alpha, after a correction for many variants
   (Holm by default):
   - sequential mode (the default: the team looks every day): the always-valid mSPRT p-value;
     "no difference" when the always-valid interval lies inside (-mde, +mde) or the planned
     always-valid sample is reached; else "keep collecting" with the days until an unchanged
     difference would cross the boundary;
   - fixed mode: judged once, when every arm has the planned number of people; before that
     "keep collecting".
Chance to beat control, expected loss, credible interval and the relative lift are shown
beside the decision but never make it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from django.utils.formats import number_format
from django.utils.translation import gettext, ngettext

from . import power, srm
from .bayesian import GaussianPrior, posterior
from .frequentist import Correction, Interval, adjust, adjusted_interval, compare
from .inputs import ArmStats, MetricKind, check_same_kind
from .sequential import (
    SequentialResult,
    SequentialState,
    half_width,
    msprt,
    tau_for_mde,
    variance_to_reject,
)

MIN_OUTCOMES_PER_ARM = 30
MIN_PEOPLE_PER_ARM = 100
# Without a planned effect the mixing sd falls back to 30 % of the control's level, the
# research's tau 0.3 row (d1). A plan's mde is better: it does not move between looks.
FALLBACK_TAU_RELATIVE = 0.3


class Mode(StrEnum):
    FIXED = "fixed"
    SEQUENTIAL = "sequential"


class Question(StrEnum):
    # "Is the variant different from the control, judged once at the planned size?"
    FIXED_HORIZON = "fixed_horizon"
    # "Is the variant different from the control, with a look every day allowed?"
    ALWAYS_VALID = "always_valid"


class Status(StrEnum):
    NOT_ENOUGH_DATA = "not_enough_data"
    KEEP_COLLECTING = "keep_collecting"
    BETTER = "better"
    WORSE = "worse"
    NO_DIFFERENCE = "no_difference"
    SAMPLE_RATIO_MISMATCH = "sample_ratio_mismatch"


@dataclass(frozen=True)
class Settings:
    alpha: float = 0.05
    mode: Mode = Mode.SEQUENTIAL
    min_outcomes_per_arm: int = MIN_OUTCOMES_PER_ARM
    min_people_per_arm: int = MIN_PEOPLE_PER_ARM
    # New people per arm per day (for "about N more days"); None: no day estimates.
    daily_per_arm: float | None = None
    days_run: int = 0
    # The plan made before launch: the effect worth finding (absolute: 0.02 = 2 pp) and, for
    # the fixed mode, the people per arm at which the test is read.
    mde: float | None = None
    planned_n_per_arm: int | None = None
    correction: Correction = Correction.HOLM
    # Configured traffic weights per arm (control first); None: equal split.
    weights: tuple[float, ...] | None = None
    higher_is_better: bool = True
    prior: GaussianPrior | None = None
    # Sequential mode: each variant's state after the previous look (None: first look).
    history: tuple[SequentialState | None, ...] | None = None
    # Sequential mode: the mixture's tau fixed at the first look. Without a plan tau follows
    # the control's rate, which moves; carrying the first one keeps one mixture over all
    # looks, which is what the always-valid guarantee assumes.
    tau: float | None = None

    def __post_init__(self) -> None:
        if not 0 < self.alpha < 1:
            raise ValueError("alpha must lie between 0 and 1")
        if self.min_outcomes_per_arm < 0 or self.min_people_per_arm < 2:
            raise ValueError("minimum counts must be positive (at least 2 people per arm)")
        if self.daily_per_arm is not None and not self.daily_per_arm > 0:
            raise ValueError("the daily arrival rate must be positive")
        if self.mde is not None and not self.mde > 0:
            raise ValueError("the minimum detectable effect must be positive")
        if self.planned_n_per_arm is not None and self.planned_n_per_arm < 2:
            raise ValueError("the planned size must be at least 2 people per arm")
        if self.tau is not None and not self.tau > 0:
            raise ValueError("the mixture's tau must be positive")


@dataclass(frozen=True)
class VariantVerdict:
    index: int
    name: str
    status: Status
    difference: float
    # The interval of the method that decides (always-valid in sequential mode).
    interval: Interval
    relative: float | None
    p_value: float
    p_value_adjusted: float
    chance_to_win: float
    credible_interval: Interval
    risk_control: float
    risk_variant: float
    # Fixed-horizon numbers, shown for reference in sequential mode too.
    fixed_p_value: float
    fixed_interval: Interval
    sequential_state: SequentialState | None
    # Estimated people per arm / days still needed (None: unknown or not applicable).
    people_more: int | None
    days_more: int | None
    outcomes: float
    outcomes_needed: int


@dataclass(frozen=True)
class Verdict:
    question: Question
    mode: Mode
    kind: MetricKind
    status: Status
    alpha: float
    control: str
    srm: srm.SrmResult
    variants: tuple[VariantVerdict, ...]
    tau: float | None
    days_run: int


def _tau(settings: Settings, control: ArmStats) -> float | None:
    if settings.tau is not None:
        return settings.tau
    if settings.mde is not None:
        return tau_for_mde(settings.mde)
    level = abs(control.average)
    return FALLBACK_TAU_RELATIVE * level if level > 0 else None


def _days(people: int | None, settings: Settings) -> int | None:
    if people is None or settings.daily_per_arm is None:
        return None
    return power.days_needed(people, settings.daily_per_arm)


def _people_for_counts(control: ArmStats, variant: ArmStats, settings: Settings) -> int | None:
    """People per arm still needed until both arms reach the minimum counts."""
    needed = 0
    for arm in (control, variant):
        lacking_people = max(settings.min_people_per_arm - arm.n, 0)
        lacking = settings.min_outcomes_per_arm - arm.outcomes
        if lacking > 0 and arm.kind is MetricKind.BINOMIAL:
            if arm.sum == 0:
                return None  # no conversions yet: no rate to extrapolate from
            lacking_people = max(lacking_people, math.ceil(lacking * arm.n / arm.sum))
        elif lacking > 0:
            lacking_people = max(lacking_people, math.ceil(lacking))
        needed = max(needed, lacking_people)
    return needed


def _sequential_planned_n(settings: Settings, control: ArmStats) -> int | None:
    if settings.mde is None or control.kind is not MetricKind.BINOMIAL:
        return None
    base = control.average
    if not 0 < base < 1 or not settings.mde < 1 - base:
        return None
    return power.sequential_sample_size_per_arm(base, settings.mde, settings.alpha)


def _direction(difference: float, settings: Settings) -> Status:
    good = difference > 0 if settings.higher_is_better else difference < 0
    return Status.BETTER if good else Status.WORSE


def judge(arms: Sequence[ArmStats], settings: Settings | None = None) -> Verdict:
    """The verdict for a control (arms[0]) and its variants on one metric."""
    settings = settings or Settings()
    kind = check_same_kind(tuple(arms))
    control, variants = arms[0], list(arms[1:])
    weights = settings.weights or tuple(1.0 for _ in arms)
    if len(weights) != len(arms):
        raise ValueError("one traffic weight per arm is needed")
    if settings.history is not None and len(settings.history) != len(variants):
        raise ValueError("one sequential state per variant is needed")
    split = srm.check([arm.n for arm in arms], weights)
    sequential = settings.mode is Mode.SEQUENTIAL
    tau = _tau(settings, control) if sequential else None

    fixed = [compare(control, variant, settings.alpha) for variant in variants]
    bayes = [
        posterior(
            control,
            variant,
            settings.alpha,
            prior=settings.prior,
            higher_is_better=settings.higher_is_better,
        )
        for variant in variants
    ]
    looks = []
    if sequential and tau is not None:
        for i, variant in enumerate(variants):
            previous = settings.history[i] if settings.history else None
            looks.append(msprt(control, variant, tau, settings.alpha, previous))
    if sequential:
        # No tau (no plan and a control at 0): nothing can be claimed under daily looking yet.
        raw_p = [look.p_value for look in looks] if looks else [1.0 for _ in variants]
    else:
        raw_p = [result.p_value for result in fixed]
    adjusted = adjust(raw_p, settings.correction)
    planned_seq_n = _sequential_planned_n(settings, control) if sequential else None

    verdicts = []
    for i, variant in enumerate(variants):
        result, belief = fixed[i], bayes[i]
        look = looks[i] if looks else None
        smallest_n = min(control.n, variant.n)
        status: Status
        people_more: int | None = None
        if sequential and look is not None:
            interval = _sequential_interval(look, adjusted[i], settings.alpha)
        elif sequential:
            interval = Interval(-math.inf, math.inf)
        else:
            interval = adjusted_interval(result, adjusted[i], settings.alpha)
        outcomes = min(control.outcomes, variant.outcomes)
        gate = (
            smallest_n < settings.min_people_per_arm
            or outcomes < settings.min_outcomes_per_arm
            or result.problem != ""
        )
        if split.flagged:
            status = Status.SAMPLE_RATIO_MISMATCH
        elif gate:
            status = Status.NOT_ENOUGH_DATA
            people_more = _people_for_counts(control, variant, settings)
        elif sequential and look is not None:
            status, people_more = _sequential_status(
                look, adjusted[i], interval, settings, smallest_n, planned_seq_n
            )
        elif sequential:
            status = Status.KEEP_COLLECTING
        else:
            status, people_more = _fixed_status(
                result.difference, adjusted[i], settings, smallest_n
            )
        verdicts.append(
            VariantVerdict(
                index=i + 1,
                name=variant.name or chr(ord("A") + i + 1),
                status=status,
                difference=result.difference,
                interval=interval,
                relative=result.relative,
                p_value=raw_p[i],
                p_value_adjusted=adjusted[i],
                chance_to_win=belief.chance_to_win,
                credible_interval=belief.interval,
                risk_control=belief.risk_control,
                risk_variant=belief.risk_variant,
                fixed_p_value=result.p_value,
                fixed_interval=result.interval,
                sequential_state=look.state if look else None,
                people_more=people_more,
                days_more=_days(people_more, settings),
                outcomes=outcomes,
                outcomes_needed=settings.min_outcomes_per_arm,
            )
        )
    return Verdict(
        question=Question.ALWAYS_VALID if sequential else Question.FIXED_HORIZON,
        mode=settings.mode,
        kind=kind,
        status=_overall(split.flagged, [v.status for v in verdicts]),
        alpha=settings.alpha,
        control=control.name or "A",
        srm=split,
        variants=tuple(verdicts),
        tau=tau,
        days_run=settings.days_run,
    )


def _sequential_interval(look: SequentialResult, p_adjusted: float, alpha: float) -> Interval:
    """The always-valid interval; widened when a correction raised the p-value.

    Like frequentist.adjusted_interval: at level alpha * p / p_adjusted the interval excludes
    0 when the adjusted p is below alpha (exactly so when the running minimum p is this
    look's). The widened interval is this look's, not the running intersection.
    """
    if p_adjusted <= look.p_value or look.p_value <= 0 or look.variance <= 0:
        return look.interval
    level = min(alpha * look.p_value / p_adjusted, alpha)
    half = half_width(look.variance, look.tau, level)
    return Interval(look.difference - half, look.difference + half)


def _sequential_status(
    look: SequentialResult,
    p_adjusted: float,
    interval: Interval,
    settings: Settings,
    smallest_n: int,
    planned_n: int | None,
) -> tuple[Status, int | None]:
    if p_adjusted <= settings.alpha:
        return _direction(look.difference, settings), None
    if settings.mde is not None and -settings.mde < interval.low and interval.high < settings.mde:
        return Status.NO_DIFFERENCE, None
    if planned_n is not None and smallest_n >= planned_n:
        return Status.NO_DIFFERENCE, None
    people_more = planned_n - smallest_n if planned_n is not None else None
    target = variance_to_reject(look.difference, look.tau, settings.alpha)
    if target is not None and look.variance > 0:
        needed = math.ceil(smallest_n * look.variance / target)
        if people_more is None or needed - smallest_n < people_more:
            people_more = max(needed - smallest_n, 1)
    return Status.KEEP_COLLECTING, people_more


def _fixed_status(
    difference: float, p_adjusted: float, settings: Settings, smallest_n: int
) -> tuple[Status, int | None]:
    planned = settings.planned_n_per_arm
    if planned is not None and smallest_n < planned:
        return Status.KEEP_COLLECTING, planned - smallest_n
    if p_adjusted <= settings.alpha:
        return _direction(difference, settings), None
    return Status.NO_DIFFERENCE, None


def _overall(flagged: bool, statuses: list[Status]) -> Status:
    if flagged:
        return Status.SAMPLE_RATIO_MISMATCH
    if Status.BETTER in statuses:
        return Status.BETTER
    if all(s is Status.NOT_ENOUGH_DATA for s in statuses):
        return Status.NOT_ENOUGH_DATA
    if Status.KEEP_COLLECTING in statuses or Status.NOT_ENOUGH_DATA in statuses:
        return Status.KEEP_COLLECTING
    if all(s is Status.WORSE for s in statuses):
        return Status.WORSE
    return Status.NO_DIFFERENCE


# --- Text ---------------------------------------------------------------------------------


def format_effect(value: float, kind: MetricKind) -> str:
    """+3.1 pp for yes/no metrics, +3.50 for means (localised decimal separator)."""
    sign = "+" if value > 0 else ("-" if value < 0 else "")
    if kind is MetricKind.BINOMIAL:
        amount = number_format(round(abs(value) * 100, 1), decimal_pos=1)
        return gettext("%(sign)s%(amount)s pp") % {"sign": sign, "amount": amount}
    return sign + number_format(round(abs(value), 2), decimal_pos=2)


def _percent(value: float) -> str:
    return number_format(round(value * 100), decimal_pos=0)


def _more_days(days: int | None) -> str:
    if days is None:
        return ""
    return ngettext("about %(days)d more day", "about %(days)d more days", days) % {"days": days}


def describe_variant(verdict: Verdict, variant: VariantVerdict, metric: str) -> str:
    """One sentence for one variant, in the active language."""
    values = {
        "name": variant.name,
        "chance": _percent(variant.chance_to_win),
        "effect": format_effect(variant.difference, verdict.kind),
        "metric": metric,
        "low": format_effect(variant.interval.low, verdict.kind)
        if math.isfinite(variant.interval.low)
        else "-",
        "high": format_effect(variant.interval.high, verdict.kind)
        if math.isfinite(variant.interval.high)
        else "-",
        "level": _percent(1 - verdict.alpha),
        "outcomes": int(variant.outcomes),
        "needed": variant.outcomes_needed,
        "more": _more_days(variant.days_more),
    }
    daily = verdict.mode is Mode.SEQUENTIAL
    status = variant.status
    if status is Status.SAMPLE_RATIO_MISMATCH:
        return (
            gettext(
                "Variant %(name)s: no verdict, the people are not split over the variants as "
                "planned; check the assignment first."
            )
            % values
        )
    if status is Status.NOT_ENOUGH_DATA:
        if values["more"]:
            return (
                gettext(
                    "Variant %(name)s: not enough results yet to judge (%(outcomes)s of the "
                    "%(needed)s needed per variant) — %(more)s."
                )
                % values
            )
        return (
            gettext(
                "Variant %(name)s: not enough results yet to judge (%(outcomes)s of the "
                "%(needed)s needed per variant)."
            )
            % values
        )
    if status is Status.KEEP_COLLECTING:
        if daily and values["more"]:
            text = gettext(
                "Variant %(name)s: %(chance)s%% chance to be better, %(effect)s %(metric)s; "
                "not yet reliable under daily looking — %(more)s."
            )
        elif daily:
            text = gettext(
                "Variant %(name)s: %(chance)s%% chance to be better, %(effect)s %(metric)s; "
                "not yet reliable under daily looking."
            )
        elif values["more"]:
            text = gettext(
                "Variant %(name)s: %(chance)s%% chance to be better, %(effect)s %(metric)s; "
                "judged once the planned number of people is reached — %(more)s."
            )
        else:
            text = gettext(
                "Variant %(name)s: %(chance)s%% chance to be better, %(effect)s %(metric)s; "
                "judged once the planned number of people is reached."
            )
        return text % values
    if status is Status.BETTER or status is Status.WORSE:
        better = status is Status.BETTER
        if daily:
            text = (
                gettext(
                    "Variant %(name)s is better: %(effect)s %(metric)s (%(level)s%% interval "
                    "%(low)s to %(high)s), reliable under daily looking."
                )
                if better
                else gettext(
                    "Variant %(name)s is worse: %(effect)s %(metric)s (%(level)s%% interval "
                    "%(low)s to %(high)s), reliable under daily looking."
                )
            )
        else:
            text = (
                gettext(
                    "Variant %(name)s is better: %(effect)s %(metric)s (%(level)s%% interval "
                    "%(low)s to %(high)s), judged once at the end."
                )
                if better
                else gettext(
                    "Variant %(name)s is worse: %(effect)s %(metric)s (%(level)s%% interval "
                    "%(low)s to %(high)s), judged once at the end."
                )
            )
        return text % values
    return (
        gettext(
            "Variant %(name)s: no difference worth acting on, %(effect)s %(metric)s "
            "(%(level)s%% interval %(low)s to %(high)s)."
        )
        % values
    )


def describe(verdict: Verdict, metric: str) -> str:
    """The verdict as plain sentences, one per variant (metric: e.g. "completions")."""
    return " ".join(describe_variant(verdict, variant, metric) for variant in verdict.variants)


def describe_question(verdict: Verdict, metric: str) -> str:
    """Which question the verdict answers."""
    if verdict.question is Question.ALWAYS_VALID:
        return gettext(
            "Does a variant change %(metric)s compared with %(control)s? Looking every day "
            "is allowed: the answer stays reliable whenever you read it."
        ) % {"metric": metric, "control": verdict.control}
    return gettext(
        "Does a variant change %(metric)s compared with %(control)s? Read it once, when the "
        "planned number of people is reached; earlier looks are not reliable."
    ) % {"metric": metric, "control": verdict.control}
