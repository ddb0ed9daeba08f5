"""Forms of the experiment set-up: the experiment's settings and one form per variant."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from leerpad.campaigns.experiments import MAX_HOLDOUT_PERCENT, VariantInput
from leerpad.campaigns.models import LANGUAGES, Experiment, Message

VARIANT_PREFIXES = ("A", "B", "C")


class ExperimentForm(forms.ModelForm[Experiment]):
    base_rate = forms.FloatField(
        label=_("Expected outcome rate without the experiment (%)"),
        min_value=0.1,
        max_value=99,
        initial=10,
        help_text=_("Your best guess, e.g. last campaign's rate: the plan below depends on it."),
    )

    class Meta:
        model = Experiment
        fields = [
            "varies",
            "metric",
            "window_days",
            "mode",
            "holdout_percent",
            "bandit",
            "bandit_floor",
        ]
        widgets = {
            "window_days": forms.NumberInput(attrs={"min": 1, "max": 90}),
            "holdout_percent": forms.NumberInput(attrs={"min": 0, "max": MAX_HOLDOUT_PERCENT}),
            "bandit_floor": forms.NumberInput(attrs={"min": 0.01, "max": 0.5, "step": 0.01}),
        }

    def clean_holdout_percent(self) -> int:
        value: int = self.cleaned_data["holdout_percent"]
        if not 0 <= value <= MAX_HOLDOUT_PERCENT:
            raise forms.ValidationError(
                _("Choose a hold-out group between 0 and %(n)d%%."),
                params={"n": MAX_HOLDOUT_PERCENT},
            )
        return value

    def clean_window_days(self) -> int:
        value: int = self.cleaned_data["window_days"]
        if not 1 <= value <= 90:
            raise forms.ValidationError(_("Choose a window between 1 and 90 days."))
        return value


class VariantForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120, required=False)
    text_nl = forms.CharField(
        label=_("Text (Dutch)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    text_fr = forms.CharField(
        label=_("Text (French)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    text_en = forms.CharField(
        label=_("Text (English)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    channels = forms.MultipleChoiceField(
        label=_("Channels"),
        choices=Message.Channel.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    delay_hours = forms.IntegerField(
        label=_("Send later by (hours)"), min_value=0, max_value=168, initial=0, required=False
    )

    def is_empty(self) -> bool:
        data = self.cleaned_data
        return not (
            data.get("name")
            or any(data.get(f"text_{lang}") for lang in LANGUAGES)
            or data.get("channels")
            or data.get("delay_hours")
        )

    def as_input(self) -> VariantInput:
        data = self.cleaned_data
        return VariantInput(
            name=data.get("name") or "",
            texts={lang: data.get(f"text_{lang}") or "" for lang in LANGUAGES},
            channels=list(data.get("channels") or []),
            delay_hours=data.get("delay_hours") or 0,
        )


def variant_forms(experiment: Experiment | None, data: Any = None) -> list[VariantForm]:
    """A (the control), B and an optional C, filled from the experiment's variants."""
    existing = {v.key: v for v in experiment.variants.all()} if experiment and experiment.pk else {}
    found: list[VariantForm] = []
    for key in VARIANT_PREFIXES:
        variant = existing.get(key)
        initial: dict[str, Any] = {}
        if variant is not None:
            initial = {
                "name": variant.name,
                "channels": variant.channels,
                "delay_hours": variant.delay_hours,
                **{f"text_{lang}": variant.texts.get(lang, "") for lang in LANGUAGES},
            }
        elif key == "A":
            initial = {"name": _("Control")}
        found.append(VariantForm(data, prefix=key, initial=initial))
    return found
