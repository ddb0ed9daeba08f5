"""Writes of the path builder (L&D): typed functions, one transaction each.

The rules that shape every function here:
- Only a draft version is edited. A published or replaced version is what learners are
  following, so it is read-only; `draft_of` copies the published version into a new
  draft when L&D starts editing.
- A copy keeps each step's `uid`: progress is computed from completions of the steps'
  activities (and assignments are identified by path key + uid), so a learner moved to
  the new version keeps every step they had done.
- Publishing never moves learners: they stay on their version until L&D moves them with
  `move_learners` (issue 5, "enrolled learners stay on theirs unless moved").

Refused operations raise `BuilderError` with a message for the person who asked.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Count, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from leerpad.accounts.models import JobRole, Location, Person
from leerpad.catalog.models import ContentItem
from leerpad.catalog.models import Kind as ItemKind
from leerpad.catalog.models import Status as ItemStatus
from leerpad.core.logging import get_logger
from leerpad.paths import queries, services
from leerpad.paths.models import Enrolment, Path, PathSkill, PathVersion, Step
from leerpad.quizzes.models import Quiz
from leerpad.skills.models import Level, Skill

log = get_logger(__name__)

LANGUAGES = ("nl", "fr", "en")
# Keys that would clash with fixed URLs under /paths/ (/paths/manage/, /paths/badges/, ...):
# one list, kept next to the learner's URLs.
RESERVED_KEYS = queries.RESERVED_KEYS | {"manage", "badges"}
_KEY = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
KEY_MAX = 120
TITLE_MAX = 300
TEXT_MAX = 5000
MAX_BRANCH = 99
MAX_MINUTES = 100_000


class BuilderError(ValueError):
    """A change the builder refuses; the message is shown to the person who asked.

    `field` names the input at fault when there is one, so a form can show it there.
    """

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


# --- helpers -------------------------------------------------------------------------------------


def _texts(values: Mapping[str, str] | None, limit: int) -> dict[str, str]:
    """Per-language texts, trimmed, without empty languages or unknown codes."""
    clean: dict[str, str] = {}
    for language, text in (values or {}).items():
        if language not in LANGUAGES:
            raise BuilderError(_("Unknown language: %(code)s.") % {"code": language})
        text = (text or "").strip()
        if len(text) > limit:
            raise BuilderError(_("A text is longer than %(limit)s characters.") % {"limit": limit})
        if text:
            clean[language] = text
    return clean


def _editable(version: PathVersion) -> None:
    if version.status != PathVersion.Status.DRAFT:
        raise BuilderError(
            _("Version %(number)s is not a draft: published versions cannot be changed.")
            % {"number": version.number}
        )


def _locked_draft(version: PathVersion) -> PathVersion:
    """The draft, re-read under a row lock so two editors cannot interleave changes."""
    fresh = PathVersion.objects.select_for_update().select_related("path").get(pk=version.pk)
    _editable(fresh)
    return fresh


def _check_minutes(minutes: int | None) -> None:
    if minutes is not None and not 0 <= minutes <= MAX_MINUTES:
        raise BuilderError(
            _("Estimated minutes must be between 0 and %(max)s.") % {"max": MAX_MINUTES}
        )


def _check_branch(branch: int | None) -> None:
    if branch is not None and not 1 <= branch <= MAX_BRANCH:
        raise BuilderError(
            _("An alternative group is a number from 1 to %(max)s.") % {"max": MAX_BRANCH}
        )


def _graph(version: PathVersion) -> dict[int, set[int]]:
    """step id -> ids of the steps it needs first."""
    graph: dict[int, set[int]] = {
        pk: set() for pk in Step.objects.filter(version=version).values_list("pk", flat=True)
    }
    through = Step.prerequisites.through
    for from_id, to_id in through.objects.filter(from_step__version=version).values_list(
        "from_step_id", "to_step_id"
    ):
        graph.setdefault(from_id, set()).add(to_id)
    return graph


def _has_cycle(graph: Mapping[int, Iterable[int]]) -> bool:
    """Depth-first search with colours; iterative, so long chains cannot hit the stack."""
    white, grey, black = 0, 1, 2
    colour = dict.fromkeys(graph, white)
    for start in graph:
        if colour[start] != white:
            continue
        colour[start] = grey
        stack: list[tuple[int, Iterator[int]]] = [(start, iter(graph[start]))]
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                colour[node] = black
                stack.pop()
                continue
            state = colour.get(child, black)  # an id outside the version cannot loop back
            if state == grey:
                return True
            if state == white:
                colour[child] = grey
                stack.append((child, iter(graph.get(child, ()))))
    return False


def _renumber(version: PathVersion) -> None:
    """Positions 0..n-1 in the current order, so up/down moves are always one place."""
    for index, step in enumerate(Step.objects.filter(version=version).order_by("position", "id")):
        if step.position != index:
            Step.objects.filter(pk=step.pk).update(position=index)


# --- paths ---------------------------------------------------------------------------------------


@transaction.atomic
def create_path(
    key: str,
    titles: Mapping[str, str],
    summaries: Mapping[str, str] | None = None,
    *,
    by: Person | None,
) -> Path:
    """A new path with an empty draft version 1."""
    key = (key or "").strip().lower()
    if not key or len(key) > KEY_MAX or not _KEY.match(key):
        raise BuilderError(
            _("A key uses lowercase letters, digits and single hyphens, such as “safety-basics”."),
            field="key",
        )
    if key in RESERVED_KEYS:
        raise BuilderError(
            _("“%(key)s” is reserved; choose another key.") % {"key": key}, field="key"
        )
    clean_titles = _texts(titles, TITLE_MAX)
    if not clean_titles:
        raise BuilderError(_("Give the path a title in at least one language."))
    if Path.objects.filter(key=key).exists():
        raise BuilderError(
            _("Another path already has the key “%(key)s”.") % {"key": key}, field="key"
        )
    try:
        with transaction.atomic():
            path = Path.objects.create(key=key, owner=by)
    except IntegrityError:  # created by someone else between the check and the insert
        raise BuilderError(
            _("Another path already has the key “%(key)s”.") % {"key": key}, field="key"
        ) from None
    PathVersion.objects.create(
        path=path,
        number=1,
        status=PathVersion.Status.DRAFT,
        titles=clean_titles,
        summaries=_texts(summaries, TEXT_MAX),
        created_by=by,
    )
    log.info("paths.created", path=key, by=getattr(by, "pk", None))
    return path


def current_draft(path: Path) -> PathVersion | None:
    return PathVersion.objects.filter(path=path, status=PathVersion.Status.DRAFT).first()


@transaction.atomic
def draft_of(path: Path, by: Person | None) -> PathVersion:
    """The path's draft; made by copying the published version when there is none."""
    # Locking the path row makes two editors who start at once get the same draft.
    path = Path.objects.select_for_update().get(pk=path.pk)
    draft = current_draft(path)
    if draft is not None:
        return draft
    source = path.current
    if source is None:
        raise BuilderError(_("This path has neither a draft nor a published version."))
    number = (PathVersion.objects.filter(path=path).aggregate(n=Max("number"))["n"] or 0) + 1
    draft = PathVersion.objects.create(
        path=path,
        number=number,
        status=PathVersion.Status.DRAFT,
        titles=dict(source.titles or {}),
        summaries=dict(source.summaries or {}),
        min_optional=source.min_optional,
        created_by=by,
    )
    draft.audience_roles.set(source.audience_roles.all())
    draft.audience_locations.set(source.audience_locations.all())
    PathSkill.objects.bulk_create(
        PathSkill(version=draft, skill_id=ps.skill_id, level=ps.level)
        for ps in source.path_skills.all()
    )
    old_steps = list(Step.objects.filter(version=source).prefetch_related("prerequisites"))
    copies: dict[int, Step] = {}
    for old in old_steps:
        copies[old.pk] = Step.objects.create(
            version=draft,
            uid=old.uid,
            position=old.position,
            kind=old.kind,
            item_id=old.item_id,
            quiz_id=old.quiz_id,
            titles=dict(old.titles or {}),
            instructions=dict(old.instructions or {}),
            optional=old.optional,
            branch=old.branch,
            minutes=old.minutes,
        )
    through = Step.prerequisites.through
    through.objects.bulk_create(
        through(from_step_id=copies[old.pk].pk, to_step_id=copies[pre.pk].pk)
        for old in old_steps
        for pre in old.prerequisites.all()
        if pre.pk in copies
    )
    log.info("paths.draft_started", path=path.key, version=number, by=getattr(by, "pk", None))
    return draft


