"""Forms of the catalogue pages. The item form builds an `ItemIn`: the one validated shape
of an item, so the form, the bulk import and the API accept exactly the same items."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from pydantic import ValidationError as SchemaError

from leerpad.accounts.models import JobRole, Language, Location
from leerpad.catalog.models import ContentItem, Kind, Level, Status
from leerpad.catalog.schemas import LANGUAGES, AudienceIn, ItemIn, SessionIn, TranslationIn
from leerpad.catalog.services import TRANSITIONS
from leerpad.skills.models import Skill

TEXT_FIELDS = ("title", "summary", "body")
# Items list more than one language; these name the language a field group is for.
LANGUAGE_NAMES = dict(Language.choices)


class SkillChoiceField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name())


def status_choices(current: str | None) -> list[tuple[str, str]]:
    """The statuses an item may move to from `current` (any status for a new item)."""
    allowed = set(Status.values) if current is None else {current} | set(TRANSITIONS[current])
    return [(value, str(label)) for value, label in Status.choices if value in allowed]


class ItemForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=Kind.choices)
    status = forms.ChoiceField(label=gettext_lazy("Status"), choices=Status.choices)
    language = forms.ChoiceField(
        label=gettext_lazy("Original language"),
        choices=Language.choices,
        help_text=gettext_lazy("The language the content was made in."),
    )
    level = forms.ChoiceField(
        label=gettext_lazy("Level"), choices=[("", "—"), *Level.choices], required=False
    )
    duration_minutes = forms.IntegerField(
        label=gettext_lazy("Duration (minutes)"), min_value=0, max_value=100_000, required=False
    )
    url = forms.URLField(
        label=gettext_lazy("Web address"),
        max_length=1000,
        required=False,
        assume_scheme="https",
        help_text=gettext_lazy(
            "For web links, and videos or podcasts that live elsewhere (a .mp4 or .mp3 "
            "address plays on the item's page)."
        ),
    )
    tags = forms.CharField(
        label=gettext_lazy("Tags"),
        required=False,
        max_length=1000,
        help_text=gettext_lazy("Separate tags with commas."),
    )
    skills = SkillChoiceField(
        label=gettext_lazy("Skills"),
        queryset=Skill.objects.all(),
        to_field_name="key",
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    job_roles = forms.ModelMultipleChoiceField(
        label=gettext_lazy("For job roles"),
        queryset=JobRole.objects.all(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=gettext_lazy("Leave empty for everyone."),
    )
    locations = forms.ModelMultipleChoiceField(
        label=gettext_lazy("For locations"),
        queryset=Location.objects.all(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=gettext_lazy("Leave empty for everyone."),
    )
    review_date = forms.DateField(
        label=gettext_lazy("Review by"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=gettext_lazy("When the content should be checked again."),
    )
    external_id = forms.CharField(
        label=gettext_lazy("External id"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("The item's id in the library it comes from; imports match on it."),
    )
    note = forms.CharField(
        label=gettext_lazy("What changed"),
        max_length=300,
        required=False,
        help_text=gettext_lazy("A short note for the version history (optional)."),
    )
    file = forms.FileField(
        label=gettext_lazy("File"),
        required=False,
        help_text=gettext_lazy(
            "A document (PDF, Word, PowerPoint, Markdown, text), a video or audio file, a "
            "transcript (WebVTT, SRT) or an e-learning package (ZIP)."
        ),
    )
    transcript = forms.FileField(
        label=gettext_lazy("Transcript (WebVTT or SRT)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".vtt,.srt"}),
    )
    transcript_language = forms.ChoiceField(
        label=gettext_lazy("Language of the transcript"),
        choices=Language.choices,
        required=False,
    )

    def __init__(
        self,
        *args: Any,
        item: ContentItem | None = None,
        uploads: bool = True,
        **kwargs: Any,
    ) -> None:
        self.item = item
        if item is not None and "initial" not in kwargs:
            kwargs["initial"] = initial_for(item)
        super().__init__(*args, **kwargs)
        status: forms.ChoiceField = self.fields["status"]  # type: ignore[assignment]
        status.choices = status_choices(item.status if item is not None else None)
        for language in LANGUAGES:
            self.fields[f"title_{language}"] = forms.CharField(
                label=_("Title"), max_length=300, required=False
            )
            self.fields[f"summary_{language}"] = forms.CharField(
                label=_("Summary"),
                required=False,
                widget=forms.Textarea(attrs={"rows": 3}),
                help_text=_("One or two sentences: what people get out of it."),
            )
            self.fields[f"body_{language}"] = forms.CharField(
                label=_("Text"),
                required=False,
                widget=forms.Textarea(attrs={"rows": 8}),
                help_text=_("Articles: the text, in HTML (it is cleaned on saving)."),
            )
            for name in TEXT_FIELDS:
                self.fields[f"{name}_{language}"].widget.attrs["lang"] = language
        if not uploads:
            for name in ("file", "transcript", "transcript_language"):
                del self.fields[name]

    # --- the per-language fields, grouped for the template ---------------------------------

    def language_groups(self) -> list[dict[str, Any]]:
        return [
            {
                "code": language,
                "name": LANGUAGE_NAMES[language],
                "fields": [self[f"{name}_{language}"] for name in TEXT_FIELDS],
                "has_errors": any(self[f"{name}_{language}"].errors for name in TEXT_FIELDS),
                "filled": bool(self[f"title_{language}"].value()),
            }
            for language in LANGUAGES
        ]

    def clean_tags(self) -> list[str]:
        raw: str = self.cleaned_data.get("tags") or ""
        tags = [t.strip() for t in raw.split(",") if t.strip()]
        too_long = [t for t in tags if len(t) > 60]
        if too_long:
            raise ValidationError(
                _("A tag has at most 60 characters: “%(tag)s”.") % {"tag": too_long[0]}
            )
        return tags

    def clean_file(self) -> UploadedFile | None:
        upload: UploadedFile | None = self.cleaned_data.get("file")
        limit = int(settings.LEERPAD_UPLOAD_MAX_BYTES)
        if upload is not None and (upload.size or 0) > limit:
            raise ValidationError(
                _("The file is larger than %(size)s.") % {"size": filesizeformat(limit)}
            )
        return upload

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        titled = False
        for language in LANGUAGES:
            if data.get(f"title_{language}"):
                titled = True
            elif data.get(f"summary_{language}") or data.get(f"body_{language}"):
                self.add_error(
                    f"title_{language}",
                    _("Give a title in this language, or leave its summary and text empty."),
                )
        if not titled and not any(self.has_error(f"title_{lang}") for lang in LANGUAGES):
            raise ValidationError(_("Give the item a title in at least one language."))
        if data.get("transcript") and not data.get("transcript_language"):
            self.add_error("transcript_language", _("Choose the transcript's language."))
        return data

    # --- to the schema -----------------------------------------------------------------------

    def spec(self, sessions: list[SessionIn] | None = None) -> ItemIn | None:
        """The item as an `ItemIn`, or None after adding the schema's errors to the form."""
        data = self.cleaned_data
        translations = {
            language: TranslationIn(
                title=data[f"title_{language}"],
                summary=data.get(f"summary_{language}") or "",
                body=data.get(f"body_{language}") or "",
            )
            for language in LANGUAGES
            if data.get(f"title_{language}")
        }
        try:
            return ItemIn(
                external_id=data.get("external_id") or "",
                kind=data["kind"],
                status=data["status"],
                language=data["language"],
                level=data.get("level") or None,
                duration_minutes=data.get("duration_minutes"),
                url=data.get("url") or "",
                tags=data.get("tags") or [],
                skills=[s.key for s in data.get("skills") or []],
                audience=AudienceIn(
                    job_roles=[r.name for r in data.get("job_roles") or []],
                    locations=[loc.name for loc in data.get("locations") or []],
                ),
                review_date=data.get("review_date"),
                translations=translations,
                sessions=sessions or [],
            )
        except SchemaError as exc:
            self.add_schema_errors(exc)
            return None

    def add_schema_errors(self, exc: SchemaError) -> None:
        for error in exc.errors():
            loc = [str(part) for part in error["loc"]]
            message = error["msg"].removeprefix("Value error, ")
            field = _field_for(loc)
            if field in self.fields:
                self.add_error(field, message)
            else:
                self.add_error(None, f"{'.'.join(loc)}: {message}" if loc else message)


