"""The catalogue: every piece of learning content the company has, of every kind.

An item carries what is common to all its languages (kind, level, duration, skills,
audience, status); its title, summary and text live in one `ItemTranslation` per
language, so the UI can show a person's own language first. Files, transcripts,
packages and classroom sessions hang off the item.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    VIDEO = "video", _("Video")
    DOCUMENT = "document", _("Document")
    LINK = "link", _("Web link")
    ARTICLE = "article", _("Article")
    AUDIO = "audio", _("Podcast or audio")
    SESSION = "session", _("Classroom session or event")
    PACKAGE = "package", _("E-learning package")


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    REVIEW = "review", _("In review")
    PUBLISHED = "published", _("Published")
    ARCHIVED = "archived", _("Archived")


class Level(models.TextChoices):
    BEGINNER = "beginner", _("Beginner")
    INTERMEDIATE = "intermediate", _("Intermediate")
    ADVANCED = "advanced", _("Advanced")


class Extraction(models.TextChoices):
    """Where the background text extraction of an uploaded file stands."""

    NONE = "none", _("Nothing to extract")
    PENDING = "pending", _("Waiting")
    RUNNING = "running", _("Extracting text")
    DONE = "done", _("Text extracted")
    FAILED = "failed", _("Extraction failed")


def _upload_to(instance: ContentItem, filename: str) -> str:
    # A random folder per upload: names can repeat, and the path must not guess well.
    return f"catalog/{uuid.uuid4().hex}/{filename}"


class ContentItem(models.Model):
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    # The id the item has in the library it was imported from; imports upsert on it.
    external_id = models.CharField(_("external id"), max_length=200, blank=True)
    # The language the item was made in; translations may add others.
    language = models.CharField(_("original language"), max_length=2, default="nl")
    level = models.CharField(_("level"), max_length=20, choices=Level.choices, blank=True)
    duration_minutes = models.PositiveIntegerField(_("duration (minutes)"), null=True, blank=True)
    url = models.URLField(_("web address"), max_length=1000, blank=True)
    file = models.FileField(_("file"), upload_to=_upload_to, max_length=500, blank=True)
    tags = models.JSONField(_("tags"), default=list, blank=True)
    skills = models.ManyToManyField(
        "skills.Skill", blank=True, related_name="items", verbose_name=_("skills")
    )
    audience_job_roles = models.ManyToManyField(
        "accounts.JobRole", blank=True, related_name="+", verbose_name=_("for job roles")
    )
    audience_locations = models.ManyToManyField(
        "accounts.Location", blank=True, related_name="+", verbose_name=_("for locations")
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_items",
        verbose_name=_("owner"),
    )
    review_date = models.DateField(
        _("review by"),
        null=True,
        blank=True,
        help_text=_("When the content should be checked again; overdue items are flagged."),
    )
    extraction = models.CharField(
        _("text extraction"), max_length=20, choices=Extraction.choices, default=Extraction.NONE
    )
    extraction_error = models.TextField(_("extraction error"), blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name = _("content item")
        verbose_name_plural = _("content items")
        constraints = [
            models.UniqueConstraint(
                fields=["external_id"],
                condition=~Q(external_id=""),
                name="catalog_item_external_id_unique",
            )
        ]
        indexes = [
            models.Index(fields=["status", "kind"]),
            models.Index(fields=["review_date"]),
        ]

    def __str__(self) -> str:
        return self.title()

    def get_absolute_url(self) -> str:
        return reverse("catalog:item", args=[self.pk])

    def translation(self, language: str | None = None) -> ItemTranslation | None:
        """The translation in `language` (default: the active one), else the original.

        Reads the prefetched translations when there are, so lists do not query per item.
        """
        lang = (language or get_language() or self.language)[:2]
        translations = list(self.translations.all())
        by_lang = {t.language: t for t in translations}
        return by_lang.get(lang) or by_lang.get(self.language) or next(iter(translations), None)

    def title(self, language: str | None = None) -> str:
        t = self.translation(language)
        return t.title if t else self.external_id or f"#{self.pk}"

    @property
    def is_review_overdue(self) -> bool:
        return self.review_date is not None and self.review_date < timezone.localdate()


class ItemTranslation(models.Model):
    item = models.ForeignKey(ContentItem, models.CASCADE, related_name="translations")
    language = models.CharField(_("language"), max_length=2)
    title = models.CharField(_("title"), max_length=300)
    summary = models.TextField(_("summary"), blank=True)
    # Articles: sanitised HTML written in Leerpad. Files: the text extracted from them.
    body = models.TextField(_("text"), blank=True)

    class Meta:
        ordering = ["language"]
        verbose_name = _("translation")
        verbose_name_plural = _("translations")
        constraints = [
            models.UniqueConstraint(fields=["item", "language"], name="catalog_translation_unique")
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.language})"


class TranscriptCue(models.Model):
    """One timed line of a video or audio transcript (from WebVTT or SRT)."""

    item = models.ForeignKey(ContentItem, models.CASCADE, related_name="cues")
    language = models.CharField(_("language"), max_length=2)
    start_ms = models.PositiveIntegerField()
    end_ms = models.PositiveIntegerField()
    text = models.TextField()

    class Meta:
        ordering = ["item", "language", "start_ms"]
        indexes = [models.Index(fields=["item", "language", "start_ms"])]

    def __str__(self) -> str:
        return f"{self.start_ms // 1000}s {self.text[:40]}"

    @property
    def start_seconds(self) -> int:
        return self.start_ms // 1000


class ItemVersion(models.Model):
    """A snapshot of an item as it was saved: the history L&D can look back on."""

    item = models.ForeignKey(ContentItem, models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    snapshot = models.JSONField()
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["item", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["item", "number"], name="catalog_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.item_id} v{self.number}"


class Package(models.Model):
    """An e-learning package (SCORM 1.2, SCORM 2004, cmi5 or a plain xAPI package)."""

    class Standard(models.TextChoices):
        SCORM12 = "scorm12", "SCORM 1.2"
        SCORM2004 = "scorm2004", "SCORM 2004"
        CMI5 = "cmi5", "cmi5"
        XAPI = "xapi", "xAPI (Tin Can)"

    item = models.OneToOneField(ContentItem, models.CASCADE, related_name="package")
    standard = models.CharField(_("standard"), max_length=20, choices=Standard.choices)
    # Where the unpacked files live, relative to MEDIA_ROOT, and the page to open.
    folder = models.CharField(max_length=300)
    launch_path = models.CharField(max_length=500)
    # The activity id the package reports on (cmi5 AU id, xAPI activity id).
    activity_id = models.CharField(max_length=1000, blank=True)
    manifest = models.JSONField(default=dict)

    def __str__(self) -> str:
        return f"{self.get_standard_display()}: {self.launch_path}"


class Session(models.Model):
    """One date of a classroom session or event; people register, or join the waiting list."""

    item = models.ForeignKey(ContentItem, models.CASCADE, related_name="sessions")
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    location = models.ForeignKey(
        "accounts.Location",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("location"),
    )
    room = models.CharField(_("room or address"), max_length=300, blank=True)
    seats = models.PositiveIntegerField(_("seats"), default=12)

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("session date")
        verbose_name_plural = _("session dates")

    def __str__(self) -> str:
        return f"{self.starts_at:%Y-%m-%d %H:%M}"


class Registration(models.Model):
    class State(models.TextChoices):
        REGISTERED = "registered", _("Registered")
        WAITING = "waiting", _("On the waiting list")
        CANCELLED = "cancelled", _("Cancelled")

    session = models.ForeignKey(Session, models.CASCADE, related_name="registrations")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+")
    state = models.CharField(max_length=20, choices=State.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "person"], name="catalog_registration_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.state}"


class Rating(models.Model):
    """ "I found this useful": one vote per person per item, which they can take back."""

    item = models.ForeignKey(ContentItem, models.CASCADE, related_name="ratings")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["item", "person"], name="catalog_rating_unique")
        ]

    def __str__(self) -> str:
        return f"{self.person_id} → {self.item_id}"


class CatalogImport(models.Model):
    """One bulk import file: kept between its preview and Apply, and afterwards for the record."""

    class Source(models.TextChoices):
        WEB = "web", _("Web page")
        API = "api", _("API")
        COMMAND = "command", _("Command line")

    filename = models.CharField(_("file name"), max_length=255)
    content = models.BinaryField(_("content"))
    source = models.CharField(
        _("source"), max_length=20, choices=Source.choices, default=Source.WEB
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    created_at = models.DateTimeField(_("uploaded at"), default=timezone.now)
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True)
    # What Apply did: {"create": n, "update": n, "unchanged": n, "error": 0}.
    counts = models.JSONField(_("counts"), default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("catalogue import")
        verbose_name_plural = _("catalogue imports")

    def __str__(self) -> str:
        return self.filename