@transaction.atomic
def discard_draft(draft: PathVersion) -> None:
    """Throw away unpublished changes; the published version stays as it is."""
    draft = _locked_draft(draft)
    if draft.path.current_id is None:
        raise BuilderError(
            _("This draft is the only version of the path; there is nothing to go back to.")
        )
    draft.delete()


@transaction.atomic
def update_version(
    draft: PathVersion,
    *,
    titles: Mapping[str, str] | None = None,
    summaries: Mapping[str, str] | None = None,
    audience_roles: Iterable[JobRole] | None = None,
    audience_locations: Iterable[Location] | None = None,
    skills: Sequence[tuple[Skill, int]] | None = None,
    min_optional: int | None = None,
) -> PathVersion:
    """Change what the draft is about; arguments left as None keep their value."""
    draft = _locked_draft(draft)
    fields: list[str] = []
    if titles is not None:
        clean = _texts(titles, TITLE_MAX)
        if not clean:
            raise BuilderError(_("Give the path a title in at least one language."))
        draft.titles = clean
        fields.append("titles")
    if summaries is not None:
        draft.summaries = _texts(summaries, TEXT_MAX)
        fields.append("summaries")
    if min_optional is not None:
        if min_optional < 0:
            raise BuilderError(_("The number of optional steps needed cannot be negative."))
        draft.min_optional = min_optional
        fields.append("min_optional")
    if fields:
        draft.save(update_fields=fields)
    if audience_roles is not None:
        draft.audience_roles.set(list(audience_roles))
    if audience_locations is not None:
        draft.audience_locations.set(list(audience_locations))
    if skills is not None:
        levels = set(Level.values)
        seen: set[int] = set()
        for skill, level in skills:
            if level not in levels:
                raise BuilderError(_("A skill level is a number from 1 to 4."))
            if skill.pk in seen:
                raise BuilderError(_("“%(skill)s” is listed twice.") % {"skill": skill.name()})
            seen.add(skill.pk)
        PathSkill.objects.filter(version=draft).delete()
        PathSkill.objects.bulk_create(
            PathSkill(version=draft, skill=skill, level=level) for skill, level in skills
        )
    return draft


