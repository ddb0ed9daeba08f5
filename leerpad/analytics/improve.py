"""Accepting or dismissing a suggestion of the path funnel (analytics/suggestions.py).

Accepting makes the new draft version with the builder's own functions (`draft_of`,
`reorder`, `update_step`, `add_step`), so every rule of the builder holds (only drafts
change, step uids are kept, one draft per path), writes a change note that cites the
suggestion, and records the decision in `analytics.AcceptedSuggestion`. L&D then reviews
the draft in the builder and publishes it as usual: nothing reaches learners unreviewed.

Why here and not in paths: analytics depends on paths, never the other way; the builder
stays about building, and this module only calls its public functions.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from leerpad.accounts.models import Person
from leerpad.analytics.models import AcceptedSuggestion
from leerpad.analytics.suggestions import Change, Suggestion
from leerpad.core.logging import get_logger
from leerpad.paths import services_builder as builder
from leerpad.paths.models import Path, PathVersion, Step

log = get_logger(__name__)

NOTE_MAX = 500


class SuggestionError(ValueError):
    """A suggestion that cannot be accepted or dismissed; the message is for L&D."""


def _evidence(suggestion: Suggestion) -> dict[str, object]:
    return {
        "kind": str(suggestion.kind),
        "change": str(suggestion.change),
        "step": {"uid": suggestion.step.uid, "number": suggestion.step.number},
        "other": (
            {"uid": suggestion.other.uid, "number": suggestion.other.number}
            if suggestion.other
            else None
        ),
        "share": round(suggestion.share, 4),
        "figures": dict(suggestion.evidence),
        "text": suggestion.text(),
        "change_text": suggestion.change_text(),
    }


def _check(path: Path, version: PathVersion, suggestion: Suggestion) -> None:
    if version.path_id != path.pk or version.number != suggestion.version:
        raise SuggestionError(_("This suggestion is not about this version of the path."))
    if AcceptedSuggestion.objects.filter(from_version=version, key=suggestion.key).exists():
        raise SuggestionError(_("This suggestion was already accepted or dismissed."))


def _step(draft: PathVersion, uid: str) -> Step:
    step = Step.objects.filter(version=draft, uid=uid).first()
    if step is None:
        raise SuggestionError(_("The step this suggestion is about is no longer in the path."))
    return step


def _apply(draft: PathVersion, suggestion: Suggestion) -> bool:
    """Change the draft as the suggestion says. False: the change is left to L&D (a split
    of a catalogue item or quiz cannot be made for them: the content is one piece)."""
    step = _step(draft, suggestion.step.uid)
    order = list(
        Step.objects.filter(version=draft).order_by("position", "id").values_list("pk", flat=True)
    )
    if suggestion.change == Change.MOVE_AFTER:
        if suggestion.other is None:
            raise SuggestionError(_("This suggestion does not say where the step goes."))
        other = _step(draft, suggestion.other.uid)
        order.remove(step.pk)
        order.insert(order.index(other.pk) + 1, step.pk)
        builder.reorder(draft, order)
        return True
    if suggestion.change == Change.MAKE_OPTIONAL:
        builder.update_step(step, optional=True)
        return True
    if step.kind != Step.Kind.ASSIGNMENT:
        return False
    # An assignment is the path's own text: two parts, each with half the time.
    half = (step.minutes + 1) // 2 if step.minutes else None
    first = {lang: _("%(title)s (part 1)") % {"title": t} for lang, t in step.titles.items()}
    second = {lang: _("%(title)s (part 2)") % {"title": t} for lang, t in step.titles.items()}
    builder.update_step(step, titles=first, minutes=half, clear_minutes=half is None)
    added = builder.add_step(
        draft,
        Step.Kind.ASSIGNMENT,
        titles=second,
        instructions=step.instructions,
        optional=step.optional,
        minutes=half,
    )
    order.insert(order.index(step.pk) + 1, added.pk)
    builder.reorder(draft, order)
    return True


@transaction.atomic
def accept(
    path: Path, version: PathVersion, suggestion: Suggestion, by: Person | None
) -> tuple[PathVersion, bool]:
    """A new draft of `path` with the suggested change; returns it and whether the change
    was applied (False: a split left to L&D in the builder)."""
    _check(path, version, suggestion)
    if path.current_id != version.pk:
        raise SuggestionError(
            _(
                "Only suggestions about the published version can be accepted: a new version "
                "is made from it."
            )
        )
    existing = builder.current_draft(path)
    if existing is not None:
        raise SuggestionError(
            _(
                "Version %(number)s of this path is already being edited as a draft: publish "
                "or discard it first, so the suggestion does not mix with other changes."
            )
            % {"number": existing.number}
        )
    try:
        draft = builder.draft_of(path, by)
        applied = _apply(draft, suggestion)
    except builder.BuilderError as exc:
        raise SuggestionError(str(exc)) from exc
    note = _("From the path funnel of version %(number)s: %(change)s") % {
        "number": version.number,
        "change": suggestion.change_text(),
    }
    PathVersion.objects.filter(pk=draft.pk).update(change_note=note[:NOTE_MAX])
    draft.change_note = note[:NOTE_MAX]
    AcceptedSuggestion.objects.create(
        path=path,
        from_version=version,
        draft_version=draft,
        key=suggestion.key,
        kind=str(suggestion.kind),
        status=AcceptedSuggestion.Status.ACCEPTED,
        evidence=_evidence(suggestion),
        decided_by=by,
    )
    log.info(
        "analytics.suggestion_accepted",
        path=path.key,
        from_version=version.number,
        draft=draft.number,
        kind=str(suggestion.kind),
        by=getattr(by, "pk", None),
    )
    return draft, applied


@transaction.atomic
def dismiss(
    path: Path, version: PathVersion, suggestion: Suggestion, by: Person | None
) -> AcceptedSuggestion:
    """Hide the suggestion for this version (it may come back for a later version)."""
    _check(path, version, suggestion)
    decision = AcceptedSuggestion.objects.create(
        path=path,
        from_version=version,
        key=suggestion.key,
        kind=str(suggestion.kind),
        status=AcceptedSuggestion.Status.DISMISSED,
        evidence=_evidence(suggestion),
        decided_by=by,
    )
    log.info(
        "analytics.suggestion_dismissed",
        path=path.key,
        version=version.number,
        kind=str(suggestion.kind),
        by=getattr(by, "pk", None),
    )
    return decision
