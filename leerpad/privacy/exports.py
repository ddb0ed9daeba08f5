"""Pseudonymous CSV exports of the analytics events, for L&D's own tools.

What makes an export pseudonymous, and not joinable:

- no person id, name, e-mail, statement id or raw statement; no search terms (free text
  people type, which can name anyone);
- the learner is `HMAC-SHA256(salt, actor_key)` with a random salt made for this export
  and never stored: rows of one learner share a pseudonym inside the export, but two
  exports (or an export and the analytics store, whose keys are person ids and hashes
  anyone can recompute) cannot be joined on it. Registrations get the same treatment;
- location, team and job role are given as ids, and only for learners whose combination of
  the chosen dimensions is shared by at least k learners in the export (k =
  `guard.min_group_size()`); otherwise they are left empty for that learner;
- times are dates by default (a time to the microsecond is a fingerprint of its own).

Every export is logged (`ExportRecord`: who, when, period, columns, rows) and listed to
admins. The rows are read from the analytics store with one read-only query through
`analytics.query.stream` (DuckDB over the Parquet files, or ClickHouse on the scale tier)
and streamed a batch at a time: memory stays flat whatever the period.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import hmac
import secrets
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from leerpad.accounts.models import Person
from leerpad.core.guard import min_group_size
from leerpad.core.logging import get_logger
from leerpad.privacy.models import ExportRecord

log = get_logger(__name__)

FETCH = 2000


@dataclass(frozen=True)
class Column:
    key: str
    label: str | Promise
    # The select expression over the CTE `e` (an event) and `d` (the guarded dimensions).
    sql: str
    dimension: bool = False


# Always in an export, in this order.
BASE_COLUMNS = (
    Column("learner", _("learner (pseudonym)"), "e.actor_key"),
    Column("time", _("date or time"), "e.timestamp"),
    Column("verb", _("verb"), "e.verb"),
    Column("object_type", _("object type"), "e.object_type"),
    Column("object", _("object (activity IRI)"), "e.object_iri"),
)
OPTIONAL_COLUMNS = (
    Column("registration", _("registration (pseudonym)"), "e.registration"),
    Column("parent", _("parent activity"), "e.parent_iri"),
    Column("success", _("success"), "e.result_success"),
    Column("completion", _("completion"), "e.result_completion"),
    Column("score", _("scaled score"), "e.result_score_scaled"),
    Column("duration_ms", _("duration (ms)"), "e.result_duration_ms"),
    Column("path", _("path key"), "e.path_key"),
    Column("path_version", _("path version"), "e.path_version"),
    Column("step", _("step id"), "e.step_uid"),
    Column("language", _("language"), "e.language"),
    Column("platform", _("platform"), "e.platform"),
    Column("arrival", _("how they arrived"), "e.arrival"),
    Column("campaign", _("campaign"), "e.campaign"),
    Column("variant", _("variant"), "e.variant"),
    Column("location_id", _("location id"), "location_id", dimension=True),
    Column("team_id", _("team id"), "team_id", dimension=True),
    Column("job_role_id", _("job role id"), "job_role_id", dimension=True),
)
OPTIONAL = {c.key: c for c in OPTIONAL_COLUMNS}
DEFAULT_OPTIONAL = ("success", "completion", "score", "path", "step")
_PSEUDONYMS = {"learner", "registration"}


def _template(columns: Sequence[Column]) -> str:
    """The query for these columns. Only the fixed expressions above reach the SQL; the
    period and k are bound parameters."""
    dims = [c.sql for c in columns if c.dimension]
    select = []
    for column in columns:
        if column.dimension:
            select.append(f"CASE WHEN g.n >= @p(k, int) THEN d.{column.sql} END AS {column.key}")
        else:
            select.append(f"{column.sql} AS {column.key}")
    sql = [
        "WITH e AS (SELECT * FROM events",
        " WHERE timestamp >= @p(start, timestamp) AND timestamp < @p(end, timestamp))",
    ]
    joins = ""
    if dims:
        key_list = ", ".join(dims)
        same = " AND ".join(f"COALESCE(g.{k}, -1) = COALESCE(d.{k}, -1)" for k in dims)
        sql += [
            # Each learner's dimensions, then how many learners of the export share them.
            ", d AS (SELECT p.person_id, p.location_id, p.team_id, p.job_role_id FROM people p",
            " WHERE p.person_id IN (SELECT person_id FROM e WHERE person_id IS NOT NULL))",
            f", g AS (SELECT {key_list}, COUNT(*) AS n FROM d GROUP BY {key_list})",  # noqa: S608
        ]
        joins = f" LEFT JOIN d ON d.person_id = e.person_id LEFT JOIN g ON {same}"
    # Only the fixed column expressions above are joined in: nothing a user typed.
    sql.append(f" SELECT {', '.join(select)} FROM e{joins} ORDER BY e.timestamp, e.statement_id")  # noqa: S608
    sql.append(" @settings()")
    return "".join(sql)


def columns_for(optional: Sequence[str]) -> list[Column]:
    unknown = [key for key in optional if key not in OPTIONAL]
    if unknown:
        raise ValueError(f"unknown export columns: {unknown}")
    return [*BASE_COLUMNS, *(c for c in OPTIONAL_COLUMNS if c.key in optional)]


def period_bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """From the start of `start` to the end of `end` (both included), in local time."""
    tz = timezone.get_current_timezone()
    begin = dt.datetime.combine(start, dt.time.min, tzinfo=tz)
    until = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return begin, until


class _Echo:
    """A file-like object for csv.writer that hands each line back instead of keeping it."""

    def write(self, value: str) -> str:
        return value


def _safe(value: Any) -> Any:
    # A cell starting with = + - @ is a formula to spreadsheets (CSV injection): values
    # come from outside tools too, so such text is prefixed with a quote.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def pseudonym(salt: bytes, kind: str, value: str | None) -> str:
    if value is None:
        return ""
    return hmac.new(salt, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()


@transaction.atomic
def log_export(by: Person, start: dt.date, end: dt.date, optional: Sequence[str]) -> ExportRecord:
    return ExportRecord.objects.create(
        by=by,
        by_name=by.get_full_name() or by.email,
        start=start,
        end=end,
        columns=[c.key for c in columns_for(optional)],
    )


def _fetch(template: str, params: dict[str, Any]) -> Iterator[Sequence[Any]]:
    """The query's rows as tuples in the SELECT's column order, read a batch at a time from
    the configured engine."""
    from leerpad.analytics import query

    for batch in query.stream(template, params, FETCH):
        yield from batch


def rows(
    start: dt.date,
    end: dt.date,
    optional: Sequence[str] = DEFAULT_OPTIONAL,
    dates_only: bool = True,
    record: ExportRecord | None = None,
    salt: bytes | None = None,
) -> Iterator[list[Any]]:
    """The export's rows (the header first), pseudonymised; updates `record` at the end."""
    columns = columns_for(optional)
    salt = salt or secrets.token_bytes(32)
    begin, until = period_bounds(start, end)
    # Bound as UTC instants: the store's timestamps are UTC on every engine.
    params: dict[str, Any] = {"start": begin.astimezone(dt.UTC), "end": until.astimezone(dt.UTC)}
    if any(c.dimension for c in columns):
        params["k"] = min_group_size()
    keys = [c.key for c in columns]
    yield keys
    count = 0
    cache: dict[tuple[str, str], str] = {}
    for values in _fetch(_template(columns), params):
        out = []
        for key, value in zip(keys, values, strict=True):
            if key in _PSEUDONYMS and value is not None:
                value = cache.get((key, value)) or cache.setdefault(
                    (key, value), pseudonym(salt, key, str(value))
                )
            elif key == "time" and value is not None:
                moment = timezone.localtime(value)
                value = moment.date().isoformat() if dates_only else moment.isoformat()
            out.append(_safe(value))
        count += 1
        yield out
    if record is not None:
        ExportRecord.objects.filter(pk=record.pk).update(rows=count)
        log.info("privacy.exported", record=record.pk, rows=count)


def csv_lines(lines: Iterator[list[Any]]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    for line in lines:
        yield writer.writerow(["" if v is None else v for v in line])


def recent_exports(by: Person | None = None, limit: int = 50) -> list[ExportRecord]:
    """Exports, newest first: everyone's for admins (by=None), else the person's own."""
    records = ExportRecord.objects.all()
    if by is not None:
        records = records.filter(by=by)
    return list(records[:limit])
