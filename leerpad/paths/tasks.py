"""Background work of the paths app: the reminders learners asked for.

`send_reminders(now)` is run by `leerpad paths send-reminders` (from cron, say hourly) or
queued as the `send_due_reminders` task. It mails each learner whose active enrolment has
a reminder due, in the learner's own language, and moves the reminder on to the next
moment in its rhythm. Paused, left and completed enrolments never get one (pausing,
leaving and completing clear `next_reminder_at`, and only active enrolments are read).

Running it twice, or in two processes at once, sends each reminder once: a reminder is
claimed by moving `next_reminder_at` on with a conditional update before the mail goes
out; if the mail fails, the claim is undone so the next run tries again.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django_tasks import task

from leerpad.core.links import absolute_url
from leerpad.core.logging import get_logger
from leerpad.paths import queries, services
from leerpad.paths.models import Enrolment

log = get_logger(__name__)

# Reminders handled per run; a larger backlog is taken by the next run.
BATCH = 500


def reminder_message(enrolment: Enrolment) -> tuple[str, str]:
    """The subject and text of a reminder, in the learner's language."""
    person = enrolment.person
    progress = queries.progress_of(person.pk, [enrolment])[0]
    with translation.override(person.language or settings.LANGUAGE_CODE):
        next_step = progress.next_step
        context = {
            "person": person,
            "title": enrolment.version.title(),
            "plan": progress.plan,
            "steps_done": progress.steps_done,
            "next_step": next_step.title() if next_step else "",
            "target_date": enrolment.target_date,
            "path_url": absolute_url(enrolment.path.get_absolute_url()),
            "reminder": enrolment.reminder,
        }
        subject = render_to_string("paths/email/reminder_subject.txt", context)
        body = render_to_string("paths/email/reminder.txt", context)
    return " ".join(subject.split()), body


def send_reminders(now: dt.datetime | None = None) -> int:
    """Send the reminders due at `now`; returns how many were sent."""
    now = now or timezone.now()
    due = list(
        Enrolment.objects.filter(
            status=Enrolment.Status.ACTIVE,
            next_reminder_at__lte=now,
            person__is_active=True,
        )
        .exclude(reminder="")
        .select_related("person", "path", "version__path")
        .order_by("next_reminder_at")[:BATCH]
    )
    sent = 0
    for enrolment in due:
        was = enrolment.next_reminder_at
        following = services.schedule_after(enrolment, now)
        claimed = Enrolment.objects.filter(
            pk=enrolment.pk, status=Enrolment.Status.ACTIVE, next_reminder_at=was
        ).update(next_reminder_at=following)
        if not claimed:
            continue  # another run sent it, or the learner changed something meanwhile
        try:
            subject, body = reminder_message(enrolment)
            send_mail(subject, body, None, [enrolment.person.email])
        except Exception:
            log.exception("paths.reminder_failed", enrolment_id=enrolment.pk)
            Enrolment.objects.filter(pk=enrolment.pk, next_reminder_at=following).update(
                next_reminder_at=was
            )
            continue
        sent += 1
    if sent:
        log.info("paths.reminders_sent", count=sent)
    return sent


@task()
def send_due_reminders() -> int:
    return send_reminders(timezone.now())
