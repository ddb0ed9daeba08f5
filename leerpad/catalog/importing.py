"""Bulk import of external libraries into the catalogue: preview first, then all or nothing.

The file is JSON (`{"skills": [...], "items": [...]}` or a bare list of items) or CSV (one
row per item); docs/catalog-import.md describes both. Items are matched on `external_id`:
a known id updates the item, a new one creates it. `preview` reports per row what would
happen and every error; `apply` plans again inside one transaction and writes nothing
when any row has an error.
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Literal

from django.conf import settings
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from pydantic import ValidationError

from leerpad.accounts.models import Person
from leerpad.catalog import services
from leerpad.catalog.models import ContentItem
from leerpad.catalog.schemas import LANGUAGES, ItemIn, SkillIn

Action = Literal["create", "update", "unchanged", "error"]
DELIMITERS = (";", ",", "\t")
LIST_SEPARATOR = "|"


class InvalidFile(Exception):
    """The file as a whole cannot be read; the message (translated) says why."""


@dataclass
class RowPlan:
    number: int  # 1-based position in the file (CSV: the line)
    external_id: str
    title: str = ""
    action: Action = "error"
    errors: list[str] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)
    spec: ItemIn | None = None


@dataclass
class Plan:
    rows: list[RowPlan] = field(default_factory=list)
    skills: list[SkillIn] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # about the file as a whole

    @property
    def is_valid(self) -> bool:
        return not self.errors and all(r.action != "error" for r in self.rows)

    def counts(self) -> dict[str, int]:
        counts: Counter[str] = Counter(r.action for r in self.rows)
        return {a: counts[a] for a in ("create", "update", "unchanged", "error")}

    def error_rows(self) -> list[RowPlan]:
        return [r for r in self.rows if r.action == "error"]


# --- reading -------------------------------------------------------------------------------


def decode(data: bytes) -> str:
    limit = settings.LEERPAD_CATALOG_IMPORT_MAX_BYTES
    if len(data) > limit:
        raise InvalidFile(
            _("The file is larger than %(size)s. Split it into smaller files.")
            % {"size": filesizeformat(limit)}
        )
    if b"\x00" in data:
        raise InvalidFile(_("This is not a text file: give JSON or CSV."))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidFile(_("The file is not UTF-8 text. Save it as UTF-8.")) from None


def read(data: bytes, filename: str = "") -> tuple[list[SkillIn], list[tuple[int, dict[str, Any]]]]:
    """The skills and raw item records of a file, each record with its row number."""
    text = decode(data).strip()
    if not text:
        raise InvalidFile(_("The file is empty."))
    if filename.lower().endswith(".json") or text[0] in "[{":
        return _read_json(text)
    return [], _read_csv(text)


def _read_json(text: str) -> tuple[list[SkillIn], list[tuple[int, dict[str, Any]]]]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidFile(
            _("The JSON cannot be read: %(error)s (line %(line)s, column %(col)s).")
            % {"error": exc.msg, "line": exc.lineno, "col": exc.colno}
        ) from None
    if isinstance(data, list):
        data = {"items": data}
    if not isinstance(data, dict) or not isinstance(data.get("items", []), list):
        raise InvalidFile(_("The JSON must be an object with a list of “items”, or a list."))
    unknown = sorted(set(data) - {"skills", "items"})
    if unknown:
        raise InvalidFile(
            _("Unknown top-level field(s): %(fields)s.") % {"fields": ", ".join(unknown)}
        )
    skills = []
    for i, raw in enumerate(data.get("skills", []) or []):
        try:
            skills.append(SkillIn.model_validate(raw))
        except ValidationError as exc:
            raise InvalidFile(
                _("skills[%(i)s]: %(error)s") % {"i": i, "error": _messages(exc)[0]}
            ) from None
    items = data.get("items", []) or []
    return skills, [
        (i + 1, raw if isinstance(raw, dict) else {"": raw}) for i, raw in enumerate(items)
    ]


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(LIST_SEPARATOR) if part.strip()]


def _read_csv(text: str) -> list[tuple[int, dict[str, Any]]]:
    header_line = text.splitlines()[0]
    delimiter = max(DELIMITERS, key=lambda d: len(next(csv.reader([header_line], delimiter=d))))
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    fields = [f.strip().lower() for f in reader.fieldnames or []]
    reader.fieldnames = fields
    if "external_id" not in fields or "kind" not in fields:
        raise InvalidFile(_("The first line must name the columns, at least external_id and kind."))
    records = []
    try:
        for row in reader:
            line = reader.line_num
            cells = {k: (v or "").strip() for k, v in row.items() if k}
            if not any(cells.values()):
                continue
            records.append((line, _csv_record(cells)))
    except csv.Error as exc:
        raise InvalidFile(
            _("Line %(line)s cannot be read: %(error)s") % {"line": reader.line_num, "error": exc}
        ) from None
    return records


def _csv_record(cells: dict[str, str]) -> dict[str, Any]:
    """One CSV row as the JSON item it stands for (empty cells are left out)."""
    record: dict[str, Any] = {}
    translations: dict[str, dict[str, str]] = {}
    for column, value in cells.items():
        if not value:
            continue
        prefix, _sep, language = column.rpartition("_")
        if prefix in {"title", "summary", "body"} and language in LANGUAGES:
            translations.setdefault(language, {})[prefix] = value
        elif column in {"tags", "skills"}:
            record[column] = _split(value)
        elif column in {"job_roles", "locations"}:
            record.setdefault("audience", {})[column] = _split(value)
        else:
            record[column] = value
    record["translations"] = translations
    return record


def _messages(exc: ValidationError) -> list[str]:
    out = []
    for error in exc.errors():
        where = ".".join(str(part) for part in error["loc"]) or _("item")
        message = error["msg"].removeprefix("Value error, ")
        out.append(f"{where}: {message}")
    return out


# --- planning ------------------------------------------------------------------------------


def make_plan(skills: list[SkillIn], records: list[tuple[int, dict[str, Any]]]) -> Plan:
    plan = Plan(skills=skills)
    if not records:
        if not skills:
            plan.errors.append(_("The file has no items."))
        return plan
    refs = services.References.load()
    new_skill_keys = {s.key for s in skills}
    ids = Counter(str(raw.get("external_id", "")).strip() for _n, raw in records)
    existing = {
        i.external_id: i
        for i in ContentItem.objects.filter(external_id__in=[k for k in ids if k]).prefetch_related(
            "translations", "skills", "audience_job_roles", "audience_locations", "cues"
        )
    }
    for number, raw in records:
        row = RowPlan(number=number, external_id=str(raw.get("external_id", "")).strip())
        plan.rows.append(row)
        try:
            spec = ItemIn.model_validate(raw)
        except ValidationError as exc:
            row.errors = _messages(exc)
            continue
        row.title = next(iter(spec.translations.values())).title
        if not spec.external_id:
            row.errors.append(_("external_id: required for an import"))
        elif ids[spec.external_id] > 1:
            row.errors.append(_("external_id: appears more than once in the file"))
        row.errors.extend(refs.missing(spec, new_skill_keys))
        if row.errors:
            continue
        row.spec = spec
        item = existing.get(spec.external_id)
        if item is None:
            row.action = "create"
            continue
        before = services.snapshot(item)
        row.changes = services.changed_fields(before, services.spec_snapshot(spec, before))
        row.action = "update" if row.changes else "unchanged"
    return plan


def preview(data: bytes, filename: str = "") -> Plan:
    try:
        skills, records = read(data, filename)
    except InvalidFile as exc:
        return Plan(errors=[str(exc)])
    return make_plan(skills, records)


class ImportRefused(Exception):
    def __init__(self, plan: Plan) -> None:
        super().__init__(_("The import has errors; nothing was changed."))
        self.plan = plan


@transaction.atomic
def apply(data: bytes, filename: str = "", *, by: Person | None) -> Plan:
    """Plan again against the database as it is now and write every row, or none."""
    plan = preview(data, filename)
    if not plan.is_valid:
        raise ImportRefused(plan)
    services.upsert_skills(plan.skills)
    refs = services.References.load()
    existing = {
        i.external_id: i
        for i in ContentItem.objects.filter(
            external_id__in=[r.external_id for r in plan.rows if r.action == "update"]
        )
    }
    changed = []
    for row in plan.rows:
        if row.action in {"create", "update"} and row.spec is not None:
            item, did_change = services.apply_item(
                existing.get(row.external_id),
                row.spec,
                by=by,
                refs=refs,
                note=_("Import"),
                notify=False,
            )
            if did_change:
                changed.append(item.pk)
    services.notify_changed(changed)
    return plan
