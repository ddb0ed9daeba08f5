"""Forms of the intake pages: validation at the edge, with messages people understand."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from leerpad.accounts.models import JobRole, Location, Person
from leerpad.initiatives.forms import workspace_people
from leerpad.intake import quarters

# A Fibonacci-like scale: the steps grow because people can tell "a bit more" from "much
# more", not 6 from 7.
SCALE = [(n, str(n)) for n in (1, 2, 3, 5, 8, 10)]


def _people() -> Any:
    return Person.objects.filter(is_active=True).order_by("first_name", "last_name")


class RequestForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    problem = forms.CharField(
        label=_("Problem"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What goes wrong today, and for whom?"),
    )
    audience = forms.CharField(
        label=_("Audience"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Who should learn or hear something? For example: new cashiers."),
    )
    locations = forms.ModelMultipleChoiceField(
        label=_("Locations (optional)"),
        queryset=Location.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    job_roles = forms.ModelMultipleChoiceField(
        label=_("Job roles (optional)"),
        queryset=JobRole.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    outcome = forms.CharField(
        label=_("Desired outcome"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What is different when this works?"),
    )
    deadline = forms.DateField(
        label=_("Deadline (optional)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    sponsor = forms.ModelChoiceField(
        label=_("Sponsor (optional)"),
        queryset=_people(),
        required=False,
        help_text=_("The person in the business who backs this request."),
    )
    sponsor_name = forms.CharField(
        label=_("… or the sponsor's name"),
        max_length=200,
        required=False,
        help_text=_("If the sponsor is not in the list."),
    )

    def clean_deadline(self) -> Any:
        deadline = self.cleaned_data.get("deadline")
        if deadline and deadline < timezone.localdate():
            raise forms.ValidationError(_("The deadline cannot be in the past."))
        return deadline


class ScoreForm(forms.Form):
    value = forms.TypedChoiceField(label=_("Business value"), choices=SCALE, coerce=int)
    urgency = forms.TypedChoiceField(label=_("Urgency"), choices=SCALE, coerce=int)
    risk = forms.TypedChoiceField(label=_("Risk reduction"), choices=SCALE, coerce=int)
    effort_days = forms.DecimalField(
        label=_("Effort (person-days)"),
        min_value=Decimal("0.5"),
        max_digits=6,
        decimal_places=1,
    )


class WeightsForm(forms.Form):
    value = forms.DecimalField(
        label=_("Weight of business value"),
        min_value=Decimal(0),
        max_value=Decimal(99),
        decimal_places=1,
    )
    urgency = forms.DecimalField(
        label=_("Weight of urgency"),
        min_value=Decimal(0),
        max_value=Decimal(99),
        decimal_places=1,
    )
    risk = forms.DecimalField(
        label=_("Weight of risk reduction"),
        min_value=Decimal(0),
        max_value=Decimal(99),
        decimal_places=1,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        parts = [data.get(k) for k in ("value", "urgency", "risk")]
        if all(p is not None for p in parts) and sum(p for p in parts if p is not None) <= 0:
            raise forms.ValidationError(_("At least one weight must be above zero."))
        return data


class QuarterField(forms.CharField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Quarter"))
        kwargs.setdefault("max_length", 7)
        kwargs.setdefault("help_text", _("For example 2027-Q1."))
        super().__init__(**kwargs)

    def clean(self, value: Any) -> Any:
        cleaned = str(super().clean(value)).strip().upper()
        if not quarters.is_valid(cleaned):
            raise forms.ValidationError(_("Write the quarter as 2027-Q1."))
        return cleaned


class CapacityForm(forms.Form):
    quarter = QuarterField()
    people = forms.DecimalField(
        label=_("People"), min_value=Decimal(0), max_digits=5, decimal_places=1
    )
    days_per_person = forms.DecimalField(
        label=_("Days per person for new work"),
        min_value=Decimal(0),
        max_digits=5,
        decimal_places=1,
        help_text=_("Days left for new requests after holidays, routine work and meetings."),
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class AcceptForm(forms.Form):
    # Only people with the workspace can open and run a project (and own its initiative).
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=workspace_people(), required=False)
    quarter = QuarterField(label=_("Target quarter"))


class ParkForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    revisit_on = forms.DateField(
        label=_("Revisit on"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean_reason(self) -> str:
        reason = str(self.cleaned_data.get("reason", "")).strip()
        if not reason:
            raise forms.ValidationError(_("Say why the request is parked."))
        return reason

    def clean_revisit_on(self) -> Any:
        day = self.cleaned_data.get("revisit_on")
        if day and day <= timezone.localdate():
            raise forms.ValidationError(_("The revisit date must be in the future."))
        return day


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Sent to the requester as you write it."),
    )

    def clean_reason(self) -> str:
        reason = str(self.cleaned_data.get("reason", "")).strip()
        if not reason:
            raise forms.ValidationError(_("Say why the request is declined."))
        return reason


class MilestoneForm(forms.Form):
    title = forms.CharField(label=_("Milestone"), max_length=200)
    due = forms.DateField(label=_("Due date"), widget=forms.DateInput(attrs={"type": "date"}))


class OwnerForm(forms.Form):
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=workspace_people(), required=False)


class BoardFilterForm(forms.Form):
    quarter = forms.CharField(label=_("Quarter"), max_length=7, required=False)
    sponsor = forms.CharField(label=_("Sponsor"), max_length=100, required=False)
