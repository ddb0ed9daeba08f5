"""Forms of the initiative and plan pages: they check what was typed, with messages a
person can act on; `services` keeps the data rules on save."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from leerpad.accounts.models import Person
from leerpad.core.access import ROLE_CAPABILITIES, Capability
from leerpad.initiatives.models import (
    AnnualPlan,
    BuyIn,
    Initiative,
    PlanEntry,
    ProCon,
    Stakeholder,
    SwotCard,
)
from leerpad.paths.models import Path

LANGUAGE_NAMES = {"nl": "Nederlands", "fr": "Français", "en": "English"}
STORY_PARTS = {
    "why": gettext_lazy("Why"),
    "for_whom": gettext_lazy("For whom"),
    "changes": gettext_lazy("What changes"),
}
SCALE = [(n, str(n)) for n in range(1, 6)]
MONTH_CHOICES = [(n, name) for n, name in MONTHS.items()]


def workspace_people() -> QuerySet[Person]:
    """Active people who may use the workspace (and so may own an initiative or a plan)."""
    roles = [r.value for r, caps in ROLE_CAPABILITIES.items() if Capability.USE_WORKSPACE in caps]
    return (
        Person.objects.filter(is_active=True)
        .filter(Q(groups__name__in=roles) | Q(is_superuser=True))
        .distinct()
        .order_by("first_name", "last_name")
    )


def active_people() -> QuerySet[Person]:
    return Person.objects.filter(is_active=True).order_by("first_name", "last_name")


class InitiativeForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Initiative
        fields = ["title", "summary", "owner", "status", "path", "campaign", "members"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        people = workspace_people()
        self.fields["owner"].queryset = people  # type: ignore[attr-defined]
        self.fields["members"].queryset = people  # type: ignore[attr-defined]
        self.fields["members"].help_text = _("The team working on it; they also log consultations.")
        self.fields["members"].widget.attrs["size"] = 6
        # A path's name is its published version's title: load it with the path.
        current = self.instance.path_id if self.instance else None
        self.fields["path"].queryset = Path.objects.select_related("current").filter(  # type: ignore[attr-defined]
            Q(is_archived=False) | Q(pk=current)
        )


class StoryForm(forms.Form):
    """The brief's story: three parts, each in nl, fr and en (any may stay empty)."""

    def __init__(self, *args: Any, initiative: Initiative | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        stored = {
            "why": initiative.story_why if initiative else {},
            "for_whom": initiative.story_for_whom if initiative else {},
            "changes": initiative.story_changes if initiative else {},
        }
        for part, label in STORY_PARTS.items():
            for lang, name in LANGUAGE_NAMES.items():
                self.fields[f"{part}_{lang}"] = forms.CharField(
                    label=f"{label} ({name})",
                    required=False,
                    max_length=3000,
                    initial=stored[part].get(lang, ""),
                    widget=forms.Textarea(attrs={"rows": 3}),
                )

    def part(self, part: str) -> dict[str, str]:
        return {lang: self.cleaned_data.get(f"{part}_{lang}", "") for lang in LANGUAGE_NAMES}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not any(str(v).strip() for v in data.values()):
            raise forms.ValidationError(_("Write at least one part of the story in one language."))
        return data


class StakeholderForm(forms.ModelForm):  # type: ignore[type-arg]
    influence = forms.TypedChoiceField(
        label=gettext_lazy("Influence (1-5)"), choices=SCALE, coerce=int, initial=3
    )
    interest = forms.TypedChoiceField(
        label=gettext_lazy("Interest (1-5)"), choices=SCALE, coerce=int, initial=3
    )

    class Meta:
        model = Stakeholder
        fields = [
            "person",
            "name",
            "function",
            "influence",
            "interest",
            "buy_in",
            "planned_on",
            "purpose",
        ]
        widgets = {"planned_on": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = active_people()  # type: ignore[attr-defined]
        self.fields["person"].help_text = _("Someone in Leerpad, or leave empty and write a name.")
        self.fields["name"].help_text = _("For someone outside Leerpad, e.g. the works council.")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("person") and not str(data.get("name", "")).strip():
            raise forms.ValidationError(_("Choose a person or write a name."))
        return data


class ConsultationForm(forms.Form):
    held_on = forms.DateField(
        label=gettext_lazy("Date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    said = forms.CharField(
        label=gettext_lazy("What was said"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    concerns = forms.CharField(
        label=gettext_lazy("Concerns"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    next_step = forms.CharField(
        label=gettext_lazy("Agreed next step"), required=False, max_length=200
    )
    buy_in = forms.ChoiceField(label=gettext_lazy("Buy-in now"), choices=BuyIn.choices)

    def clean_held_on(self) -> Any:
        held_on = self.cleaned_data["held_on"]
        if held_on > timezone.localdate():
            raise forms.ValidationError(_("A consultation in the future cannot be logged yet."))
        return held_on


class CardForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = SwotCard
        fields = ["quadrant", "text", "detail"]
        widgets = {"detail": forms.Textarea(attrs={"rows": 2})}


class CardEditForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = SwotCard
        fields = ["text", "detail"]
        widgets = {"detail": forms.Textarea(attrs={"rows": 3})}


class MergeForm(forms.Form):
    target = forms.TypedChoiceField(label=gettext_lazy("Merge into"), coerce=int)

    def __init__(self, *args: Any, card: SwotCard, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        others = card.initiative.swot_cards.exclude(pk=card.pk).order_by("quadrant", "text")
        self.fields["target"].choices = [  # type: ignore[attr-defined]
            (c.pk, f"{c.get_quadrant_display()}: {c.text}") for c in others
        ]


class ProConForm(forms.ModelForm):  # type: ignore[type-arg]
    weight = forms.TypedChoiceField(
        label=gettext_lazy("Weight"),
        choices=[(1, "1"), (2, "2"), (3, "3")],
        coerce=int,
        initial=1,
    )

    class Meta:
        model = ProCon
        fields = ["side", "text", "weight"]


class PlanForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=AnnualPlan.Kind.choices)
    owner = forms.ModelChoiceField(label=gettext_lazy("Owner"), queryset=Person.objects.none())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = workspace_people()  # type: ignore[attr-defined]


class PlanEntryForm(forms.ModelForm):  # type: ignore[type-arg]
    start_month = forms.TypedChoiceField(
        label=gettext_lazy("Start month"), choices=MONTH_CHOICES, coerce=int
    )
    end_month = forms.TypedChoiceField(
        label=gettext_lazy("End month"), choices=MONTH_CHOICES, coerce=int
    )

    class Meta:
        model = PlanEntry
        fields = [
            "goal",
            "job_roles",
            "locations",
            "audience_note",
            "assets",
            "start_month",
            "end_month",
        ]
        widgets = {"assets": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["job_roles"].help_text = _("Leave job roles and locations empty for everyone.")
        self.fields["job_roles"].widget.attrs["size"] = 6
        self.fields["locations"].widget.attrs["size"] = 6

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start_month"), data.get("end_month")
        if start is not None and end is not None and end < start:
            self.add_error("end_month", _("The end month cannot come before the start month."))
        return data
