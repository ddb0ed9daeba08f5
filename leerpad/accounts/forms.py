from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from leerpad.accounts.models import Language, Person
from leerpad.core.access import Role, roles_of


class LoginForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        # Django's default says both fields are case-sensitive; our e-mail field is not.
        "invalid_login": _(
            "This e-mail address and password do not match an account. Check them and try again."
        ),
    }
    username = forms.EmailField(
        label=_("E-mail address"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )


class ResetForm(PasswordResetForm):
    """Password reset that writes to each person in their own language."""

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        language = getattr(context.get("user"), "language", None) or translation.get_language()
        with translation.override(language):
            super().send_mail(
                subject_template_name,
                email_template_name,
                context,
                from_email,
                to_email,
                html_email_template_name,
            )


class LanguageForm(forms.Form):
    language = forms.ChoiceField(choices=Language.choices)
    next = forms.CharField(required=False)


class ProfileForm(forms.ModelForm[Person]):
    class Meta:
        model = Person
        fields = ["first_name", "last_name", "language"]


class PersonForm(forms.ModelForm[Person]):
    """What an admin edits on a person, roles included."""

    roles = forms.MultipleChoiceField(
        label=_("Leerpad roles"),
        choices=[(r.value, r.label) for r in Role if r is not Role.LEARNER],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Everyone is a learner; these roles add to that."),
    )

    class Meta:
        model = Person
        fields = [
            "first_name",
            "last_name",
            "email",
            "employee_number",
            "job_role",
            "location",
            "team",
            "manager",
            "coach",
            "language",
            "is_active",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["roles"].initial = [
                r.value for r in roles_of(self.instance) if r is not Role.LEARNER
            ]
        people = Person.objects.filter(is_active=True).only("first_name", "last_name", "email")
        for name in ("manager", "coach"):
            field = self.fields[name]
            if isinstance(field, forms.ModelChoiceField):
                field.queryset = people.exclude(pk=self.instance.pk)

    def clean_email(self) -> str:
        email = str(self.cleaned_data["email"]).strip().lower()
        clash = Person.objects.filter(email__iexact=email).exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(_("Another person already uses this e-mail address."))
        return email

    def clean_employee_number(self) -> str | None:
        number = (self.cleaned_data.get("employee_number") or "").strip()
        return number or None

    def chosen_roles(self) -> set[Role]:
        return {Role(value) for value in self.cleaned_data.get("roles", [])}


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What the token is for, e.g. the tool or script that will use it."),
    )
