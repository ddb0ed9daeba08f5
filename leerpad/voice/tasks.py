"""Background work of safe voice, queued by every scheduler tick (`receivers.py`): the
reminder two days before a pulse closes, and ballots for people who joined an audience
while its pulse runs. Both are idempotent: a reminder is claimed once
(`Pulse.reminder_sent_on`), and a ballot is added only for someone who has none."""

from __future__ import annotations

from django_tasks import task

from leerpad.core.logging import get_logger
from leerpad.voice import services

log = get_logger(__name__)


@task()
def pulse_upkeep() -> dict[str, int]:
    ballots = services.top_up_open_pulses()
    reminded = services.send_reminders()
    if ballots or reminded:
        # Counts only: never who got a ballot (that would say who joined late).
        log.info("voice.pulse_upkeep", ballots=ballots, reminded=reminded)
    return {"ballots": ballots, "reminded": reminded}
