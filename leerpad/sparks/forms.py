"""Forms of sparks and field visits; the upload is checked and cleaned here (`media`), so
the service only stores what passed."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from leerpad.accounts.models import Location, Person
from leerpad.core.access import Role
from leerpad.sparks import media
from leerpad.sparks.models import TEXT_KINDS, Kind, Spark, Status


class SparkForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("What do you want to share?"),
        choices=Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Pick what you are sending.")},
    )
    text = forms.CharField(
        label=gettext_lazy("Tell us in a few words"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy(
            "Required for an idea, a story or a question; a caption for a photo or video."
        ),
    )
    file = forms.FileField(
        label=gettext_lazy("Photo or video"),
        required=False,
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/*,video/*", "capture": "environment"}
        ),
        help_text=format_lazy(
            gettext_lazy(
                "Photos (JPEG, PNG, WebP) up to {image} MB;"
                " videos (MP4, MOV, WebM, 3GP) up to {video} MB."
            ),
            image=media.IMAGE_MAX_BYTES // media.MB,
            video=media.VIDEO_MAX_BYTES // media.MB,
        ),
    )
    location = forms.ModelChoiceField(
        label=gettext_lazy("Location"),
        queryset=Location.objects.all(),
        required=False,
        empty_label=gettext_lazy("Not at a location"),
    )
    credit_consent = forms.BooleanField(
        label=gettext_lazy("You may name me when you use it"),
        required=False,
        initial=True,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.prepared: media.Prepared | None = None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("kind")
        upload = data.get("file")
        if kind in TEXT_KINDS and not (data.get("text") or "").strip():
            self.add_error("text", _("Write a few words: what is your idea, story or question?"))
        if kind == Kind.PHOTO and not upload:
            self.add_error("file", _("Add the photo (or pick another kind)."))
        if kind == Kind.VIDEO and not upload:
            self.add_error("file", _("Add the video (or pick another kind)."))
        if upload and "file" not in self.errors:
            try:
                prepared = media.prepare(upload)
            except ValidationError as exc:
                self.add_error("file", exc)
            else:
                if kind == Kind.PHOTO and not prepared.is_image:
                    self.add_error("file", _("This is a video: pick “Video” to send it."))
                elif kind == Kind.VIDEO and prepared.is_image:
                    self.add_error("file", _("This is a photo: pick “Photo” to send it."))
                else:
                    self.prepared = prepared
        return data


class MoveForm(forms.Form):
    status = forms.ChoiceField(choices=Status.choices)


class CommentForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Comment (only the team sees it)"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": gettext_lazy("Write a comment first.")},
    )


class LinkForm(forms.Form):
    """What the spark became: one of the catalogue items or campaigns offered (the page
    offers the ones matching the search), or both."""

    item = forms.IntegerField(label=gettext_lazy("Catalogue item"), required=False)
    campaign = forms.IntegerField(label=gettext_lazy("Campaign"), required=False)

    def clean(self) -> dict[str, Any]:
        from leerpad.campaigns.models import Campaign
        from leerpad.catalog.models import ContentItem

        data = super().clean() or {}
        item_id, campaign_id = data.get("item"), data.get("campaign")
        if not item_id and not campaign_id:
            raise ValidationError(_("Pick a catalogue item, a campaign or both."))
        data["item_obj"] = None
        data["campaign_obj"] = None
        if item_id:
            data["item_obj"] = ContentItem.objects.filter(pk=item_id).first()
            if data["item_obj"] is None:
                self.add_error("item", _("This catalogue item does not exist (any more)."))
        if campaign_id:
            data["campaign_obj"] = Campaign.objects.filter(pk=campaign_id).first()
            if data["campaign_obj"] is None:
                self.add_error("campaign", _("This campaign does not exist (any more)."))
        return data


def _team_queryset() -> Any:
    # Who can go on a visit: the LD&M team (coaches go to their own locations anyway).
    roles = [Role.LD_SPECIALIST, Role.MARKETER, Role.LDM_MANAGER, Role.COACH]
    return (
        Person.objects.filter(is_active=True, groups__name__in=[r.value for r in roles])
        .distinct()
        .order_by("first_name", "last_name")
    )


class VisitForm(forms.Form):
    location = forms.ModelChoiceField(
        label=gettext_lazy("Location"), queryset=Location.objects.all()
    )
    date = forms.DateField(
        label=gettext_lazy("Date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    team = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Who of the team goes"),
        queryset=Person.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": gettext_lazy("Pick at least one person who goes.")},
    )
    purpose = forms.CharField(
        label=gettext_lazy("Purpose"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("What do we want to see, hear or try there?"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = _team_queryset()  # type: ignore[attr-defined]

    def clean_date(self) -> dt.date:
        date: dt.date = self.cleaned_data["date"]
        if date < timezone.localdate() - dt.timedelta(days=365):
            raise ValidationError(_("That is more than a year ago; check the date."))
        return date


class _SparkChoices(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        text = obj.text[:80] or _("(no text)")
        return f"{obj.get_kind_display()} · {obj.created_at:%Y-%m-%d} · {text}"


class VisitLogForm(forms.Form):
    what_we_did = forms.CharField(
        label=gettext_lazy("What we did"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": gettext_lazy("Write what you did there.")},
    )
    what_we_learned = forms.CharField(
        label=gettext_lazy("What we learned"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": gettext_lazy("Write what you learned: it is what the locations view shows.")
        },
    )
    sparks = _SparkChoices(
        label=gettext_lazy("Sparks collected"),
        queryset=Spark.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("Sparks sent from this location around the visit."),
    )

    def __init__(self, *args: Any, sparks: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if sparks is not None:
            self.fields["sparks"].queryset = sparks  # type: ignore[attr-defined]
