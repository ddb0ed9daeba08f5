"""Writes to the catalogue: every change to items goes through these functions.

Each function is one transaction; a change that alters an item adds a version to its
history and, once committed, tells the search index (through `content_changed`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from leerpad.accounts.models import JobRole, Location, Person
from leerpad.catalog.extraction import ExtractionError, parse_transcript, sanitize_html
from leerpad.catalog.models import (
    ContentItem,
    ItemTranslation,
    ItemVersion,
    Kind,
    Rating,
    Registration,
    Session,
    Status,
    TranscriptCue,
)
from leerpad.catalog.schemas import ItemIn, SkillIn
from leerpad.catalog.signals import content_changed
from leerpad.skills.models import Skill

# Which status may follow which: review is optional, archived items can come back.
TRANSITIONS: dict[str, set[str]] = {
    Status.DRAFT: {Status.REVIEW, Status.PUBLISHED, Status.ARCHIVED},
    Status.REVIEW: {Status.DRAFT, Status.PUBLISHED, Status.ARCHIVED},
    Status.PUBLISHED: {Status.DRAFT, Status.ARCHIVED},
    Status.ARCHIVED: {Status.DRAFT, Status.PUBLISHED},
}


class CatalogError(ValueError):
    """A change that cannot be made, with a message for the person who asked."""


def notify_changed(item_ids: Iterable[int]) -> None:
    ids = sorted(set(item_ids))
    if ids:
        transaction.on_commit(
            lambda: content_changed.send(sender=ContentItem, item_ids=ids), robust=True
        )


@dataclass
class References:
    """Skills, job roles and locations by the names imports use, loaded once per batch."""

    skills: dict[str, Skill] = field(default_factory=dict)
    job_roles: dict[str, JobRole] = field(default_factory=dict)
    locations: dict[str, Location] = field(default_factory=dict)

    @classmethod
    def load(cls) -> References:
        return cls(
            skills={s.key: s for s in Skill.objects.all()},
            job_roles={r.name.casefold(): r for r in JobRole.objects.all()},
            locations={loc.name.casefold(): loc for loc in Location.objects.all()},
        )

    def missing(self, spec: ItemIn, new_skill_keys: Iterable[str] = ()) -> list[str]:
        """Messages for references in `spec` that do not exist (empty when all do)."""
        errors = []
        known_skills = set(self.skills) | set(new_skill_keys)
        for key in spec.skills:
            if key not in known_skills:
                errors.append(_("skills: unknown skill key “%(key)s”") % {"key": key})
        for name in spec.audience.job_roles:
            if name.casefold() not in self.job_roles:
                errors.append(_("audience.job_roles: unknown job role “%(name)s”") % {"name": name})
        for name in spec.audience.locations:
            if name.casefold() not in self.locations:
                errors.append(_("audience.locations: unknown location “%(name)s”") % {"name": name})
        for i, session in enumerate(spec.sessions):
            if session.location and session.location.casefold() not in self.locations:
                errors.append(
                    _("sessions[%(i)s].location: unknown location “%(name)s”")
                    % {"i": i, "name": session.location}
                )
            if session.ends_at <= session.starts_at:
                errors.append(_("sessions[%(i)s]: the end is not after the start") % {"i": i})
        for language, text in spec.transcripts.items():
            try:
                parse_transcript(text)
            except ExtractionError as exc:
                errors.append(
                    _("transcripts.%(lang)s: %(error)s") % {"lang": language, "error": exc}
                )
        return errors


def snapshot(item: ContentItem) -> dict[str, Any]:
    """The item as plain data: what versions keep and what import previews compare."""
    return {
        "kind": item.kind,
        "status": item.status,
        "language": item.language,
        "level": item.level,
        "duration_minutes": item.duration_minutes,
        "url": item.url,
        "tags": list(item.tags),
        "skills": sorted(s.key for s in item.skills.all()),
        "job_roles": sorted(r.name for r in item.audience_job_roles.all()),
        "locations": sorted(loc.name for loc in item.audience_locations.all()),
        "review_date": item.review_date.isoformat() if item.review_date else None,
        "translations": {
            t.language: {"title": t.title, "summary": t.summary, "body": t.body}
            for t in item.translations.all()
        },
        "transcripts": sorted({c.language for c in item.cues.all()}),
        "file": item.file.name.rsplit("/", 1)[-1] if item.file else "",
        "sessions": [
            {
                "starts_at": s.starts_at.isoformat(),
                "ends_at": s.ends_at.isoformat(),
                "location": s.location.name if s.location else None,
                "room": s.room,
                "seats": s.seats,
            }
            for s in item.sessions.select_related("location")
        ],
    }


def spec_snapshot(spec: ItemIn, before: dict[str, Any] | None = None) -> dict[str, Any]:
    """What `snapshot` will give once `spec` is saved: for previews without writing."""

    def body(text: str) -> str:
        return sanitize_html(text) if spec.kind == Kind.ARTICLE else text

    return {
        "kind": spec.kind.value,
        "status": spec.status.value,
        "language": spec.original_language(),
        "level": spec.level.value if spec.level else "",
        "duration_minutes": spec.duration_minutes,
        "url": spec.url,
        "tags": list(spec.tags),
        "skills": sorted(spec.skills),
        "job_roles": sorted(spec.audience.job_roles),
        "locations": sorted(spec.audience.locations),
        "review_date": spec.review_date.isoformat() if spec.review_date else None,
        "translations": {
            lang: {"title": t.title, "summary": t.summary, "body": body(t.body)}
            for lang, t in sorted(spec.translations.items())
        },
        "transcripts": sorted(set(spec.transcripts) | set((before or {}).get("transcripts", []))),
        # Files come by upload, never in a spec: the item keeps the one it has.
        "file": (before or {}).get("file", ""),
        "sessions": [
            {
                "starts_at": s.starts_at.isoformat(),
                "ends_at": s.ends_at.isoformat(),
                "location": s.location,
                "room": s.room,
                "seats": s.seats,
            }
            for s in sorted(spec.sessions, key=lambda s: s.starts_at)
        ]
        if spec.sessions
        else (before or {}).get("sessions", []),
    }


def changed_fields(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    return [key for key in after if before.get(key) != after.get(key)]


def upsert_skills(specs: Sequence[SkillIn]) -> dict[str, Skill]:
    skills = {}
    for spec in specs:
        skill, _created = Skill.objects.update_or_create(
            key=spec.key, defaults={"names": dict(spec.names)}
        )
        skills[skill.key] = skill
    return skills


def record_change(item: ContentItem, by: Person | None, note: str) -> None:
    """A new version for a change made outside `apply_item` (an uploaded file, say)."""
    item.version += 1
    ContentItem.objects.filter(pk=item.pk).update(version=item.version)
    _record_version(item, by, note)


def _record_version(item: ContentItem, by: Person | None, note: str) -> None:
    ItemVersion.objects.create(
        item=item, number=item.version, snapshot=snapshot(item), changed_by=by, note=note
    )


def apply_item(
    item: ContentItem | None,
    spec: ItemIn,
    *,
    by: Person | None,
    refs: References,
    note: str = "",
    notify: bool = True,
) -> tuple[ContentItem, bool]:
    """Create or update one item from `spec`; returns the item and whether it changed.

    The caller holds the transaction and has checked `refs.missing(spec)`. Translations
    not in `spec` are removed (the spec is the whole item); transcripts and sessions are
    only replaced for what `spec` gives, so a metadata update keeps them. Batches pass
    `notify=False` and announce all their items at once.
    """
    before = snapshot(item) if item is not None else None
    if item is None:
        item = ContentItem(owner=by)
    now = timezone.now()
    item.external_id = spec.external_id
    item.kind = spec.kind
    item.language = spec.original_language()
    item.level = spec.level or ""
    item.duration_minutes = spec.duration_minutes
    item.url = spec.url
    item.tags = list(spec.tags)
    item.review_date = spec.review_date
    if spec.status == Status.PUBLISHED and item.published_at is None:
        item.published_at = now
    item.status = spec.status
    item.updated_at = now
    item.save()
    item.skills.set([refs.skills[key] for key in spec.skills])
    item.audience_job_roles.set([refs.job_roles[n.casefold()] for n in spec.audience.job_roles])
    item.audience_locations.set([refs.locations[n.casefold()] for n in spec.audience.locations])

    existing = {t.language: t for t in item.translations.all()}
    for language, text in spec.translations.items():
        body = sanitize_html(text.body) if spec.kind == Kind.ARTICLE else text.body
        translation = existing.pop(language, None) or ItemTranslation(item=item, language=language)
        if (translation.title, translation.summary, translation.body) != (
            text.title,
            text.summary,
            body,
        ):
            translation.title, translation.summary, translation.body = (
                text.title,
                text.summary,
                body,
            )
            translation.save()
    for stale in existing.values():
        stale.delete()

    for language, vtt in spec.transcripts.items():
        TranscriptCue.objects.filter(item=item, language=language).delete()
        TranscriptCue.objects.bulk_create(
            TranscriptCue(
                item=item, language=language, start_ms=c.start_ms, end_ms=c.end_ms, text=c.text
            )
            for c in parse_transcript(vtt)
        )
    if spec.sessions:
        _replace_sessions(item, spec, refs)

    # Re-read the relations so the snapshot sees what was just written.
    item = ContentItem.objects.get(pk=item.pk)
    after = snapshot(item)
    changed = before is None or before != after
    if changed:
        if before is not None:
            item.version += 1
            ContentItem.objects.filter(pk=item.pk).update(version=item.version)
        _record_version(item, by, note)
        if notify:
            notify_changed([item.pk])
    return item, changed


def _replace_sessions(item: ContentItem, spec: ItemIn, refs: References) -> None:
    """Match sessions by start time; drop the ones left out unless people registered."""
    current = {s.starts_at: s for s in item.sessions.all()}
    for given in spec.sessions:
        session = current.pop(given.starts_at, None) or Session(
            item=item, starts_at=given.starts_at
        )
        session.ends_at = given.ends_at
        session.location = refs.locations[given.location.casefold()] if given.location else None
        session.room = given.room
        session.seats = given.seats
        session.save()
    for left_out in current.values():
        if not left_out.registrations.exclude(state=Registration.State.CANCELLED).exists():
            left_out.delete()


@transaction.atomic
def save_item(
    item: ContentItem | None, spec: ItemIn, *, by: Person | None, note: str = ""
) -> ContentItem:
    """Save one item from the edit form or the API; raises CatalogError on bad references."""
    refs = References.load()
    errors = refs.missing(spec)
    if spec.external_id:
        clash = ContentItem.objects.filter(external_id=spec.external_id)
        if item is not None:
            clash = clash.exclude(pk=item.pk)
        if clash.exists():
            errors.append(_("external_id: another item has this external id"))
    moving = item is not None and spec.status != item.status
    if item is not None and moving and spec.status not in TRANSITIONS[item.status]:
        errors.append(
            _("status: an item cannot go from %(old)s to %(new)s")
            % {"old": Status(item.status).label, "new": Status(spec.status).label}
        )
    if errors:
        raise CatalogError("; ".join(errors))
    saved, _changed = apply_item(item, spec, by=by, refs=refs, note=note)
    return saved


@transaction.atomic
def set_status(items: Sequence[ContentItem], status: str, *, by: Person | None) -> int:
    """Move items to `status` (publish, archive, ...); returns how many changed.

    All or nothing: if one item cannot make the move, none moves.
    """
    if status not in Status.values:
        raise CatalogError(_("Unknown status."))
    moving = [i for i in items if i.status != status]
    for item in moving:
        if status not in TRANSITIONS[item.status]:
            raise CatalogError(
                _("“%(title)s” cannot go from %(old)s to %(new)s.")
                % {
                    "title": item.title(),
                    "old": Status(item.status).label,
                    "new": Status(status).label,
                }
            )
    now = timezone.now()
    for item in moving:
        item.status = status
        item.updated_at = now
        if status == Status.PUBLISHED and item.published_at is None:
            item.published_at = now
        item.version += 1
        item.save(update_fields=["status", "updated_at", "published_at", "version"])
        _record_version(item, by, str(Status(status).label))
    notify_changed(i.pk for i in moving)
    return len(moving)


@transaction.atomic
def delete_item(item: ContentItem) -> None:
    item_id = item.pk
    item.delete()
    notify_changed([item_id])


# --- what learners do -------------------------------------------------------------------


@transaction.atomic
def set_useful(item: ContentItem, person: Person, useful: bool) -> bool:
    """Mark (or unmark) an item as useful for `person`; returns whether it now is."""
    if useful:
        Rating.objects.get_or_create(item=item, person=person)
    else:
        Rating.objects.filter(item=item, person=person).delete()
    notify_changed([item.pk])
    return useful


@transaction.atomic
def register(session: Session, person: Person) -> Registration:
    """Register `person`, or put them on the waiting list when the session is full."""
    # Lock the session row so two last-seat registrations cannot both get it.
    session = Session.objects.select_for_update().get(pk=session.pk)
    if session.starts_at <= timezone.now():
        raise CatalogError(_("This session has started; registration is closed."))
    taken = session.registrations.filter(state=Registration.State.REGISTERED).count()
    state = Registration.State.REGISTERED if taken < session.seats else Registration.State.WAITING
    registration, created = Registration.objects.get_or_create(
        session=session, person=person, defaults={"state": state}
    )
    if not created and registration.state == Registration.State.CANCELLED:
        registration.state = state
        registration.created_at = timezone.now()
        registration.save(update_fields=["state", "created_at"])
    return registration


@transaction.atomic
def cancel_registration(session: Session, person: Person) -> Registration | None:
    """Cancel; the first person on the waiting list takes the freed seat."""
    session = Session.objects.select_for_update().get(pk=session.pk)
    registration = session.registrations.filter(person=person).first()
    if registration is None or registration.state == Registration.State.CANCELLED:
        return None
    freed = registration.state == Registration.State.REGISTERED
    registration.state = Registration.State.CANCELLED
    registration.save(update_fields=["state"])
    if freed:
        waiting = (
            session.registrations.filter(state=Registration.State.WAITING)
            .order_by("created_at", "id")
            .first()
        )
        if waiting is not None:
            waiting.state = Registration.State.REGISTERED
            waiting.save(update_fields=["state"])
    return registration
