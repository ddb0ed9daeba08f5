"""Forms of the skills pages: validation at the edge, with messages people can act on."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from leerpad.accounts.models import Location, Team
from leerpad.skills import esco, queries
from leerpad.skills.models import Level, Opportunity, Skill

LANGUAGE_LABELS = {
    "nl": gettext_lazy("Dutch"),
    "fr": gettext_lazy("French"),
    "en": gettext_lazy("English"),
}
# Uploads above this are refused on the page; the command line has no limit.
ESCO_UPLOAD_MAX_BYTES = 200 * 1024 * 1024


def skill_input() -> forms.TextInput:
    """A text input that suggests skills (a shared <datalist>, filled by htmx as one types)."""
    return forms.TextInput(
        attrs={
            "list": "skill-options",
            "autocomplete": "off",
            "hx-get": reverse_lazy("skills:skill_options"),
            "hx-trigger": "input changed delay:250ms",
            "hx-target": "#skill-options",
            "hx-swap": "innerHTML",
        }
    )


class SkillField(forms.CharField):
    """One skill, typed as its key or its exact name in any language."""

    default_error_messages = {
        "unknown": gettext_lazy(
            "No skill has this key or name. Pick one from the suggestions, or create it first."
        ),
    }

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 300)
        kwargs.setdefault("widget", skill_input())
        super().__init__(**kwargs)

    def clean(self, value: Any) -> Skill | None:
        text = super().clean(value)
        if not text:
            return None
        skill = queries.find_skill(text)
        if skill is None:
            raise ValidationError(self.error_messages["unknown"], code="unknown")
        return skill


class SkillsField(forms.CharField):
    """Several skills, separated by commas or new lines (keys or exact names)."""

    def clean(self, value: Any) -> list[Skill]:
        text = super().clean(value) or ""
        found: list[Skill] = []
        unknown: list[str] = []
        for part in text.replace("\n", ",").split(","):
            if not part.strip():
                continue
            skill = queries.find_skill(part)
            if skill is None:
                unknown.append(part.strip())
            elif skill not in found:
                found.append(skill)
        if unknown:
            raise ValidationError(
                _("No skill has the key or name %(names)s.")
                % {"names": ", ".join(f"“{u}”" for u in unknown)}
            )
        return found


# --- the taxonomy ------------------------------------------------------------------------------


class SkillForm(forms.Form):
    key = forms.SlugField(
        label=gettext_lazy("Key"),
        max_length=120,
        help_text=gettext_lazy(
            "A short stable name in lower case with dashes, e.g. customer-conversations. "
            "Imports and the API refer to the skill by it."
        ),
    )
    name_nl = forms.CharField(label=gettext_lazy("Name in Dutch"), max_length=200, required=False)
    name_fr = forms.CharField(label=gettext_lazy("Name in French"), max_length=200, required=False)
    name_en = forms.CharField(label=gettext_lazy("Name in English"), max_length=200, required=False)
    alt_nl = forms.CharField(
        label=gettext_lazy("Other names in Dutch"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("One per line: words people may search with."),
    )
    alt_fr = forms.CharField(
        label=gettext_lazy("Other names in French"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    alt_en = forms.CharField(
        label=gettext_lazy("Other names in English"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    description_nl = forms.CharField(
        label=gettext_lazy("Description in Dutch"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    description_fr = forms.CharField(
        label=gettext_lazy("Description in French"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    description_en = forms.CharField(
        label=gettext_lazy("Description in English"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=Skill.Kind.choices)
    broader = SkillField(
        label=gettext_lazy("Broader skill"),
        required=False,
        help_text=gettext_lazy("Optional: the wider skill this one is part of."),
    )

    def __init__(self, *args: Any, instance: Skill | None = None, **kwargs: Any) -> None:
        self.instance = instance
        if instance is not None and "initial" not in kwargs:
            initial: dict[str, Any] = {
                "key": instance.key,
                "kind": instance.kind,
                "broader": instance.broader.key if instance.broader else "",
            }
            for lang in esco.LANGUAGES:
                initial[f"name_{lang}"] = instance.names.get(lang, "")
                initial[f"description_{lang}"] = (instance.descriptions or {}).get(lang, "")
                initial[f"alt_{lang}"] = "\n".join((instance.alt_names or {}).get(lang, []))
            kwargs["initial"] = initial
        super().__init__(*args, **kwargs)

    def clean_key(self) -> str:
        key: str = self.cleaned_data["key"].lower()
        taken = Skill.objects.filter(key=key)
        if self.instance is not None:
            taken = taken.exclude(pk=self.instance.pk)
        if taken.exists():
            raise ValidationError(_("Another skill already has this key."))
        return key

    def clean_broader(self) -> Skill | None:
        broader: Skill | None = self.cleaned_data.get("broader")
        if broader is None or self.instance is None:
            return broader
        if broader.pk == self.instance.pk or self.instance in queries.ancestors(broader):
            raise ValidationError(
                _("A skill cannot be broader than itself: choose a skill that is not under it.")
            )
        return broader

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not any(data.get(f"name_{lang}", "").strip() for lang in esco.LANGUAGES):
            raise ValidationError(_("Give the skill a name in at least one language."))
        return data

    def names(self) -> dict[str, str]:
        return {lang: self.cleaned_data[f"name_{lang}"] for lang in esco.LANGUAGES}

    def descriptions(self) -> dict[str, str]:
        return {lang: self.cleaned_data[f"description_{lang}"] for lang in esco.LANGUAGES}

    def alt_names(self) -> dict[str, list[str]]:
        result: dict[str, list[str]] = {}
        for lang in esco.LANGUAGES:
            lines = [line.strip() for line in self.cleaned_data[f"alt_{lang}"].splitlines()]
            result[lang] = list(dict.fromkeys(line for line in lines if line))
        return result


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".csv,.zip"}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(d, initial) for d in data]
        return [single(data, initial)]


class EscoUploadForm(forms.Form):
    uploads = MultipleFileField(
        label=gettext_lazy("ESCO files (CSV, or the zip of the download)"),
        error_messages={"required": gettext_lazy("Choose the files to import.")},
    )
    languages = forms.MultipleChoiceField(
        label=gettext_lazy("Languages to import"),
        choices=[(code, label) for code, label in LANGUAGE_LABELS.items()],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=gettext_lazy("Leave all unticked to import the languages of the files."),
    )
    occupations = forms.CharField(
        label=gettext_lazy("Occupations to turn into job role profiles"),
        required=False,
        widget=forms.Textarea(
            attrs={"rows": 3, "placeholder": "http://data.europa.eu/esco/occupation/…=Sales"}
        ),
        help_text=gettext_lazy(
            "Optional. One per line: the ESCO occupation URI, an equals sign, and the name "
            "of an existing job role. Its essential and optional skills are added to that "
            "role's profile (include occupationSkillRelations_<language>.csv)."
        ),
    )

    def clean_uploads(self) -> list[UploadedFile]:
        files: list[UploadedFile] = self.cleaned_data["uploads"]
        names = [(f.name or "") for f in files]
        doubles = sorted({n for n in names if names.count(n) > 1})
        if doubles:
            raise ValidationError(
                _("The same file name was chosen twice: %(names)s.") % {"names": ", ".join(doubles)}
            )
        for f in files:
            if not (f.name or "").lower().endswith((".csv", ".zip")):
                raise ValidationError(
                    _("%(name)s is not a CSV or zip file.") % {"name": f.name or "?"}
                )
        total = sum(f.size or 0 for f in files)
        if total > ESCO_UPLOAD_MAX_BYTES:
            raise ValidationError(
                _(
                    "The files are larger than %(size)s together. Import the full ESCO "
                    "download with the command line (leerpad skills import-esco)."
                )
                % {"size": filesizeformat(ESCO_UPLOAD_MAX_BYTES)}
            )
        return files

    def clean_occupations(self) -> dict[str, str]:
        try:
            return esco.parse_occupation_mappings(self.cleaned_data["occupations"].splitlines())
        except esco.EscoError as exc:
            raise ValidationError(str(exc)) from None


# --- job role profiles -------------------------------------------------------------------------


class RoleSkillForm(forms.Form):
    skill = SkillField(label=gettext_lazy("Skill"))
    level = forms.TypedChoiceField(
        label=gettext_lazy("Level needed"),
        choices=Level.choices,
        coerce=int,
        initial=Level.PRACTISING,
    )
    essential = forms.BooleanField(
        label=gettext_lazy("Essential for the role"), required=False, initial=True
    )


# --- a person's own profile --------------------------------------------------------------------


class ClaimForm(forms.Form):
    self_level = forms.TypedChoiceField(
        label=gettext_lazy("My level"),
        choices=[("", gettext_lazy("Not rated")), *Level.choices],
        coerce=int,
        empty_value=None,
        required=False,
    )
    willing_to_share = forms.BooleanField(label=gettext_lazy("Willing to share"), required=False)


class AddClaimForm(forms.Form):
    skill = SkillField(label=gettext_lazy("Skill"))
    self_level = ClaimForm.base_fields["self_level"]


class SharingForm(forms.Form):
    visible = forms.BooleanField(
        label=gettext_lazy("Colleagues can find me for the skills I am willing to share"),
        required=False,
    )
    note = forms.CharField(
        label=gettext_lazy("How to reach me"),
        max_length=300,
        required=False,
        help_text=gettext_lazy("For example: 'Tuesdays at the Gent branch, or ask for a call.'"),
    )


class ConversationForm(forms.Form):
    message = forms.CharField(
        label=gettext_lazy("Your message"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("What would you like to learn, and when would suit you?"),
    )


class AnswerForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("accept", gettext_lazy("Accept")), ("decline", gettext_lazy("Decline"))]
    )
    answer = forms.CharField(
        label=gettext_lazy("Your answer"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


# --- opportunities -----------------------------------------------------------------------------


class OpportunityForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=Opportunity.Kind.choices)
    description = forms.CharField(
        label=gettext_lazy("Description"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    skills = SkillsField(
        label=gettext_lazy("Skills it helps to grow"),
        required=False,
        widget=skill_input(),
        help_text=gettext_lazy("Keys or names, separated by commas."),
    )
    location = forms.ModelChoiceField(
        label=gettext_lazy("Location"),
        queryset=Location.objects.all(),
        required=False,
        empty_label=gettext_lazy("Any location"),
    )
    hours = forms.IntegerField(
        label=gettext_lazy("Time needed (hours)"), min_value=1, max_value=2000, required=False
    )
    closes_on = forms.DateField(
        label=gettext_lazy("Answer before"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class OpportunityAnswerForm(forms.Form):
    message = forms.CharField(
        label=gettext_lazy("Your answer"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Why does this interest you? The person who posted it reads this."),
    )


class GroupForm(forms.Form):
    team = forms.ModelChoiceField(
        label=gettext_lazy("Team"),
        queryset=Team.objects.none(),
        required=False,
        empty_label=gettext_lazy("All teams"),
    )
    location = forms.ModelChoiceField(
        label=gettext_lazy("Location"),
        queryset=Location.objects.none(),
        required=False,
        empty_label=gettext_lazy("All locations"),
    )

    def __init__(self, *args: Any, teams: Any, locations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        team_field: forms.ModelChoiceField[Any] = self.fields["team"]  # type: ignore[assignment]
        location_field: forms.ModelChoiceField[Any] = self.fields["location"]  # type: ignore[assignment]
        team_field.queryset = teams
        location_field.queryset = locations
