"""Import people from a CSV export of an HR system: preview first, then apply all or nothing.

The file
--------
A CSV file whose first line names the columns. The text may be UTF-8 (with or without
the byte-order mark Excel writes), UTF-16 with a byte-order mark, or Windows-1252 (what
older Excel versions save as "CSV"). Cells are separated by commas, semicolons (Excel
with Belgian settings) or tabs; the separator is read from the header line, or from an
Excel ``sep=;`` first line. Column names are matched without regard to case, and spaces
or hyphens count as underscores ("Employee Number" is ``employee_number``).

=========================  ========  =======================================================
column                     required  meaning
=========================  ========  =======================================================
employee_number            yes       the number in the HR system; people are matched on it
email                      yes       the e-mail address they sign in with
first_name                 yes
last_name                  no
job_role                   no        job role name; a new name creates the job role
location                   no        location (branch) name; a new name creates it
team                       no        team name; a new name creates the team
language                   no        nl, fr or en ("nl_BE" and the like are accepted)
manager_employee_number    no        the manager's employee number, in the file or in Leerpad
coach_employee_number      no        the coach's employee number, in the file or in Leerpad
roles                      no        Leerpad role codes separated by ``|``: ``coach|marketer``
=========================  ========  =======================================================

Rules
-----
- A row updates the person with its employee number. When no one has that number, a
  person already in Leerpad *without* an employee number is matched on e-mail address
  (and gets the number); otherwise the row creates a person. New people get an unusable
  password: they choose one through "Forgot your password?".
- An optional column missing from the file leaves that field alone; an empty cell clears
  it. Language is the exception: an empty cell keeps the person's language (new people
  get nl). Roles change only when the ``roles`` column is present; an empty cell then
  leaves only the learner role, which everyone has.
- Unknown columns are ignored and reported as a warning, so a typo is seen in the preview.
- Checked across rows: employee numbers and e-mail addresses appear once in the file; an
  e-mail address is not someone else's in Leerpad; a manager or coach is in the file or
  in Leerpad and is not the person themselves.
- `apply` plans again inside one transaction against the database as it is then, and
  writes nothing when any row has an error.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import secrets
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Literal, TypeVar

from django.conf import settings
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F
from django.db.models.functions import Lower
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic import ValidationError as PydanticValidationError

from leerpad.accounts import services
from leerpad.accounts.models import JobRole, Language, Location, PeopleImport, Person, Team
from leerpad.core.access import Role, parse_roles
from leerpad.core.logging import get_logger

log = get_logger(__name__)

MAX_ROWS = 20_000
# Rows per IN (...) query and per bulk write: well under SQLite's variable limit.
CHUNK = 500
DELIMITERS = (";", ",", "\t")
REQUIRED_COLUMNS = ("employee_number", "email", "first_name")
OPTIONAL_COLUMNS = (
    "last_name",
    "job_role",
    "location",
    "team",
    "language",
    "manager_employee_number",
    "coach_employee_number",
    "roles",
)
COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS

COLUMN_HELP: tuple[tuple[str, bool, str | Promise], ...] = (
    (
        "employee_number",
        True,
        gettext_lazy("The number in the HR system; people are matched on it."),
    ),
    ("email", True, gettext_lazy("The e-mail address they sign in with.")),
    ("first_name", True, ""),
    ("last_name", False, ""),
    ("job_role", False, gettext_lazy("Job role name; a new name creates the job role.")),
    ("location", False, gettext_lazy("Location (branch) name; a new name creates it.")),
    ("team", False, gettext_lazy("Team name; a new name creates the team.")),
    ("language", False, gettext_lazy("nl, fr or en. Empty: new people get nl.")),
    (
        "manager_employee_number",
        False,
        gettext_lazy("The manager's employee number, in the file or already in Leerpad."),
    ),
    (
        "coach_employee_number",
        False,
        gettext_lazy("The coach's employee number, in the file or already in Leerpad."),
    ),
    (
        "roles",
        False,
        gettext_lazy(
            "Leerpad roles separated by |, e.g. coach|marketer. Only when this column is "
            "present are roles changed; everyone is a learner."
        ),
    ),
)

_ROLE_CODES = tuple(role.value for role in Role if role is not Role.LEARNER)
_LANGUAGE = re.compile(r"(nl|fr|en)(?:[-_][a-z]{2})?")
_ROLE_SEPARATORS = re.compile(r"[|,/\s]+")
_HEADER_SPACES = re.compile(r"[\s\-]+")
_XLSX_MAGIC = b"PK\x03\x04"

T = TypeVar("T")


# --- Reading the file -----------------------------------------------------------------------


class InvalidFile(Exception):
    """The file as a whole cannot be read; the message (translated) says why."""


@dataclass(frozen=True)
class SourceRow:
    """One record of the file: its line number and the cells of the known columns."""

    line: int
    values: Mapping[str, str]
    problems: tuple[str, ...] = ()

    @property
    def number(self) -> str:
        return self.values.get("employee_number", "").strip()

    @property
    def email(self) -> str:
        return self.values.get("email", "").strip().lower()

    @property
    def name(self) -> str:
        parts = (self.values.get("first_name", ""), self.values.get("last_name", ""))
        return " ".join(part.strip() for part in parts if part.strip())


@dataclass(frozen=True)
class Table:
    """The file read as a table, before any row is validated."""

    columns: frozenset[str] = frozenset()
    rows: tuple[SourceRow, ...] = ()
    delimiter: str = ","
    unknown_columns: tuple[str, ...] = ()
    errors: tuple[str, ...] = ()


def decode(data: bytes, *, max_bytes: int | None = None) -> str:
    """The text of an uploaded file; raises InvalidFile when it is not readable text."""
    limit = settings.LEERPAD_IMPORT_MAX_BYTES if max_bytes is None else max_bytes
    if len(data) > limit:
        raise InvalidFile(
            _("The file is larger than %(size)s. Split it into smaller files.")
            % {"size": filesizeformat(limit)}
        )
    if data.startswith(_XLSX_MAGIC):
        raise InvalidFile(
            _("This is an Excel workbook, not a CSV file. In Excel, choose Save as → CSV.")
        )
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise InvalidFile(_("The file cannot be read as text.")) from None
    if b"\x00" in data:
        raise InvalidFile(_("This is not a text file. Export the people as CSV."))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        raise InvalidFile(
            _("The file is neither UTF-8 nor Windows-1252 text. Save it as CSV (UTF-8).")
        ) from None


def parse_bytes(data: bytes, *, max_rows: int = MAX_ROWS) -> Table:
    """`decode` and `parse_text` in one: a file that cannot be decoded is a file error."""
    try:
        text = decode(data)
    except InvalidFile as exc:
        return Table(errors=(str(exc),))
    return parse_text(text, max_rows=max_rows)


def _normalise_header(name: str) -> str:
    return _HEADER_SPACES.sub("_", name.strip().lower())


def _sniff(header_line: str) -> str:
    """The separator that splits the header line into the most cells (ties: ; then , then tab)."""
    best, best_count = DELIMITERS[0], 0
    for delimiter in DELIMITERS:
        count = len(next(csv.reader([header_line], delimiter=delimiter), []))
        if count > best_count:
            best, best_count = delimiter, count
    return best


def parse_text(text: str, *, max_rows: int = MAX_ROWS) -> Table:
    """Read CSV text into a table; file-level problems go into `Table.errors`."""
    text = text.removeprefix("\ufeff")
    line_offset = 0
    delimiter: str | None = None
    first_line, _newline, rest = text.partition("\n")
    marker = first_line.strip().lower()
    if marker.startswith("sep=") and len(marker) == 5:
        delimiter = "\t" if marker[4] == "\\" else marker[4]
        text, line_offset = rest, 1
    header_line = next((line for line in text.splitlines() if line.strip()), "")
    if not header_line:
        return Table(errors=(_("The file is empty."),))
    if delimiter is None:
        delimiter = _sniff(header_line)

    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header: list[str] | None = None
    rows: list[SourceRow] = []
    errors: list[str] = []
    end_of_previous = 0
    try:
        for cells in reader:
            line = end_of_previous + 1 + line_offset
            end_of_previous = reader.line_num
            if not any(cell.strip() for cell in cells):
                continue
            if header is None:
                header = [_normalise_header(cell) for cell in cells]
                continue
            if len(rows) >= max_rows:
                errors.append(
                    _("The file has more than %(max)s rows. Split it into smaller files.")
                    % {"max": number_format(max_rows, force_grouping=True)}
                )
                break
            rows.append(_source_row(line, header, cells))
    except csv.Error as exc:
        errors.append(
            _("Line %(line)s cannot be read: %(error)s")
            % {"line": reader.line_num + line_offset, "error": exc}
        )
    if header is None:
        return Table(errors=(_("The file is empty."),))

    named = [name for name in header if name]
    duplicated = sorted(name for name, count in Counter(named).items() if count > 1)
    errors.extend(
        _("The column “%(column)s” appears more than once.") % {"column": name}
        for name in duplicated
    )
    missing = [name for name in REQUIRED_COLUMNS if name not in named]
    if missing:
        errors.append(
            _(
                "Required columns are missing: %(columns)s. The first line of the file must "
                "name the columns."
            )
            % {"columns": ", ".join(missing)}
        )
    if not rows and not errors:
        errors.append(_("The file names the columns but has no people in it."))
    unknown = tuple(name for name in dict.fromkeys(named) if name not in COLUMNS)
    return Table(
        columns=frozenset(name for name in named if name in COLUMNS),
        rows=tuple(rows),
        delimiter=delimiter,
        unknown_columns=unknown,
        errors=tuple(errors),
    )


def _source_row(line: int, header: Sequence[str], cells: Sequence[str]) -> SourceRow:
    values = {
        name: (cells[index] if index < len(cells) else "")
        for index, name in enumerate(header)
        if name in COLUMNS
    }
    problems: tuple[str, ...] = ()
    if any(cell.strip() for cell in cells[len(header) :]):
        problems = (_("This row has more cells than the first line has columns."),)
    return SourceRow(line=line, values=values, problems=problems)


# --- Validating one row ---------------------------------------------------------------------


class PersonRow(BaseModel):
    """One valid row. None means "the column is not in the file": leave that field alone."""

    model_config = ConfigDict(str_strip_whitespace=True, frozen=True, extra="ignore")

    employee_number: str = Field(min_length=1, max_length=40)
    email: str = Field(min_length=1, max_length=254)
    first_name: str = Field(min_length=1, max_length=150)
    last_name: str | None = Field(default=None, max_length=150)
    job_role: str | None = Field(default=None, max_length=120)
    location: str | None = Field(default=None, max_length=120)
    team: str | None = Field(default=None, max_length=120)
    language: Literal["nl", "fr", "en"] | None = None
    manager_employee_number: str | None = Field(default=None, max_length=40)
    coach_employee_number: str | None = Field(default=None, max_length=40)
    roles: frozenset[Role] | None = None

    @field_validator("email")
    @classmethod
    def _valid_email(cls, value: str) -> str:
        value = value.lower()
        try:
            validate_email(value)
        except DjangoValidationError:
            raise ValueError(
                _("“%(value)s” is not a valid e-mail address.") % {"value": value}
            ) from None
        return value

    @field_validator("language", mode="before")
    @classmethod
    def _known_language(cls, value: object) -> object:
        if value is None:
            return None
        text = str(value).strip().lower()
        if not text:
            return None
        match = _LANGUAGE.fullmatch(text)
        if match is None:
            raise ValueError(
                _("“%(value)s” is not a language Leerpad speaks: use nl, fr or en.")
                % {"value": value}
            )
        return match.group(1)

    @field_validator("roles", mode="before")
    @classmethod
    def _known_roles(cls, value: object) -> object:
        if value is None:
            return None
        codes = [code for code in _ROLE_SEPARATORS.split(str(value)) if code]
        try:
            roles = parse_roles(codes)
        except ValueError as exc:
            raise ValueError(
                _("Unknown role “%(code)s”. Known roles: %(roles)s.")
                % {"code": exc.args[0], "roles": ", ".join(_ROLE_CODES)}
            ) from None
        return frozenset(roles - {Role.LEARNER})


@dataclass(frozen=True)
class RowError:
    """A problem with one row; `column` names the CSV column (empty: the row as a whole)."""

    column: str
    message: str

    def __str__(self) -> str:
        return f"{self.column}: {self.message}" if self.column else self.message


def _pydantic_errors(exc: PydanticValidationError) -> list[RowError]:
    errors = []
    for error in exc.errors():
        column = str(error["loc"][0]) if error["loc"] else ""
        kind = error["type"]
        context = error.get("ctx") or {}
        if kind in ("missing", "string_too_short"):
            message = _("This column is required, but the cell is empty.")
        elif kind == "string_too_long":
            message = _("Longer than %(max)s characters.") % {"max": context.get("max_length")}
        elif kind == "value_error":
            message = str(context.get("error", error["msg"]))
        else:
            message = _("This value is not valid.")
        errors.append(RowError(column, message))
    return errors


# --- The plan -------------------------------------------------------------------------------


class Action(StrEnum):
    CREATE = "create"
    UPDATE = "update"
    UNCHANGED = "unchanged"
    ERROR = "error"

    @property
    def label(self) -> str:
        return str(ACTION_LABELS[self])


ACTION_LABELS: dict[Action, str | Promise] = {
    Action.CREATE: gettext_lazy("New"),
    Action.UPDATE: gettext_lazy("Update"),
    Action.UNCHANGED: gettext_lazy("Unchanged"),
    Action.ERROR: gettext_lazy("Error"),
}


@dataclass(frozen=True)
class Change:
    column: str
    old: str
    new: str


@dataclass(frozen=True)
class RowPlan:
    """What the import does with one row of the file."""

    line: int
    employee_number: str
    email: str
    name: str
    action: Action
    changes: tuple[Change, ...] = ()
    errors: tuple[RowError, ...] = ()
    person_id: int | None = None
    data: PersonRow | None = field(default=None, repr=False, compare=False)

    @property
    def changed_columns(self) -> tuple[str, ...]:
        return tuple(change.column for change in self.changes)


@dataclass(frozen=True)
class Plan:
    """The dry run: per row what would happen, and the org units that would be created."""

    rows: tuple[RowPlan, ...] = ()
    columns: frozenset[str] = frozenset()
    file_errors: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    new_job_roles: tuple[str, ...] = ()
    new_locations: tuple[str, ...] = ()
    new_teams: tuple[str, ...] = ()

    @property
    def is_valid(self) -> bool:
        return bool(self.rows) and not self.file_errors and not self.error_rows

    @property
    def error_rows(self) -> tuple[RowPlan, ...]:
        return tuple(row for row in self.rows if row.action is Action.ERROR)

    def counts(self) -> dict[str, int]:
        found = Counter(row.action.value for row in self.rows)
        return {"rows": len(self.rows), **{action.value: found[action.value] for action in Action}}

    def digest(self) -> str:
        """A fingerprint of what applying would do, to notice that it changed since the preview."""
        payload = [
            [
                [
                    row.line,
                    row.action.value,
                    row.person_id,
                    [[c.column, c.old, c.new] for c in row.changes],
                ]
                for row in self.rows
            ],
            self.new_job_roles,
            self.new_locations,
            self.new_teams,
        ]
        return hashlib.sha256(json.dumps(payload).encode()).hexdigest()

    def summary(self) -> dict[str, Any]:
        """Counts and new org units, as stored (JSON) on the PeopleImport."""
        return {
            **self.counts(),
            "new_job_roles": list(self.new_job_roles),
            "new_locations": list(self.new_locations),
            "new_teams": list(self.new_teams),
        }


@dataclass
class _Snapshot:
    """What Leerpad holds now for the people and org units that the file mentions."""

    people: dict[int, Person] = field(default_factory=dict)
    by_number: dict[str, Person] = field(default_factory=dict)
    by_email: dict[str, Person] = field(default_factory=dict)
    referenced: dict[str, int] = field(default_factory=dict)
    roles: dict[int, frozenset[Role]] = field(default_factory=dict)
    units: dict[str, dict[str, str]] = field(default_factory=dict)


_UNIT_MODELS: dict[str, type[JobRole] | type[Location] | type[Team]] = {
    "job_role": JobRole,
    "location": Location,
    "team": Team,
}


def _chunks(values: Iterable[T], size: int = CHUNK) -> Iterator[list[T]]:
    chunk: list[T] = []
    for value in values:
        chunk.append(value)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _load(numbers: set[str], emails: set[str], refs: set[str], with_roles: bool) -> _Snapshot:
    """A few queries per 500 rows, whatever the size of the file."""
    snap = _Snapshot()
    people = Person.objects.select_related("job_role", "location", "team").annotate(
        manager_number=F("manager__employee_number"),
        manager_email=F("manager__email"),
        coach_number=F("coach__employee_number"),
        coach_email=F("coach__email"),
    )

    def keep(person: Person) -> None:
        person = snap.people.setdefault(person.pk, person)
        if person.employee_number:
            snap.by_number[person.employee_number] = person
        snap.by_email[person.email.lower()] = person

    for chunk in _chunks(sorted(numbers)):
        for person in people.filter(employee_number__in=chunk):
            keep(person)
    # Only addresses not already explained by the people found by number need a query.
    for chunk in _chunks(sorted(emails - snap.by_email.keys())):
        for person in people.annotate(email_lower=Lower("email")).filter(email_lower__in=chunk):
            keep(person)
    for chunk in _chunks(sorted(refs - snap.by_number.keys())):
        found = Person.objects.filter(employee_number__in=chunk)
        for number, pk in found.values_list("employee_number", "pk"):
            snap.referenced[number or ""] = pk
    snap.referenced.update({number: p.pk for number, p in snap.by_number.items()})
    if with_roles:
        through = Person.groups.through
        held: dict[int, set[Role]] = defaultdict(set)
        for ids in _chunks(sorted(snap.people)):
            pairs = through.objects.filter(
                person_id__in=ids, group__name__in=_ROLE_CODES
            ).values_list("person_id", "group__name")
            for person_id, name in pairs:
                held[person_id].add(Role(name))
        snap.roles = {pk: frozenset(held.get(pk, set())) for pk in snap.people}
    for column, model in _UNIT_MODELS.items():
        names: Iterable[str] = model.objects.values_list("name", flat=True)
        snap.units[column] = {name.casefold(): name for name in names}
    return snap


def make_plan(table: Table, *, by: Person | None = None) -> Plan:
    """What importing the table would do, checked against the database as it is now."""
    return _plan(table, by)[0]


def preview(text: str, *, by: Person | None = None) -> Plan:
    return make_plan(parse_text(text), by=by)


def _plan(table: Table, by: Person | None) -> tuple[Plan, _Snapshot]:
    warnings: tuple[str, ...] = ()
    if table.unknown_columns:
        warnings = (
            _("These columns are not known and were ignored: %(columns)s.")
            % {"columns": ", ".join(table.unknown_columns)},
        )
    if table.errors:
        return Plan(columns=table.columns, file_errors=table.errors, warnings=warnings), _Snapshot()

    validated: list[tuple[SourceRow, PersonRow | None, list[RowError]]] = []
    lines_by_number: dict[str, list[int]] = defaultdict(list)
    lines_by_email: dict[str, list[int]] = defaultdict(list)
    for source in table.rows:
        errors = [RowError("", problem) for problem in source.problems]
        data: PersonRow | None = None
        try:
            data = PersonRow.model_validate(source.values)
        except PydanticValidationError as exc:
            errors.extend(_pydantic_errors(exc))
        validated.append((source, data, errors))
        if source.number:
            lines_by_number[source.number].append(source.line)
        if source.email:
            lines_by_email[source.email].append(source.line)

    refs = {
        ref
        for _source, data, _errors in validated
        if data is not None
        for ref in (data.manager_employee_number, data.coach_employee_number)
        if ref
    }
    snap = _load(set(lines_by_number), set(lines_by_email), refs, "roles" in table.columns)

    # First pass: whom each row is about, and every error.
    matched: list[tuple[SourceRow, PersonRow | None, list[RowError], Person | None]] = []
    for source, data, errors in validated:
        errors.extend(_duplicates(source, lines_by_number, lines_by_email))
        existing: Person | None = None
        if data is not None:
            existing, found = _match(data, snap, by)
            errors.extend(found)
            errors.extend(_reference_errors(data, lines_by_number, snap))
        matched.append((source, data, errors, existing))
    # People matched on e-mail get their number now: others may name them as manager.
    for _source, data, _errors, existing in matched:
        if data is not None and existing is not None:
            snap.referenced.setdefault(data.employee_number, existing.pk)

    # Second pass: what changes for the valid rows.
    new_units: dict[str, list[str]] = {column: [] for column in _UNIT_MODELS}
    spelling = {column: dict(names) for column, names in snap.units.items()}
    rows: list[RowPlan] = []
    for source, data, errors, existing in matched:
        number, email, name = source.number, source.email, source.name
        if errors or data is None:
            rows.append(
                RowPlan(source.line, number, email, name, Action.ERROR, errors=tuple(errors))
            )
            continue
        for column in _UNIT_MODELS:
            value = getattr(data, column)
            if value and value.casefold() not in spelling[column]:
                spelling[column][value.casefold()] = value
                new_units[column].append(value)
        if existing is None:
            rows.append(RowPlan(source.line, number, email, name, Action.CREATE, data=data))
            continue
        changes = tuple(_changes(existing, data, snap, spelling))
        rows.append(
            RowPlan(
                source.line,
                number,
                email,
                name,
                Action.UPDATE if changes else Action.UNCHANGED,
                changes=changes,
                person_id=existing.pk,
                data=data,
            )
        )
    plan = Plan(
        rows=tuple(rows),
        columns=table.columns,
        warnings=warnings,
        new_job_roles=tuple(sorted(new_units["job_role"], key=str.casefold)),
        new_locations=tuple(sorted(new_units["location"], key=str.casefold)),
        new_teams=tuple(sorted(new_units["team"], key=str.casefold)),
    )
    return plan, snap


def _duplicates(
    source: SourceRow,
    lines_by_number: Mapping[str, list[int]],
    lines_by_email: Mapping[str, list[int]],
) -> Iterator[RowError]:
    others = [line for line in lines_by_number.get(source.number, []) if line != source.line]
    if others:
        yield RowError(
            "employee_number",
            _("Employee number %(number)s is also on line %(lines)s.")
            % {"number": source.number, "lines": ", ".join(map(str, others))},
        )
    others = [line for line in lines_by_email.get(source.email, []) if line != source.line]
    if others:
        yield RowError(
            "email",
            _("The e-mail address %(email)s is also on line %(lines)s.")
            % {"email": source.email, "lines": ", ".join(map(str, others))},
        )


def _match(
    data: PersonRow, snap: _Snapshot, by: Person | None
) -> tuple[Person | None, list[RowError]]:
    """The person a row is about (None: a new person), and the errors that depend on it."""
    errors = []
    existing = snap.by_number.get(data.employee_number)
    owner = snap.by_email.get(data.email)
    if existing is None and owner is not None and not owner.employee_number:
        existing = owner  # someone added by hand before HR numbers were known
    elif owner is not None and owner is not existing:
        errors.append(
            RowError(
                "email",
                _(
                    "The e-mail address %(email)s belongs to %(name)s (employee number "
                    "%(number)s) in Leerpad."
                )
                % {"email": data.email, "name": owner, "number": owner.employee_number or "—"},
            )
        )
    if (
        by is not None
        and existing is not None
        and existing.pk == by.pk
        and data.roles is not None
        and Role.ADMIN in snap.roles.get(existing.pk, frozenset())
        and Role.ADMIN not in data.roles
    ):
        errors.append(
            RowError("roles", _("You cannot take away your own admin role in an import."))
        )
    return existing, errors


def _reference_errors(
    data: PersonRow, lines_by_number: Mapping[str, list[int]], snap: _Snapshot
) -> Iterator[RowError]:
    for column, ref, self_message in (
        (
            "manager_employee_number",
            data.manager_employee_number,
            _("A person cannot be their own manager."),
        ),
        (
            "coach_employee_number",
            data.coach_employee_number,
            _("A person cannot be their own coach."),
        ),
    ):
        if not ref:
            continue
        if ref == data.employee_number:
            yield RowError(column, self_message)
        elif ref not in lines_by_number and ref not in snap.referenced:
            yield RowError(
                column,
                _("No one has employee number %(number)s, in this file or in Leerpad.")
                % {"number": ref},
            )


def _roles_text(roles: Iterable[Role]) -> str:
    return "|".join(sorted(role.value for role in roles))


def _changes(
    person: Person, data: PersonRow, snap: _Snapshot, spelling: Mapping[str, Mapping[str, str]]
) -> Iterator[Change]:
    """The differences between a person and their row; org units in their first spelling."""

    def differs(column: str, old: str, new: str) -> Iterator[Change]:
        if old != new:
            yield Change(column, old, new)

    if not person.employee_number:
        yield Change("employee_number", "", data.employee_number)
    yield from differs("email", person.email, data.email)
    yield from differs("first_name", person.first_name, data.first_name)
    if data.last_name is not None:
        yield from differs("last_name", person.last_name, data.last_name)
    for column in _UNIT_MODELS:
        value: str | None = getattr(data, column)
        if value is not None:
            current = getattr(person, column)
            new = spelling[column].get(value.casefold(), value) if value else ""
            yield from differs(column, current.name if current else "", new)
    if data.language is not None:
        yield from differs("language", person.language, data.language)
    for column, relation, ref in (
        ("manager_employee_number", "manager", data.manager_employee_number),
        ("coach_employee_number", "coach", data.coach_employee_number),
    ):
        if ref is None:
            continue
        current_id = getattr(person, f"{relation}_id")
        wanted_id = snap.referenced.get(ref) if ref else None
        if current_id != wanted_id or (ref and wanted_id is None):
            old = (
                getattr(person, f"{relation}_number") or getattr(person, f"{relation}_email") or ""
            )
            yield Change(column, old, ref)
    if data.roles is not None:
        current_roles = snap.roles.get(person.pk, frozenset())
        if current_roles != data.roles:
            yield Change("roles", _roles_text(current_roles), _roles_text(data.roles))


# --- Applying -------------------------------------------------------------------------------


class ImportRefused(Exception):
    """Nothing was written; `plan` (when there is one) shows why."""

    def __init__(self, message: str, plan: Plan | None = None) -> None:
        super().__init__(message)
        self.plan = plan


class PlanChanged(ImportRefused):
    """The people in Leerpad changed since the preview: the admin should look again."""


def apply(
    people_import: PeopleImport, *, by: Person | None = None, expected_digest: str | None = None
) -> Plan:
    """Apply an import in one transaction, planned again against the database as it is now.

    Raises ImportRefused (nothing written) when the file has errors, when the import was
    already applied, or (PlanChanged) when `expected_digest` no longer matches the plan.
    """
    with transaction.atomic():
        record = PeopleImport.objects.select_for_update().get(pk=people_import.pk)
        if record.status == PeopleImport.Status.APPLIED:
            raise ImportRefused(_("This import was already applied."))
        plan, snap = _plan(parse_text(record.content), by)
        if not plan.is_valid:
            raise ImportRefused(_("The file has errors, so nothing was imported."), plan)
        if expected_digest is not None and expected_digest != plan.digest():
            raise PlanChanged(
                _("The people in Leerpad changed since this preview. Check the preview again."),
                plan,
            )
        _write(plan, snap, by)
        record.status = PeopleImport.Status.APPLIED
        record.applied_at = timezone.now()
        record.summary = {
            **plan.summary(),
            "applied_by": by.pk if by else None,
            "changed": [
                {
                    "line": row.line,
                    "employee_number": row.employee_number,
                    "name": row.name,
                    "action": row.action.value,
                    "columns": list(row.changed_columns),
                }
                for row in plan.rows
                if row.action in (Action.CREATE, Action.UPDATE)
            ],
        }
        record.save(update_fields=["status", "applied_at", "summary"])
    people_import.status = record.status
    people_import.applied_at = record.applied_at
    people_import.summary = record.summary
    log.info(
        "people.imported",
        import_id=record.pk,
        by=by.pk if by else None,
        **plan.counts(),
    )
    return plan


U = TypeVar("U", JobRole, Location, Team)


def _create_units(model: type[U], names: Sequence[str]) -> None:
    if names:
        model.objects.bulk_create([model(name=name) for name in names], batch_size=CHUNK)


def _insert(people: list[Person]) -> None:
    """Insert new people and make sure each has its primary key."""
    Person.objects.bulk_create(people, batch_size=CHUNK)
    if all(person.pk is not None for person in people):
        return
    pks: dict[str, int] = {}
    for chunk in _chunks([person.employee_number or "" for person in people]):
        found = Person.objects.filter(employee_number__in=chunk)
        for number, pk in found.values_list("employee_number", "pk"):
            pks[number or ""] = pk
    for person in people:
        person.pk = pks[person.employee_number or ""]


def _write(plan: Plan, snap: _Snapshot, by: Person | None) -> None:
    _create_units(JobRole, plan.new_job_roles)
    _create_units(Location, plan.new_locations)
    _create_units(Team, plan.new_teams)
    unit_ids: dict[str, dict[str, int]] = {}
    for column, model in _UNIT_MODELS.items():
        rows_: Iterable[tuple[str, int]] = model.objects.values_list("name", "pk")
        unit_ids[column] = {name.casefold(): pk for name, pk in rows_}

    def unit_id(column: str, value: str) -> int | None:
        return unit_ids[column].get(value.casefold()) if value else None

    created: list[tuple[RowPlan, PersonRow, Person]] = []
    for row in plan.rows:
        if row.action is not Action.CREATE or row.data is None:
            continue
        data = row.data
        person = Person(
            email=data.email,
            employee_number=data.employee_number,
            first_name=data.first_name,
            last_name=data.last_name or "",
            language=data.language or Language.NL,
            job_role_id=unit_id("job_role", data.job_role or ""),
            location_id=unit_id("location", data.location or ""),
            team_id=unit_id("team", data.team or ""),
        )
        # What set_unusable_password() stores, from one urandom call instead of 40.
        person.password = UNUSABLE_PASSWORD_PREFIX + secrets.token_urlsafe(30)
        created.append((row, data, person))
    pk_by_number = dict(snap.referenced)

    def person_id(ref: str | None) -> int | None:
        return pk_by_number[ref] if ref else None

    # Managers are created before the people they manage, in waves down the hierarchy, so
    # that links are written with the rows; only a cycle needs a second pass.
    pending = created
    while pending:
        wave = [
            item
            for item in pending
            if all(
                not ref or ref in pk_by_number
                for ref in (item[1].manager_employee_number, item[1].coach_employee_number)
            )
        ]
        cycle = not wave
        if cycle:
            wave = pending
        for _row, data, person in wave:
            if not cycle:
                person.manager_id = person_id(data.manager_employee_number)
                person.coach_id = person_id(data.coach_employee_number)
        _insert([person for _r, _d, person in wave])
        pk_by_number.update({data.employee_number: person.pk for _r, data, person in wave})
        if cycle:
            for _row, data, person in wave:
                person.manager_id = person_id(data.manager_employee_number)
                person.coach_id = person_id(data.coach_employee_number)
            Person.objects.bulk_update(
                [person for _r, _d, person in wave], ["manager", "coach"], batch_size=CHUNK
            )
        waved = {id(item) for item in wave}
        pending = [item for item in pending if id(item) not in waved]

    updated: list[Person] = []
    fields: set[str] = set()
    for row in plan.rows:
        if row.action is not Action.UPDATE or row.data is None or row.person_id is None:
            continue
        data, person = row.data, snap.people[row.person_id]
        for column in row.changed_columns:
            if column in ("employee_number", "email", "first_name", "last_name", "language"):
                setattr(person, column, getattr(data, column))
                fields.add(column)
            elif column in _UNIT_MODELS:
                setattr(person, f"{column}_id", unit_id(column, getattr(data, column) or ""))
                fields.add(column)
            elif column == "manager_employee_number":
                person.manager_id = person_id(data.manager_employee_number)
                fields.add("manager")
            elif column == "coach_employee_number":
                person.coach_id = person_id(data.coach_employee_number)
                fields.add("coach")
        updated.append(person)
    if updated and fields:
        Person.objects.bulk_update(updated, sorted(fields), batch_size=CHUNK)

    new_people = {row.line: person for row, _d, person in created}
    for row in plan.rows:
        if row.data is None or row.data.roles is None:
            continue
        if row.action is Action.CREATE and row.data.roles:
            target = new_people[row.line]
        elif row.action is Action.UPDATE and "roles" in row.changed_columns and row.person_id:
            target = snap.people[row.person_id]
        else:
            continue
        services.set_roles(target, row.data.roles, by=by)


# --- An example file ------------------------------------------------------------------------

_EXAMPLE = (
    "1001;an.peeters@example.com;An;Peeters;Store manager;Gent;Store Gent;nl;;;coach",
    "1002;luc.dubois@example.com;Luc;Dubois;Sales associate;Namur;Store Namur;fr;1001;1001;",
    "1003;sara.janssens@example.com;Sara;Janssens;Marketing specialist;Head office;Marketing;"
    "en;;;marketer|ld_specialist",
)
EXAMPLE_ROWS: tuple[tuple[str, ...], ...] = (
    COLUMNS,
    *(tuple(line.split(";")) for line in _EXAMPLE),
)


def example_csv(delimiter: str = ";") -> str:
    """An example file: semicolons, because that is what Excel in Belgium reads and writes."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerows(EXAMPLE_ROWS)
    return out.getvalue()
