"""Sparks from the field (ideas, customer stories, questions, photos and short videos that
coaches and employees send from the locations) and the LD&M team's field visits."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    IDEA = "idea", _("Idea")
    STORY = "story", _("Customer story")
    QUESTION = "question", _("Question")
    PHOTO = "photo", _("Photo")
    VIDEO = "video", _("Video")


# Kinds whose point is the text; photos and videos may come with only a caption.
TEXT_KINDS = (Kind.IDEA, Kind.STORY, Kind.QUESTION)


class Status(models.TextChoices):
    """The columns of the triage board, in their order."""

    NEW = "new", _("New")
    LEARNING = "learning", _("Learning content")
    MARKETING = "marketing", _("Marketing story")
    BOTH = "both", _("Both")
    NOT_NOW = "not_now", _("Not now")
    USED = "used", _("Done, used")


def _media_path(instance: Spark, filename: str) -> str:
    # A random folder per upload: names repeat, and the path must not be guessable.
    return f"sparks/{uuid.uuid4().hex}/{filename}"


class Spark(models.Model):
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    text = models.TextField(_("text"), max_length=2000, blank=True)
    media = models.FileField(_("photo or video"), upload_to=_media_path, max_length=300, blank=True)
    media_type = models.CharField(_("media type"), max_length=100, blank=True)
    thumbnail = models.FileField(_("thumbnail"), upload_to=_media_path, max_length=300, blank=True)
    location = models.ForeignKey(
        "accounts.Location",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="sparks",
        verbose_name=_("location"),
    )
    # Empty after the sender's data was erased (a spark that became content is kept).
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="sparks",
        verbose_name=_("sender"),
    )
    credit_consent = models.BooleanField(_("may name the sender"), default=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.NEW
    )
    catalog_item = models.ForeignKey(
        "catalog.ContentItem",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="sparks",
        verbose_name=_("became catalogue item"),
    )
    campaign = models.ForeignKey(
        "campaigns.Campaign",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="sparks",
        verbose_name=_("became campaign"),
    )
    created_at = models.DateTimeField(_("sent at"), default=timezone.now)
    moved_at = models.DateTimeField(_("status changed at"), null=True, blank=True)
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("spark")
        verbose_name_plural = _("sparks")
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("sparks:spark", args=[self.pk])

    @property
    def is_image(self) -> bool:
        return bool(self.media) and self.media_type.startswith("image/")

    @property
    def is_video(self) -> bool:
        return bool(self.media) and self.media_type.startswith("video/")

    @property
    def is_linked(self) -> bool:
        return self.catalog_item_id is not None or self.campaign_id is not None


class Comment(models.Model):
    """An internal note of the LD&M team on a spark (the sender does not see it)."""

    spark = models.ForeignKey(Spark, models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("author"),
    )
    text = models.TextField(_("comment"), max_length=2000)
    created_at = models.DateTimeField(_("written at"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")

    def __str__(self) -> str:
        return self.text[:40]


class FieldVisit(models.Model):
    """A day the team works from a location: planned first, logged afterwards."""

    location = models.ForeignKey(
        "accounts.Location", models.CASCADE, related_name="field_visits", verbose_name=_("location")
    )
    date = models.DateField(_("date"))
    purpose = models.TextField(_("purpose"), max_length=1000, blank=True)
    team = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="field_visits",
        verbose_name=_("who goes"),
    )
    # Set when the visit is logged: a logged visit is one that happened.
    logged_at = models.DateTimeField(_("logged at"), null=True, blank=True)
    what_we_did = models.TextField(_("what we did"), max_length=4000, blank=True)
    what_we_learned = models.TextField(_("what we learned"), max_length=4000, blank=True)
    sparks = models.ManyToManyField(
        Spark, blank=True, related_name="visits", verbose_name=_("sparks collected")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("planned by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("field visit")
        verbose_name_plural = _("field visits")
        indexes = [models.Index(fields=["location", "date"])]

    def __str__(self) -> str:
        return f"{self.location} {self.date:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return reverse("sparks:visit", args=[self.pk])

    @property
    def is_logged(self) -> bool:
        return self.logged_at is not None
