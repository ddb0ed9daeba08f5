"""`leerpad paths rebuild-progress` / `leerpad paths send-reminders`.

rebuild-progress  rebuild the index of completions from the LRS (after a restore, or to
                  repair it), then re-evaluate every enrolment that is not left.
send-reminders    mail the reminders learners asked for that are due now (run it from
                  cron, hourly for instance; running it more often sends nothing twice).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from leerpad.paths import completions, services, tasks
from leerpad.paths.models import Enrolment


class Command(BaseCommand):
    help = "Learning paths: rebuild progress from the learning record, send reminders."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        actions.add_parser(
            "rebuild-progress",
            help="Rebuild the completion index from the LRS and re-evaluate enrolments.",
        )
        actions.add_parser("send-reminders", help="Send the reminders that are due now.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "rebuild-progress":
            rows = completions.rebuild()
            people = set(
                Enrolment.objects.exclude(status=Enrolment.Status.LEFT).values_list(
                    "person_id", flat=True
                )
            )
            services.refresh_enrolments({person_id: set() for person_id in people})
            self.stdout.write(
                _("Indexed %(rows)s completions; re-evaluated the paths of %(people)s people.")
                % {"rows": rows, "people": len(people)}
            )
        else:
            sent = tasks.send_reminders()
            self.stdout.write(_("Sent %(count)s reminders.") % {"count": sent})
