"""Forms of the message library: the template editor and the list's filters. The editor
checks each text's tokens where it was typed (so the error stands under the field);
`library` checks everything again on save."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext, gettext_lazy

from leerpad.campaigns import library, personalise
from leerpad.campaigns.forms_campaigns import LANGUAGE_NAMES, PART_LABELS
from leerpad.campaigns.models import ANY_CHANNEL, LANGUAGES, MESSAGE_PARTS, MessageTemplate


def channel_choices() -> list[tuple[str, str]]:
    field = MessageTemplate._meta.get_field("channel")
    return [(str(value), str(label)) for value, label in field.choices or []]


class TemplateForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=120)
    purpose = forms.CharField(
        label=gettext_lazy("Purpose and notes"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("Who it is for and when it works; only the team sees this."),
    )
    channel = forms.ChoiceField(label=gettext_lazy("Channel"), initial=ANY_CHANNEL)
    tags = forms.CharField(
        label=gettext_lazy("Tags"),
        max_length=400,
        required=False,
        help_text=gettext_lazy("Separated by commas, e.g. onboarding, safety."),
    )
    link = forms.CharField(
        label=gettext_lazy("Link (a Leerpad page; empty: the campaign goal's page)"),
        max_length=500,
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["channel"].choices = channel_choices()  # type: ignore[attr-defined]
        for lang in LANGUAGES:
            for part in MESSAGE_PARTS:
                widget = forms.Textarea(attrs={"rows": 4}) if part == "story" else None
                self.fields[f"{lang}_{part}"] = forms.CharField(
                    label=PART_LABELS[part], required=False, max_length=3000, widget=widget
                )

    @classmethod
    def initial_for(cls, template: MessageTemplate | None) -> dict[str, Any]:
        if template is None:
            return {"channel": ANY_CHANNEL}
        return cls.initial_from(
            {
                "name": template.name,
                "purpose": template.purpose,
                "channel": template.channel,
                "tags": ", ".join(template.tags or []),
                "link": template.link,
                "texts": template.texts,
            }
        )

    @staticmethod
    def initial_from(values: dict[str, Any]) -> dict[str, Any]:
        initial = {k: v for k, v in values.items() if k != "texts"}
        texts = values.get("texts") or {}
        for lang in LANGUAGES:
            for part in MESSAGE_PARTS:
                initial[f"{lang}_{part}"] = (texts.get(lang) or {}).get(part, "")
        return initial

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for lang in LANGUAGES:
            for part in MESSAGE_PARTS:
                name = f"{lang}_{part}"
                found = personalise.formatter.problems(data.get(name) or "")
                if found:
                    known = personalise.known_tokens()
                    for problem in found:
                        self.add_error(
                            name,
                            gettext("%(problem)s Known tokens: %(tokens)s.")
                            % {"problem": problem, "tokens": known},
                        )
        texts = self.texts_of(data)
        if not library.is_written(texts):
            self.add_error(None, gettext("Write the message in at least one language."))
        return data

    @staticmethod
    def texts_of(data: dict[str, Any]) -> dict[str, dict[str, str]]:
        return {
            lang: {part: str(data.get(f"{lang}_{part}") or "").strip() for part in MESSAGE_PARTS}
            for lang in LANGUAGES
        }

    def texts(self) -> dict[str, dict[str, str]]:
        return self.texts_of(self.cleaned_data)

    def languages(self) -> list[tuple[str, str, list[forms.BoundField]]]:
        """(code, name, fields) per language, for the editor's sections."""
        return [
            (lang, LANGUAGE_NAMES[lang], [self[f"{lang}_{part}"] for part in MESSAGE_PARTS])
            for lang in LANGUAGES
        ]


class LibraryFilterForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("Search"), required=False, max_length=100)
    channel = forms.ChoiceField(label=gettext_lazy("Channel"), required=False)
    tag = forms.ChoiceField(label=gettext_lazy("Tag"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        everything = [("", gettext("All"))]
        self.fields["channel"].choices = everything + channel_choices()  # type: ignore[attr-defined]
        self.fields["tag"].choices = everything + [(t, t) for t in library.all_tags()]  # type: ignore[attr-defined]
