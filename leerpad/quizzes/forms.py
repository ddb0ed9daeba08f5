"""Forms of the quiz pages. The bank forms only shape input: the rules (two answers at
least, one right answer for single choice, ...) live in `services`, so the API and any
import obey the same ones."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from leerpad.accounts.models import Language
from leerpad.quizzes.models import Question, Quiz
from leerpad.quizzes.services import LANGUAGES, MAX_CHOICES, MAX_DRAW, ChoiceIn, QuestionIn, QuizIn
from leerpad.skills.models import Level, Skill

LANGUAGE_NAMES = dict(Language.choices)


def _per_language(
    form: forms.BaseForm, name: str, label: Any, *, rows: int = 0, max_length: int = 2000
) -> None:
    for language in LANGUAGES:
        widget: forms.Widget = (
            forms.Textarea(attrs={"rows": rows, "lang": language})
            if rows
            else forms.TextInput(attrs={"lang": language})
        )
        form.fields[f"{name}_{language}"] = forms.CharField(
            label=label, required=False, max_length=max_length, widget=widget
        )


def _texts(data: dict[str, Any], name: str) -> dict[str, str]:
    return {lang: data.get(f"{name}_{lang}") or "" for lang in LANGUAGES}


def _initial_texts(initial: dict[str, Any], name: str, texts: dict[str, str] | None) -> None:
    for lang, text in (texts or {}).items():
        if lang in LANGUAGES:
            initial[f"{name}_{lang}"] = text


class LanguageGroups:
    """Per-language fields grouped for the template: one <details> per language."""

    group_fields: tuple[str, ...] = ()

    def language_groups(self) -> list[dict[str, Any]]:
        form: forms.BaseForm = self  # type: ignore[assignment]
        return [
            {
                "code": lang,
                "name": LANGUAGE_NAMES[lang],
                "fields": [form[f"{name}_{lang}"] for name in self.group_fields],
                "filled": any(form[f"{name}_{lang}"].value() for name in self.group_fields),
            }
            for lang in LANGUAGES
        ]


# --- questions -------------------------------------------------------------------------------


class QuestionForm(LanguageGroups, forms.Form):
    group_fields = ("text", "explanation")

    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=Question.Kind.choices,
        widget=forms.RadioSelect,
        help_text=_("Single choice: exactly one right answer. Multiple choice: one or more."),
    )

    def __init__(self, *args: Any, question: Question | None = None, **kwargs: Any) -> None:
        if question is not None and "initial" not in kwargs:
            initial: dict[str, Any] = {"kind": question.kind}
            _initial_texts(initial, "text", question.texts)
            _initial_texts(initial, "explanation", question.explanations)
            kwargs["initial"] = initial
        kwargs.setdefault("initial", {}).setdefault("kind", Question.Kind.SINGLE)
        super().__init__(*args, **kwargs)
        _per_language(self, "text", _("Question"), rows=2)
        _per_language(self, "explanation", _("Explanation (shown after answering)"), rows=2)

    def spec(self, choices: list[ChoiceIn]) -> QuestionIn:
        data = self.cleaned_data
        return QuestionIn(
            kind=data["kind"],
            texts=_texts(data, "text"),
            explanations=_texts(data, "explanation"),
            choices=choices,
        )


class ChoiceForm(LanguageGroups, forms.Form):
    group_fields = ("text", "feedback")

    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    correct = forms.BooleanField(label=_("Right answer"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _per_language(self, "text", _("Answer"), max_length=2000)
        _per_language(self, "feedback", _("Feedback when chosen"), rows=2)

    def is_blank(self) -> bool:
        """A row left empty (the spare rows of the form) is not an answer."""
        data = getattr(self, "cleaned_data", {})
        return not data.get("id") and not any(
            (data.get(f"{name}_{lang}") or "").strip()
            for name in self.group_fields
            for lang in LANGUAGES
        )

    def spec(self) -> ChoiceIn:
        data = self.cleaned_data
        return ChoiceIn(
            id=data.get("id") or None,
            texts=_texts(data, "text"),
            feedback=_texts(data, "feedback"),
            correct=bool(data.get("correct")),
        )


def choice_formset(data: Any = None, question: Question | None = None) -> Any:
    """The answers of a question, plus spare rows (four for a new question)."""
    initial: list[dict[str, Any]] = []
    if question is not None:
        for choice in question.choices.all():
            row: dict[str, Any] = {"id": choice.pk, "correct": choice.correct}
            _initial_texts(row, "text", choice.texts)
            _initial_texts(row, "feedback", choice.feedback)
            initial.append(row)
    spare = max(4 - len(initial), 2)
    formset_class = forms.formset_factory(
        ChoiceForm,
        extra=spare,
        can_delete=True,
        max_num=MAX_CHOICES,
        absolute_max=MAX_CHOICES + 4,
    )
    return formset_class(data, initial=initial, prefix="choices")


def choices_from(formset: Any) -> list[ChoiceIn]:
    """The answers the formset describes, in order, without blank or deleted rows."""
    return [
        form.spec()
        for form in formset.forms
        if not form.is_blank() and not form.cleaned_data.get("DELETE")
    ]


# --- quizzes ---------------------------------------------------------------------------------


class SkillField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name())


class QuizForm(LanguageGroups, forms.Form):
    group_fields = ("title", "intro")

    key = forms.SlugField(
        label=_("Key"),
        max_length=120,
        help_text=_(
            "Lower-case letters, digits and hyphens. It names the quiz in its address and in "
            "the learning record, so it cannot change later."
        ),
    )
    skill = SkillField(
        label=_("Skill"),
        queryset=Skill.objects.none(),
        to_field_name="key",
        required=False,
        help_text=_(
            "Extra questions are drawn from this skill's bank; passing shows the skill on the "
            "person's profile. Only skills with questions in their bank are listed."
        ),
    )
    pass_percent = forms.IntegerField(
        label=_("Pass mark (%)"), min_value=1, max_value=100, initial=70
    )
    draw_from_bank = forms.IntegerField(
        label=_("Extra questions from the bank"),
        min_value=0,
        max_value=MAX_DRAW,
        initial=0,
        help_text=_("Drawn at random for every attempt, on top of the quiz's own questions."),
    )
    evidence_level = forms.TypedChoiceField(
        label=_("Skill level a pass shows"),
        choices=Level.choices,
        coerce=int,
        initial=Level.PRACTISING,
    )

    def __init__(self, *args: Any, quiz: Quiz | None = None, **kwargs: Any) -> None:
        self.quiz = quiz
        if quiz is not None and "initial" not in kwargs:
            initial: dict[str, Any] = {
                "key": quiz.key,
                "skill": quiz.skill,
                "pass_percent": quiz.pass_percent,
                "draw_from_bank": quiz.draw_from_bank,
                "evidence_level": quiz.evidence_level,
            }
            _initial_texts(initial, "title", quiz.titles)
            _initial_texts(initial, "intro", quiz.intros)
            kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        _per_language(self, "title", _("Title"), max_length=300)
        _per_language(self, "intro", _("Introduction"), rows=3)
        skills = Skill.objects.filter(questions__isnull=False)
        if quiz is not None and quiz.skill_id is not None:
            skills = skills | Skill.objects.filter(pk=quiz.skill_id)
        skill_field: SkillField = self.fields["skill"]  # type: ignore[assignment]
        skill_field.queryset = skills.distinct().order_by("key")
        if quiz is not None:
            self.fields["key"].disabled = True

    def spec(self) -> QuizIn:
        data = self.cleaned_data
        return QuizIn(
            key=data["key"],
            titles=_texts(data, "title"),
            intros=_texts(data, "intro"),
            skill=data.get("skill"),
            pass_percent=data["pass_percent"],
            draw_from_bank=data["draw_from_bank"],
            evidence_level=data["evidence_level"],
        )


class PickForm(forms.Form):
    """Questions chosen from a bank to add to a quiz."""

    questions = forms.TypedMultipleChoiceField(coerce=int, choices=())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: forms.TypedMultipleChoiceField = self.fields["questions"]  # type: ignore[assignment]
        raw = self.data.getlist("questions") if hasattr(self.data, "getlist") else []
        # Any id may be posted; the view loads the questions and reports what is missing.
        field.choices = [(v, v) for v in raw]
        field.error_messages["required"] = _("Select at least one question.")
