"""Writes of the privacy app: recording that someone looked at another person's data."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from leerpad.accounts.models import Person
from leerpad.privacy.models import REASON_MIN_LENGTH, AccessRecord

_WHAT = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


def clean_reason(reason: str) -> str:
    """The reason with its whitespace tidied, or ValidationError when it is too short."""
    text = " ".join(reason.split())
    if len(text) < REASON_MIN_LENGTH:
        raise ValidationError(
            _("Say why you need to see this (at least %(count)d characters)."),
            code="reason_too_short",
            params={"count": REASON_MIN_LENGTH},
        )
    return text


@transaction.atomic
def record_access(viewer: Person, subject: Person, what: str, reason: str) -> AccessRecord | None:
    """Record that `viewer` looked at `subject`'s `what`, for the typed `reason`.

    Returns None when people look at their own data (nothing to record). Raises ValidationError
    for a reason shorter than REASON_MIN_LENGTH or a `what` that is not a short code.
    """
    if viewer.pk == subject.pk:
        return None
    if not _WHAT.match(what):
        raise ValueError(f"Not a short code for what was looked at: {what!r}")
    return AccessRecord.objects.create(
        viewer=viewer,
        viewer_name=viewer.get_full_name() or viewer.email,
        subject=subject,
        what=what,
        reason=clean_reason(reason),
    )
