"""Finding and reading the CSV files of the ESCO download: names, headers, rows.

Files are opened through a `Source` (a file on disk, a member of a zip, an upload kept in
the media storage) and read as streams of dictionaries, one row at a time, so a file of
any size is never held in memory. Problems a person must fix (not UTF-8, not CSV, a
column missing) raise `EscoError` with a message for them.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from django.utils.translation import gettext as _

BATCH = 500

SKILLS = "skills"
BROADER = "broader"
OCCUPATIONS = "occupations"
RELATIONS = "relations"
IGNORED = "ignored"

# ESCO file stem -> what Leerpad does with it.
_STEMS = {
    "skills": SKILLS,
    "broaderRelationsSkillPillar": BROADER,
    "occupations": OCCUPATIONS,
    "occupationSkillRelations": RELATIONS,
}
# Files of the ESCO download that Leerpad recognises and does not import.
_KNOWN_OTHERS = {
    "skillsHierarchy",
    "skillGroups",
    "skillSkillRelations",
    "ISCOGroups",
    "broaderRelationsOccPillar",
    "conceptSchemes",
    "digCompSkillsCollection",
    "digitalSkillsCollection",
    "greenSkillsCollection",
    "languageSkillsCollection",
    "researchOccupationsCollection",
    "researchSkillsCollection",
    "transversalSkillsCollection",
}
REQUIRED_COLUMNS = {
    SKILLS: (
        "conceptType",
        "conceptUri",
        "skillType",
        "preferredLabel",
        "altLabels",
        "status",
        "description",
    ),
    BROADER: ("conceptType", "conceptUri", "broaderType", "broaderUri"),
    OCCUPATIONS: ("conceptType", "conceptUri", "preferredLabel"),
    RELATIONS: ("occupationUri", "relationType", "skillUri"),
}
# Relation files are the same in every language: their suffix may be absent.
LANGUAGE_FREE = {BROADER, RELATIONS}
_NAME = re.compile(r"^(?P<stem>[A-Za-z]+?)(?:_(?P<lang>[A-Za-z]{2,3}(?:-[A-Za-z]{2,4})?))?$")


class EscoError(Exception):
    """The files cannot be imported; the message says why, for the operator."""


@dataclass(frozen=True)
class Source:
    """One CSV file to read: from disk, from a zip, or from an upload."""

    name: str  # the file's own name, e.g. skills_nl.csv
    label: str  # where it is, for messages
    opener: Callable[[], IO[bytes]]
    # Named by the operator (an error if unusable) or found in a folder (then skipped).
    explicit: bool = True


@dataclass(frozen=True)
class EscoFile:
    kind: str
    language: str
    source: Source


# --- finding the files ----------------------------------------------------------------------


def _disk_opener(path: Path) -> Callable[[], IO[bytes]]:
    return lambda: path.open("rb")


def _zip_opener(open_zip: Callable[[], IO[bytes]], member: str) -> Callable[[], IO[bytes]]:
    def opener() -> IO[bytes]:
        # The member stream keeps the archive's file open until it is closed itself.
        return zipfile.ZipFile(open_zip()).open(member)

    return opener


def sources_in_zip(
    open_zip: Callable[[], IO[bytes]], label: str, *, explicit: bool = False
) -> list[Source]:
    """The CSV files inside a zip (the ESCO download is one zip per language)."""
    try:
        with open_zip() as handle, zipfile.ZipFile(handle) as archive:
            members = [
                m.filename
                for m in archive.infolist()
                if not m.is_dir() and m.filename.lower().endswith(".csv")
            ]
    except zipfile.BadZipFile:
        raise EscoError(_("%(file)s is not a readable zip file.") % {"file": label}) from None
    return [
        Source(
            name=Path(member).name,
            label=f"{label}: {member}",
            opener=_zip_opener(open_zip, member),
            explicit=explicit,
        )
        for member in sorted(members)
    ]


def sources_from_paths(paths: Iterable[Path]) -> list[Source]:
    """Files named on the command line; a folder or zip stands for the CSV files in it."""
    found: list[Source] = []
    for path in paths:
        if path.is_dir():
            for file in sorted(path.rglob("*")):
                if file.is_file() and file.suffix.lower() == ".csv":
                    found.append(Source(file.name, str(file), _disk_opener(file), explicit=False))
        elif path.is_file() and path.suffix.lower() == ".zip":
            found.extend(sources_in_zip(_disk_opener(path), str(path)))
        elif path.is_file():
            found.append(Source(path.name, str(path), _disk_opener(path)))
        else:
            raise EscoError(_("%(path)s does not exist.") % {"path": path})
    return found


def classify(source: Source) -> tuple[str, str] | None:
    """(kind, language) from an ESCO file name, or None when it is not one."""
    stem = source.name[:-4] if source.name.lower().endswith(".csv") else ""
    match = _NAME.match(stem)
    if not match:
        return None
    base, language = match["stem"], (match["lang"] or "").lower()
    if base in _STEMS:
        return _STEMS[base], language
    if base in _KNOWN_OTHERS:
        return IGNORED, language
    return None


# --- reading --------------------------------------------------------------------------------


class Rows:
    """A CSV file read as dictionaries, one row at a time, with clear decoding errors."""

    def __init__(self, file: EscoFile) -> None:
        self.file = file
        self.line = 0

    def __iter__(self) -> Iterator[dict[str, str]]:
        label = self.file.source.label
        try:
            with self.file.source.opener() as raw:
                # utf-8-sig: a byte-order mark (Excel adds one) is not part of the header.
                text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
                reader = csv.DictReader(text)
                for row in reader:
                    self.line = reader.line_num
                    yield {k: (v or "") for k, v in row.items() if isinstance(k, str)}
        except UnicodeDecodeError:
            raise EscoError(
                _(
                    "%(file)s is not UTF-8 text (near line %(line)s). Use the CSV files of "
                    "the ESCO download as they are, or save them as CSV UTF-8."
                )
                % {"file": label, "line": self.line + 1}
            ) from None
        except csv.Error as exc:
            raise EscoError(
                _("%(file)s cannot be read as CSV near line %(line)s: %(error)s")
                % {"file": label, "line": self.line + 1, "error": exc}
            ) from None
        except OSError as exc:
            raise EscoError(
                _("%(file)s cannot be read: %(error)s") % {"file": label, "error": exc}
            ) from None


def check_header(file: EscoFile) -> None:
    label = file.source.label
    try:
        with file.source.opener() as raw:
            text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
            header = next(csv.reader(text), None)
    except UnicodeDecodeError:
        raise EscoError(
            _("%(file)s is not UTF-8 text. Use the CSV files of the ESCO download as they are.")
            % {"file": label}
        ) from None
    except (csv.Error, OSError) as exc:
        raise EscoError(
            _("%(file)s cannot be read: %(error)s") % {"file": label, "error": exc}
        ) from None
    if not header:
        raise EscoError(_("%(file)s is empty.") % {"file": label})
    present = {h.strip() for h in header}
    missing = [c for c in REQUIRED_COLUMNS[file.kind] if c not in present]
    if missing:
        raise EscoError(
            _("%(file)s lacks the column(s) %(columns)s, so it is not an ESCO %(kind)s file.")
            % {"file": label, "columns": ", ".join(missing), "kind": file.source.name[:-4]}
        )


def batches(rows: Rows) -> Iterator[list[Row]]:
    batch: list[Row] = []
    for row in rows:
        batch.append(Row(rows.line, row))
        if len(batch) >= BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


@dataclass(frozen=True)
class Row:
    line: int
    data: dict[str, str]

    def get(self, column: str) -> str:
        return self.data.get(column, "").strip()


def labels(cell: str) -> list[str]:
    """ESCO puts several labels in one cell, one per line."""
    seen: list[str] = []
    for part in cell.splitlines():
        label = part.strip()
        if label and label not in seen:
            seen.append(label)
    return seen