# --- steps ---------------------------------------------------------------------------------------


def _check_target(
    draft: PathVersion,
    kind: str,
    item: ContentItem | None,
    quiz: Quiz | None,
    titles: Mapping[str, str],
) -> None:
    if kind not in Step.Kind.values:
        raise BuilderError(_("Unknown kind of step."))
    if kind in (Step.Kind.ITEM, Step.Kind.SESSION):
        if item is None or quiz is not None:
            raise BuilderError(_("Choose a catalogue item for this step."))
        if item.status != ItemStatus.PUBLISHED:
            raise BuilderError(
                _("“%(title)s” is not published in the catalogue.") % {"title": item.title()}
            )
        if kind == Step.Kind.ITEM and item.kind == ItemKind.SESSION:
            raise BuilderError(
                _("“%(title)s” is a classroom session: add it as a session step.")
                % {"title": item.title()}
            )
        if kind == Step.Kind.SESSION and item.kind != ItemKind.SESSION:
            raise BuilderError(
                _("“%(title)s” is not a classroom session.") % {"title": item.title()}
            )
        if Step.objects.filter(version=draft, item=item).exists():
            raise BuilderError(
                _("“%(title)s” is already a step of this path.") % {"title": item.title()}
            )
    elif kind == Step.Kind.QUIZ:
        if quiz is None or item is not None:
            raise BuilderError(_("Choose a quiz for this step."))
        if Step.objects.filter(version=draft, quiz=quiz).exists():
            raise BuilderError(
                _("“%(title)s” is already a step of this path.") % {"title": quiz.title()}
            )
    else:
        if item is not None or quiz is not None:
            raise BuilderError(_("An assignment has no catalogue item or quiz."))
        if not titles:
            raise BuilderError(_("Give the assignment a title in at least one language."))


@transaction.atomic
def add_step(
    draft: PathVersion,
    kind: str,
    *,
    item: ContentItem | None = None,
    quiz: Quiz | None = None,
    titles: Mapping[str, str] | None = None,
    instructions: Mapping[str, str] | None = None,
    optional: bool = False,
    branch: int | None = None,
    minutes: int | None = None,
) -> Step:
    """Add a step at the end of the draft."""
    draft = _locked_draft(draft)
    clean_titles = _texts(titles, TITLE_MAX)
    _check_target(draft, kind, item, quiz, clean_titles)
    _check_branch(branch)
    _check_minutes(minutes)
    last = Step.objects.filter(version=draft).aggregate(p=Max("position"))["p"]
    return Step.objects.create(
        version=draft,
        position=0 if last is None else last + 1,
        kind=kind,
        item=item,
        quiz=quiz,
        titles=clean_titles,
        instructions=_texts(instructions, TEXT_MAX),
        optional=optional,
        branch=branch,
        minutes=minutes,
    )


