"""The progress rules (`progress.plan`), one by one, and the facts `completions` gives them."""

from __future__ import annotations

import pytest

from leerpad.accounts.models import Person
from leerpad.catalog.tracking import activity_id
from leerpad.paths import completions, queries, tracking
from leerpad.paths.models import Step
from leerpad.paths.progress import State, StepFacts, plan
from leerpad.paths.tests.learner_helpers import article, make_path, package, quiz, steps_of
from leerpad.quizzes.tracking import quiz_iri


def step(
    id: int,
    *,
    minutes: int = 10,
    optional: bool = False,
    branch: int | None = None,
    needs: tuple[int, ...] = (),
    position: int | None = None,
    iris: tuple[str, ...] | None = None,
) -> StepFacts:
    return StepFacts(
        id=id,
        position=id if position is None else position,
        iris=frozenset(iris or (f"urn:step:{id}",)),
        optional=optional,
        branch=branch,
        prerequisites=frozenset(needs),
        minutes=minutes,
    )


def done(*ids: int) -> set[str]:
    return {f"urn:step:{i}" for i in ids}


def states(p: object) -> dict[int, State]:
    return {s.step.id: s.state for s in p.steps}  # type: ignore[attr-defined]


# --- required steps ------------------------------------------------------------------------


def test_nothing_done_everything_open_next_is_first() -> None:
    p = plan([step(1, minutes=15), step(2, minutes=25)], set())
    assert states(p) == {1: State.OPEN, 2: State.OPEN}
    assert p.next_step == 1
    assert p.minutes_left == 40
    assert (p.required_done, p.required_total, p.percent, p.complete) == (0, 2, 0, False)


def test_a_step_is_done_by_any_of_its_iris() -> None:
    steps = [step(1, iris=("urn:page", "urn:package")), step(2)]
    assert states(plan(steps, {"urn:package"}))[1] == State.DONE
    assert states(plan(steps, {"urn:page"}))[1] == State.DONE
    assert states(plan(steps, {"urn:other"}))[1] == State.OPEN


def test_steps_are_ordered_by_position_not_id() -> None:
    p = plan([step(1, position=5), step(2, position=1)], set())
    assert [s.step.id for s in p.steps] == [2, 1]
    assert p.next_step == 2


def test_all_required_done_completes_with_100_percent_and_no_next_step() -> None:
    p = plan([step(1), step(2), step(3)], done(1, 2, 3))
    assert p.complete and p.percent == 100 and p.next_step is None and p.minutes_left == 0


def test_percent_rounds_the_share_of_required_units() -> None:
    p = plan([step(1), step(2), step(3)], done(1))
    assert p.percent == 33 and p.required_done == 1
    assert plan([step(1), step(2), step(3)], done(1, 2)).percent == 67


def test_an_empty_version_is_complete() -> None:
    p = plan([], set())
    assert p.complete and p.percent == 100 and p.next_step is None


# --- prerequisites -------------------------------------------------------------------------


def test_a_step_waits_for_its_prerequisites() -> None:
    steps = [step(1), step(2), step(3, needs=(1, 2))]
    p = plan(steps, set())
    status = p.status_of(3)
    assert status is not None and status.state == State.LOCKED and status.waiting_for == [1, 2]
    half = plan(steps, done(1)).status_of(3)
    assert half is not None and half.state == State.LOCKED and half.waiting_for == [2]
    assert states(plan(steps, done(1, 2)))[3] == State.OPEN


def test_locked_steps_are_never_next_but_still_count_in_time_left() -> None:
    steps = [step(1, needs=(2,), position=1, minutes=5), step(2, position=2, minutes=7)]
    p = plan(steps, set())
    assert p.next_step == 2
    assert p.minutes_left == 12


def test_a_done_step_is_done_even_when_its_prerequisite_is_not() -> None:
    # Prior learning: progress is what the record says, not the order of the path.
    p = plan([step(1), step(2, needs=(1,))], done(2))
    assert states(p) == {1: State.OPEN, 2: State.DONE}


def test_a_prerequisite_outside_the_version_does_not_block() -> None:
    assert states(plan([step(1, needs=(99,))], set()))[1] == State.OPEN


def test_nothing_open_and_not_complete_gives_no_next_step() -> None:
    p = plan([step(1, needs=(2,)), step(2, needs=(1,))], set())
    assert p.next_step is None and not p.complete


# --- branches ------------------------------------------------------------------------------


def test_a_branch_is_satisfied_by_one_alternative_the_others_not_needed() -> None:
    steps = [step(1), step(2, branch=1), step(3, branch=1), step(4, branch=1)]
    p = plan(steps, done(1, 3))
    assert states(p) == {1: State.DONE, 2: State.NOT_NEEDED, 3: State.DONE, 4: State.NOT_NEEDED}
    assert p.complete and p.required_total == 2


def test_an_open_branch_counts_once_with_its_quickest_alternative() -> None:
    steps = [step(1, minutes=10), step(2, branch=1, minutes=60), step(3, branch=1, minutes=15)]
    p = plan(steps, set())
    assert p.required_total == 2
    assert p.minutes_left == 25
    assert states(p) == {1: State.OPEN, 2: State.OPEN, 3: State.OPEN}


def test_branch_members_can_be_apart_in_the_order() -> None:
    steps = [step(1, branch=7), step(2), step(3, branch=7)]
    p = plan(steps, done(3))
    assert states(p)[1] == State.NOT_NEEDED
    assert p.required_total == 2 and p.required_done == 1


