"""Forms of the segment builder: one small form per rule type, prefixed "r<n>" in the page.

The forms only collect and check what a person picked; they turn it into the rule JSON of
`campaigns.rules`, which `services` validates again (the API sends that JSON directly).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, ClassVar

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from leerpad.accounts.models import JobRole, Language, Location, Person, Team
from leerpad.campaigns import rules as segment_rules
from leerpad.catalog.models import ContentItem, Session, Status
from leerpad.paths.models import Path
from leerpad.skills.models import Skill

MATCH_CHOICES = [
    ("all", gettext_lazy("All rules (AND)")),
    ("any", gettext_lazy("Any rule (OR)")),
]


class SegmentForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=120)
    description = forms.CharField(
        label=gettext_lazy("Description"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    match = forms.ChoiceField(
        label=gettext_lazy("People match"),
        choices=MATCH_CHOICES,
        initial="all",
        widget=forms.RadioSelect,
    )


class _PathField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.current.title() if obj.current is not None else obj.key)


class _ItemField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.title())


class _SessionField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.item.title()} · {obj.starts_at:%Y-%m-%d %H:%M}"


def _paths() -> Any:
    return Path.objects.filter(is_archived=False).select_related("current").order_by("key")


def _days(label: Any = None) -> forms.IntegerField:
    return forms.IntegerField(
        label=label or gettext_lazy("Days"),
        min_value=1,
        max_value=segment_rules.MAX_DAYS,
        initial=14,
    )


class RuleForm(forms.Form):
    """What every rule has: "not" (people who do NOT match the rule)."""

    rule_type: ClassVar[str] = ""
    negate = forms.BooleanField(label=gettext_lazy("Not"), required=False)

    def to_data(self) -> dict[str, Any]:
        """The rule JSON (call after is_valid)."""
        data: dict[str, Any] = {"type": self.rule_type, "not": self.cleaned_data["negate"]}
        for name, value in self.cleaned_data.items():
            if name != "negate":
                data[name] = _plain(value)
        return data

    @classmethod
    def initial_from(cls, rule: dict[str, Any]) -> dict[str, Any]:
        initial = {k: v for k, v in rule.items() if k not in {"type", "not"}}
        initial["negate"] = bool(rule.get("not"))
        return initial


def _plain(value: Any) -> Any:
    """Model choices as the JSON keeps them: paths and skills by key, the rest by id."""
    if isinstance(value, Path | Skill):
        return value.key
    if hasattr(value, "pk"):
        return value.pk
    if hasattr(value, "__iter__") and not isinstance(value, str):
        return [_plain(v) for v in value]
    return value


class JobRoleForm(RuleForm):
    rule_type = "job_role"
    job_roles = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Job roles"), queryset=JobRole.objects.order_by("name")
    )


class LocationForm(RuleForm):
    rule_type = "location"
    locations = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Locations"), queryset=Location.objects.order_by("name")
    )


class TeamForm(RuleForm):
    rule_type = "team"
    teams = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Teams"), queryset=Team.objects.order_by("name")
    )


class LanguageForm(RuleForm):
    rule_type = "language"
    languages = forms.MultipleChoiceField(
        label=gettext_lazy("Languages"),
        choices=Language.choices,
        widget=forms.CheckboxSelectMultiple,
    )


class ManagerForm(RuleForm):
    rule_type = "manager"
    manager = forms.ModelChoiceField(
        label=gettext_lazy("Manager"),
        queryset=Person.objects.filter(is_active=True, reports__isnull=False)
        .distinct()
        .order_by("last_name", "first_name"),
        help_text=gettext_lazy("People whose manager this is."),
    )


class JoinedForm(RuleForm):
    rule_type = "joined_within"
    days = _days(gettext_lazy("Joined in the last … days"))


class SkillForm(RuleForm):
    rule_type = "skill"
    skill = forms.ModelChoiceField(
        label=gettext_lazy("Skill"),
        queryset=Skill.objects.all(),
        to_field_name="key",
        widget=forms.TextInput(attrs={"list": "skill-keys", "autocomplete": "off"}),
        help_text=gettext_lazy("Type to pick a skill."),
        error_messages={"invalid_choice": gettext_lazy("There is no skill with this key.")},
    )
    min_level = forms.TypedChoiceField(
        label=gettext_lazy("At level or higher"),
        coerce=int,
        choices=[(n, str(n)) for n in range(1, 5)],
        initial=2,
    )
    source = forms.ChoiceField(
        label=gettext_lazy("Shown by"),
        choices=[
            ("either", gettext_lazy("Their own assessment or evidence")),
            ("claim", gettext_lazy("Their own assessment")),
            ("evidence", gettext_lazy("Evidence")),
        ],
        initial="either",
    )


class NeverVisitedForm(RuleForm):
    rule_type = "never_visited"


class InactiveForm(RuleForm):
    rule_type = "inactive"
    days = _days(gettext_lazy("No activity in the last … days"))


class EnrolledForm(RuleForm):
    rule_type = "enrolled"
    path = _PathField(label=gettext_lazy("Path"), queryset=_paths(), to_field_name="key")


class StalledForm(RuleForm):
    rule_type = "stalled"
    path = _PathField(label=gettext_lazy("Path"), queryset=_paths(), to_field_name="key")
    days = _days(gettext_lazy("Inactive for at least … days"))


class CompletedPathForm(RuleForm):
    rule_type = "completed_path"
    path = _PathField(label=gettext_lazy("Path"), queryset=_paths(), to_field_name="key")


class CompletedItemForm(RuleForm):
    rule_type = "completed_item"
    item = _ItemField(
        label=gettext_lazy("Catalogue item"),
        queryset=ContentItem.objects.filter(status=Status.PUBLISHED)
        .prefetch_related("translations")
        .order_by("pk"),
    )


class RegisteredForm(RuleForm):
    rule_type = "registered"
    session = _SessionField(
        label=gettext_lazy("Session date"),
        queryset=Session.objects.select_related("item")
        .prefetch_related("item__translations")
        .order_by("-starts_at"),
    )


RULE_FORMS: dict[str, type[RuleForm]] = {
    form.rule_type: form
    for form in (
        JobRoleForm,
        LocationForm,
        TeamForm,
        LanguageForm,
        ManagerForm,
        JoinedForm,
        SkillForm,
        NeverVisitedForm,
        InactiveForm,
        EnrolledForm,
        StalledForm,
        CompletedPathForm,
        CompletedItemForm,
        RegisteredForm,
    )
}
assert set(RULE_FORMS) == set(segment_rules.RULE_TYPES)  # noqa: S101  (one form per rule type)


@dataclass
class RuleRow:
    """One rule in the builder: its number in the page (the form prefix) and its form."""

    index: int
    form: RuleForm

    @property
    def rule_type(self) -> str:
        return self.form.rule_type

    @property
    def label(self) -> Any:
        return segment_rules.RULE_TYPES[self.rule_type].label

    @property
    def learning(self) -> bool:
        return segment_rules.RULE_TYPES[self.rule_type].kind == "learning"


def type_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """The rule types for the "add a rule" menu, grouped by kind."""
    people = [
        (k, str(c.label)) for k, c in segment_rules.RULE_TYPES.items() if c.kind != "learning"
    ]
    learning = [
        (k, str(c.label)) for k, c in segment_rules.RULE_TYPES.items() if c.kind == "learning"
    ]
    return [(_("Who they are"), people), (_("What they learn and do"), learning)]


_TYPE_KEY = re.compile(r"^r(\d+)-type$")


def rows_from_post(data: QueryDict) -> list[RuleRow]:
    """The rule forms the page posted, bound, in page order (unknown types are skipped:
    only the page's own menu makes them)."""
    rows = []
    for key in data:
        match = _TYPE_KEY.match(key)
        form_class = RULE_FORMS.get(data.get(key, "")) if match else None
        if match and form_class is not None:
            index = int(match.group(1))
            rows.append(RuleRow(index, form_class(data, prefix=f"r{index}")))
    return sorted(rows, key=lambda row: row.index)


def rows_from_rules(rules: dict[str, Any]) -> list[RuleRow]:
    """Unbound forms for stored rules (the edit page)."""
    rows = []
    for index, rule in enumerate(rules.get("rules") or []):
        form_class = RULE_FORMS.get(rule.get("type"))
        if form_class is not None:
            rows.append(
                RuleRow(
                    index, form_class(initial=form_class.initial_from(rule), prefix=f"r{index}")
                )
            )
    return rows


def new_row(rule_type: str, rows: list[RuleRow]) -> RuleRow | None:
    form_class = RULE_FORMS.get(rule_type)
    if form_class is None:
        return None
    index = max((row.index for row in rows), default=-1) + 1
    return RuleRow(index, form_class(prefix=f"r{index}"))


def rules_from_rows(match: str, rows: list[RuleRow]) -> dict[str, Any] | None:
    """The rules JSON when every rule form is valid, else None (the forms carry errors)."""
    valid = all([row.form.is_valid() for row in rows])  # every form, for all errors
    if not valid:
        return None
    return {
        "match": match if match in {"all", "any"} else "all",
        "rules": [r.form.to_data() for r in rows],
    }
