"""Background work of the catalogue (django-tasks: `leerpad worker` runs it in production,
tests and `LEERPAD_TASKS=immediate` run it at once).

`extract_item_file` turns an uploaded file into what Leerpad can search and play:

- a document (PDF, DOCX, PPTX, Markdown, text, HTML): its text becomes the body of the
  item's translation in the item's language (created, titled after the file, if missing);
- a WebVTT or SRT file on a video or audio item: transcript cues in the item's language;
- a ZIP on a package item: unpacked into MEDIA_ROOT/packages/<item id>/ and described by
  the item's `Package` row.

The slow part (parsing, unpacking) runs outside any transaction: on SQLite a transaction
holds the database's write lock, and a 300-page PDF must not stop everyone else writing.
Marking the item RUNNING, and storing the result with DONE or FAILED, are short
transactions of their own. A result is only stored if the item still has the file the
task read; a newer upload has its own task.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from leerpad.catalog.extraction import (
    DOCUMENT_EXTENSIONS,
    TRANSCRIPT_EXTENSIONS,
    TRANSCRIPT_MAX_BYTES,
    Cue,
    ExtractionError,
    extract_text,
    read_transcript,
)
from leerpad.catalog.models import (
    ContentItem,
    Extraction,
    ItemTranslation,
    Kind,
    Package,
    TranscriptCue,
)
from leerpad.catalog.packages import PackageError, PackageInfo, inspect_package, unpack_package
from leerpad.core.logging import get_logger
from leerpad.lrs.models import Client

log = get_logger(__name__)

Job = Literal["document", "transcript", "package"]

# Launch clients: one short-lived LRS client per cmi5 / xAPI launch (services_launch).
LAUNCH_CLIENT_PREFIX = "launch:"
# cmi5 8.2: the token "MUST be limited to the duration of a specific user session";
# a day covers the longest sitting without keeping keys alive for ever.
LAUNCH_CLIENT_LIFETIME = dt.timedelta(hours=24)
# Revoked launch clients are kept a while, so the LRS pages can still say who sent what.
LAUNCH_CLIENT_KEPT = dt.timedelta(days=30)
_MAX_ERROR_CHARS = 2000


def what_to_extract(kind: str, filename: str) -> Job | None:
    """What `extract_item_file` does with a file of this name on an item of this kind."""
    suffix = Path(filename).suffix.lower()
    if kind == Kind.DOCUMENT and suffix in DOCUMENT_EXTENSIONS:
        return "document"
    if kind in (Kind.VIDEO, Kind.AUDIO) and suffix in TRANSCRIPT_EXTENSIONS:
        return "transcript"
    if kind == Kind.PACKAGE and suffix == ".zip":
        return "package"
    return None


def package_folder(item_id: int) -> str:
    """Where an item's package is unpacked, relative to MEDIA_ROOT."""
    return f"packages/{item_id}"


@dataclass(frozen=True)
class _Work:
    item_id: int
    job: Job
    file_name: str  # as stored (catalog/<random>/<name>): tells a newer upload apart
    path: Path
    original_name: str
    language: str  # the item's language: where text and cues go
    message_language: str  # the language errors are written in


def _after_content_changed(item_id: int) -> None:
    """Called once an item's extracted text, transcript or package has been stored:
    the search index (and whoever else listens) learns of the new text."""
    from leerpad.catalog.services import notify_changed

    with transaction.atomic():
        notify_changed([item_id])


@task()
def extract_item_file(item_id: int) -> str:
    """Extract the text, transcript or package of the item's file; returns the outcome
    ("done", "failed" or "skipped")."""
    work = _start(item_id)
    if work is None:
        return "skipped"
    with translation.override(work.message_language):
        try:
            result = _extract(work)
        except (ExtractionError, PackageError) as exc:
            _fail(work, str(exc))
            return "failed"
        except Exception:
            log.exception("catalog.extraction_crashed", item_id=item_id, job=work.job)
            _fail(work, _("Something unexpected went wrong while reading the file."))
            raise
    if not _store(work, result):
        return "skipped"
    _after_content_changed(item_id)
    return "done"