def _set_prerequisites(step: Step, step_ids: Iterable[int]) -> None:
    wanted = set(step_ids)
    if step.pk in wanted:
        raise BuilderError(_("A step cannot need itself."))
    found = set(
        Step.objects.filter(version_id=step.version_id, pk__in=wanted).values_list("pk", flat=True)
    )
    if found != wanted:
        raise BuilderError(_("A step can only need steps of the same version."))
    graph = _graph(step.version)
    graph[step.pk] = wanted
    if _has_cycle(graph):
        raise BuilderError(
            _("These prerequisites would make a loop: a step would wait for itself.")
        )
    step.prerequisites.set(wanted)


def _step_for_edit(step: Step) -> Step:
    fresh = Step.objects.select_related("version__path").get(pk=step.pk)
    _locked_draft(fresh.version)
    return fresh


@transaction.atomic
def update_step(
    step: Step,
    *,
    titles: Mapping[str, str] | None = None,
    instructions: Mapping[str, str] | None = None,
    optional: bool | None = None,
    branch: int | None = None,
    clear_branch: bool = False,
    minutes: int | None = None,
    clear_minutes: bool = False,
    prerequisites: Iterable[int] | None = None,
) -> Step:
    """Change a draft step; None keeps a value (`clear_*` empties branch or minutes)."""
    step = _step_for_edit(step)
    if titles is not None:
        clean = _texts(titles, TITLE_MAX)
        if step.kind == Step.Kind.ASSIGNMENT and not clean:
            raise BuilderError(_("Give the assignment a title in at least one language."))
        step.titles = clean
    if instructions is not None:
        step.instructions = _texts(instructions, TEXT_MAX)
    if optional is not None:
        step.optional = optional
    if clear_branch:
        step.branch = None
    elif branch is not None:
        _check_branch(branch)
        step.branch = branch
    if clear_minutes:
        step.minutes = None
    elif minutes is not None:
        _check_minutes(minutes)
        step.minutes = minutes
    step.save(update_fields=["titles", "instructions", "optional", "branch", "minutes"])
    if prerequisites is not None:
        _set_prerequisites(step, prerequisites)
    return step


@transaction.atomic
def remove_step(step: Step) -> None:
    """Remove a draft step; steps that needed it no longer do."""
    step = _step_for_edit(step)
    version = step.version
    # Deleting the step deletes its rows in the prerequisites table on both sides;
    # clearing first says so explicitly and keeps the intent visible here.
    step.unlocks.clear()
    step.prerequisites.clear()
    step.delete()
    _renumber(version)


@transaction.atomic
def reorder(draft: PathVersion, step_ids: Sequence[int]) -> None:
    """Put the draft's steps in this order; `step_ids` must name each step exactly once."""
    draft = _locked_draft(draft)
    current = list(Step.objects.filter(version=draft).values_list("pk", flat=True))
    if len(step_ids) != len(current) or set(step_ids) != set(current):
        raise BuilderError(
            _("The order does not match the steps of this draft; reload the page and try again.")
        )
    for position, pk in enumerate(step_ids):
        Step.objects.filter(pk=pk).update(position=position)


@transaction.atomic
def move_step(step: Step, offset: int) -> None:
    """Move a step up (-1) or down (+1) one place: the buttons beside drag and drop."""
    step = _step_for_edit(step)
    order = list(
        Step.objects.filter(version_id=step.version_id)
        .order_by("position", "id")
        .values_list("pk", flat=True)
    )
    index = order.index(step.pk)
    target = index + offset
    if not 0 <= target < len(order):
        return  # already first or last: nothing to do, and nothing wrong
    order[index], order[target] = order[target], order[index]
    for position, pk in enumerate(order):
        Step.objects.filter(pk=pk).update(position=position)


@transaction.atomic
def set_prerequisites(step: Step, step_ids: Iterable[int]) -> None:
    """The steps that must be done (or, in a branch, whose branch is done) before `step`."""
    _set_prerequisites(_step_for_edit(step), step_ids)


@transaction.atomic
def set_branch(step: Step, branch: int | None) -> Step:
    """Put the step in an alternatives group ("one of these"), or take it out (None)."""
    step = _step_for_edit(step)
    _check_branch(branch)
    step.branch = branch
    step.save(update_fields=["branch"])
    return step


# --- publishing ----------------------------------------------------------------------------------


