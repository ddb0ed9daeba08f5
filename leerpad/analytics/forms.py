"""The filters of the analytics pages, validated at the edge."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

PERIODS = (("12", _("Last 12 weeks")), ("26", _("Last 26 weeks")), ("52", _("Last 52 weeks")))
GROUPINGS = (
    ("", _("Everyone together")),
    ("location", _("By location")),
    ("team", _("By team")),
    ("job_role", _("By job role")),
)


class AdoptionFilter(forms.Form):
    weeks = forms.ChoiceField(label=_("Period"), choices=PERIODS, initial="12", required=False)
    by = forms.ChoiceField(label=_("Show"), choices=GROUPINGS, required=False)

    def period_weeks(self) -> int:
        return int(self.cleaned_data.get("weeks") or 12)

    def grouping(self) -> str | None:
        return self.cleaned_data.get("by") or None
