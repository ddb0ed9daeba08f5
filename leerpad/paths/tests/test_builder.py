"""The path builder's rules (services_builder): drafts, copies, steps, publishing, moving."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from leerpad.accounts.models import JobRole, Location, Person
from leerpad.catalog.models import ContentItem
from leerpad.catalog.tests.ui_helpers import make_item
from leerpad.catalog.tracking import activity_id
from leerpad.paths import queries, services
from leerpad.paths import services_builder as builder
from leerpad.paths.completions import step_iris
from leerpad.paths.models import Completion, Enrolment, Path, PathSkill, PathVersion, Step
from leerpad.paths.progress import State
from leerpad.paths.services_builder import BuilderError
from leerpad.paths.tracking import COMPLETED
from leerpad.quizzes.models import Quiz
from leerpad.skills.models import Skill

pytestmark = pytest.mark.django_db


@pytest.fixture
def items() -> dict[str, ContentItem]:
    return {
        "intro": make_item("Welkom in de winkel", duration_minutes=15),
        "complaints": make_item("Klachten behandelen", duration_minutes=20),
        "video": make_item("Kassa in 5 minuten", kind="video", duration_minutes=5),
        "draft": make_item("Nog niet klaar", status="draft"),
        "session": make_item("Klantgesprekken oefenen", kind="session"),
    }


@pytest.fixture
def quiz() -> Quiz:
    return Quiz.objects.create(key="kassa-quiz", titles={"nl": "Kassaquiz", "en": "Till quiz"})


def _path(dirk: Person, key: str = "onboarding-winkel") -> Path:
    return builder.create_path(key, {"nl": "Onboarding winkel"}, {"nl": "Je eerste weken"}, by=dirk)


def _draft(path: Path) -> PathVersion:
    draft = builder.current_draft(path)
    assert draft is not None
    return draft


def _order(version: PathVersion) -> list[int]:
    return list(
        Step.objects.filter(version=version).order_by("position", "id").values_list("pk", flat=True)
    )


def _published_path(dirk: Person, items: dict[str, ContentItem], quiz: Quiz) -> Path:
    """v1: intro → complaints (needs intro); video or quiz (branch 1, needs intro);
    an optional assignment; one optional step needed."""
    path = _path(dirk)
    draft = _draft(path)
    intro = builder.add_step(draft, Step.Kind.ITEM, item=items["intro"])
    complaints = builder.add_step(
        draft, Step.Kind.ITEM, item=items["complaints"], titles={"en": "Handling complaints"}
    )
    video = builder.add_step(draft, Step.Kind.ITEM, item=items["video"], branch=1)
    quiz_step = builder.add_step(draft, Step.Kind.QUIZ, quiz=quiz, branch=1, minutes=12)
    builder.add_step(
        draft,
        Step.Kind.ASSIGNMENT,
        titles={"nl": "Help een klant", "en": "Help a customer"},
        instructions={"nl": "Vraag je coach om mee te kijken."},
        optional=True,
        minutes=30,
    )
    builder.set_prerequisites(complaints, [intro.pk])
    builder.set_prerequisites(video, [intro.pk])
    builder.set_prerequisites(quiz_step, [intro.pk, complaints.pk])
    skill = Skill.objects.create(key="kassa", names={"nl": "Kassa"})
    builder.update_version(
        draft,
        min_optional=1,
        skills=[(skill, 2)],
        audience_roles=[JobRole.objects.get_or_create(name="Sales associate")[0]],
        audience_locations=[Location.objects.get_or_create(name="Gent")[0]],
    )
    builder.publish(draft, "", by=dirk)
    path.refresh_from_db()
    return path


# --- creating paths ----------------------------------------------------------------------


def test_create_path_makes_a_draft_version_one(dirk: Person) -> None:
    path = _path(dirk)
    draft = _draft(path)
    assert (draft.number, draft.status) == (1, PathVersion.Status.DRAFT)
    assert draft.titles == {"nl": "Onboarding winkel"}
    assert draft.summaries == {"nl": "Je eerste weken"}
    assert path.owner == dirk
    assert path.current is None


@pytest.mark.parametrize("key", ["manage", "badges", "Manage", "signoffs"])
def test_reserved_keys_are_refused(dirk: Person, key: str) -> None:
    with pytest.raises(BuilderError, match="reserved"):
        builder.create_path(key, {"en": "x"}, by=dirk)
    assert not Path.objects.exists()


@pytest.mark.parametrize("key", ["", "with space", "dots.are.bad", "-start", "a--b", "é"])
def test_keys_must_be_slugs(dirk: Person, key: str) -> None:
    with pytest.raises(BuilderError, match="lowercase"):
        builder.create_path(key, {"en": "x"}, by=dirk)


def test_keys_are_unique_and_a_title_is_needed(dirk: Person) -> None:
    _path(dirk, "veiligheid")
    with pytest.raises(BuilderError, match="already has the key"):
        builder.create_path("veiligheid", {"en": "Safety"}, by=dirk)
    with pytest.raises(BuilderError, match="title"):
        builder.create_path("other", {"nl": "  "}, by=dirk)
    assert Path.objects.count() == 1


# --- adding steps -------------------------------------------------------------------------


def test_add_step_checks_kind_against_target(
    dirk: Person, items: dict[str, ContentItem], quiz: Quiz
) -> None:
    draft = _draft(_path(dirk))
    refused: list[tuple[str, dict[str, Any], str]] = [
        (Step.Kind.ITEM, {"item": items["draft"]}, "not published"),
        (Step.Kind.ITEM, {"item": items["session"]}, "session step"),
        (Step.Kind.SESSION, {"item": items["intro"]}, "not a classroom session"),
        (Step.Kind.ITEM, {}, "Choose a catalogue item"),
        (Step.Kind.QUIZ, {}, "Choose a quiz"),
        (Step.Kind.QUIZ, {"quiz": quiz, "item": items["intro"]}, "Choose a quiz"),
        (Step.Kind.ASSIGNMENT, {"titles": {"nl": " "}}, "title"),
        (Step.Kind.ASSIGNMENT, {"titles": {"nl": "x"}, "quiz": quiz}, "no catalogue item"),
        ("video", {"item": items["video"]}, "Unknown kind"),
        (Step.Kind.ITEM, {"item": items["intro"], "branch": 0}, "alternative group"),
        (Step.Kind.ITEM, {"item": items["intro"], "minutes": -5}, "minutes"),
    ]
    for kind, fields, message in refused:
        with pytest.raises(BuilderError, match=message):
            builder.add_step(draft, kind, **fields)
    assert not Step.objects.exists()

    first = builder.add_step(draft, Step.Kind.ITEM, item=items["intro"])
    session = builder.add_step(draft, Step.Kind.SESSION, item=items["session"])
    quiz_step = builder.add_step(draft, Step.Kind.QUIZ, quiz=quiz)
    task = builder.add_step(draft, Step.Kind.ASSIGNMENT, titles={"fr": "Aider un client"})
    assert [first.position, session.position, quiz_step.position, task.position] == [0, 1, 2, 3]
    with pytest.raises(BuilderError, match="already a step"):
        builder.add_step(draft, Step.Kind.ITEM, item=items["intro"])
    with pytest.raises(BuilderError, match="already a step"):
        builder.add_step(draft, Step.Kind.QUIZ, quiz=quiz)
    assert Step.objects.count() == 4


# --- copying a published version -------------------------------------------------------------


def test_draft_copies_everything_and_keeps_uids(
    dirk: Person, items: dict[str, ContentItem], quiz: Quiz
) -> None:
    path = _published_path(dirk, items, quiz)
    v1 = path.current
    assert v1 is not None
    draft = builder.draft_of(path, by=dirk)
    assert (draft.number, draft.status) == (2, PathVersion.Status.DRAFT)
    assert builder.draft_of(path, by=dirk) == draft  # one draft at a time
    assert draft.titles == v1.titles and draft.summaries == v1.summaries
    assert draft.min_optional == 1
    assert set(draft.audience_roles.all()) == set(v1.audience_roles.all())
    assert set(draft.audience_locations.all()) == set(v1.audience_locations.all())
    assert [(ps.skill_id, ps.level) for ps in PathSkill.objects.filter(version=draft)] == [
        (ps.skill_id, ps.level) for ps in PathSkill.objects.filter(version=v1)
    ]

    fields = ("uid", "position", "kind", "item_id", "quiz_id", "titles", "instructions")
    more = ("optional", "branch", "minutes")
    old = {s.uid: s for s in Step.objects.filter(version=v1)}
    new = {s.uid: s for s in Step.objects.filter(version=draft)}
    assert set(old) == set(new) and len(new) == 5
    for uid, copy in new.items():
        assert copy.pk != old[uid].pk
        for name in fields + more:
            assert getattr(copy, name) == getattr(old[uid], name), name
        # Prerequisites point at the copies, with the same uids as the originals'.
        copied_prereqs = list(copy.prerequisites.all())
        assert all(p.version_id == draft.pk for p in copied_prereqs)
        assert {p.uid for p in copied_prereqs} == {p.uid for p in old[uid].prerequisites.all()}
    assert sum(s.prerequisites.count() for s in new.values()) == 4


def test_only_the_draft_is_editable(
    dirk: Person, items: dict[str, ContentItem], quiz: Quiz
) -> None:
    path = _published_path(dirk, items, quiz)
    v1 = path.current
    assert v1 is not None
    step = Step.objects.filter(version=v1).first()
    assert step is not None
    attempts: list[Callable[[], object]] = [
        lambda: builder.add_step(v1, Step.Kind.ASSIGNMENT, titles={"nl": "Extra"}),
        lambda: builder.update_version(v1, titles={"nl": "Anders"}),
        lambda: builder.update_step(step, optional=True),
        lambda: builder.remove_step(step),
        lambda: builder.reorder(v1, list(reversed(_order(v1)))),
        lambda: builder.set_prerequisites(step, []),
        lambda: builder.set_branch(step, 3),
        lambda: builder.move_step(step, 1),
        lambda: builder.publish(v1, "again", by=dirk),
    ]
    before = _order(v1)
    for attempt in attempts:
        with pytest.raises(BuilderError, match="not a draft"):
            attempt()
    v1.refresh_from_db()
    step.refresh_from_db()
    assert v1.titles == {"nl": "Onboarding winkel"}
    assert not step.optional and step.branch is None
    assert _order(v1) == before
    assert Step.objects.filter(version=v1).count() == 5


# --- order, prerequisites, branches ----------------------------------------------------------


def test_reorder_needs_a_permutation_of_the_drafts_steps(
    dirk: Person, items: dict[str, ContentItem], quiz: Quiz
) -> None:
    draft = _draft(_path(dirk))
    a = builder.add_step(draft, Step.Kind.ITEM, item=items["intro"])
    b = builder.add_step(draft, Step.Kind.ITEM, item=items["video"])
    c = builder.add_step(draft, Step.Kind.QUIZ, quiz=quiz)
    other = builder.add_step(
        _draft(_path(dirk, "other")), Step.Kind.ASSIGNMENT, titles={"nl": "Elders"}
    )
    for bad in ([a.pk, b.pk], [a.pk, b.pk, b.pk], [a.pk, b.pk, c.pk, c.pk], [a.pk, b.pk, other.pk]):
        with pytest.raises(BuilderError, match="does not match"):
            builder.reorder(draft, bad)
        assert _order(draft) == [a.pk, b.pk, c.pk]
    builder.reorder(draft, [c.pk, a.pk, b.pk])
    assert _order(draft) == [c.pk, a.pk, b.pk]
    builder.move_step(a, -1)
    assert _order(draft) == [a.pk, c.pk, b.pk]
    builder.move_step(a, -1)  # already first
    assert _order(draft) == [a.pk, c.pk, b.pk]


def test_prerequisite_cycles_and_strangers_are_refused(
    dirk: Person, items: dict[str, ContentItem], quiz: Quiz
) -> None:
    draft = _draft(_path(dirk))
    a = builder.add_step(draft, Step.Kind.ITEM, item=items["intro"])
    b = builder.add_step(draft, Step.Kind.ITEM, item=items["video"])
    c = builder.add_step(draft, Step.Kind.QUIZ, quiz=quiz)
    stranger = builder.add_step(
        _draft(_path(dirk, "other")), Step.Kind.ASSIGNMENT, titles={"nl": "Elders"}
    )
    builder.set_prerequisites(b, [a.pk])
    builder.set_prerequisites(c, [b.pk])
    with pytest.raises(BuilderError, match="loop"):
        builder.set_prerequisites(a, [c.pk])  # a → c → b → a
    with pytest.raises(BuilderError, match="loop"):
        builder.update_step(a, optional=True, prerequisites=[b.pk])
    with pytest.raises(BuilderError, match="itself"):
        builder.set_prerequisites(a, [a.pk])
    with pytest.raises(BuilderError, match="same version"):
        builder.set_prerequisites(a, [stranger.pk])
    a.refresh_from_db()
    assert list(a.prerequisites.all()) == []
    assert not a.optional  # the refused update changed nothing
    builder.set_prerequisites(c, [a.pk, b.pk])  # a diamond is not a loop
    assert set(c.prerequisites.values_list("pk", flat=True)) == {a.pk, b.pk}


def test_removing_a_step_frees_the_steps_that_needed_it(
    dirk: Person, items: dict[str, ContentItem], quiz: Quiz
) -> None:
    draft = _draft(_path(dirk))
    a = builder.add_step(draft, Step.Kind.ITEM, item=items["intro"])
    b = builder.add_step(draft, Step.Kind.ITEM, item=items["video"])
    c = builder.add_step(draft, Step.Kind.QUIZ, quiz=quiz)
    builder.set_prerequisites(c, [a.pk, b.pk])
    builder.remove_step(a)
    assert list(c.prerequisites.values_list("pk", flat=True)) == [b.pk]
    assert list(Step.objects.filter(version=draft).values_list("pk", "position")) == [
        (b.pk, 0),
        (c.pk, 1),
    ]


def test_branches_and_step_updates(dirk: Person, items: dict[str, ContentItem]) -> None:
    draft = _draft(_path(dirk))
    a = builder.add_step(draft, Step.Kind.ITEM, item=items["intro"])
    task = builder.add_step(draft, Step.Kind.ASSIGNMENT, titles={"nl": "Taak"})
    assert builder.set_branch(a, 2).branch == 2
    assert builder.set_branch(a, None).branch is None
    with pytest.raises(BuilderError):
        builder.set_branch(a, 100)
    with pytest.raises(BuilderError, match="title"):
        builder.update_step(task, titles={"nl": ""})
    builder.update_step(
        a, titles={"en": "Welcome"}, minutes=7, optional=True, branch=4, instructions={"nl": "Lees"}
    )
    a.refresh_from_db()
    assert (a.titles, a.minutes, a.optional, a.branch) == ({"en": "Welcome"}, 7, True, 4)
    builder.update_step(a, clear_branch=True, clear_minutes=True)
    a.refresh_from_db()
    assert (a.branch, a.minutes) == (None, None)


# --- publishing ------------------------------------------------------------------------------


def test_publish_validates_the_draft(dirk: Person, items: dict[str, ContentItem]) -> None:
    path = _path(dirk)
    draft = _draft(path)
    with pytest.raises(BuilderError, match="at least one step"):
        builder.publish(draft, "", by=dirk)
    builder.add_step(draft, Step.Kind.ITEM, item=items["intro"])
    builder.update_version(draft, min_optional=1)
    with pytest.raises(BuilderError, match="optional steps"):
        builder.publish(draft, "", by=dirk)
    builder.update_version(draft, min_optional=0)
    with pytest.raises(BuilderError, match="title"):
        builder.update_version(draft, titles={"nl": "", "fr": " "})
    # A draft that lost its titles some other way (an import, the admin) is still refused.
    PathVersion.objects.filter(pk=draft.pk).update(titles={})
    with pytest.raises(BuilderError, match="title"):
        builder.publish(draft, "", by=dirk)
    PathVersion.objects.filter(pk=draft.pk).update(titles={"nl": "Onboarding"})
    # A loop written around the builder (the admin, a bad import) is caught at publishing.
    b = builder.add_step(draft, Step.Kind.ITEM, item=items["video"])
    a = Step.objects.get(version=draft, item=items["intro"])
    a.prerequisites.add(b)
    b.prerequisites.add(a)
    with pytest.raises(BuilderError, match="loop"):
        builder.publish(draft, "", by=dirk)
    b.prerequisites.clear()
    items["video"].status = "archived"
    items["video"].save(update_fields=["status"])
    with pytest.raises(BuilderError, match="no longer published"):
        builder.publish(draft, "", by=dirk)
    path.refresh_from_db()
    draft.refresh_from_db()
    assert path.current is None and draft.status == PathVersion.Status.DRAFT
    builder.remove_step(b)
    builder.publish(draft, "Eerste versie", by=dirk)
    path.refresh_from_db()
    assert path.current == draft
    draft.refresh_from_db()
    assert draft.status == PathVersion.Status.PUBLISHED and draft.published_at is not None
    assert draft.change_note == "Eerste versie"


def test_learners_stay_on_their_version_after_publishing(
    dirk: Person, lena: Person, items: dict[str, ContentItem], quiz: Quiz
) -> None:
    path = _published_path(dirk, items, quiz)
    v1 = path.current
    enrolment = services.enrol(lena, path)
    assert enrolment.version == v1
    draft = builder.draft_of(path, by=dirk)
    builder.add_step(draft, Step.Kind.ASSIGNMENT, titles={"nl": "Nog een taak"})
    builder.publish(draft, "Meer oefening", by=dirk)
    path.refresh_from_db()
    assert v1 is not None
    v1.refresh_from_db()
    assert path.current == draft and v1.status == PathVersion.Status.RETIRED
    enrolment.refresh_from_db()
    assert enrolment.version == v1
    # New learners get the new version.
    other = Person.objects.create_user(email="nieuw@example.test", password="x")
    assert services.enrol(other, path).version == draft


def _complete_item_for(person: Person, item: ContentItem) -> None:
    Completion.objects.create(
        person=person,
        activity_iri=activity_id(item),
        statement_id=uuid.uuid4(),
        verb_iri=COMPLETED,
        completed_at=timezone.now(),
    )


def test_moving_learners_carries_their_progress(
    dirk: Person,
    lena: Person,
    cas: Person,
    items: dict[str, ContentItem],
    quiz: Quiz,
    django_capture_on_commit_callbacks: Any,
) -> None:
    path = _published_path(dirk, items, quiz)
    v1 = path.current
    assert v1 is not None
    enrolment = services.enrol(lena, path)
    # Lena completes the intro through the LRS (as any outside tool would) ...
    from leerpad.lrs.services import record_for_person

    with django_capture_on_commit_callbacks(execute=True):
        record_for_person(
            lena,
            COMPLETED,
            {"en": "completed"},
            {"objectType": "Activity", "id": activity_id(items["intro"])},
        )
    intro_v1 = Step.objects.get(version=v1, item=items["intro"])
    assert step_iris(intro_v1, path.key) <= set(
        Completion.objects.filter(person=lena).values_list("activity_iri", flat=True)
    )
    # ... and her assignment is signed off (its IRI is path key + step uid).
    task_v1 = Step.objects.get(version=v1, kind=Step.Kind.ASSIGNMENT)
    Completion.objects.create(
        person=lena,
        activity_iri=next(iter(step_iris(task_v1, path.key))),
        statement_id=uuid.uuid4(),
        verb_iri=COMPLETED,
        completed_at=timezone.now(),
    )
    # Cas completed the path already: moving must leave him on his version.
    finished = services.enrol(cas, path)
    Enrolment.objects.filter(pk=finished.pk).update(status=Enrolment.Status.COMPLETED)

    draft = builder.draft_of(path, by=dirk)
    extra = builder.add_step(draft, Step.Kind.SESSION, item=items["session"], optional=True)
    builder.publish(draft, "Een sessie erbij", by=dirk)
    path.refresh_from_db()

    before = queries.plan_for(lena.pk, v1)
    assert builder.move_learners(path, v1, draft, by=dirk) == 1
    enrolment.refresh_from_db()
    finished.refresh_from_db()
    assert enrolment.version == draft
    assert finished.version == v1

    after = queries.plan_for(lena.pk, draft)
    by_uid = {s.uid: s for s in Step.objects.filter(version=draft)}
    states = {st.step.id: st.state for st in after.steps}
    intro_v2 = by_uid[intro_v1.uid]
    task_v2 = by_uid[task_v1.uid]
    assert states[intro_v2.pk] == State.DONE
    assert states[task_v2.pk] == State.DONE
    assert states[extra.pk] == State.OPEN
    assert after.required_done == before.required_done > 0
    assert builder.move_learners(path, v1, draft, by=dirk) == 0  # nobody left to move


def test_moving_can_complete_a_learner(
    dirk: Person, lena: Person, items: dict[str, ContentItem], quiz: Quiz
) -> None:
    """A new version that asks less (here: only the intro) completes learners who moved."""
    path = _path(dirk)
    draft = _draft(path)
    builder.add_step(draft, Step.Kind.ITEM, item=items["intro"])
    second = builder.add_step(draft, Step.Kind.QUIZ, quiz=quiz)
    builder.publish(draft, "", by=dirk)
    path.refresh_from_db()
    enrolment = services.enrol(lena, path)
    _complete_item_for(lena, items["intro"])
    services.refresh_enrolment(enrolment)
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.ACTIVE

    v2 = builder.draft_of(path, by=dirk)
    builder.remove_step(Step.objects.get(version=v2, uid=second.uid))
    builder.publish(v2, "Quiz weg", by=dirk)
    path.refresh_from_db()
    builder.move_learners(path, draft, v2, by=dirk)
    enrolment.refresh_from_db()
    assert enrolment.version == v2
    assert enrolment.status == Enrolment.Status.COMPLETED


def test_move_learners_checks_the_versions(
    dirk: Person, items: dict[str, ContentItem], quiz: Quiz
) -> None:
    path = _published_path(dirk, items, quiz)
    v1 = path.current
    assert v1 is not None
    v2 = builder.draft_of(path, by=dirk)
    with pytest.raises(BuilderError, match="published version"):
        builder.move_learners(path, v1, v2, by=dirk)  # a draft is not for learners
    with pytest.raises(BuilderError, match="different"):
        builder.move_learners(path, v1, v1, by=dirk)
    other = _published_path_other(dirk, items)
    assert other.current is not None
    with pytest.raises(BuilderError, match="belong"):
        builder.move_learners(path, v1, other.current, by=dirk)


def _published_path_other(dirk: Person, items: dict[str, ContentItem]) -> Path:
    path = _path(dirk, "andere")
    draft = _draft(path)
    builder.add_step(draft, Step.Kind.ITEM, item=items["video"])
    builder.publish(draft, "", by=dirk)
    path.refresh_from_db()
    return path


def test_archived_paths_take_no_new_enrolments(
    dirk: Person, lena: Person, cas: Person, items: dict[str, ContentItem]
) -> None:
    path = _published_path_other(dirk, items)
    services.enrol(cas, path)
    builder.archive(path, by=dirk)
    path.refresh_from_db()
    with pytest.raises(services.PathError):
        services.enrol(lena, path)
    assert Enrolment.objects.filter(person=cas, path=path).exists()
    builder.unarchive(path, by=dirk)
    path.refresh_from_db()
    assert services.enrol(lena, path).version == path.current


def test_discarding_a_draft_keeps_the_published_version(
    dirk: Person, items: dict[str, ContentItem]
) -> None:
    path = _published_path_other(dirk, items)
    draft = builder.draft_of(path, by=dirk)
    builder.add_step(draft, Step.Kind.ITEM, item=items["intro"])
    builder.discard_draft(draft)
    assert builder.current_draft(path) is None
    assert path.current is not None and Step.objects.filter(version=path.current).count() == 1
    # A path that was never published has nothing to fall back on.
    first = _draft(_path(dirk, "nieuw"))
    with pytest.raises(BuilderError, match="only version"):
        builder.discard_draft(first)
