"""The scheduler's tick reaches the apps' periodic receivers; a failing one does not stop
the others."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from leerpad.core.management.commands.scheduler import tick
from leerpad.core.signals import periodic
from leerpad.paths.models import Enrolment
from leerpad.paths.services import enrol
from leerpad.paths.tests.learner_helpers import article, make_path


def test_a_failing_receiver_does_not_stop_the_others(db: None) -> None:
    calls: list[str] = []

    def broken(**_: Any) -> None:
        raise RuntimeError("boom")

    def fine(**_: Any) -> None:
        calls.append("fine")

    periodic.connect(broken, dispatch_uid="test.broken")
    periodic.connect(fine, dispatch_uid="test.fine")
    try:
        ok = tick()
    finally:
        periodic.disconnect(dispatch_uid="test.broken")
        periodic.disconnect(dispatch_uid="test.fine")
    assert calls == ["fine"]
    assert ok >= 1


@pytest.mark.django_db
def test_scheduler_once_sends_due_reminders(lena: Any) -> None:
    path = make_path("welkom", [{"item": article()}])
    enrolment = enrol(lena, path)
    Enrolment.objects.filter(pk=enrolment.pk).update(
        reminder=Enrolment.Reminder.WEEKLY, next_reminder_at=timezone.now() - dt.timedelta(hours=1)
    )
    call_command("scheduler", "--once")
    assert [m.to for m in mail.outbox] == [[lena.email]]
    call_command("scheduler", "--once")
    assert len(mail.outbox) == 1  # not due again before next week
