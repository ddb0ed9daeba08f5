"""The learner's and coach's writes: enrol, pause, resume, leave, complete, invitations,
sign-offs, reminders, and the `leerpad paths` command."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from leerpad.accounts.models import Person
from leerpad.catalog.models import Registration
from leerpad.catalog.tracking import activity_id
from leerpad.core.access import Role
from leerpad.paths import queries, services, tasks, tracking
from leerpad.paths.models import Certificate, Completion, Enrolment, Invitation, SignOff, Step
from leerpad.paths.progress import State
from leerpad.paths.tests.learner_helpers import (
    Capture,
    article,
    complete,
    make_path,
    package,
    session_item,
    skill,
    statements,
    steps_of,
)
from leerpad.skills.models import SkillEvidence

pytestmark = pytest.mark.django_db


def state_of(person: Person, step: Step) -> State:
    enrolment = Enrolment.objects.get(person=person, path__versions=step.version_id)
    status = queries.plan_for(person.pk, enrolment.version).status_of(step.pk)
    assert status is not None
    return status.state


# --- enrolling -----------------------------------------------------------------------------


def test_enrol_records_registered_once_even_when_asked_twice(lena: Person) -> None:
    path = make_path("welkom", [{"item": article()}])
    first = services.enrol(lena, path)
    again = services.enrol(lena, path)
    assert first.pk == again.pk and Enrolment.objects.count() == 1
    assert first.status == Enrolment.Status.ACTIVE and first.version == path.current
    registered = statements(tracking.REGISTERED)
    assert len(registered) == 1
    assert registered[0]["object"]["id"] == tracking.path_iri("welkom")
    assert registered[0]["context"]["registration"] == str(first.registration)


def test_only_published_open_paths_take_enrolments(lena: Person) -> None:
    draft = make_path("klad", [{"item": article()}], published=False)
    with pytest.raises(services.PathError):
        services.enrol(lena, draft)
    archived = make_path("oud", [{"item": article("Oud")}])
    archived.is_archived = True
    archived.save()
    with pytest.raises(services.PathError):
        services.enrol(lena, archived)
    assert not Enrolment.objects.exists()


def test_pause_resume_leave_and_enrol_again(
    lena: Person, django_capture_on_commit_callbacks: Capture
) -> None:
    first = article("Eerste")
    path = make_path("ritme", [{"item": first}, {"item": article("Tweede")}])
    enrolment = services.enrol(lena, path)
    complete(django_capture_on_commit_callbacks, lena, activity_id(first))

    services.pause(enrolment)
    assert enrolment.status == Enrolment.Status.PAUSED
    with pytest.raises(services.PathError):
        services.pause(enrolment)
    services.resume(enrolment)
    assert enrolment.status == Enrolment.Status.ACTIVE
    with pytest.raises(services.PathError):
        services.resume(enrolment)
    services.leave(enrolment)
    assert enrolment.status == Enrolment.Status.LEFT
    with pytest.raises(services.PathError):
        services.leave(enrolment)

    back = services.enrol(lena, path)
    assert back.pk == enrolment.pk and back.status == Enrolment.Status.ACTIVE
    assert back.registration == enrolment.registration
    # What was done before leaving still counts.
    assert state_of(lena, steps_of(path)[0]) == State.DONE
    assert len(statements(tracking.SUSPENDED)) == 1
    assert len(statements(tracking.RESUMED)) == 1
    assert len(statements(tracking.EXITED)) == 1
    assert len(statements(tracking.REGISTERED)) == 2


def test_prior_learning_completes_the_path_at_enrolment(
    lena: Person, django_capture_on_commit_callbacks: Capture
) -> None:
    page = article()
    path = make_path("al-gedaan", [{"item": page}])
    complete(django_capture_on_commit_callbacks, lena, activity_id(page))
    enrolment = services.enrol(lena, path)
    assert enrolment.status == Enrolment.Status.COMPLETED
    assert Certificate.objects.filter(enrolment=enrolment).count() == 1


# --- completing ----------------------------------------------------------------------------


def test_completing_issues_one_certificate_and_skill_evidence(
    lena: Person, django_capture_on_commit_callbacks: Capture
) -> None:
    conversations = skill()
    first, second = article("Eerste"), article("Tweede")
    path = make_path(
        "gesprekken",
        [{"item": first}, {"item": second}],
        titles={"nl": "Goede gesprekken", "en": "Good conversations"},
        skills=[(conversations, 3)],
    )
    enrolment = services.enrol(lena, path)
    one, two = steps_of(path)
    with django_capture_on_commit_callbacks(execute=True):
        statement_id = services.mark_item_done(
            enrolment, queries.step_of(enrolment.version, one.uid)
        )
    assert statement_id is not None
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.ACTIVE
    with django_capture_on_commit_callbacks(execute=True):
        services.mark_item_done(enrolment, queries.step_of(enrolment.version, two.uid))
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.COMPLETED and enrolment.completed_at is not None

    certificate = Certificate.objects.get(enrolment=enrolment)
    assert certificate.path_title == "Goede gesprekken"  # Lena's language is Dutch
    assert certificate.version_number == 1
    assert certificate.skills == [
        {"key": "klantgesprekken", "names": conversations.names, "level": 3}
    ]
    evidence = SkillEvidence.objects.get(person=lena)
    assert evidence.skill == conversations and evidence.level == 3
    assert evidence.source == SkillEvidence.Source.PATH
    path_completed = [
        s
        for s in statements(tracking.COMPLETED)
        if s["object"]["id"] == tracking.path_iri("gesprekken")
    ]
    assert len(path_completed) == 1

    # Statements arriving later change nothing: still one certificate, one path statement.
    complete(django_capture_on_commit_callbacks, lena, activity_id(first))
    services.refresh_enrolment(enrolment)
    assert Certificate.objects.count() == 1
    assert (
        len(
            [
                s
                for s in statements(tracking.COMPLETED)
                if s["object"]["id"] == tracking.path_iri("gesprekken")
            ]
        )
        == 1
    )


def test_mark_done_records_completed_with_the_registration(
    lena: Person, django_capture_on_commit_callbacks: Capture
) -> None:
    page = article()
    path = make_path("markeren", [{"item": page}, {"item": article("Nog")}])
    enrolment = services.enrol(lena, path)
    step = queries.step_of(enrolment.version, steps_of(path)[0].uid)
    with django_capture_on_commit_callbacks(execute=True):
        services.mark_item_done(enrolment, step)
    done = [s for s in statements(tracking.COMPLETED) if s["object"]["id"] == activity_id(page)]
    assert len(done) == 1
    context = done[0]["context"]
    assert context["registration"] == str(enrolment.registration)
    assert context["extensions"][tracking.EXT_STEP] == str(step.uid)
    assert context["contextActivities"]["grouping"][0]["id"] == tracking.path_iri("markeren")
    assert state_of(lena, step) == State.DONE
    # Done is done: no second statement.
    assert services.mark_item_done(enrolment, step) is None


def test_mark_done_refuses_locked_steps_packages_and_paused_paths(lena: Person) -> None:
    path = make_path(
        "regels",
        [
            {"item": article("Eerst")},
            {"item": article("Daarna"), "needs": [0]},
            {"item": package()},
        ],
    )
    enrolment = services.enrol(lena, path)
    first, locked, course = (queries.step_of(enrolment.version, s.uid) for s in steps_of(path))
    with pytest.raises(services.PathError, match="waits for other steps"):
        services.mark_item_done(enrolment, locked)
    with pytest.raises(services.PathError, match="package"):
        services.mark_item_done(enrolment, course)
    services.pause(enrolment)
    with pytest.raises(services.PathError, match="Resume"):
        services.mark_item_done(enrolment, first)
    assert not statements(tracking.COMPLETED)


# --- invitations ---------------------------------------------------------------------------


def test_a_coach_invites_a_coachee_with_a_reason_and_they_accept(lena: Person, cas: Person) -> None:
    path = make_path("coaching", [{"item": article()}])
    with pytest.raises(services.PathError, match="why"):
        services.invite(cas, lena, path, "   ")
    invitation = services.invite(cas, lena, path, "Je vroeg naar feedback geven.")
    assert invitation.reason == "Je vroeg naar feedback geven."
    with pytest.raises(services.PathError, match="open invitation"):
        services.invite(cas, lena, path, "Nog eens")
    assert [i.pk for i in queries.open_invitations(lena.pk)] == [invitation.pk]

    enrolment = services.accept_invitation(invitation, lena)
    invitation.refresh_from_db()
    assert enrolment.via == Enrolment.Via.INVITATION
    assert invitation.status == Invitation.Status.ACCEPTED and invitation.answered_at
    with pytest.raises(services.PathError, match="already follows"):
        services.invite(cas, lena, path, "Nog eens")
    with pytest.raises(services.PathError, match="answered"):
        services.accept_invitation(invitation, lena)


def test_who_may_invite_whom(
    make_person: Callable[..., Person], lena: Person, cas: Person, dirk: Person, mira: Person
) -> None:
    path = make_path("uitnodigen", [{"item": article()}])
    boss = make_person("Bart")
    lena.manager = boss
    lena.save(update_fields=["manager"])
    stranger = make_person("Sam")
    # A coach for coachees, a manager for reports, L&D for anyone; nobody else.
    services.invite(cas, lena, path, "Past bij je doelen.")
    Invitation.objects.all().delete()
    services.invite(boss, lena, path, "Voor je nieuwe rol.")
    services.invite(dirk, stranger, path, "Nieuw in het team.")
    with pytest.raises(services.PathError, match="coach or manage"):
        services.invite(cas, stranger, path, "Waarom niet")
    with pytest.raises(services.PathError, match="coach or manage"):
        services.invite(mira, stranger, path, "Waarom niet")
    with pytest.raises(services.PathError, match="coach or manage"):
        services.invite(lena, cas, path, "Waarom niet")


def test_declining_and_enrolling_yourself_answer_invitations(lena: Person, cas: Person) -> None:
    first = make_path("een", [{"item": article()}])
    second = make_path("twee", [{"item": article("Twee")}])
    declined = services.decline_invitation(services.invite(cas, lena, first, "Misschien?"), lena)
    assert declined.status == Invitation.Status.DECLINED
    with pytest.raises(services.PathError, match="not yours"):
        services.decline_invitation(services.invite(cas, lena, second, "Kijk eens"), cas)
    enrolment = services.enrol(lena, second)
    assert enrolment.via == Enrolment.Via.INVITATION
    assert Invitation.objects.get(path=second).status == Invitation.Status.ACCEPTED
    assert queries.open_invitations(lena.pk) == []


# --- sign-offs -----------------------------------------------------------------------------


def _assignment_path() -> Any:
    return make_path(
        "praktijk",
        [
            {
                "kind": Step.Kind.ASSIGNMENT,
                "titles": {"nl": "Voer een gesprek"},
                "instructions": {"nl": "Doe het."},
            }
        ],
    )


def test_a_coach_signs_off_an_assignment_as_the_instructor(
    lena: Person, cas: Person, django_capture_on_commit_callbacks: Capture
) -> None:
    path = _assignment_path()
    enrolment = services.enrol(lena, path)
    step = queries.step_of(enrolment.version, steps_of(path)[0].uid)
    with pytest.raises(services.PathError, match="what you did"):
        services.request_signoff(enrolment, step, "  ")
    signoff = services.request_signoff(enrolment, step, "Gesprek gevoerd met een klant.")
    with pytest.raises(services.PathError, match="already"):
        services.request_signoff(enrolment, step, "Nog eens")
    assert [row.signoff.pk for row in queries.signoff_requests(cas)] == [signoff.pk]

    with django_capture_on_commit_callbacks(execute=True):
        services.decide_signoff(signoff, cas, approve=True, comment="Mooi gedaan")
    signoff.refresh_from_db()
    assert signoff.status == SignOff.Status.SIGNED and signoff.coach == cas
    iri = tracking.assignment_iri("praktijk", step.uid)
    (statement,) = [s for s in statements(tracking.COMPLETED) if s["object"]["id"] == iri]
    assert statement["actor"]["account"]["name"] == str(lena.pk)
    assert statement["object"]["definition"]["type"] == tracking.ASSIGNMENT_TYPE
    assert statement["context"]["instructor"]["account"]["name"] == str(cas.pk)
    assert statement["context"]["registration"] == str(enrolment.registration)
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.COMPLETED
    assert queries.signoff_requests(cas) == []


def test_sending_back_needs_a_comment_and_only_the_coach_decides(
    lena: Person, cas: Person, make_person: Callable[..., Person]
) -> None:
    path = _assignment_path()
    enrolment = services.enrol(lena, path)
    step = queries.step_of(enrolment.version, steps_of(path)[0].uid)
    signoff = services.request_signoff(enrolment, step, "Gedaan.")
    other = make_person("Otto", Role.COACH)
    with pytest.raises(services.PathError, match="coach"):
        services.decide_signoff(signoff, other, approve=True)
    with pytest.raises(services.PathError, match="missing"):
        services.decide_signoff(signoff, cas, approve=False)
    services.decide_signoff(signoff, cas, approve=False, comment="Vertel ook hoe het liep.")
    signoff.refresh_from_db()
    assert signoff.status == SignOff.Status.RETURNED
    assert state_of(lena, step) == State.OPEN
    # Sent back: the learner can ask again.
    services.request_signoff(enrolment, step, "Nu met meer uitleg.")


def test_no_coach_no_signoff_request(make_person: Callable[..., Person]) -> None:
    alone = make_person("Ali")
    path = _assignment_path()
    enrolment = services.enrol(alone, path)
    with pytest.raises(services.PathError, match="no coach"):
        services.request_signoff(
            enrolment, queries.step_of(enrolment.version, steps_of(path)[0].uid), "Gedaan"
        )


def test_a_coach_confirms_attendance_at_a_past_session(
    lena: Person, cas: Person, django_capture_on_commit_callbacks: Capture
) -> None:
    training = session_item(days=-2)
    path = make_path("kassa", [{"kind": Step.Kind.SESSION, "item": training}])
    enrolment = services.enrol(lena, path)
    Registration.objects.create(
        session=training.sessions.get(), person=lena, state=Registration.State.REGISTERED
    )
    rows = queries.attendance_to_confirm(cas)
    assert [(r.enrolment.pk, r.step.pk) for r in rows] == [(enrolment.pk, steps_of(path)[0].pk)]
    with django_capture_on_commit_callbacks(execute=True):
        services.confirm_attendance(cas, enrolment, rows[0].step)
    (attended,) = statements(tracking.ATTENDED)
    assert attended["object"]["id"] == activity_id(training)
    assert attended["context"]["instructor"]["account"]["name"] == str(cas.pk)
    assert queries.attendance_to_confirm(cas) == []
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.COMPLETED


def test_future_sessions_are_not_offered_for_confirmation(lena: Person, cas: Person) -> None:
    training = session_item(days=3)
    path = make_path("later", [{"kind": Step.Kind.SESSION, "item": training}])
    services.enrol(lena, path)
    Registration.objects.create(
        session=training.sessions.get(), person=lena, state=Registration.State.REGISTERED
    )
    assert queries.attendance_to_confirm(cas) == []


# --- reminders -----------------------------------------------------------------------------


def _reminded(person: Person, key: str = "herinner") -> Enrolment:
    path = make_path(
        key,
        [{"item": article("Artikel over luisteren", minutes=50)}],
        titles={"nl": "Luisteren", "en": "Listening"},
    )
    enrolment = services.enrol(person, path)
    return services.set_reminders(enrolment, Enrolment.Reminder.WEEKLY, None, now=NOW)


NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def test_reminders_are_sent_once_in_the_learners_language_then_scheduled(lena: Person) -> None:
    enrolment = _reminded(lena)
    assert enrolment.next_reminder_at == NOW + dt.timedelta(days=7)
    assert tasks.send_reminders(NOW + dt.timedelta(days=6)) == 0
    due = NOW + dt.timedelta(days=7, minutes=5)
    assert tasks.send_reminders(due) == 1
    assert tasks.send_reminders(due) == 0  # idempotent
    (message,) = mail.outbox
    assert message.to == [lena.email]
    assert "Luisteren" in message.subject  # the path's Dutch title: Lena reads Dutch
    assert "Artikel over luisteren" in message.body and "/paths/herinner/" in message.body
    enrolment.refresh_from_db()
    assert enrolment.next_reminder_at == NOW + dt.timedelta(days=14)


def test_a_missed_run_sends_one_reminder_and_keeps_the_rhythm(lena: Person) -> None:
    enrolment = _reminded(lena)
    late = NOW + dt.timedelta(days=7 * 3 + 1)
    assert tasks.send_reminders(late) == 1
    enrolment.refresh_from_db()
    assert enrolment.next_reminder_at == NOW + dt.timedelta(days=28)


def test_no_reminders_when_paused_left_or_completed(
    lena: Person,
    cas: Person,
    make_person: Callable[..., Person],
    django_capture_on_commit_callbacks: Capture,
) -> None:
    services.pause(_reminded(lena, "pauze"))
    services.leave(_reminded(cas, "weg"))
    finisher = make_person("Fien")
    done = _reminded(finisher, "klaar")
    complete(django_capture_on_commit_callbacks, finisher, activity_id(steps_of(done.path)[0].item))  # type: ignore[arg-type]
    done.refresh_from_db()
    assert done.status == Enrolment.Status.COMPLETED
    assert tasks.send_reminders(NOW + dt.timedelta(days=30)) == 0
    assert mail.outbox == []


def test_resuming_starts_the_reminders_again(lena: Person) -> None:
    enrolment = services.pause(_reminded(lena))
    assert enrolment.next_reminder_at is None
    services.resume(enrolment)
    assert enrolment.next_reminder_at is not None
    assert enrolment.next_reminder_at > timezone.now()


def test_a_failed_mail_is_tried_again_next_run(
    lena: Person, monkeypatch: pytest.MonkeyPatch
) -> None:
    enrolment = _reminded(lena)
    due = enrolment.next_reminder_at

    def broken(*args: Any, **kwargs: Any) -> int:
        raise OSError("SMTP server gone")

    monkeypatch.setattr(tasks, "send_mail", broken)
    assert tasks.send_reminders(NOW + dt.timedelta(days=8)) == 0
    enrolment.refresh_from_db()
    assert enrolment.next_reminder_at == due
    monkeypatch.undo()
    assert tasks.send_reminders(NOW + dt.timedelta(days=8)) == 1


def test_reminder_choices_are_checked(lena: Person) -> None:
    enrolment = _reminded(lena)
    with pytest.raises(services.PathError):
        services.set_reminders(enrolment, "daily", None)
    with pytest.raises(services.PathError, match="past"):
        services.set_reminders(enrolment, "", timezone.localdate() - dt.timedelta(days=1))
    services.set_reminders(enrolment, "", timezone.localdate() + dt.timedelta(days=3))
    assert enrolment.next_reminder_at is None and enrolment.target_date is not None
    assert [row.enrolment.pk for row in queries.due_soon(lena.pk)] == [enrolment.pk]


# --- certificates and the command -----------------------------------------------------------


def test_revoking_a_certificate_needs_a_reason(
    lena: Person, django_capture_on_commit_callbacks: Capture
) -> None:
    page = article()
    path = make_path("intrekken", [{"item": page}])
    services.enrol(lena, path)
    complete(django_capture_on_commit_callbacks, lena, activity_id(page))
    certificate = Certificate.objects.get()
    with pytest.raises(services.PathError):
        services.revoke_certificate(certificate, " ")
    services.revoke_certificate(certificate, "Verkeerd uitgereikt")
    certificate.refresh_from_db()
    assert (
        certificate.revoked_at is not None and certificate.revoked_reason == "Verkeerd uitgereikt"
    )


def test_command_rebuilds_progress_and_sends_reminders(
    lena: Person, django_capture_on_commit_callbacks: Capture, capsys: pytest.CaptureFixture[str]
) -> None:
    page = article()
    path = make_path("herbouw", [{"item": page}, {"item": article("Twee")}])
    services.enrol(lena, path)
    complete(django_capture_on_commit_callbacks, lena, activity_id(page))
    assert Completion.objects.count() == 1
    Completion.objects.all().delete()
    call_command("paths", "rebuild-progress")
    assert Completion.objects.filter(person=lena, activity_iri=activity_id(page)).count() == 1
    call_command("paths", "send-reminders")
    out = capsys.readouterr().out
    assert "1 completions" in out and "Sent 0 reminders" in out


def test_a_batch_refreshes_only_the_enrolments_whose_step_activities_changed(
    lena: Person, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = article()
    path = make_path("snel", [{"item": first}])
    other = make_path("ander", [{"item": article()}])
    services.enrol(lena, path)
    services.enrol(lena, other)
    refreshed: list[str] = []
    real = services.refresh_enrolment

    def counting(enrolment: Enrolment, **kwargs: Any) -> Enrolment:
        refreshed.append(enrolment.path.key)
        return real(enrolment, **kwargs)

    monkeypatch.setattr(services, "refresh_enrolment", counting)
    services.refresh_enrolments({lena.pk: {"https://elsewhere.example/unrelated"}})
    assert refreshed == []  # nothing of either path changed: no plan can have changed
    services.refresh_enrolments({lena.pk: {activity_id(first)}})
    assert refreshed == ["snel"]
