"""Forms of the reports app: the narrative template, and which month to generate."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from leerpad.reports import figures
from leerpad.reports.models import LANGUAGES, ReportTemplate
from leerpad.reports.narrative import SECTIONS
from leerpad.reports.services import latest_closed_month

MONTHS_OFFERED = 24


class TemplateForm(forms.ModelForm[ReportTemplate]):
    """The texts of one language's template; unknown placeholders are refused with the list
    of known ones (`ReportTemplate.clean`, run by the model form's validation)."""

    class Meta:
        model = ReportTemplate
        fields = list(SECTIONS)
        widgets = {name: forms.Textarea(attrs={"rows": 3}) for name in SECTIONS if name != "title"}


def month_choices(today: dt.date | None = None) -> list[tuple[str, str]]:
    """The last closed months, newest first, as (ISO date, "October 2026")."""
    month = latest_closed_month(today)
    choices = []
    for _i in range(MONTHS_OFFERED):
        choices.append((month.isoformat(), str(formats.date_format(month, "YEAR_MONTH_FORMAT"))))
        month = figures.previous_month(month)
    return choices


class GenerateForm(forms.Form):
    month = forms.ChoiceField(label=_("Month"))
    language = forms.ChoiceField(label=_("Language"), choices=LANGUAGES)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        month_field = self.fields["month"]
        if isinstance(month_field, forms.ChoiceField):  # always; narrows the type
            month_field.choices = month_choices()

    def chosen_month(self) -> dt.date:
        return dt.date.fromisoformat(self.cleaned_data["month"])
