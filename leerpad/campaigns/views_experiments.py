"""Experiment pages of a campaign: set-up with the power plan, start and stop, and the
results (the funnel per variant and the verdict). Writes go through `experiments`;
figures come from `results`."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from leerpad.analytics import charts
from leerpad.campaigns import experiments, planning
from leerpad.campaigns import results as arm_results
from leerpad.campaigns.forms_experiments import ExperimentForm, variant_forms
from leerpad.campaigns.models import Campaign, Experiment
from leerpad.campaigns.stats import power
from leerpad.core.access import Capability, require

DEFAULT_BASE_RATE = 10.0


@dataclass(frozen=True)
class PlanShown:
    segment: int
    n_per_arm: int
    plan: power.Plan | None

    @property
    def mde_pp(self) -> float | None:
        """The detectable effect in percentage points, for the sentence."""
        return self.plan.mde * 100 if self.plan and self.plan.mde is not None else None


def _plan(
    campaign: Campaign, holdout_percent: int, arms: int, base_percent: float, window_days: int
) -> PlanShown:
    """The power plan over the segment as it is today: "with N per variant you can detect
    +X pp in about D days". People reach their outcome over the window, so the daily
    arrival is the arm spread over the window."""
    segment = planning.audience(campaign, timezone.now()).count()
    n_per_arm = int(segment * (1 - holdout_percent / 100) / max(arms, 2))
    if n_per_arm < 2:
        return PlanShown(segment, n_per_arm, None)
    daily = n_per_arm / max(window_days, 1)
    return PlanShown(segment, n_per_arm, power.plan(base_percent / 100, n_per_arm, daily))


@require(Capability.MANAGE_CAMPAIGNS)
@require_http_methods(["GET", "POST"])
def experiment_setup(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = get_object_or_404(Campaign.objects.select_related("segment"), pk=pk)
    experiment = Experiment.objects.filter(campaign=campaign).first()
    running = experiment is not None and experiment.status == Experiment.Status.RUNNING
    instance = experiment or Experiment(campaign=campaign)
    data = request.POST if request.method == "POST" and not running else None
    form = ExperimentForm(data, instance=instance, initial={"base_rate": DEFAULT_BASE_RATE})
    variants = variant_forms(experiment, data)
    problems: list[str] = []
    if data is not None and form.is_valid() and all(v.is_valid() for v in variants):
        chosen = [v for i, v in enumerate(variants) if i < 2 or not v.is_empty()]
        arms = len(chosen)
        shown = _plan(
            campaign,
            form.cleaned_data["holdout_percent"],
            arms,
            form.cleaned_data["base_rate"],
            form.cleaned_data["window_days"],
        )
        draft = form.save(commit=False)
        draft.campaign = campaign
        if shown.plan is not None:
            draft.planned_per_arm = shown.n_per_arm
            draft.mde = shown.plan.mde
        try:
            experiments.save_experiment(draft, [v.as_input() for v in chosen])
        except experiments.ExperimentError as exc:
            problems = exc.messages
        else:
            messages.success(request, _("Experiment saved."))
            return redirect("campaigns:experiment_setup", campaign.pk)
    base = DEFAULT_BASE_RATE
    if form.is_bound and form.is_valid():
        base = form.cleaned_data["base_rate"]
    arm_count = experiment.variants.count() if experiment else 2
    shown = _plan(
        campaign,
        instance.holdout_percent,
        max(arm_count, 2),
        base,
        instance.window_days,
    )
    context = {
        "campaign": campaign,
        "experiment": experiment,
        "running": running,
        "form": form,
        "variants": variants,
        "problems": problems,
        "shown": shown,
        "base_rate": base,
    }
    return render(request, "campaigns/experiment_setup.html", context)


@require(Capability.MANAGE_CAMPAIGNS)
@require_POST
def experiment_start(request: HttpRequest, pk: int) -> HttpResponse:
    experiment = get_object_or_404(Experiment, campaign_id=pk)
    try:
        experiments.start(experiment)
    except experiments.ExperimentError as exc:
        for problem in exc.messages:
            messages.error(request, problem)
    else:
        messages.success(request, _("Experiment started: the next messages go out per variant."))
    return redirect("campaigns:experiment_setup", pk)


@require(Capability.MANAGE_CAMPAIGNS)
@require_POST
def experiment_stop(request: HttpRequest, pk: int) -> HttpResponse:
    experiment = get_object_or_404(Experiment, campaign_id=pk)
    experiments.stop(experiment)
    messages.success(request, _("Experiment stopped: later messages go out as written."))
    return redirect("campaigns:experiment_results", pk)


@require(Capability.MANAGE_CAMPAIGNS)
def experiment_results(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = get_object_or_404(Campaign, pk=pk)
    experiment = get_object_or_404(Experiment, campaign=campaign)
    found = arm_results.results(experiment)
    stages = [
        (_("Assigned"), "assigned"),
        (_("Delivered"), "delivered"),
        (_("Clicked"), "clicked"),
        (_("Visited"), "visited"),
        (_("Enrolled"), "enrolled"),
        (_("Completed the step"), "completed_step"),
        (_("Completed the path"), "completed_path"),
    ]
    rows = [
        (arm, [getattr(arm, field) if arm.shown else None for _label, field in stages])
        for arm in found.arms
    ]
    chart = charts.bars(
        _("Funnel per variant"),
        [str(label) for label, _field in stages],
        [(arm.name, values) for arm, values in rows],
    )
    runs = list(experiment.bandit_runs.all()[:14])
    looks = list(experiment.looks.all()[:14])
    context = {
        "campaign": campaign,
        "experiment": experiment,
        "found": found,
        "stages": stages,
        "rows": rows,
        "chart": chart,
        "runs": runs,
        "looks": looks,
        "metric": arm_results.metric_label(experiment.metric),
    }
    return render(request, "campaigns/experiment_results.html", context)
