from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from leerpad.accounts.models import Person
from leerpad.privacy.exports import DEFAULT_OPTIONAL, OPTIONAL_COLUMNS
from leerpad.privacy.models import WHAT_LABELS, ErasureRequester, RetentionAction
from leerpad.privacy.retention import MAX_MONTHS
from leerpad.privacy.services import clean_reason


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Why do you need to see this?"),
        help_text=_("The person can read this reason, with your name and the time."),
        widget=forms.Textarea(attrs={"rows": 3, "autofocus": True}),
        max_length=1000,
    )

    def clean_reason(self) -> str:
        return clean_reason(self.cleaned_data["reason"])


class AccessFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Person"),
        required=False,
        max_length=200,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("Name or e-mail of either person")}
        ),
    )
    what = forms.ChoiceField(
        label=_("What"),
        required=False,
        choices=[("", _("Anything"))] + [(code, label) for code, label in WHAT_LABELS.items()],
    )


class ExportForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To (included)"), widget=forms.DateInput(attrs={"type": "date"}))
    columns = forms.MultipleChoiceField(
        label=_("Extra columns"),
        required=False,
        choices=[(c.key, c.label) for c in OPTIONAL_COLUMNS],
        initial=list(DEFAULT_OPTIONAL),
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Location, team and job role are given as ids, and only for learners whose "
            "combination is shared by enough learners in the export."
        ),
    )
    exact_times = forms.BooleanField(
        label=_("Exact times (otherwise dates only)"),
        required=False,
        help_text=_("An exact time makes a row easier to recognise; choose it only when needed."),
    )

    MAX_DAYS = 3 * 366

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end:
            if start > end:
                raise forms.ValidationError(_("The start date must come before the end date."))
            if (end - start).days > self.MAX_DAYS:
                raise forms.ValidationError(_("Export at most three years at a time."))
        return data


class RetentionForm(forms.Form):
    months = forms.IntegerField(
        label=_("Keep statements for (months)"),
        required=False,
        min_value=1,
        max_value=MAX_MONTHS,
        help_text=_("Leave empty to keep them for as long as the person has an account."),
    )
    action = forms.ChoiceField(
        label=_("Then"),
        choices=RetentionAction.choices,
        widget=forms.RadioSelect,
        initial=RetentionAction.ANONYMISE,
    )


class PersonSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Person"),
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Name or e-mail")}),
    )


class ErasureForm(forms.Form):
    requested_by = forms.ChoiceField(
        label=_("Who asked for the erasure?"), choices=ErasureRequester.choices
    )
    confirm_name = forms.CharField(
        label=_("Type the person's full name to confirm"),
        max_length=300,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    def __init__(self, *args: Any, person: Person, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.person = person

    def clean_confirm_name(self) -> str:
        typed = " ".join(self.cleaned_data["confirm_name"].split())
        expected = " ".join((self.person.get_full_name() or self.person.email).split())
        if typed.casefold() != expected.casefold():
            raise forms.ValidationError(
                _("That is not the person's full name as Leerpad shows it.")
            )
        return typed
