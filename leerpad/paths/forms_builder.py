"""Forms of the path builder. They check the shape of what was typed; the rules (drafts
only, no loops, kinds against targets) live in `services_builder` and come back as
`BuilderError`, which the views put on the form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from leerpad.accounts.models import JobRole, Language, Location
from leerpad.paths.models import Path, PathVersion, Step
from leerpad.paths.services_builder import (
    KEY_MAX,
    LANGUAGES,
    MAX_BRANCH,
    MAX_MINUTES,
    TEXT_MAX,
    TITLE_MAX,
)
from leerpad.quizzes.models import Quiz
from leerpad.skills.models import Level, Skill

LANGUAGE_NAMES = dict(Language.choices)


class _Texts(forms.Form):
    """Adds a title and a longer text per language, and groups them for the template."""

    text_names: tuple[str, str] = ("title", "summary")
    text_labels: tuple[Any, Any] = (_("Title"), _("Summary"))
    title_required = True

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        title_name, text_name = self.text_names
        for language in LANGUAGES:
            self.fields[f"{title_name}_{language}"] = forms.CharField(
                label=self.text_labels[0],
                max_length=TITLE_MAX,
                required=False,
                widget=forms.TextInput(attrs={"lang": language}),
            )
            self.fields[f"{text_name}_{language}"] = forms.CharField(
                label=self.text_labels[1],
                max_length=TEXT_MAX,
                required=False,
                widget=forms.Textarea(attrs={"rows": 3, "lang": language}),
            )

    def language_groups(self) -> list[dict[str, Any]]:
        names = self.text_names
        return [
            {
                "code": language,
                "name": LANGUAGE_NAMES[language],
                "fields": [self[f"{name}_{language}"] for name in names],
                "has_errors": any(self[f"{name}_{language}"].errors for name in names),
                "filled": bool(self[f"{names[0]}_{language}"].value()),
            }
            for language in LANGUAGES
        ]

    def texts(self, name: str) -> dict[str, str]:
        return {
            language: self.cleaned_data.get(f"{name}_{language}") or ""
            for language in LANGUAGES
            if self.cleaned_data.get(f"{name}_{language}")
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        title_name = self.text_names[0]
        if self.title_required and not any(
            (data.get(f"{title_name}_{language}") or "").strip() for language in LANGUAGES
        ):
            raise forms.ValidationError(_("Give a title in at least one language."))
        return data


def texts_initial(prefix_pairs: dict[str, dict[str, str]]) -> dict[str, str]:
    """Initial values for `_Texts` fields from {"title": {"nl": ...}, ...}."""
    return {
        f"{name}_{language}": text
        for name, texts in prefix_pairs.items()
        for language, text in (texts or {}).items()
        if language in LANGUAGES
    }


class CreatePathForm(_Texts):
    key = forms.SlugField(
        label=_("Key"),
        max_length=KEY_MAX,
        help_text=_(
            "Part of the path's web address (/paths/key/): lowercase letters, digits and "
            "hyphens. It cannot be changed later."
        ),
    )

    field_order = ["key"]


class VersionForm(_Texts):
    audience_roles = forms.ModelMultipleChoiceField(
        label=_("For job roles"),
        queryset=JobRole.objects.all(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 5}),
        help_text=_("Leave empty for everyone. This suggests the path; it never limits access."),
    )
    audience_locations = forms.ModelMultipleChoiceField(
        label=_("For locations"),
        queryset=Location.objects.all(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 5}),
        help_text=_("Leave empty for everyone."),
    )
    min_optional = forms.IntegerField(
        label=_("Optional steps needed"),
        min_value=0,
        max_value=999,
        initial=0,
        help_text=_(
            "Completing the path takes every required step (one per group of alternatives) "
            "plus this many optional steps."
        ),
    )

    @classmethod
    def for_version(cls, version: PathVersion, data: Any = None) -> VersionForm:
        initial: dict[str, Any] = texts_initial(
            {"title": version.titles, "summary": version.summaries}
        )
        initial.update(
            audience_roles=list(version.audience_roles.all()),
            audience_locations=list(version.audience_locations.all()),
            min_optional=version.min_optional,
        )
        return cls(data, initial=initial)


class SkillChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name())


class StepChoiceField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.position + 1}. {obj.title()}"


class QuizChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.title())


class VersionChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(_("version %(number)s") % {"number": obj.number})


class SkillRowForm(forms.Form):
    skill = SkillChoiceField(
        label=_("Skill"), queryset=Skill.objects.all(), required=False, empty_label="—"
    )
    level = forms.TypedChoiceField(
        label=_("Level it shows"), choices=Level.choices, coerce=int, initial=Level.PRACTISING
    )


SkillFormSet = forms.formset_factory(SkillRowForm, extra=1, can_delete=True, max_num=50)


def skills_formset(version: PathVersion, data: Any = None) -> Any:
    initial = [
        {"skill": ps.skill, "level": ps.level}
        for ps in version.path_skills.select_related("skill").order_by("skill__key")
    ]
    return SkillFormSet(data, initial=initial, prefix="skills")


def skills_from(formset: Any) -> list[tuple[Skill, int]]:
    rows: list[tuple[Skill, int]] = []
    for form in formset.forms:
        data = form.cleaned_data
        if not data or data.get("DELETE") or data.get("skill") is None:
            continue
        rows.append((data["skill"], int(data["level"])))
    return rows


class _StepFields(_Texts):
    text_names = ("title", "instructions")
    text_labels = (_("Own title"), _("Instructions"))
    title_required = False

    optional = forms.BooleanField(
        label=_("Optional step"),
        required=False,
        help_text=_("Counts towards the number of optional steps needed."),
    )
    branch = forms.IntegerField(
        label=_("Alternative group"),
        min_value=1,
        max_value=MAX_BRANCH,
        required=False,
        help_text=_(
            "Steps with the same number are alternatives: doing one of them is enough. "
            "Leave empty for a step on its own."
        ),
    )
    minutes = forms.IntegerField(
        label=_("Estimated minutes"),
        min_value=0,
        max_value=MAX_MINUTES,
        required=False,
        help_text=_("Leave empty to use the item's own duration."),
    )


class StepForm(_StepFields):
    prerequisites = StepChoiceField(
        label=_("Needs first"),
        queryset=Step.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Steps that must be done before this one opens."),
    )

    def __init__(self, *args: Any, step: Step, **kwargs: Any) -> None:
        self.step = step
        if "initial" not in kwargs:
            initial: dict[str, Any] = texts_initial(
                {"title": step.titles, "instructions": step.instructions}
            )
            initial.update(
                optional=step.optional,
                branch=step.branch,
                minutes=step.minutes,
                prerequisites=list(step.prerequisites.all()),
            )
            kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        if step.kind == Step.Kind.ASSIGNMENT:
            self.title_required = True
        field: StepChoiceField = self.fields["prerequisites"]  # type: ignore[assignment]
        field.queryset = (
            Step.objects.filter(version_id=step.version_id)
            .exclude(pk=step.pk)
            .select_related("item", "quiz")
            .prefetch_related("item__translations")
            .order_by("position", "id")
        )


class AssignmentForm(_StepFields):
    title_required = True


class ItemPickForm(forms.Form):
    item = forms.IntegerField(min_value=1)


class QuizPickForm(forms.Form):
    quiz = QuizChoiceField(
        label=_("Quiz"), queryset=Quiz.objects.order_by("key"), empty_label=_("Choose a quiz")
    )


class PublishForm(forms.Form):
    change_note = forms.CharField(
        label=_("What changed"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("A short note for the version history, such as “Added a quiz on safety”."),
    )

    def __init__(self, *args: Any, republishing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.republishing = republishing
        if republishing:
            self.fields["change_note"].required = True
            self.fields["change_note"].error_messages["required"] = _(
                "Say what changed: learners and colleagues see it in the version history."
            )


class MoveLearnersForm(forms.Form):
    from_version = VersionChoiceField(
        label=_("Move the learners of"), queryset=PathVersion.objects.none()
    )
    to_version = VersionChoiceField(label=_("to"), queryset=PathVersion.objects.none())
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, path: Path, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        versions = PathVersion.objects.filter(path=path).exclude(status=PathVersion.Status.DRAFT)
        source: VersionChoiceField = self.fields["from_version"]  # type: ignore[assignment]
        target: VersionChoiceField = self.fields["to_version"]  # type: ignore[assignment]
        # Learners only ever move to the published version (see services_builder).
        published = versions.filter(status=PathVersion.Status.PUBLISHED)
        source.queryset = versions.exclude(status=PathVersion.Status.PUBLISHED)
        target.queryset = published


class ConfirmForm(forms.Form):
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)