def _start(item_id: int) -> _Work | None:
    with transaction.atomic():
        item = (
            ContentItem.objects.select_for_update(of=("self",))
            .select_related("owner")
            .filter(pk=item_id)
            .first()
        )
        if item is None or not item.file:
            return None
        original = Path(item.file.name).name
        job = what_to_extract(item.kind, original)
        if job is None:
            ContentItem.objects.filter(pk=item.pk).update(
                extraction=Extraction.NONE, extraction_error=""
            )
            return None
        ContentItem.objects.filter(pk=item.pk).update(
            extraction=Extraction.RUNNING, extraction_error=""
        )
        owner_language = getattr(item.owner, "language", "") if item.owner else ""
        return _Work(
            item_id=item.pk,
            job=job,
            file_name=item.file.name,
            path=Path(item.file.path),
            original_name=original,
            language=item.language,
            message_language=owner_language or settings.LANGUAGE_CODE,
        )


def _extract(work: _Work) -> str | list[Cue] | PackageInfo:
    if work.job == "document":
        return extract_text(work.path, work.original_name)
    if work.job == "transcript":
        with work.path.open("rb") as file:
            return read_transcript(file.read(TRANSCRIPT_MAX_BYTES + 1))
    info = inspect_package(work.path)
    unpack_package(work.path, Path(settings.MEDIA_ROOT) / package_folder(work.item_id))
    return info


def _current(work: _Work) -> ContentItem | None:
    """The item, locked, if it still has the file this task read."""
    item = ContentItem.objects.select_for_update().filter(pk=work.item_id).first()
    if item is None or item.file.name != work.file_name:
        return None
    return item


def _title_from(name: str) -> str:
    return Path(name).stem.replace("_", " ").strip()[:300] or name[:300]


def _store(work: _Work, result: str | list[Cue] | PackageInfo) -> bool:
    with transaction.atomic():
        item = _current(work)
        if item is None:
            return False
        if isinstance(result, str):
            translation_row, created = ItemTranslation.objects.get_or_create(
                item=item,
                language=work.language,
                defaults={"title": _title_from(work.original_name), "body": result},
            )
            if not created:
                translation_row.body = result
                translation_row.save(update_fields=["body"])
        elif isinstance(result, list):
            TranscriptCue.objects.filter(item=item, language=work.language).delete()
            TranscriptCue.objects.bulk_create(
                TranscriptCue(
                    item=item,
                    language=work.language,
                    start_ms=cue.start_ms,
                    end_ms=cue.end_ms,
                    text=cue.text,
                )
                for cue in result
            )
        else:
            Package.objects.update_or_create(
                item=item,
                defaults={
                    "standard": result.standard,
                    "folder": package_folder(item.pk),
                    "launch_path": result.launch_path,
                    "activity_id": result.activity_id,
                    "manifest": result.manifest,
                },
            )
            if not item.translations.exists():
                ItemTranslation.objects.create(
                    item=item,
                    language=work.language,
                    title=(result.title or _title_from(work.original_name))[:300],
                )
        ContentItem.objects.filter(pk=item.pk).update(
            extraction=Extraction.DONE, extraction_error=""
        )
    log.info("catalog.extracted", item_id=work.item_id, job=work.job)
    return True


def _fail(work: _Work, message: str) -> None:
    with transaction.atomic():
        item = _current(work)
        if item is not None:
            ContentItem.objects.filter(pk=item.pk).update(
                extraction=Extraction.FAILED, extraction_error=message[:_MAX_ERROR_CHARS]
            )
    log.info("catalog.extraction_failed", item_id=work.item_id, job=work.job, error=message)


# --- launch clients -----------------------------------------------------------------------


def revoke_expired_launch_clients(now: dt.datetime | None = None) -> tuple[int, int]:
    """Revoke launch clients older than a day, delete revoked ones older than a month.

    Returns (revoked, deleted). Cheap enough to run at every launch, which it is.
    """
    now = now or timezone.now()
    launch_clients = Client.objects.filter(name__startswith=LAUNCH_CLIENT_PREFIX)
    with transaction.atomic():
        revoked = launch_clients.filter(
            is_active=True, created_at__lt=now - LAUNCH_CLIENT_LIFETIME
        ).update(is_active=False)
        deleted, _counts = launch_clients.filter(
            is_active=False, created_at__lt=now - LAUNCH_CLIENT_KEPT
        ).delete()
    if revoked or deleted:
        log.info("catalog.launch_clients_expired", revoked=revoked, deleted=deleted)
    return revoked, deleted


@task()
def expire_launch_clients() -> list[int]:
    """`revoke_expired_launch_clients` as a task, for a scheduler to run now and then."""
    return list(revoke_expired_launch_clients())
