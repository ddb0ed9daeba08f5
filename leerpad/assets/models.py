"""The asset library: videos, images, documents and audio the LD&M team uses for learning
and marketing, with their rights, the consent of the people who appear in them, their
versions and the places (catalogue items, campaigns) that use them."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    VIDEO = "video", _("Video")
    IMAGE = "image", _("Image")
    DOCUMENT = "document", _("Document")
    AUDIO = "audio", _("Audio")


class Use(models.TextChoices):
    """What an asset may be used for: by its rights, and by each person's consent."""

    LEARNING = "learning", _("Internal learning")
    MARKETING = "marketing", _("Internal marketing")
    EXTERNAL = "external", _("External")


class Source(models.TextChoices):
    OWN = "own", _("Own production")
    STOCK = "stock", _("Stock")
    AGENCY = "agency", _("Agency")
    EMPLOYEE = "employee", _("Employee")


def _no_uses() -> list[str]:
    return []


def _version_path(instance: AssetVersion, filename: str) -> str:
    # A random folder per upload: names repeat, and nobody should guess a path under /media/.
    return f"assets/{uuid.uuid4().hex}/{filename}"


def _thumbnail_path(instance: AssetVersion, filename: str) -> str:
    return f"assets/thumbs/{uuid.uuid4().hex}/{filename}"


def _proof_path(instance: Consent, filename: str) -> str:
    return f"assets/consent/{uuid.uuid4().hex}/{filename}"


class Tag(models.Model):
    name = models.CharField(_("name"), max_length=40, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")

    def __str__(self) -> str:
        return self.name


class Asset(models.Model):
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), max_length=2000, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_assets",
        verbose_name=_("owner"),
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="assets", verbose_name=_("tags"))
    # Rights: where the asset comes from and what its licence allows.
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    licence = models.TextField(_("licence"), max_length=2000, blank=True)
    allowed_uses = models.JSONField(_("allowed use"), default=_no_uses, blank=True)
    rights_valid_until = models.DateField(_("rights valid until"), null=True, blank=True)
    # Set when a person named in a consent record was erased: the record stays as proof,
    # but nobody can verify that consent any more, so the asset stops being usable that day.
    consent_unverifiable_on = models.DateField(
        _("consent unverifiable since"), null=True, blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name = _("asset")
        verbose_name_plural = _("assets")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("assets:asset", args=[self.pk])

    def current_version(self) -> AssetVersion | None:
        """The latest version (reads the prefetched versions when there are)."""
        versions = list(self.versions.all())
        return max(versions, key=lambda v: v.number) if versions else None

    def allowed_use_labels(self) -> list[str]:
        return [str(Use(u).label) for u in self.allowed_uses if u in Use.values]


class AssetVersion(models.Model):
    """One upload of an asset's file; a new upload adds a version, none is overwritten."""

    asset = models.ForeignKey(Asset, models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    file = models.FileField(_("file"), upload_to=_version_path, max_length=500)
    original_name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    content_type = models.CharField(_("content type"), max_length=100)
    thumbnail = models.FileField(
        _("thumbnail"), upload_to=_thumbnail_path, max_length=500, blank=True
    )
    width = models.PositiveIntegerField(_("width"), null=True, blank=True)
    height = models.PositiveIntegerField(_("height"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        ordering = ["asset", "-number"]
        verbose_name = _("asset version")
        verbose_name_plural = _("asset versions")
        constraints = [
            models.UniqueConstraint(fields=["asset", "number"], name="assets_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.asset} v{self.number}"


class Consent(models.Model):
    """A person who appears in an asset agreed to its use: for what, from when, until when.

    Never deleted: a withdrawal sets `withdrawn_on`, an erasure replaces the person by
    "(erased)"; the record stays as proof of what was agreed.
    """

    asset = models.ForeignKey(Asset, models.CASCADE, related_name="consents")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="asset_consents",
        verbose_name=_("person"),
    )
    # For people outside Leerpad (a customer, an actor); "(erased)" after an erasure.
    name = models.CharField(_("name"), max_length=200, blank=True)
    erased = models.BooleanField(_("person erased"), default=False)
    scopes = models.JSONField(_("agreed to"), default=_no_uses)
    given_on = models.DateField(_("given on"))
    valid_until = models.DateField(_("valid until"))
    proof = models.FileField(_("proof"), upload_to=_proof_path, max_length=500, blank=True)
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["asset", "-given_on", "-id"]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")

    def __str__(self) -> str:
        return f"{self.who} · {self.asset}"

    @property
    def who(self) -> str:
        if self.erased:
            return str(_("(erased)"))
        if self.person_id is not None and self.person is not None:
            return self.person.get_full_name() or self.person.email
        return self.name

    @property
    def subject(self) -> str:
        """Who the consent is from, so a renewal replaces that person's earlier record."""
        if self.erased or (self.person_id is None and not self.name):
            return f"record:{self.pk}"
        if self.person_id is not None:
            return f"person:{self.person_id}"
        return f"name:{' '.join(self.name.split()).casefold()}"

    def scope_labels(self) -> list[str]:
        return [str(Use(u).label) for u in self.scopes if u in Use.values]


class AssetUse(models.Model):
    """A place that uses an asset: a catalogue item (learning) or a campaign (marketing)."""

    asset = models.ForeignKey(Asset, models.CASCADE, related_name="uses")
    item = models.ForeignKey(
        "catalog.ContentItem",
        models.CASCADE,
        null=True,
        blank=True,
        related_name="asset_uses",
        verbose_name=_("catalogue item"),
    )
    campaign = models.ForeignKey(
        "campaigns.Campaign",
        models.CASCADE,
        null=True,
        blank=True,
        related_name="asset_uses",
        verbose_name=_("campaign"),
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("added by"),
    )
    added_at = models.DateTimeField(_("added at"), default=timezone.now)

    class Meta:
        ordering = ["asset", "-added_at", "-id"]
        verbose_name = _("asset use")
        verbose_name_plural = _("asset uses")
        constraints = [
            models.CheckConstraint(
                condition=(Q(item__isnull=False) & Q(campaign__isnull=True))
                | (Q(item__isnull=True) & Q(campaign__isnull=False)),
                name="assets_use_one_place",
            ),
            models.UniqueConstraint(
                fields=["asset", "item"], condition=Q(item__isnull=False), name="assets_use_item"
            ),
            models.UniqueConstraint(
                fields=["asset", "campaign"],
                condition=Q(campaign__isnull=False),
                name="assets_use_campaign",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.asset} → {self.place_key}"

    @property
    def place_key(self) -> str:
        return f"item:{self.item_id}" if self.item_id else f"campaign:{self.campaign_id}"


class WarningSent(models.Model):  # noqa: DJ008 (bookkeeping, never shown)
    """A consent/rights warning that went out, so the daily check sends each one once:
    per asset, place ("asset" for the owner's own, "item:<id>", "campaign:<id>"), kind
    of warning and the date the asset stops being usable."""

    class Kind(models.TextChoices):
        ENDING = "ending", _("Ends within 30 days")
        ENDED = "ended", _("Ended")

    asset = models.ForeignKey(Asset, models.CASCADE, related_name="+")
    place = models.CharField(max_length=40)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    until = models.DateField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["asset", "place", "kind", "until"], name="assets_warning_once"
            )
        ]


class CheckRun(models.Model):  # noqa: DJ008 (bookkeeping, never shown)
    """The days the daily check ran (the scheduler ticks every few minutes)."""

    day = models.DateField(unique=True)
    ran_at = models.DateTimeField(default=timezone.now)