def _field_for(loc: list[str]) -> str | None:
    if len(loc) >= 3 and loc[0] == "translations" and loc[2] in TEXT_FIELDS:
        return f"{loc[2]}_{loc[1]}"
    if loc and loc[0] == "audience" and len(loc) >= 2:
        return loc[1]
    return loc[0] if loc else None


def initial_for(item: ContentItem) -> dict[str, Any]:
    initial: dict[str, Any] = {
        "kind": item.kind,
        "status": item.status,
        "language": item.language,
        "level": item.level,
        "duration_minutes": item.duration_minutes,
        "url": item.url,
        "tags": ", ".join(item.tags),
        "skills": list(item.skills.all()),
        "job_roles": list(item.audience_job_roles.all()),
        "locations": list(item.audience_locations.all()),
        "review_date": item.review_date,
        "external_id": item.external_id,
        "transcript_language": item.language,
    }
    for translation in item.translations.all():
        for name in TEXT_FIELDS:
            initial[f"{name}_{translation.language}"] = getattr(translation, name)
    return initial


class SessionForm(forms.Form):
    """One date of a classroom session; an empty row is left out."""

    starts_at = forms.DateTimeField(
        label=gettext_lazy("Starts"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    ends_at = forms.DateTimeField(
        label=gettext_lazy("Ends"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    location = forms.ModelChoiceField(
        label=gettext_lazy("Location"), queryset=Location.objects.all(), required=False
    )
    room = forms.CharField(label=gettext_lazy("Room or address"), max_length=300, required=False)
    seats = forms.IntegerField(
        label=gettext_lazy("Seats"), min_value=1, max_value=10_000, required=False
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if (starts or ends or data.get("room")) and not (starts and ends):
            raise ValidationError(_("Give both the start and the end."))
        if starts and ends and ends <= starts:
            raise ValidationError(_("The end is not after the start."))
        return data

    def spec(self) -> SessionIn | None:
        data = self.cleaned_data
        if not data.get("starts_at"):
            return None
        return SessionIn(
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            location=data["location"].name if data.get("location") else None,
            room=data.get("room") or "",
            seats=data.get("seats") or 12,
        )


SessionFormSet = forms.formset_factory(SessionForm, extra=2, max_num=100, can_delete=False)


def session_initial(item: ContentItem | None) -> list[dict[str, Any]]:
    if item is None:
        return []
    return [
        {
            "starts_at": s.starts_at,
            "ends_at": s.ends_at,
            "location": s.location,
            "room": s.room,
            "seats": s.seats,
        }
        for s in item.sessions.select_related("location")
    ]


class BulkForm(forms.Form):
    ACTIONS = {
        "publish": Status.PUBLISHED,
        "review": Status.REVIEW,
        "archive": Status.ARCHIVED,
        "draft": Status.DRAFT,
    }

    action = forms.ChoiceField(choices=[(a, a) for a in ACTIONS])
    ids = forms.TypedMultipleChoiceField(coerce=int, choices=())
    confirmed = forms.BooleanField(required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        ids: forms.TypedMultipleChoiceField = self.fields["ids"]  # type: ignore[assignment]
        raw = self.data.getlist("ids") if hasattr(self.data, "getlist") else []
        # Any id may be chosen; ids that no longer exist are reported by the view.
        ids.choices = [(v, v) for v in raw]
        ids.error_messages["required"] = _("Select at least one item.")


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Catalogue file (JSON or CSV)"),
        error_messages={
            "required": gettext_lazy("Choose the file to import."),
            "empty": gettext_lazy("The file is empty."),
        },
        widget=forms.ClearableFileInput(
            attrs={"accept": ".json,.csv,.txt,application/json,text/csv"}
        ),
    )

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        name = (upload.name or "").lower()
        if name.endswith((".xlsx", ".xls", ".ods", ".numbers")):
            raise ValidationError(
                _("This is a spreadsheet, not a CSV file. In Excel, choose Save as → CSV UTF-8.")
            )
        limit = int(settings.LEERPAD_CATALOG_IMPORT_MAX_BYTES)
        if (upload.size or 0) > limit:
            raise ValidationError(
                _("The file is larger than %(size)s. Split it into smaller files.")
                % {"size": filesizeformat(limit)}
            )
        return upload
