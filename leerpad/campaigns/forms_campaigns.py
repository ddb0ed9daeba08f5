"""Forms of the campaign pages and the message preferences. They collect and check what
was typed; `services` checks the campaign and message rules again on save."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from leerpad.campaigns.models import LANGUAGES, MESSAGE_PARTS, Campaign, Message
from leerpad.catalog.models import Session
from leerpad.paths.models import Path, Step

LANGUAGE_NAMES = {"nl": "Nederlands", "fr": "Français", "en": "English"}
PART_LABELS = {
    "subject": gettext_lazy("Subject (e-mail)"),
    "hook": gettext_lazy("Hook: the opening line"),
    "story": gettext_lazy("Story"),
    "ask": gettext_lazy("Ask: the call to action (the link's text)"),
}


def _step_choices() -> list[tuple[str, str]]:
    # The steps of every path's current version (a step's uid is the same in all versions).
    steps = Step.objects.filter(version__path__current_id=F("version_id")).select_related(
        "version__path", "item", "quiz"
    )
    return [("", "—")] + [
        (str(step.uid), f"{step.version.path.key}: {step.title()}")
        for step in steps.order_by("version__path__key", "position")
    ]


class CampaignForm(forms.ModelForm):  # type: ignore[type-arg]
    goal_step_uid = forms.ChoiceField(label=gettext_lazy("Step"), required=False)

    class Meta:
        model = Campaign
        fields = [
            "name",
            "segment",
            "goal",
            "goal_path",
            "goal_step_uid",
            "goal_session",
            "schedule",
            "send_at",
            "weekday",
            "hour",
            "trigger",
            "trigger_days",
        ]
        widgets = {
            "send_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
            "hour": forms.NumberInput(attrs={"min": 0, "max": 23}),
            "trigger_days": forms.NumberInput(attrs={"min": 1, "max": 365}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["goal_step_uid"].choices = _step_choices()  # type: ignore[attr-defined]
        self.fields["goal_path"].queryset = Path.objects.filter(current__isnull=False)  # type: ignore[attr-defined]
        self.fields["goal_session"].queryset = Session.objects.filter(  # type: ignore[attr-defined]
            starts_at__gte=timezone.now()
        ).select_related("item")
        self.fields["send_at"].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]  # type: ignore[attr-defined]

    def clean_goal_step_uid(self) -> str | None:
        return self.cleaned_data.get("goal_step_uid") or None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        uid, path = data.get("goal_step_uid"), data.get("goal_path")
        if uid and path and not Step.objects.filter(version__path=path, uid=uid).exists():
            self.add_error("goal_step_uid", _("This step is not part of the chosen path."))
        return data


class MessageForm(forms.Form):
    """One channel's message: the four parts in every language, the link, the banner flag."""

    link = forms.CharField(
        label=gettext_lazy("Link (a Leerpad page; empty: the goal's page)"),
        max_length=500,
        required=False,
    )
    banner = forms.BooleanField(label=gettext_lazy("Show as a banner"), required=False)

    def __init__(self, *args: Any, channel: str, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", channel)
        super().__init__(*args, **kwargs)
        self.channel = channel
        for lang in LANGUAGES:
            for part in MESSAGE_PARTS:
                if part == "subject" and channel != Message.Channel.EMAIL:
                    continue
                widget = forms.Textarea(attrs={"rows": 4}) if part == "story" else None
                self.fields[f"{lang}_{part}"] = forms.CharField(
                    label=PART_LABELS[part], required=False, max_length=3000, widget=widget
                )

    @classmethod
    def initial_for(cls, message: Message | None) -> dict[str, Any]:
        if message is None:
            return {}
        initial: dict[str, Any] = {"link": message.link, "banner": message.banner}
        for lang in LANGUAGES:
            for part in MESSAGE_PARTS:
                initial[f"{lang}_{part}"] = message.texts.get(lang, {}).get(part, "")
        return initial

    def texts(self) -> dict[str, dict[str, str]]:
        data = self.cleaned_data
        return {
            lang: {part: data.get(f"{lang}_{part}", "") or "" for part in MESSAGE_PARTS}
            for lang in LANGUAGES
        }

    def languages(self) -> list[tuple[str, str, list[forms.BoundField]]]:
        """(code, name, fields) per language, for the tabs."""
        return [
            (
                lang,
                LANGUAGE_NAMES[lang],
                [
                    self[f"{lang}_{part}"]
                    for part in MESSAGE_PARTS
                    if f"{lang}_{part}" in self.fields
                ],
            )
            for lang in LANGUAGES
        ]

    def is_empty(self) -> bool:
        return not any(any(parts.values()) for parts in self.texts().values())


class PreferenceForm(forms.Form):
    channels = forms.MultipleChoiceField(
        label=gettext_lazy("Channels you want campaign messages on"),
        choices=Message.Channel.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    quiet_start = forms.TimeField(
        label=gettext_lazy("Quiet from"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    quiet_end = forms.TimeField(
        label=gettext_lazy("Quiet until"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    time_zone = forms.CharField(
        label=gettext_lazy("Time zone"),
        required=False,
        max_length=64,
        help_text=gettext_lazy("An IANA name such as Europe/Brussels; empty: the company's."),
    )
