"""Campaign reports (marketers): one campaign's funnel (on the campaign page, loaded by
htmx, or as a page of its own), and across campaigns which channels and send times work
for which locations and job roles. The figures come from `funnel` and `report`."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext, gettext_lazy
from django.views.decorators.http import require_GET

from leerpad.analytics import charts
from leerpad.campaigns import funnel as campaign_funnel
from leerpad.campaigns import report
from leerpad.campaigns.models import Campaign
from leerpad.core.access import Capability, require


@require(Capability.MANAGE_CAMPAIGNS)
@require_GET
def campaign_funnel_view(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = get_object_or_404(Campaign, pk=pk)
    context = {"campaign": campaign, "funnel": campaign_funnel.funnel(campaign)}
    template = "campaigns/_funnel.html" if request.htmx else "campaigns/report_funnel.html"  # type: ignore[attr-defined]
    return render(request, template, context)


class ReportForm(forms.Form):
    days = forms.TypedChoiceField(
        label=gettext_lazy("Period"),
        coerce=int,
        required=False,
    )
    compare = forms.ChoiceField(
        label=gettext_lazy("Compare"),
        required=False,
        choices=[(c.value, label) for c, label in report.COMPARE_LABELS.items()],
    )
    by = forms.ChoiceField(
        label=gettext_lazy("For each"),
        required=False,
        choices=[(b.value, label) for b, label in report.BY_LABELS.items()],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Built per request: the labels follow the person's language.
        self.fields["days"].choices = [  # type: ignore[attr-defined]
            (d, gettext("Last %(days)d days") % {"days": d}) for d in report.PERIODS
        ]


def _chart(found: report.Table) -> charts.Chart | None:
    """Bars of the column totals (all rows together); withheld totals are gaps."""
    if found.empty:
        return None
    labels = [label for _key, label in found.columns]

    def percent(cell: report.ShownCell, goal: bool) -> float | None:
        if cell.figures is None:
            return None
        rate = cell.figures.goal_rate if goal else cell.figures.click_rate
        return round(rate.estimate * 100, 1)

    return charts.bars(
        gettext("Share of people per %(compare)s")
        % {"compare": str(report.COMPARE_LABELS[report.Compare(found.compare)]).lower()},
        labels,
        [
            (gettext("Clicked"), [percent(c, False) for c in found.totals]),
            (gettext("Reached the goal"), [percent(c, True) for c in found.totals]),
        ],
        unit=" %",
    )


@require(Capability.MANAGE_CAMPAIGNS)
@require_GET
def reports(request: HttpRequest) -> HttpResponse:
    form = ReportForm(request.GET or None)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    days = data.get("days") or report.DEFAULT_DAYS
    compare = data.get("compare") or report.Compare.CHANNEL
    by = data.get("by") or report.By.LOCATION
    if not form.is_bound:
        form = ReportForm(initial={"days": days, "compare": compare, "by": by})
    found = report.report(compare, by, days)
    context = {
        "form": form,
        "table": found,
        "chart": _chart(found),
        "days": days,
        "compare_label": report.COMPARE_LABELS[report.Compare(compare)],
        "by_label": report.BY_LABELS[report.By(by)],
    }
    return render(request, "campaigns/report.html", context)