def test_a_prerequisite_on_a_branch_step_is_met_by_any_alternative() -> None:
    steps = [step(1, branch=1), step(2, branch=1), step(3, needs=(1,))]
    status = plan(steps, set()).status_of(3)
    assert status is not None and status.state == State.LOCKED and status.waiting_for == [1]
    # The learner took the other alternative: the branch is satisfied, so step 3 opens.
    assert states(plan(steps, done(2)))[3] == State.OPEN


def test_a_branch_of_optional_steps_only_is_not_required() -> None:
    steps = [step(1), step(2, branch=1, optional=True), step(3, branch=1, optional=True)]
    p = plan(steps, done(1))
    assert p.complete and p.required_total == 1


def test_a_branch_with_one_required_alternative_is_required() -> None:
    steps = [step(1, branch=1, optional=True), step(2, branch=1)]
    assert not plan(steps, set()).complete
    assert plan(steps, done(1)).complete


# --- optional steps and min_optional -------------------------------------------------------


def test_optional_steps_are_not_needed_without_min_optional() -> None:
    steps = [step(1), step(2, optional=True, minutes=30)]
    p = plan(steps, done(1))
    assert p.complete and p.minutes_left == 0 and p.next_step is None
    assert states(p)[2] == State.OPEN  # still there to do for oneself


def test_min_optional_needs_that_many_optional_steps() -> None:
    steps = [
        step(1, minutes=10),
        step(2, optional=True, minutes=40),
        step(3, optional=True, minutes=5),
        step(4, optional=True, minutes=20),
    ]
    p = plan(steps, done(1), min_optional=2)
    assert not p.complete
    assert p.required_total == 3 and p.required_done == 1
    assert p.minutes_left == 25  # the two quickest optional steps still open
    one = plan(steps, done(1, 2), min_optional=2)
    assert not one.complete and one.minutes_left == 5 and one.required_done == 2
    assert plan(steps, done(1, 2, 4), min_optional=2).complete


def test_extra_optional_steps_do_not_push_progress_past_the_rule() -> None:
    steps = [step(1), step(2, optional=True), step(3, optional=True), step(4, optional=True)]
    p = plan(steps, done(2, 3, 4), min_optional=1)
    assert p.required_done == 1 and p.required_total == 2 and not p.complete
    assert p.percent == 50


def test_next_step_skips_optional_steps_once_enough_are_done() -> None:
    steps = [step(1, optional=True), step(2, optional=True), step(3)]
    assert plan(steps, set(), min_optional=1).next_step == 1
    assert plan(steps, done(1), min_optional=1).next_step == 3
    assert plan(steps, set(), min_optional=0).next_step == 3


def test_optional_steps_in_a_branch_do_not_count_towards_min_optional() -> None:
    steps = [step(1), step(2, branch=1, optional=True), step(3, optional=True)]
    assert not plan(steps, done(1, 2), min_optional=1).complete
    assert plan(steps, done(1, 3), min_optional=1).complete


# --- facts from the database ---------------------------------------------------------------


@pytest.mark.django_db
def test_facts_use_the_activity_of_each_kind_of_step() -> None:
    page = article("Artikel", minutes=25)
    course = package("Pakket", activity_id="https://tool.example/course/9")
    safe = quiz("veilig")
    path = make_path(
        "feiten",
        [
            {"item": page},
            {"item": course},
            {"kind": Step.Kind.QUIZ, "quiz": safe},
            {"kind": Step.Kind.ASSIGNMENT, "titles": {"nl": "Doe het"}, "minutes": 45},
            {"item": page, "minutes": 5, "needs": [0], "optional": True, "branch": 2},
        ],
    )
    steps = queries.steps_of(path.current)  # type: ignore[arg-type]
    facts = completions.facts_for(steps, path.key)
    assert facts[0].iris == {activity_id(page)} and facts[0].minutes == 25
    assert facts[1].iris == {activity_id(course), "https://tool.example/course/9"}
    assert facts[2].iris == {quiz_iri("veilig")} and facts[2].minutes == 10
    assert facts[3].iris == {tracking.assignment_iri("feiten", steps[3].uid)}
    assert facts[3].minutes == 45
    last = facts[4]
    assert last.minutes == 5 and last.optional and last.branch == 2
    assert last.prerequisites == {steps[0].pk}


@pytest.mark.django_db
def test_plan_for_reads_the_persons_completions(lena: Person, cas: Person) -> None:
    from leerpad.paths.models import Completion

    page = article()
    path = make_path("lezen", [{"item": page}, {"item": article("Tweede")}])
    steps = steps_of(path)
    Completion.objects.create(
        person=lena,
        activity_iri=activity_id(page),
        statement_id="6f1c2a3e-9b7d-4e21-8c5a-0d3f4b2e1a90",
        verb_iri=tracking.COMPLETED,
        completed_at="2026-01-01T10:00:00Z",
    )
    mine = queries.plan_for(lena.pk, path.current)  # type: ignore[arg-type]
    theirs = queries.plan_for(cas.pk, path.current)  # type: ignore[arg-type]
    assert mine.status_of(steps[0].pk).state == State.DONE  # type: ignore[union-attr]
    assert mine.next_step == steps[1].pk
    assert theirs.status_of(steps[0].pk).state == State.OPEN  # type: ignore[union-attr]
