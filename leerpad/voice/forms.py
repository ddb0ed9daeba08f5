"""Forms of safe voice. They check what a person typed; `services` checks the rules again."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from leerpad.accounts.models import Location, Person, Team
from leerpad.voice.models import MAX_STATEMENTS, Pulse, Question, Space, Theme


class _PersonChoices(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        location = f" · {obj.location}" if obj.location_id else ""
        return f"{obj}{location}"


def _people() -> Any:
    return Person.objects.filter(is_active=True).select_related("location")


class SpaceForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=120)
    description = forms.CharField(
        label=gettext_lazy("What is this space for?"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    audience = forms.ChoiceField(
        label=gettext_lazy("Who can speak here"),
        choices=Space.Audience.choices,
        widget=forms.RadioSelect,
        initial=Space.Audience.TEAM,
    )
    team = forms.ModelChoiceField(
        label=gettext_lazy("Team"), queryset=Team.objects.all(), required=False
    )
    location = forms.ModelChoiceField(
        label=gettext_lazy("Location"), queryset=Location.objects.all(), required=False
    )
    members = _PersonChoices(
        label=gettext_lazy("Chosen people (for an initiative)"),
        queryset=Person.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = _people()  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        audience = data.get("audience")
        if audience == Space.Audience.TEAM and not data.get("team"):
            self.add_error("team", _("Choose the team whose members are the audience."))
        if audience == Space.Audience.LOCATION and not data.get("location"):
            self.add_error("location", _("Choose the location whose people are the audience."))
        if audience == Space.Audience.LIST and not data.get("members"):
            self.add_error("members", _("Choose the people of the audience."))
        return data


class PeopleForm(forms.Form):
    people = _PersonChoices(
        label=gettext_lazy("People"),
        queryset=Person.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 10}),
    )

    def __init__(self, *args: Any, label: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["people"]
        field.queryset = _people()  # type: ignore[attr-defined]
        if label is not None:
            field.label = label


class AskForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("This is a"),
        choices=Question.Kind.choices,
        initial=Question.Kind.QUESTION,
        widget=forms.RadioSelect,
    )
    text = forms.CharField(
        label=gettext_lazy("Your question, concern or idea"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy(
            "Stored without your name, without the time and without any link to you. "
            "Leave out details that would give you away."
        ),
    )


class HideForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason (the audience sees it)"),
        max_length=300,
    )


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=gettext_lazy("Answer"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Published at once. Leave empty to withdraw the answer."),
    )


class ThemeForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("New theme"), max_length=160)


class QuestionThemeForm(forms.Form):
    theme = forms.ModelChoiceField(
        label=gettext_lazy("Theme"),
        queryset=Theme.objects.none(),
        required=False,
        empty_label=gettext_lazy("(no theme)"),
    )

    def __init__(
        self, *args: Any, space: Space, themes: Sequence[Theme] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["theme"]
        field.queryset = space.themes.all()  # type: ignore[attr-defined]
        if themes is not None:
            # Options from themes read once for the whole page: a queryset would be read
            # again for every question's form (validation still uses the queryset).
            field.choices = [  # type: ignore[attr-defined]
                ("", field.empty_label),  # type: ignore[attr-defined]
                *((theme.pk, theme.title) for theme in themes),
            ]


class PulseForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=160)
    statement_1 = forms.CharField(label=gettext_lazy("Statement 1"), max_length=300)
    statement_2 = forms.CharField(label=gettext_lazy("Statement 2"), max_length=300, required=False)
    statement_3 = forms.CharField(label=gettext_lazy("Statement 3"), max_length=300, required=False)
    statement_4 = forms.CharField(label=gettext_lazy("Statement 4"), max_length=300, required=False)
    statement_5 = forms.CharField(label=gettext_lazy("Statement 5"), max_length=300, required=False)
    open_question = forms.CharField(
        label=gettext_lazy("Open question (optional)"), max_length=300, required=False
    )
    closes_on = forms.DateField(
        label=gettext_lazy("Closes on (optional)"),
        required=False,
        help_text=gettext_lazy(
            "The last day people can answer. Two days before, everyone in the audience "
            "gets a reminder."
        ),
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def clean_closes_on(self) -> Any:
        value = self.cleaned_data.get("closes_on")
        if value is not None and value < timezone.localdate():
            raise forms.ValidationError(_("The closing date is in the past."))
        return value

    def statements(self) -> list[str]:
        return [self.cleaned_data.get(f"statement_{n}") or "" for n in range(1, MAX_STATEMENTS + 1)]


RATING_CHOICES = [
    (1, gettext_lazy("1 · strongly disagree")),
    (2, gettext_lazy("2 · disagree")),
    (3, gettext_lazy("3 · neutral")),
    (4, gettext_lazy("4 · agree")),
    (5, gettext_lazy("5 · strongly agree")),
]


class VoteForm(forms.Form):
    """One rating field per statement ("s1".."s5") and the open answer if asked."""

    def __init__(self, *args: Any, pulse: Pulse, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.positions = []
        for statement in pulse.statements.all():
            self.positions.append(statement.position)
            self.fields[f"s{statement.position}"] = forms.TypedChoiceField(
                label=statement.text,
                choices=RATING_CHOICES,
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={"required": _("Choose a rating for this statement.")},
            )
        if pulse.open_question:
            self.fields["open_answer"] = forms.CharField(
                label=pulse.open_question,
                max_length=2000,
                required=False,
                widget=forms.Textarea(attrs={"rows": 3}),
            )

    def ratings(self) -> list[int]:
        return [int(self.cleaned_data[f"s{p}"]) for p in self.positions]

    def open_answer(self) -> str:
        return str(self.cleaned_data.get("open_answer") or "")
