"""Forms of the learner's and coach's path pages: validation at the edge, with messages
the person can act on. The rules themselves live in `services` (which raise `PathError`)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from leerpad.accounts.models import Person
from leerpad.paths import queries
from leerpad.paths.models import Enrolment
from leerpad.paths.services import NOTE_MAX_LENGTH, REASON_MAX_LENGTH


class ReminderForm(forms.Form):
    reminder = forms.ChoiceField(
        label=gettext_lazy("Remind me"),
        choices=Enrolment.Reminder.choices,
        required=False,
        help_text=gettext_lazy("An e-mail with where you are and what is next."),
    )
    target_date = forms.DateField(
        label=gettext_lazy("I want to finish by"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=gettext_lazy("Optional. Paths due within two weeks show on your home page."),
    )

    def clean_target_date(self) -> Any:
        value = self.cleaned_data.get("target_date")
        if value is not None and value < timezone.localdate():
            raise forms.ValidationError(_("Choose a date that is not in the past."))
        return value


class SignOffRequestForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("What I did"),
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy(
            "A few sentences for your coach: what you did, when, and how it went."
        ),
    )

    def __init__(self, *args: Any, note_required: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["note"].required = note_required
        if not note_required:
            self.fields["note"].label = gettext_lazy("Note for your coach (optional)")
            self.fields["note"].help_text = gettext_lazy("Which date you attended, for example.")


class SignOffDecisionForm(forms.Form):
    SIGN = "sign"
    RETURN = "return"

    decision = forms.ChoiceField(
        choices=[(SIGN, gettext_lazy("Sign off")), (RETURN, gettext_lazy("Send back"))],
        widget=forms.HiddenInput,
    )
    comment = forms.CharField(
        label=gettext_lazy("Comment"),
        max_length=NOTE_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("Needed when you send it back: say what is still missing."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") == self.RETURN and not (data.get("comment") or "").strip():
            self.add_error("comment", _("Say what is still missing, so they know what to do."))
        return data


class PersonByEmailField(forms.EmailField):
    """Someone in Leerpad, typed as their e-mail address (for people who may invite anyone:
    a list of the whole organisation would be too long to choose from)."""

    def __init__(self, *args: Any, queryset: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.queryset = queryset

    def clean(self, value: Any) -> Person:
        email = super().clean(value)
        person = self.queryset.filter(email__iexact=email).first()
        if person is None:
            raise forms.ValidationError(_("No one you can invite has this e-mail address."))
        person_: Person = person
        return person_


class PersonChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.get_full_name() or obj.email} ({obj.email})"


class InviteForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Why this path?"),
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            "The person reads this with the invitation. Say what it could bring them; "
            "they decide whether to take it."
        ),
    )

    def __init__(self, *args: Any, inviter: Person, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        people = queries.invitable_people(inviter).order_by("last_name", "first_name")
        field: forms.Field
        if queries.may_invite_anyone(inviter):
            field = PersonByEmailField(
                label=gettext_lazy("E-mail address of the person"), queryset=people
            )
        else:
            field = PersonChoiceField(
                label=gettext_lazy("Person"),
                queryset=people,
                empty_label=gettext_lazy("Choose someone you coach or manage"),
            )
        # The person first, then the reason.
        self.fields = {"person": field, **self.fields}
