"""`leerpad importcatalog FILE [--dry-run] [--by EMAIL]`: bulk import into the catalogue.

Prints one line per row (create, update, unchanged, or its errors). With --dry-run it
changes nothing. The import is all or nothing: when any row has an error, nothing is
imported and the command exits with status 1. Format: docs/catalog-import.md.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import IntegrityError
from django.utils import timezone
from django.utils.translation import gettext as _

from leerpad.accounts.models import Person
from leerpad.catalog import importing
from leerpad.catalog.models import CatalogImport


class Command(BaseCommand):
    help = (
        "Import catalogue items from a JSON or CSV file (create or update by external_id). "
        "All rows or none."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="The JSON or CSV file (UTF-8).")
        parser.add_argument("--dry-run", action="store_true", help="Only show what would change.")
        parser.add_argument(
            "--by", metavar="EMAIL", default="", help="The person recorded as the importer."
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
        if options["dry_run"]:
            plan = importing.preview(data, path.name)
            self._report(plan)
            if not plan.is_valid:
                raise CommandError(_("The file has errors, so nothing would be imported."))
            self.stdout.write(_("Dry run: nothing was changed."))
            return
        try:
            plan = importing.apply(data, path.name, by=by)
        except importing.ImportRefused as exc:
            self._report(exc.plan)
            raise CommandError(str(exc)) from None
        except IntegrityError:
            raise CommandError(
                _("Someone changed the same items while the import ran; nothing was imported.")
            ) from None
        self._report(plan)
        CatalogImport.objects.create(
            filename=path.name[:255],
            content=data,
            source=CatalogImport.Source.COMMAND,
            uploaded_by=by,
            applied_at=timezone.now(),
            counts=plan.counts(),
        )
        self.stdout.write(
            self.style.SUCCESS(
                _("Imported: %(create)s new, %(update)s updated, %(unchanged)s unchanged.")
                % plan.counts()
            )
        )

    def _person(self, email: str) -> Person | None:
        if not email:
            return None
        person = Person.objects.filter(email__iexact=email).first()
        if person is None:
            raise CommandError(_("No one has the e-mail address %(email)s.") % {"email": email})
        return person

    def _report(self, plan: importing.Plan) -> None:
        for error in plan.errors:
            self.stderr.write(error)
        for row in plan.rows:
            label = row.external_id or "—"
            if row.errors:
                for error in row.errors:
                    self.stderr.write(
                        _("row %(row)s (%(id)s): error: %(error)s")
                        % {"row": row.number, "id": label, "error": error}
                    )
            elif row.action == "update":
                self.stdout.write(
                    _("row %(row)s (%(id)s): update: %(fields)s")
                    % {"row": row.number, "id": label, "fields": ", ".join(row.changes)}
                )
            else:
                self.stdout.write(
                    _("row %(row)s (%(id)s): %(action)s")
                    % {"row": row.number, "id": label, "action": row.action}
                )
        if plan.rows:
            self.stdout.write(
                _(
                    "%(create)s new, %(update)s to update, %(unchanged)s unchanged, "
                    "%(error)s with errors."
                )
                % plan.counts()
            )
