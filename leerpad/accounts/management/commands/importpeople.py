"""`leerpad importpeople FILE [--apply]`: import people from a CSV export of an HR system.

Without --apply it is a dry run: it prints what would change and every error per line,
and changes nothing. The file format is described in `leerpad.accounts.people_import`.
Exits with status 1 when the file has errors (nothing is imported then).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from leerpad.accounts import people_import as importer
from leerpad.accounts.models import PeopleImport, Person


class Command(BaseCommand):
    help = (
        "Import people from a CSV export of an HR system (create or update by employee "
        "number). Without --apply only shows what would change."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="The CSV file (UTF-8 or Windows-1252).")
        parser.add_argument(
            "--apply", action="store_true", help="Apply the import (all rows or none)."
        )
        parser.add_argument(
            "--by", metavar="EMAIL", default="", help="The admin recorded as the uploader."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        by = self._person(options["by"])
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(
                _("Cannot read %(file)s: %(error)s") % {"file": path, "error": exc.strerror}
            ) from None
        try:
            text = importer.decode(data)
        except importer.InvalidFile as exc:
            raise CommandError(str(exc)) from None
        plan = importer.make_plan(importer.parse_text(text), by=by)
        if plan.file_errors:
            raise CommandError(" ".join(plan.file_errors))
        self._report(plan, int(options["verbosity"]))
        if not plan.is_valid:
            raise CommandError(_("The file has errors, so nothing was imported."))
        if not options["apply"]:
            self.stdout.write(_("Dry run: nothing was changed. Add --apply to import."))
            return
        try:
            with transaction.atomic():
                record = PeopleImport.objects.create(
                    filename=path.name[:255], content=text, uploaded_by=by
                )
                plan = importer.apply(record, by=by)
        except importer.ImportRefused as exc:
            if exc.plan is not None:
                self._report(exc.plan, int(options["verbosity"]))
            raise CommandError(str(exc)) from None
        except IntegrityError:
            raise CommandError(
                _("Someone changed the same people while the import ran; nothing was imported.")
            ) from None
        counts = plan.counts()
        self.stdout.write(
            self.style.SUCCESS(
                _("Imported: %(create)s new, %(update)s updated, %(unchanged)s unchanged.") % counts
            )
        )

    def _person(self, email: str) -> Person | None:
        if not email:
            return None
        person = Person.objects.filter(email__iexact=email).first()
        if person is None:
            raise CommandError(_("No one has the e-mail address %(email)s.") % {"email": email})
        return person

    def _report(self, plan: importer.Plan, verbosity: int) -> None:
        for warning in plan.warnings:
            self.stderr.write(self.style.WARNING(warning))
        counts = plan.counts()
        self.stdout.write(
            _(
                "%(rows)s rows: %(create)s new, %(update)s to update, %(unchanged)s unchanged, "
                "%(error)s with errors."
            )
            % counts
        )
        for label, names in (
            (_("New job roles"), plan.new_job_roles),
            (_("New locations"), plan.new_locations),
            (_("New teams"), plan.new_teams),
        ):
            if names:
                self.stdout.write(f"{label}: {', '.join(names)}")
        for row in plan.rows:
            if row.errors:
                for row_error in row.errors:
                    self.stderr.write(
                        _("line %(line)s: %(error)s") % {"line": row.line, "error": row_error}
                    )
            elif verbosity >= 2 and row.action is importer.Action.CREATE:
                self.stdout.write(
                    _("line %(line)s: new: %(number)s %(name)s")
                    % {"line": row.line, "number": row.employee_number, "name": row.name}
                )
            elif verbosity >= 2 and row.action is importer.Action.UPDATE:
                changes = ", ".join(f"{c.column}: {c.old!r} → {c.new!r}" for c in row.changes)
                self.stdout.write(
                    _("line %(line)s: update %(number)s: %(changes)s")
                    % {"line": row.line, "number": row.employee_number, "changes": changes}
                )
