"""`leerpad skills import-esco DIR_OR_FILES… [--languages nl,fr,en] [--occupation URI=Role]…`

Imports ESCO skills from the CSV files of the ESCO download (a folder, a zip, or single
files): names in each language, other names, descriptions, broader skills, and, for each
`--occupation`, the occupation's essential and optional skills as the job role's profile.
Everything or nothing: a file that cannot be read stops the import with status 1 and
changes nothing. `--dry-run` shows what would change. Details: docs/skills.md.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import IntegrityError
from django.utils.translation import gettext as _

from leerpad.accounts.models import Person
from leerpad.skills import esco, services


class Command(BaseCommand):
    help = "Skills: import the ESCO classification from its CSV files."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        imp = actions.add_parser(
            "import-esco",
            help="Import ESCO skills from CSV files, a folder or a zip of the ESCO download.",
        )
        imp.add_argument("paths", nargs="+", type=Path, metavar="DIR_OR_FILE")
        imp.add_argument(
            "--languages",
            default="",
            help="Languages to import, e.g. nl,fr,en (default: those of the skills files).",
        )
        imp.add_argument(
            "--occupation",
            action="append",
            default=[],
            metavar="URI=JOB_ROLE",
            help="Fill a job role's profile from an ESCO occupation (may be repeated).",
        )
        imp.add_argument("--dry-run", action="store_true", help="Only show what would change.")
        imp.add_argument("--by", metavar="EMAIL", default="", help="Recorded as the importer.")

    def handle(self, *args: Any, **options: Any) -> None:
        by = self._person(options["by"])
        try:
            languages = esco.parse_languages(options["languages"]) or None
            occupations = esco.parse_occupation_mappings(options["occupation"])
            sources = esco.sources_from_paths(options["paths"])
            if options["dry_run"]:
                summary = esco.run(
                    sources, languages=languages, occupations=occupations, dry_run=True
                )
            else:
                _record, summary = services.import_esco_files(
                    sources, languages=languages, occupations=occupations, by=by
                )
        except esco.EscoError as exc:
            raise CommandError(_("Nothing was imported: %(error)s") % {"error": exc}) from None
        except IntegrityError:
            raise CommandError(
                _("Someone changed the same skills while the import ran; nothing was imported.")
            ) from None
        self._report(summary)
        if options["dry_run"]:
            self.stdout.write(_("Dry run: nothing was changed."))

    def _person(self, email: str) -> Person | None:
        if not email:
            return None
        person = Person.objects.filter(email__iexact=email).first()
        if person is None:
            raise CommandError(_("No one has the e-mail address %(email)s.") % {"email": email})
        return person

    def _report(self, summary: esco.Summary) -> None:
        for message in summary.messages:
            self.stderr.write(message)
        if summary.errors > len(summary.messages):
            self.stderr.write(
                _("… and %(count)s more rows with errors.")
                % {"count": summary.errors - len(summary.messages)}
            )
        self.stdout.write(_("Files read: %(files)s") % {"files": ", ".join(summary.files) or "—"})
        if summary.ignored:
            self.stdout.write(
                _("Files left out: %(files)s") % {"files": ", ".join(summary.ignored)}
            )
        for line in summary.occupations.values():
            self.stdout.write(_("Occupation: %(line)s") % {"line": line})
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Skills: %(created)s new, %(updated)s updated, %(unchanged)s unchanged, "
                    "%(errors)s rows with errors, %(skipped)s rows skipped. Broader skills "
                    "set: %(broader_set)s. Role profile lines added: %(role_skills_created)s."
                )
                % summary.as_dict()
            )
        )
