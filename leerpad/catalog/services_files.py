"""Files on catalogue items: uploading an item's file, attaching a transcript.

Each function is one transaction. `upload_file` stores the file at once and leaves the
slow part (text extraction, unpacking a package) to `tasks.extract_item_file`, queued
once the transaction commits, so the task never reads a file the database does not know.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from leerpad.catalog import services
from leerpad.catalog.extraction import (
    DOCUMENT_EXTENSIONS,
    TRANSCRIPT_EXTENSIONS,
    TRANSCRIPT_MAX_BYTES,
    ExtractionError,
    read_transcript,
)
from leerpad.catalog.models import ContentItem, Extraction, Kind, TranscriptCue
from leerpad.catalog.services import CatalogError
from leerpad.catalog.tasks import _after_content_changed, extract_item_file, what_to_extract
from leerpad.core.logging import get_logger

if TYPE_CHECKING:
    from leerpad.accounts.models import Person

log = get_logger(__name__)

VIDEO_EXTENSIONS = frozenset({".mp4", ".m4v", ".webm", ".mov", ".ogv"})
AUDIO_EXTENSIONS = frozenset({".mp3", ".m4a", ".aac", ".ogg", ".oga", ".opus", ".wav", ".flac"})

# What each kind of item accepts as its file. A video or audio item may also carry just
# its transcript (the recording itself lives at the item's web address).
ALLOWED_EXTENSIONS: dict[str, frozenset[str]] = {
    Kind.DOCUMENT: DOCUMENT_EXTENSIONS,
    Kind.VIDEO: VIDEO_EXTENSIONS | TRANSCRIPT_EXTENSIONS,
    Kind.AUDIO: AUDIO_EXTENSIONS | TRANSCRIPT_EXTENSIONS,
    Kind.PACKAGE: frozenset({".zip"}),
}


class UploadError(CatalogError):
    """A file that cannot be taken; the message says why, for the person uploading."""


def _extensions(values: frozenset[str]) -> str:
    return ", ".join(sorted(values))


def _check_size(uploaded: UploadedFile, limit: int) -> None:
    size = uploaded.size or 0
    if size == 0:
        raise UploadError(_("The file is empty."))
    if size > limit:
        raise UploadError(
            _("The file is %(size)s; the largest file Leerpad accepts here is %(max)s.")
            % {"size": filesizeformat(size), "max": filesizeformat(limit)}
        )


def check_upload(item: ContentItem, uploaded: UploadedFile) -> str:
    """The file's name when it may be this item's file; UploadError otherwise."""
    name = Path(uploaded.name or "").name
    allowed = ALLOWED_EXTENSIONS.get(item.kind)
    if allowed is None:
        raise UploadError(
            _("A “%(kind)s” item has no file. Files go on documents, videos, audio and packages.")
            % {"kind": Kind(item.kind).label}
        )
    if Path(name).suffix.lower() not in allowed:
        raise UploadError(
            _("“%(name)s” cannot be the file of a “%(kind)s” item. Accepted: %(allowed)s.")
            % {"name": name, "kind": Kind(item.kind).label, "allowed": _extensions(allowed)}
        )
    _check_size(uploaded, int(settings.LEERPAD_UPLOAD_MAX_BYTES))
    return name


def upload_file(item: ContentItem, uploaded: UploadedFile, person: Person) -> ContentItem:
    """Store `uploaded` as the item's file and queue its extraction; returns the item.

    The previous file is deleted from storage once the new one is committed.
    """
    name = check_upload(item, uploaded)
    # Written before the transaction: copying hundreds of megabytes must not hold the
    # database's write lock (SQLite takes it at BEGIN). A failed save removes the file.
    storage, field = item.file.storage, item.file.field
    stored = storage.save(field.generate_filename(item, name), uploaded, field.max_length)
    try:
        with transaction.atomic():
            locked = ContentItem.objects.select_for_update().get(pk=item.pk)
            previous = locked.file.name if locked.file else ""
            locked.file.name = stored
            job = what_to_extract(locked.kind, name)
            locked.extraction = Extraction.PENDING if job else Extraction.NONE
            locked.extraction_error = ""
            locked.updated_at = timezone.now()
            locked.save(update_fields=["file", "extraction", "extraction_error", "updated_at"])
            services.record_change(locked, person, _("File: %(name)s") % {"name": name})
            if job:
                transaction.on_commit(partial(extract_item_file.enqueue, locked.pk))
            if previous and previous != stored:
                transaction.on_commit(partial(storage.delete, previous))
    except BaseException:
        storage.delete(stored)
        raise
    log.info(
        "catalog.file_uploaded",
        item_id=locked.pk,
        file=stored,
        size=uploaded.size,
        job=job,
        by=person.pk,
    )
    return locked


def attach_transcript(item: ContentItem, language: str, uploaded: UploadedFile) -> int:
    """Replace the item's transcript in `language` with the cues of a WebVTT or SRT file;
    returns the number of cues. Transcripts are small, so they are read at once."""
    if item.kind not in (Kind.VIDEO, Kind.AUDIO):
        raise UploadError(_("Only videos and audio have transcripts."))
    languages = dict(settings.LANGUAGES)
    if language not in languages:
        raise UploadError(
            _("Choose the transcript's language: %(languages)s.")
            % {"languages": ", ".join(languages)}
        )
    name = Path(uploaded.name or "").name
    if Path(name).suffix.lower() not in TRANSCRIPT_EXTENSIONS:
        raise UploadError(
            _("“%(name)s” is not a transcript: upload a WebVTT (.vtt) or SRT (.srt) file.")
            % {"name": name}
        )
    _check_size(uploaded, min(TRANSCRIPT_MAX_BYTES, int(settings.LEERPAD_UPLOAD_MAX_BYTES)))
    uploaded.seek(0)
    try:
        cues = read_transcript(uploaded.read())
    except ExtractionError as exc:
        raise UploadError(str(exc)) from exc
    with transaction.atomic():
        TranscriptCue.objects.filter(item=item, language=language).delete()
        TranscriptCue.objects.bulk_create(
            TranscriptCue(
                item=item,
                language=language,
                start_ms=cue.start_ms,
                end_ms=cue.end_ms,
                text=cue.text,
            )
            for cue in cues
        )
        ContentItem.objects.filter(pk=item.pk).update(updated_at=timezone.now())
        transaction.on_commit(partial(_after_content_changed, item.pk))
    log.info("catalog.transcript_attached", item_id=item.pk, language=language, cues=len(cues))
    return len(cues)
