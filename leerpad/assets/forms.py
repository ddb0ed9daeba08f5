"""Forms of the asset library: validation at the edge, with messages people can act on."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from leerpad.accounts.models import Person
from leerpad.assets import files, services
from leerpad.assets.models import Kind, Source, Use

DATE = forms.DateInput(attrs={"type": "date"})


def _team_people() -> Any:
    """Who can own an asset: people who can use the workspace (coaches and the LD&M team)."""
    from leerpad.core.access import ROLE_CAPABILITIES, Capability

    roles = [r.value for r, caps in ROLE_CAPABILITIES.items() if Capability.USE_WORKSPACE in caps]
    return (
        Person.objects.filter(is_active=True)
        .filter(Q(groups__name__in=roles) | Q(is_superuser=True))
        .distinct()
        .order_by("first_name", "last_name")
    )


class AssetForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", "—"), *Kind.choices])
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=Person.objects.none(), required=False)
    tags = forms.CharField(
        label=_("Tags"),
        required=False,
        help_text=_("Separated by commas, for example: safety, garden centre, Gent."),
    )
    source = forms.ChoiceField(label=_("Source"), choices=Source.choices)
    licence = forms.CharField(
        label=_("Licence"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("What the licence or agreement says, or where to find it."),
    )
    allowed_uses = forms.MultipleChoiceField(
        label=_("Allowed use"),
        choices=Use.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("What the rights allow. Consent of the people in it may allow less."),
    )
    rights_valid_until = forms.DateField(
        label=_("Rights valid until"),
        required=False,
        widget=DATE,
        help_text=_("Leave empty when the rights do not end."),
    )

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owner = self.fields["owner"]
        if isinstance(owner, forms.ModelChoiceField):
            owner.queryset = _team_people()
        if editing:
            # The versions were checked for their kind: it stays.
            self.fields["kind"].disabled = True

    def clean_tags(self) -> list[str]:
        return services.parse_tags(self.cleaned_data.get("tags") or "")

    def data_for_service(self) -> services.AssetData:
        d = self.cleaned_data
        return services.AssetData(
            title=d["title"],
            description=d["description"],
            kind=d["kind"],
            owner=d["owner"],
            tags=d["tags"],
            source=d["source"],
            licence=d["licence"],
            allowed_uses=list(d["allowed_uses"]),
            rights_valid_until=d["rights_valid_until"],
        )


class NewAssetForm(AssetForm):
    file = forms.FileField(label=_("File"), help_text=_("The first version."))
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = files.limits_text()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        upload = data.get("file")
        kind = data.get("kind")
        if upload is not None and kind:
            try:
                files.check_upload(upload, kind)
            except ValidationError as exc:
                self.add_error("file", exc)
        return data


class VersionForm(forms.Form):
    file = forms.FileField(label=_("New version"))
    note = forms.CharField(label=_("What changed"), max_length=300, required=False)

    def __init__(self, *args: Any, kind: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.fields["file"].help_text = files.limits_text()

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        files.check_upload(upload, self.kind)
        return upload


def consent_people() -> Any:
    """Who a consent can name: everyone active in Leerpad (picked by search, not a list)."""
    return Person.objects.filter(is_active=True)


class ConsentForm(forms.Form):
    # A hidden id filled by the person picker (assets/_person_picker.html): the list of
    # everyone would be thousands of options.
    person = forms.ModelChoiceField(
        label=_("Person"),
        queryset=Person.objects.none(),
        required=False,
        widget=forms.HiddenInput,
        error_messages={
            "invalid_choice": _(
                "That person is not in Leerpad (or no longer active). Search again and "
                "pick someone from the list."
            )
        },
        help_text=_(
            "Someone in Leerpad: type a name or e-mail and pick them. For someone outside "
            "Leerpad, type the name below."
        ),
    )
    name = forms.CharField(label=_("Name (outside Leerpad)"), max_length=200, required=False)
    scopes = forms.MultipleChoiceField(
        label=_("Agreed to"), choices=Use.choices, widget=forms.CheckboxSelectMultiple
    )
    given_on = forms.DateField(label=_("Given on"), widget=DATE)
    valid_until = forms.DateField(
        label=_("Valid until"), widget=DATE, help_text=_("Consent always has an end date.")
    )
    proof = forms.FileField(label=_("Proof"), required=False)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)
    # Shown only when the consent would leave places that use the asset uncovered.
    confirm_uncovered = forms.BooleanField(
        label=_("I confirm: these places take the asset down (or stop using it)."),
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        person = self.fields["person"]
        if isinstance(person, forms.ModelChoiceField):
            person.queryset = consent_people()
        self.fields["proof"].help_text = gettext(
            "The signed form: PDF, JPEG or PNG, up to %(limit)s MB."
        ) % {"limit": files.MAX_PROOF_MB}

    def chosen_person(self) -> Person | None:
        """The person picked so far, shown in the picker again when the form comes back
        with errors (None: nobody picked, or an unknown id)."""
        chosen: Person | None = getattr(self, "cleaned_data", {}).get("person")
        return chosen

    def clean_proof(self) -> Any:
        proof = self.cleaned_data.get("proof")
        if proof:
            files.check_proof(proof)
        return proof

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        person, name = data.get("person"), (data.get("name") or "").strip()
        searched = (self.data.get("person_q") or "").strip()
        if person is None and not name and searched and "person" not in self.errors:
            # Typed in the search but did not pick (or pressed Enter in it).
            self.add_error("person", _("Pick the person from the search results under the field."))
        elif person is None and not name:
            self.add_error(
                "name", _("Choose the person, or type the name of someone outside Leerpad.")
            )
        if person is not None and name:
            self.add_error("name", _("Choose a person or type a name, not both."))
        given, until = data.get("given_on"), data.get("valid_until")
        if given and until and until < given:
            self.add_error("valid_until", _("Consent cannot end before it was given."))
        if given and given > timezone.localdate():
            self.add_error("given_on", _("Record consent once it was given."))
        return data


class WithdrawForm(forms.Form):
    withdrawn_on = forms.DateField(label=_("Withdrawn on"), widget=DATE)

    def clean_withdrawn_on(self) -> Any:
        on = self.cleaned_data["withdrawn_on"]
        if on > timezone.localdate():
            raise ValidationError(_("A withdrawal is recorded when it happened, not ahead."))
        return on


class LibraryFilter(forms.Form):
    q = forms.CharField(label=_("Search title or tag"), required=False, max_length=100)
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds")), *Kind.choices]
    )
    tag = forms.CharField(required=False, max_length=40, widget=forms.HiddenInput)
    attention = forms.BooleanField(label=_("Consent or rights end within 30 days"), required=False)
