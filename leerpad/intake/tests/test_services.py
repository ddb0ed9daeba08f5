"""The rules of intake through its public functions: submitting, scoring, capacity,
decisions with their notices, parked requests coming back, reopening, the plan."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any, cast

import pytest
from django.core import mail
from django.utils import timezone

from leerpad.accounts.models import Person
from leerpad.campaigns.models import Notification
from leerpad.intake import quarters, queries, services
from leerpad.intake.models import Event, Milestone, Project, Request, Weights
from leerpad.intake.tests.helpers import scored, submit

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def test_submit_records_the_first_step(lena: Person) -> None:
    request = submit(lena)
    assert request.status == Request.Status.NEW
    assert request.requester == lena
    assert [e.kind for e in request.events.all()] == [Event.Kind.SUBMITTED]


def test_deadline_in_the_past_is_refused(lena: Person) -> None:
    with pytest.raises(services.IntakeError):
        services.submit(
            by=lena,
            title="x",
            problem="p",
            audience="a",
            outcome="o",
            deadline=TODAY() - dt.timedelta(days=1),
        )


def test_sponsor_person_wins_over_a_name(lena: Person, greet: Person) -> None:
    request = services.submit(
        by=lena, title="x", problem="p", audience="a", outcome="o", sponsor=greet, sponsor_name="X"
    )
    assert request.sponsor_label == str(greet)
    assert request.sponsor_name == ""


def test_withdraw_only_by_requester_and_only_while_open(
    lena: Person, cas: Person, dirk: Person
) -> None:
    request = submit(lena)
    with pytest.raises(services.IntakeError):
        services.withdraw(request, by=cas)
    services.withdraw(request, by=lena)
    assert request.status == Request.Status.WITHDRAWN
    with pytest.raises(services.IntakeError):
        services.withdraw(request, by=lena)


def test_score_and_wsjf_with_weights(lena: Person, dirk: Person, greet: Person) -> None:
    request = scored(lena, dirk, value=8, urgency=5, risk=2, effort="3")
    assert request.status == Request.Status.SCORED
    parts = queries.score_parts(request)
    assert parts is not None
    assert parts.numerator == Decimal(15)  # 1*8 + 1*5 + 1*2
    assert parts.score == Decimal("5.00")  # 15 / 3
    services.save_weights(by=greet, value=Decimal(2), urgency=Decimal("0.5"), risk=Decimal(0))
    parts = queries.score_parts(request)
    assert parts is not None
    assert parts.numerator == Decimal("18.5")  # 2*8 + 0.5*5 + 0*2
    assert parts.score == Decimal("6.17")
    with pytest.raises(services.IntakeError):
        services.save_weights(by=greet, value=Decimal(0), urgency=Decimal(0), risk=Decimal(0))


def test_score_refuses_out_of_range(lena: Person, dirk: Person) -> None:
    request = submit(lena)
    with pytest.raises(services.IntakeError):
        services.score(request, by=dirk, value=11, urgency=1, risk=1, effort_days=Decimal(1))
    with pytest.raises(services.IntakeError):
        services.score(request, by=dirk, value=1, urgency=1, risk=1, effort_days=Decimal(0))


def test_capacity_minus_running_work(lena: Person, dirk: Person, greet: Person) -> None:
    quarter = quarters.of(TODAY())
    services.save_capacity(quarter=quarter, people=Decimal(3), days_per_person=Decimal(10))
    request = scored(lena, dirk, effort="8")
    project = services.accept(request, by=greet, owner=dirk, quarter=quarter)
    view = queries.capacity_for(quarter)
    assert view.gross == Decimal(30)
    assert view.running_days == Decimal(8)
    assert view.free == Decimal(22)
    # Half the milestones done: half the effort still to go.
    for title in ("Design", "Pilot"):
        services.add_milestone(project, title=title, due=TODAY())
    services.tick_milestone(Milestone.objects.get(title="Design"), done=True)
    assert queries.capacity_for(quarter).free == Decimal(26)
    # Another quarter is not affected; a bad quarter is refused.
    assert queries.capacity_for(quarters.following(quarter)).running_days == 0
    with pytest.raises(services.IntakeError):
        services.save_capacity(quarter="2027Q1", people=Decimal(1), days_per_person=Decimal(1))


def test_decline_tells_the_requester_in_their_language(
    lena: Person, dirk: Person, greet: Person, django_capture_on_commit_callbacks: Any
) -> None:
    assert lena.language == "nl"
    request = scored(lena, dirk)
    with django_capture_on_commit_callbacks(execute=True):
        services.decline(request, by=greet, reason="Past niet in de strategie van dit jaar.")
    assert request.status == Request.Status.DECLINED
    note = Notification.objects.get(person=lena)
    assert "Past niet in de strategie van dit jaar." in note.body
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [lena.email]
    assert "Past niet in de strategie van dit jaar." in str(mail.outbox[0].body)
    event = request.events.get(kind=Event.Kind.DECLINED)
    assert event.by == greet and event.note.startswith("Past niet")


def test_notice_text_is_rendered_in_the_requester_language(
    mira: Person, dirk: Person, greet: Person, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Greet (Dutch) declines; Mira (French) gets the notice: it is written while French
    # is the active language, and the reason is kept as written.
    from django.utils import translation

    from leerpad.intake import notices

    seen: list[str | None] = []
    original = notices._texts

    def spy(request: Request, event: Event) -> tuple[str, str]:
        seen.append(translation.get_language())
        return original(request, event)

    monkeypatch.setattr(notices, "_texts", spy)
    request = scored(mira, dirk, title="Formation caisse")
    with translation.override("nl"):
        services.decline(request, by=greet, reason="Pas cette année.")
    assert seen == ["fr"]
    note = Notification.objects.get(person=mira)
    assert "Formation caisse" in note.title
    assert note.body.endswith("Pas cette année.")


def test_decisions_need_reasons_and_a_future_revisit_date(
    lena: Person, dirk: Person, greet: Person
) -> None:
    request = scored(lena, dirk)
    with pytest.raises(services.IntakeError):
        services.decline(request, by=greet, reason="  ")
    with pytest.raises(services.IntakeError):
        services.park(request, by=greet, reason="Later", revisit_on=TODAY())
    with pytest.raises(services.IntakeError):
        services.park(request, by=greet, reason=" ", revisit_on=TODAY() + dt.timedelta(days=3))
    assert Request.objects.get(pk=request.pk).status == Request.Status.SCORED


def test_park_then_scheduler_brings_it_back_once(
    lena: Person, dirk: Person, greet: Person, ada: Person
) -> None:
    request = scored(lena, dirk)
    revisit = TODAY() + dt.timedelta(days=10)
    services.park(request, by=greet, reason="Wait for the new tills", revisit_on=revisit)
    assert Notification.objects.filter(person=lena).count() == 1
    assert services.bring_back_due(revisit - dt.timedelta(days=1)) == 0
    assert services.bring_back_due(revisit) == 1
    request.refresh_from_db()
    assert request.status == Request.Status.REVIEW
    assert request.events.filter(kind=Event.Kind.REVISIT).count() == 1
    # The managers (greet) are told, the requester too; not the admin nor the scorer.
    assert Notification.objects.filter(person=greet).count() == 1
    assert Notification.objects.filter(person=lena).count() == 2
    assert not Notification.objects.filter(person__in=[ada, dirk]).exists()
    # Idempotent: the next tick does nothing.
    assert services.bring_back_due(revisit + dt.timedelta(days=1)) == 0


def test_scheduler_tick_queues_the_revisit(lena: Person, dirk: Person, greet: Person) -> None:
    from leerpad.core.signals import periodic

    request = scored(lena, dirk)
    services.park(request, by=greet, reason="later", revisit_on=TODAY() + dt.timedelta(days=1))
    Request.objects.filter(pk=request.pk).update(revisit_on=TODAY())
    periodic.send(sender=None, now=timezone.now())
    assert Request.objects.get(pk=request.pk).status == Request.Status.REVIEW


def test_accept_makes_a_project_and_reopen_undoes_it(
    lena: Person, dirk: Person, greet: Person
) -> None:
    request = scored(lena, dirk)
    project = services.accept(request, by=greet, owner=dirk, quarter="2027-Q1")
    assert project.effort_days == request.effort_days
    assert request.status == Request.Status.ACCEPTED
    with pytest.raises(services.IntakeError):
        services.park(request, by=greet, reason="x", revisit_on=TODAY() + dt.timedelta(days=2))
    services.reopen(request, by=greet)
    assert request.status == Request.Status.SCORED
    assert not Project.objects.filter(pk=project.pk).exists()
    kinds = list(request.events.values_list("kind", flat=True))
    assert kinds == ["submitted", "scored", "accepted", "reopened"]
    # Every decision told the requester.
    assert Notification.objects.filter(person=lena).count() == 2


def test_accept_needs_a_score(lena: Person, greet: Person) -> None:
    with pytest.raises(services.IntakeError):
        services.accept(submit(lena), by=greet, owner=None, quarter="2027-Q1")


def test_close_project_finishes_the_request(lena: Person, dirk: Person, greet: Person) -> None:
    request = scored(lena, dirk)
    project = services.accept(request, by=greet, owner=dirk, quarter="2027-Q1")
    services.close_project(project, by=dirk)
    request.refresh_from_db()
    assert request.status == Request.Status.DONE
    assert queries.remaining_effort(project) == 0


def _plan_world(lena: Person, dirk: Person, greet: Person) -> tuple[str, dict[str, Request]]:
    """Free 10 days; values (weights 1/1/1) 12, 9, 9 with efforts 6, 5, 5: the optimum is
    B + C (18); greedy by score would take A (12)."""
    quarter = quarters.of(TODAY())
    services.save_capacity(quarter=quarter, people=Decimal(2), days_per_person=Decimal(5))
    made = {
        "A": scored(lena, dirk, "A", value=5, urgency=5, risk=2, effort="6"),
        "B": scored(lena, dirk, "B", value=5, urgency=2, risk=2, effort="5"),
        "C": scored(lena, dirk, "C", value=3, urgency=3, risk=3, effort="5"),
    }
    return quarter, made


def test_plan_for_a_quarter_and_accepting_it(lena: Person, dirk: Person, greet: Person) -> None:
    quarter, made = _plan_world(lena, dirk, greet)
    submit(lena, "Not scored")  # not plannable
    view = queries.plan_for(quarter)
    assert view.plan is not None
    assert view.plan.solution.chosen == {made["B"].pk, made["C"].pk}
    assert view.plan.greedy.chosen == {made["A"].pk}
    assert len(view.rows) == 3
    with pytest.raises(services.IntakeError):
        services.accept_plan(quarter, by=greet, expected={made["A"].pk})
    projects = services.accept_plan(
        quarter, by=greet, expected={made["B"].pk, made["C"].pk}, owner=greet
    )
    assert {p.request_id for p in projects} == {made["B"].pk, made["C"].pk}
    assert Request.objects.get(pk=made["A"].pk).status == Request.Status.SCORED
    # The accepted work now takes the quarter's capacity.
    assert queries.capacity_for(quarter).free == 0
    assert queries.plan_for(quarter).plan is not None


def test_pins_are_stored_and_change_the_plan(lena: Person, dirk: Person, greet: Person) -> None:
    quarter, made = _plan_world(lena, dirk, greet)
    services.set_pin(made["A"], Request.Pin.IN)
    view = queries.plan_for(quarter)
    assert view.plan is not None and view.plan.solution.chosen == {made["A"].pk}
    with pytest.raises(services.IntakeError):
        services.set_pin(made["A"], "maybe")


def test_weights_change_the_plan(lena: Person, dirk: Person, greet: Person) -> None:
    quarter, made = _plan_world(lena, dirk, greet)
    # Only urgency counts: A 5, B 2, C 3 -> best within 10 days: A alone 5 vs B+C 5: tie,
    # fewer days (A, 6) wins.
    services.save_weights(by=greet, value=Decimal(0), urgency=Decimal(1), risk=Decimal(0))
    view = queries.plan_for(quarter)
    assert view.plan is not None and view.plan.solution.chosen == {made["A"].pk}
    assert Weights.current().urgency == 1


def test_no_capacity_means_nothing_fits(lena: Person, dirk: Person) -> None:
    scored(lena, dirk)
    view = queries.plan_for("2030-Q1")
    assert view.capacity.free == 0
    assert view.plan is not None and view.plan.solution.chosen == frozenset()


def test_board_columns_and_filters(
    lena: Person, dirk: Person, greet: Person, make_person: Callable[..., Person]
) -> None:
    submit(lena, "Fresh")
    parked = scored(lena, dirk, "Parked one")
    services.park(parked, by=greet, reason="r", revisit_on=TODAY() + dt.timedelta(days=5))
    sponsored = services.submit(
        by=lena,
        title="Sponsored",
        problem="p",
        audience="a",
        outcome="o",
        sponsor_name="Jan Peeters",
    )
    accepted = scored(lena, dirk, "Accepted one")
    services.accept(accepted, by=greet, owner=None, quarter="2027-Q2")
    columns = {c.key: c for c in queries.board()}
    assert columns["new"].count == 2
    assert columns["parked"].cards == [parked]
    assert columns["accepted"].count == 1
    by_sponsor = {c.key: c for c in queries.board(sponsor="peeters")}
    assert by_sponsor["new"].cards == [sponsored]
    assert by_sponsor["accepted"].count == 0
    other_quarter = {c.key: c for c in queries.board(quarter="2027-Q3")}
    assert other_quarter["accepted"].count == 0
    assert other_quarter["new"].count == 2


def test_tile_counts(lena: Person, dirk: Person, greet: Person) -> None:
    submit(lena, "one")
    submit(lena, "two")
    soon = scored(lena, dirk, "soon")
    services.park(soon, by=greet, reason="r", revisit_on=TODAY() + dt.timedelta(days=14))
    later = scored(lena, dirk, "later")
    services.park(later, by=greet, reason="r", revisit_on=TODAY() + dt.timedelta(days=15))
    counts = queries.tile_counts()
    assert (counts.new, counts.unscored, counts.coming_back) == (2, 2, 1)


def _erase(person: Person, *, dry_run: bool) -> dict[str, int]:
    from leerpad.privacy.signals import erase_personal_data

    for _receiver, response in erase_personal_data.send(
        sender=None, person=person, dry_run=dry_run
    ):
        section, counts = cast(tuple[str, dict[str, int]], response)
        if section == "intake":
            return counts
    raise AssertionError("intake did not answer the erasure")


def test_erasure_unlinks_the_person_and_keeps_the_texts(
    lena: Person, dirk: Person, greet: Person
) -> None:
    request = scored(lena, dirk)
    services.decline(request, by=greet, reason="Not now")
    assert _erase(lena, dry_run=True)["requests_unlinked"] == 1
    assert Request.objects.get(pk=request.pk).requester == lena  # dry run changes nothing
    greet_counts = _erase(greet, dry_run=False)
    assert greet_counts["decisions_and_steps_unlinked"] == 1
    assert _erase(dirk, dry_run=False)["scores_unlinked"] == 1
    assert _erase(lena, dry_run=False)["requests_unlinked"] == 1
    request.refresh_from_db()
    assert request.requester is None
    assert request.problem == "Queues at the tills on Saturdays."
    assert request.scored_by is None and request.value == 5
    declined = request.events.get(kind=Event.Kind.DECLINED)
    assert declined.by is None and declined.note == "Not now"
    assert _erase(lena, dry_run=True)["requests_unlinked"] == 0