def publish_problems(draft: PathVersion) -> list[str]:
    """What stops the draft from being published, in words for L&D (empty: ready)."""
    problems: list[str] = []
    if not any(str(t or "").strip() for t in (draft.titles or {}).values()):
        problems.append(_("Give the path a title in at least one language."))
    steps = list(Step.objects.filter(version=draft).select_related("item"))
    if not steps:
        problems.append(_("Add at least one step."))
    optional = sum(1 for s in steps if s.optional and s.branch is None)
    if draft.min_optional > optional:
        problems.append(
            _(
                "The completion rule asks for %(needed)s optional steps, "
                "but the path has %(count)s (outside alternative groups)."
            )
            % {"needed": draft.min_optional, "count": optional}
        )
    if _has_cycle(_graph(draft)):
        problems.append(_("The prerequisites make a loop: a step waits for itself."))
    for step in steps:
        if step.item is not None and step.item.status != ItemStatus.PUBLISHED:
            problems.append(
                _("Step “%(title)s” uses an item that is no longer published.")
                % {"title": step.title()}
            )
    return problems


@transaction.atomic
def publish(draft: PathVersion, change_note: str, by: Person | None) -> PathVersion:
    """Make the draft the version new learners get; enrolled learners stay where they are."""
    draft = _locked_draft(draft)
    path = Path.objects.select_for_update().get(pk=draft.path_id)
    problems = publish_problems(draft)
    if problems:
        raise BuilderError(" ".join(problems))
    note = (change_note or "").strip()
    if len(note) > 500:
        raise BuilderError(_("Keep the change note under 500 characters."))
    PathVersion.objects.filter(path=path, status=PathVersion.Status.PUBLISHED).update(
        status=PathVersion.Status.RETIRED
    )
    draft.status = PathVersion.Status.PUBLISHED
    draft.published_at = timezone.now()
    draft.change_note = note
    draft.save(update_fields=["status", "published_at", "change_note"])
    path.current = draft
    path.save(update_fields=["current"])
    log.info("paths.published", path=path.key, version=draft.number, by=getattr(by, "pk", None))
    return draft


MOVABLE = (Enrolment.Status.ACTIVE, Enrolment.Status.PAUSED)


@transaction.atomic
def move_learners(
    path: Path, from_version: PathVersion, to_version: PathVersion, by: Person | None
) -> int:
    """Move the active and paused learners of `from_version` to the published version.

    Their progress comes along: it is read from their completions of the steps'
    activities, and copied steps keep their uid. Returns how many moved.
    """
    path = Path.objects.select_for_update().get(pk=path.pk)
    if from_version.path_id != path.pk or to_version.path_id != path.pk:
        raise BuilderError(_("Both versions must belong to this path."))
    if from_version.pk == to_version.pk:
        raise BuilderError(_("Choose two different versions."))
    if to_version.pk != path.current_id:
        raise BuilderError(_("Learners can only be moved to the published version."))
    moving = list(
        Enrolment.objects.filter(path=path, version=from_version, status__in=MOVABLE)
        .select_related("person")
        .order_by("pk")
    )
    if not moving:
        return 0
    Enrolment.objects.filter(pk__in=[e.pk for e in moving]).update(version=to_version)
    for enrolment in moving:
        enrolment.version = to_version
        # The new version may ask for less: a learner can complete on arrival.
        services.refresh_enrolment(enrolment)
    log.info(
        "paths.learners_moved",
        path=path.key,
        from_version=from_version.number,
        to_version=to_version.number,
        count=len(moving),
        by=getattr(by, "pk", None),
    )
    return len(moving)


@transaction.atomic
def archive(path: Path, by: Person | None) -> Path:
    """Close the path to new enrolments; enrolled learners carry on."""
    Path.objects.filter(pk=path.pk).update(is_archived=True)
    path.is_archived = True
    log.info("paths.archived", path=path.key, by=getattr(by, "pk", None))
    return path


@transaction.atomic
def unarchive(path: Path, by: Person | None) -> Path:
    Path.objects.filter(pk=path.pk).update(is_archived=False)
    path.is_archived = False
    log.info("paths.unarchived", path=path.key, by=getattr(by, "pk", None))
    return path


# --- reads the builder pages need ----------------------------------------------------------------


@dataclass(frozen=True)
class VersionCounts:
    active: int = 0
    paused: int = 0
    completed: int = 0
    left: int = 0

    @property
    def movable(self) -> int:
        return self.active + self.paused


def version_counts(path_ids: Iterable[int]) -> dict[int, VersionCounts]:
    """Enrolments per version id and status for these paths, in one query."""
    raw: dict[int, dict[str, int]] = {}
    for row in (
        Enrolment.objects.filter(path_id__in=list(path_ids))
        .values("version_id", "status")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        raw.setdefault(row["version_id"], {})[row["status"]] = row["n"]
    return {vid: VersionCounts(**counts) for vid, counts in raw.items()}


def manage_list() -> list[Path]:
    """Every path with its versions (for the status column), archived ones last."""
    return list(
        Path.objects.select_related("current")
        .prefetch_related("versions")
        .order_by("is_archived", "key")
    )
