"""The one logical event schema of the analytics store: a statement once (`raw`), plus the
columns analytics filter and group on, extracted at sync time so questions never parse JSON.

The same names are used on every tier (Parquet + DuckDB now, ClickHouse later), so a
question is written once against them.

Who did it: `actor_key` is a stable pseudonymous key. For an account of this Leerpad it is
the person's primary key as a string (which also fills `person_id`, the join key to the
`people` dimension); for any other actor (an mbox sent by an outside tool, an account
elsewhere) it is the SHA-256 of the actor's inverse functional identifier. Why: dashboards
count distinct learners and follow each learner's route, which needs one stable key per
actor, but the analytics store is read by dashboards and exported, and must not carry
e-mail addresses. The hash is pseudonymous, not anonymous (whoever knows an address can
hash it and find its rows), which is what the GDPR calls it too; erasure therefore removes
rows (`store.parquet.ParquetStore.erase_actor`), it does not rely on the hash.

Dimensions (a person's location, team, job role, language) are not copied into events:
they change, and a join at query time on the small `people` table (`people_rows`) always
uses today's organisation.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from typing import Any

import pyarrow as pa  # type: ignore[import-untyped]  # no stubs or py.typed
from django.conf import settings

from leerpad.catalog.tracking import EXT_SEARCH_QUERY
from leerpad.core import extensions as xapi
from leerpad.paths.tracking import EXT_PATH_VERSION, EXT_STEP
from leerpad.search.tracking import EXT_RESULTS as EXT_SEARCH_RESULTS

Json = dict[str, Any]

VOIDED = "http://adlnet.gov/expapi/verbs/voided"

TIMESTAMP = pa.timestamp("us", tz="UTC")

# The columns of an event, in file order. `month` (YYYY-MM of `timestamp`) is the
# partition: it names the folder a file lives in and is not repeated inside the file.
EVENT_SCHEMA = pa.schema(
    [
        pa.field("statement_id", pa.string(), nullable=False),
        pa.field("stored", TIMESTAMP, nullable=False),
        pa.field("timestamp", TIMESTAMP, nullable=False),
        pa.field("month", pa.string(), nullable=False),
        pa.field("verb", pa.string(), nullable=False),
        pa.field("actor_key", pa.string()),
        pa.field("person_id", pa.int64()),
        pa.field("object_type", pa.string()),
        pa.field("object_iri", pa.string()),
        pa.field("registration", pa.string()),
        pa.field("parent_iri", pa.string()),
        pa.field("result_success", pa.bool_()),
        pa.field("result_completion", pa.bool_()),
        pa.field("result_score_scaled", pa.float64()),
        pa.field("result_duration_ms", pa.int64()),
        pa.field("result_response", pa.string()),
        pa.field("path_key", pa.string()),
        pa.field("path_version", pa.int64()),
        pa.field("step_uid", pa.string()),
        pa.field("search_query", pa.string()),
        pa.field("search_results", pa.int64()),
        pa.field("language", pa.string()),
        pa.field("platform", pa.string()),
        pa.field("client_id", pa.int64()),
        pa.field("arrival", pa.string()),
        pa.field("campaign", pa.string()),
        pa.field("variant", pa.string()),
        pa.field("raw", pa.string(), nullable=False),
    ]
)
# What a batch file holds: everything but the partition column.
FILE_SCHEMA = pa.schema([f for f in EVENT_SCHEMA if f.name != "month"])

PEOPLE_SCHEMA = pa.schema(
    [
        pa.field("person_id", pa.int64(), nullable=False),
        pa.field("location_id", pa.int64()),
        pa.field("team_id", pa.int64()),
        pa.field("job_role_id", pa.int64()),
        pa.field("language", pa.string()),
    ]
)

# ISO 8601 durations as xAPI uses them (Data 4.6): PnYnMnDTnHnMnS, fractional seconds.
_DURATION = re.compile(
    r"^P(?:(?P<y>\d+(?:\.\d+)?)Y)?(?:(?P<mo>\d+(?:\.\d+)?)M)?(?:(?P<w>\d+(?:\.\d+)?)W)?"
    r"(?:(?P<d>\d+(?:\.\d+)?)D)?(?:T(?:(?P<h>\d+(?:\.\d+)?)H)?(?:(?P<mi>\d+(?:\.\d+)?)M)?"
    r"(?:(?P<s>\d+(?:\.\d+)?)S)?)?$"
)
# Years and months have no fixed length; xAPI tools practically never send them, and a
# dashboard of durations needs one number, so they count as 365 and 30 days.
_SECONDS = {"y": 365 * 86400, "mo": 30 * 86400, "w": 7 * 86400, "d": 86400}
_SECONDS.update({"h": 3600, "mi": 60, "s": 1})


def duration_ms(value: object) -> int | None:
    """An xAPI duration in milliseconds, or None when absent or not ISO 8601."""
    if not isinstance(value, str):
        return None
    match = _DURATION.match(value)
    if not match or value in ("P", "PT"):
        return None
    seconds = sum(float(v) * _SECONDS[k] for k, v in match.groupdict().items() if v)
    return round(seconds * 1000)


def actor_key(actor_ifi: str, person_id: int | None) -> str | None:
    """The pseudonymous key of an actor (see the module docstring)."""
    if person_id is not None:
        return str(person_id)
    if not actor_ifi:
        return None  # an anonymous group: no one to count
    return hashlib.sha256(actor_ifi.encode()).hexdigest()


def _person_id(actor: object, site: str) -> int | None:
    if not isinstance(actor, dict):
        return None
    account = actor.get("account")
    if not isinstance(account, dict) or account.get("homePage") != site:
        return None
    name = account.get("name")
    return int(name) if isinstance(name, str) and name.isdigit() else None


def _path_key(iri: str | None, site: str) -> str | None:
    prefix = site.rstrip("/") + "/paths/"
    if iri and iri.startswith(prefix):
        key = iri[len(prefix) :].split("/", 1)[0]
        return key or None
    return None


def _to_dt(value: object) -> dt.datetime:
    if isinstance(value, dt.datetime):
        moment = value
    else:
        moment = dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    if moment.tzinfo is None:  # Django stores UTC; a naive value can only be UTC
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC)


def _first_id(items: object) -> str | None:
    if isinstance(items, dict):  # xAPI allows a single object where a list is expected
        items = [items]
    if isinstance(items, list):
        for item in items:
            if isinstance(item, dict) and isinstance(found := item.get("id"), str):
                return found
    return None


def _text(value: object) -> str | None:
    """A short text extension (a key, not prose), or None when absent or not text."""
    return value[:200] if isinstance(value, str) and value else None


def _bool(value: object) -> bool | None:
    return value if isinstance(value, bool) else None


def _int(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return None


def statement_to_row(statement: Mapping[str, Any], extra: Mapping[str, Any]) -> Json:
    """One event row from a stored statement (the LRS `payload`).

    `extra` carries what the row store knows beside the statement: `stored`, `timestamp`
    (the row's columns, authoritative), `actor_ifi` and `client_id`; a missing key is read
    from the statement where it can be. A batch passes `site` (settings.SITE_URL) once:
    reading the lazy settings per row cost 8 % of a sync.
    """
    site = str(extra.get("site") or settings.SITE_URL)
    timestamp = _to_dt(extra.get("timestamp") or statement.get("timestamp"))
    stored = _to_dt(extra.get("stored") or statement.get("stored") or timestamp)
    actor = statement.get("actor")
    person_id = _person_id(actor, site)
    obj = statement.get("object") or {}
    object_type = str(obj.get("objectType") or "Activity") if isinstance(obj, dict) else ""
    object_iri = obj.get("id") if isinstance(obj, dict) and object_type == "Activity" else None
    result = statement.get("result") or {}
    score = result.get("score") or {}
    context = statement.get("context") or {}
    extensions = context.get("extensions") or {}
    activities = context.get("contextActivities") or {}
    grouping = activities.get("grouping")
    groupings = grouping if isinstance(grouping, list) else [grouping]
    path_key = _path_key(object_iri, site) or next(
        (key for g in groupings if isinstance(g, dict) and (key := _path_key(g.get("id"), site))),
        None,
    )
    scaled = score.get("scaled") if isinstance(score, dict) else None
    # A search's own statement (`searched`) carries its query and result count in
    # result.extensions; a result opened from a search carries the query in the context.
    result_extensions = result.get("extensions") if isinstance(result, dict) else None
    result_extensions = result_extensions if isinstance(result_extensions, dict) else {}
    query = extensions.get(EXT_SEARCH_QUERY) or result_extensions.get(EXT_SEARCH_QUERY)
    response = result.get("response") if isinstance(result, dict) else None
    step = extensions.get(EXT_STEP)
    registration = context.get("registration")
    return {
        # Lower case like the LRS compares ids, so voiding and refreshes find the row.
        "statement_id": str(statement["id"]).lower(),
        "stored": stored,
        "timestamp": timestamp,
        "month": f"{timestamp.year:04d}-{timestamp.month:02d}",
        "verb": str((statement.get("verb") or {}).get("id", "")),
        "actor_key": actor_key(str(extra.get("actor_ifi") or ""), person_id),
        "person_id": person_id,
        "object_type": object_type,
        "object_iri": object_iri,
        "registration": str(registration) if registration else None,
        "parent_iri": _first_id(activities.get("parent")),
        "result_success": _bool(result.get("success")),
        "result_completion": _bool(result.get("completion")),
        "result_score_scaled": float(scaled) if isinstance(scaled, int | float) else None,
        "result_duration_ms": duration_ms(result.get("duration")),
        "result_response": response[:1000] if isinstance(response, str) else None,
        "path_key": path_key,
        "path_version": _int(extensions.get(EXT_PATH_VERSION)),
        "step_uid": str(step) if step is not None else None,
        "search_query": str(query) if query is not None else None,
        "search_results": _int(result_extensions.get(EXT_SEARCH_RESULTS)),
        "language": context.get("language") if isinstance(context.get("language"), str) else None,
        "platform": context.get("platform") if isinstance(context.get("platform"), str) else None,
        "client_id": extra.get("client_id"),
        "arrival": _text(extensions.get(xapi.ARRIVAL)),
        "campaign": _text(extensions.get(xapi.CAMPAIGN)),
        "variant": _text(extensions.get(xapi.VARIANT)),
        "raw": json.dumps(statement, separators=(",", ":"), ensure_ascii=False),
    }


def rows_to_table(rows: Iterable[Json]) -> pa.Table:
    """Rows (as `statement_to_row` makes them) as an Arrow table of the event schema."""
    rows = list(rows)
    columns = {f.name: [r[f.name] for r in rows] for f in EVENT_SCHEMA}
    return pa.table(columns, schema=EVENT_SCHEMA)


def people_rows() -> pa.Table:
    """The `people` dimension: today's location, team, job role and language per person."""
    from leerpad.accounts.models import Person

    rows = list(
        Person.objects.order_by("pk").values_list(
            "pk", "location_id", "team_id", "job_role_id", "language"
        )
    )
    names = PEOPLE_SCHEMA.names
    return pa.table(
        {name: [r[i] or None if i == 4 else r[i] for r in rows] for i, name in enumerate(names)},
        schema=PEOPLE_SCHEMA,
    )
