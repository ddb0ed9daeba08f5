"""In-app notifications of safe voice: "a pulse opened" and, two days before it closes, a
reminder. Each is written in the reader's own language.

Both go to **everyone** in the space's audience, answered or not, on purpose: a list of who
was told (the notifications table, someone's bell) must never tell who answered. That is why
the reminder says "if you have not answered yet" instead of being sent only to those who
have not: voice does not know who answered without recomputing ballot tokens, and must not
write the answer down elsewhere (docs/voice.md).

The rows are made with `campaigns.services.notify_many`, one bulk insert: a location's
audience can be thousands of people, and the texts are rendered once per language.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _

from leerpad.campaigns.services import notify_many
from leerpad.voice.models import Pulse

# The reminder goes out this many days before the closing date (the last day to answer).
REMINDER_DAYS = 2


def _date(value: dt.date) -> str:
    """The date as the active language writes it (27 november 2026, 27 novembre 2026...)."""
    return formats.date_format(value, "DATE_FORMAT")


def opened_texts(pulse: Pulse) -> tuple[str, str, str]:
    """Title, text and link text of "a pulse opened"; call with the reader's language on."""
    names = {"pulse": pulse.title, "space": pulse.space.title}
    title = _("New pulse survey in “%(space)s”: %(pulse)s") % names
    if pulse.closes_on:
        when = _("Answer before the end of %(date)s.") % {"date": _date(pulse.closes_on)}
    else:
        when = _("It stays open until the facilitator closes it.")
    body = " ".join(
        [
            when,
            _("It takes a minute. Your answer is stored without your name."),
        ]
    )
    return title, body, _("Answer the pulse")


def reminder_texts(pulse: Pulse) -> tuple[str, str, str]:
    """Title, text and link text of the reminder; call with the reader's language on."""
    if pulse.closes_on is None:  # reminders exist only for pulses with a closing date
        raise ValueError("A pulse without a closing date has no reminder.")
    date = _date(pulse.closes_on)
    names = {"pulse": pulse.title, "space": pulse.space.title, "date": date}
    title = _("Reminder: the pulse “%(pulse)s” in “%(space)s” closes on %(date)s") % names
    body = " ".join(
        [
            _("If you have not answered yet, you can still answer until the end of %(date)s.")
            % {"date": date},
            _(
                "Everyone in the space gets this reminder, whether they answered or not: "
                "it says nothing about you. If you already answered, thank you: there is "
                "nothing more to do."
            ),
        ]
    )
    return title, body, _("Answer the pulse")


def send(pulse: Pulse, people: Iterable[tuple[int, str]], *, reminder: bool) -> int:
    """Notify `people` (person id, language) about `pulse`; returns how many were made.

    Runs inside the caller's transaction (opening the pulse, claiming the reminder): the
    notices exist exactly when the pulse opened or the reminder was claimed.
    """
    return notify_many(
        people,
        lambda: reminder_texts(pulse) if reminder else opened_texts(pulse),
        link=reverse("voice:pulse", args=[pulse.pk]),
    )
