from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from leerpad.privacy.models import WHAT_LABELS
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
