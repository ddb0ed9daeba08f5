"""Forms of the records pages: the statement browser's filters and client creation."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from leerpad.lrs import queries
from leerpad.lrs.models import Client, Scope
from leerpad.lrs.services_clients import DEFAULT_SCOPES, NAME_MAX_LENGTH
from leerpad.lrs.xapi import is_iri

_DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d"]


class _DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class StatementFilterForm(forms.Form):
    """The statement browser's filters (all optional). `filters()` turns a valid form
    into `queries.StatementFilters`; `actor_match` says what the actor text matched."""

    actor = forms.CharField(
        label=_("Who"),
        required=False,
        max_length=2048,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("Name, e-mail or identifier")}
        ),
    )
    verb = forms.CharField(
        label=_("Verb"),
        required=False,
        max_length=2048,
        widget=forms.TextInput(
            attrs={"list": "known-verbs", "placeholder": _("completed, or a verb IRI")}
        ),
    )
    activity = forms.CharField(
        label=_("Activity id"),
        required=False,
        max_length=2048,
        widget=forms.TextInput(attrs={"placeholder": "https://…"}),
    )
    related = forms.BooleanField(label=_("Also as context activity"), required=False)
    registration = forms.UUIDField(
        label=_("Registration"),
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "xxxxxxxx-xxxx-…"}),
    )
    client = forms.ChoiceField(label=_("Sent by"), required=False)
    since = forms.DateTimeField(
        label=_("Stored after"),
        required=False,
        input_formats=_DATETIME_FORMATS,
        widget=_DateTimeInput(),
    )
    until = forms.DateTimeField(
        label=_("Stored until"),
        required=False,
        input_formats=_DATETIME_FORMATS,
        widget=_DateTimeInput(),
    )
    voided = forms.BooleanField(label=_("Include voided statements"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.clients = {str(c.pk): c for c in Client.objects.order_by("-is_active", "name")}
        choices: list[tuple[str, str]] = [
            ("", str(_("Everyone"))),
            (queries.BUILT_IN, str(_("Leerpad itself"))),
        ]
        for pk, client in self.clients.items():
            label = client.name if client.is_active else f"{client.name} ({_('revoked')})"
            choices.append((pk, label))
        field = self.fields["client"]
        if isinstance(field, forms.ChoiceField):
            field.choices = choices
        self.actor_match = queries.ActorMatch()

    def clean_actor(self) -> str:
        text = str(self.cleaned_data.get("actor") or "").strip()
        self.actor_match = queries.resolve_actor(text)
        return text

    def clean_verb(self) -> str:
        text = str(self.cleaned_data.get("verb") or "").strip()
        if not text:
            return ""
        if ":" not in text:
            known = queries.known_verb(text)
            if known is None:
                raise forms.ValidationError(
                    _("Choose a suggested verb or enter a verb IRI, such as %(example)s."),
                    params={"example": "http://adlnet.gov/expapi/verbs/completed"},
                    code="verb",
                )
            return known
        if not is_iri(text):
            raise forms.ValidationError(
                _("A verb is an IRI, such as %(example)s."),
                params={"example": "http://adlnet.gov/expapi/verbs/completed"},
                code="verb",
            )
        return text

    def clean_activity(self) -> str:
        text = str(self.cleaned_data.get("activity") or "").strip()
        if text and not is_iri(text):
            raise forms.ValidationError(
                _("An activity id is an IRI, such as %(example)s."),
                params={"example": "https://leerpad.example/courses/42"},
                code="activity",
            )
        return text

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if since and until and since >= until:
            self.add_error("until", _("“Stored until” must be later than “Stored after”."))
        return data

    def filters(self) -> queries.StatementFilters:
        data = self.cleaned_data
        chosen = str(data.get("client") or "")
        return queries.StatementFilters(
            verb_iri=data.get("verb") or "",
            actor_ifis=self.actor_match.ifis,
            activity_iri=data.get("activity") or "",
            related_activities=bool(data.get("related")),
            registration=data.get("registration"),
            client=self.clients.get(chosen),
            built_in=chosen == queries.BUILT_IN,
            since=data.get("since"),
            until=data.get("until"),
            include_voided=bool(data.get("voided")),
        )

    def actor_unmatched(self) -> bool:
        """The actor filter was filled in but stands for no one (show nothing)."""
        return bool(self.is_bound and self.cleaned_data.get("actor")) and not (
            self.actor_match.found
        )


class ClientForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=NAME_MAX_LENGTH,
        help_text=_("What the tool is, so that you recognise its statements: “Webinar tool”."),
    )
    scopes = forms.MultipleChoiceField(
        label=_("What it may do"),
        choices=Scope.choices,
        initial=list(DEFAULT_SCOPES),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one scope.")},
        help_text=_("A tool that only sends learning activity needs “write statements”."),
    )

    def clean_name(self) -> str:
        name = str(self.cleaned_data["name"]).strip()
        if not name:
            raise forms.ValidationError(_("Give the client a name, for example the tool's name."))
        return name
