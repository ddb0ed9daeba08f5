"""Write and read services of the Learning Record Store.

Both the xAPI endpoints and Leerpad's own apps come through here, so a statement written
by a page of Leerpad is validated, completed and stored exactly like one posted by an
outside tool:

- `record_statements` validates a batch (``leerpad.lrs.xapi``), checks attachment
  contents and signatures, completes every statement (`prepare_statements`: id, stored,
  authority, version, timestamp) and stores the batch in one transaction through
  ``statement_store()``. A rejected batch stores nothing.
- `record` and `record_for_person` are the in-process API for other Leerpad apps: the
  same path without HTTP, with Leerpad itself as the authority.
- `find_statement` and `find_statements` read, and shape the result (`format`).

Errors: `XapiValidationError` (the request is wrong: 400), `StatementConflict` (an id
is stored already with other content: 409).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import json
import re
import uuid
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from leerpad.lrs.backends import statement_store
from leerpad.lrs.backends.base import (
    NewStatement,
    StatementConflict,
    StatementPage,
    StatementQuery,
    StoredAttachment,
)
from leerpad.lrs.models import Statement
from leerpad.lrs.signals import statements_recorded
from leerpad.lrs.xapi import (
    VERSION_1,
    VERSION_2,
    XapiValidationError,
    format_canonical,
    format_ids,
    parse_statements,
    parse_timestamp,
)
from leerpad.lrs.xapi.attachment import SIGNATURE_USAGE_TYPE
from leerpad.lrs.xapi.verb import VOIDED

if TYPE_CHECKING:
    from leerpad.accounts.models import Person
    from leerpad.lrs.models import Client

__all__ = [
    "StatementConflict",
    "XapiValidationError",
    "client_authority",
    "comparable",
    "find_statement",
    "find_statements",
    "leerpad_authority",
    "prepare_statements",
    "record",
    "record_for_person",
    "record_statements",
    "same_statement",
]

Json = dict[str, Any]

# Data 2.4.10: the version an LRS gives a statement that arrives without one. xAPI 1.0.3:
# "If they lack a version, the version MUST be set to 1.0.0"; under 2.0 the statement
# follows the 2.0.0 data model, so it gets "2.0.0".
DEFAULT_STATEMENT_VERSION = {VERSION_1: "1.0.0", VERSION_2: "2.0.0"}
SIGNATURE_CONTENT_TYPE = "application/octet-stream"
SIGNATURE_ALGORITHMS = ("RS256", "RS384", "RS512")
_SHA2_BY_LENGTH = {56: "sha224", 64: "sha256", 96: "sha384", 128: "sha512"}
# Properties the LRS may set or change (Data 2.3.1, Statement Immutability), and
# attachments, which "are not part of Statements": ignored when comparing statements.
_SECONDS_FRACTION = re.compile(r"(?P<whole>[0-9]+)[.,](?P<fraction>[0-9]*)S$")
_NOT_COMPARED = frozenset({"id", "authority", "stored", "version", "attachments"})


# --- authorities ------------------------------------------------------------------------


def leerpad_authority() -> Json:
    """The authority of what Leerpad's own pages record (Data 2.4.9)."""
    return {
        "objectType": "Agent",
        "name": "Leerpad",
        "account": {"homePage": settings.SITE_URL, "name": "leerpad"},
    }


def client_authority(client: Client) -> Json:
    """The authority of what an LRS client writes: its configured agent, or one derived
    from its key (stable, and distinct from every person's account)."""
    if client.authority:
        return dict(client.authority)
    return {
        "objectType": "Agent",
        "name": client.name,
        "account": {"homePage": settings.SITE_URL, "name": f"client:{client.key}"},
    }


# --- statement comparison ---------------------------------------------------------------


def _instant(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return parse_timestamp(value).astimezone(dt.UTC).isoformat()
        except ValueError:
            return value
    return value


def _agent(agent: Any) -> Any:
    if not isinstance(agent, dict):
        return agent
    out = dict(agent)
    mbox = out.get("mbox")
    if isinstance(mbox, str) and "@" in mbox:
        local, _, domain = mbox.rpartition("@")
        out["mbox"] = f"{local[:7].lower()}{local[7:]}@{domain.lower()}"
    if isinstance(out.get("mbox_sha1sum"), str):
        out["mbox_sha1sum"] = out["mbox_sha1sum"].lower()
    members = out.get("member")
    if isinstance(members, list):
        # Data 2.3.1: the members of a Group are not an ordered list.
        out["member"] = sorted(
            (_agent(m) for m in members), key=lambda m: json.dumps(m, sort_keys=True)
        )
    return out


def _activity(activity: Any) -> Any:
    # Data 2.3.1: Activity definitions are not part of the statement itself.
    if isinstance(activity, dict):
        return {k: v for k, v in activity.items() if k != "definition"}
    return activity


def _lower_id(obj: Any) -> Any:
    if isinstance(obj, dict) and isinstance(obj.get("id"), str):
        return {**obj, "id": obj["id"].lower()}
    return obj


def _object(obj: Any) -> Any:
    if not isinstance(obj, dict):
        return obj
    kind = obj.get("objectType", "Activity")
    if kind == "Activity":
        return _activity({"objectType": "Activity", **obj})
    if kind in {"Agent", "Group"}:
        return _agent(obj)
    if kind == "StatementRef":
        return _lower_id(obj)
    if kind == "SubStatement":
        return _statement_body(obj)
    return obj


def _context(context: Any) -> Any:
    if not isinstance(context, dict):
        return context
    out = dict(context)
    if isinstance(out.get("registration"), str):
        out["registration"] = out["registration"].lower()
    for key in ("instructor", "team"):
        if key in out:
            out[key] = _agent(out[key])
    if "statement" in out:
        out["statement"] = _lower_id(out["statement"])
    activities = out.get("contextActivities")
    if isinstance(activities, dict):
        out["contextActivities"] = {
            kind: [_activity(a) for a in ([value] if isinstance(value, dict) else value)]
            for kind, value in activities.items()
        }
    if isinstance(out.get("contextAgents"), list):
        out["contextAgents"] = [
            {**item, "agent": _agent(item.get("agent"))} for item in out["contextAgents"]
        ]
    if isinstance(out.get("contextGroups"), list):
        out["contextGroups"] = [
            {**item, "group": _agent(item.get("group"))} for item in out["contextGroups"]
        ]
    return out


def _statement_body(statement: Json) -> Json:
    out = {k: v for k, v in statement.items() if k not in _NOT_COMPARED}
    out["actor"] = _agent(out.get("actor"))
    verb = out.get("verb")
    if isinstance(verb, dict):
        # Data 2.3.1: the verb's display is not part of the statement itself.
        out["verb"] = {k: v for k, v in verb.items() if k != "display"}
    out["object"] = _object(out.get("object"))
    if "context" in out:
        out["context"] = _context(out["context"])
    if "timestamp" in out:
        out["timestamp"] = _instant(out["timestamp"])
    result = out.get("result")
    if isinstance(result, dict) and isinstance(result.get("duration"), str):
        out["result"] = {**result, "duration": _duration(result["duration"])}
    return out


def _duration(value: str) -> str:
    """xAPI 2.0 (4.2.7): durations are compared to 0.01 s; finer digits are ignored."""
    match = _SECONDS_FRACTION.search(value)
    if match is None:
        return value
    fraction = match["fraction"][:2].rstrip("0")
    seconds = f"{match['whole']}.{fraction}S" if fraction else f"{match['whole']}S"
    return value[: match.start()] + seconds


def same_statement(stored: Json, received: Json) -> bool:
    """Whether two statements are the same by Data 2.3.1: equal comparable forms, the
    timestamp ignored when one of them has none (the LRS fills in a missing one)."""
    first, second = comparable(stored), comparable(received)
    if "timestamp" not in first or "timestamp" not in second:
        first.pop("timestamp", None)
        second.pop("timestamp", None)
    return first == second


def comparable(statement: Json) -> Json:
    """The statement reduced to what Data 2.3.1 (Statement Comparison Requirements)
    compares: without what the LRS may set (id, stored, authority, version), without
    attachments, verb displays and activity definitions, with case-insensitive parts
    lower-cased, timestamps as UTC instants and group members in a fixed order. Two
    statements are "the same" when their comparable forms are equal."""
    return _statement_body(statement)


# --- attachments and signatures ---------------------------------------------------------


@dataclass
class AttachmentPart:
    """One attachment part of a multipart/mixed request, its hash already verified."""

    sha2: str  # lower-case hex, as in the X-Experience-API-Hash header
    content_type: str
    content: bytes


def sha2_hex(content: bytes, like: str) -> str:
    """The SHA-2 digest of ``content`` with the algorithm the hex digest ``like`` uses
    (its length tells: SHA-224, -256, -384 or -512)."""
    algorithm = _SHA2_BY_LENGTH.get(len(like), "sha256")
    return hashlib.new(algorithm, content).hexdigest()


def _attachments_of(statement: Json) -> Iterator[tuple[str, Json]]:
    for index, attachment in enumerate(statement.get("attachments") or ()):
        yield f"attachments[{index}]", attachment
    sub = statement.get("object")
    if isinstance(sub, dict) and sub.get("objectType") == "SubStatement":
        for index, attachment in enumerate(sub.get("attachments") or ()):
            yield f"object.attachments[{index}]", attachment


def _b64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def verify_signature(statement: Json, jws_bytes: bytes, *, path: str) -> None:
    """Data 2.6 (Signed Statements): the JWS must be well formed, use RS256/384/512,
    carry "a valid JSON serialization of the complete Statement before the signature
    was added" (compared by the Data 2.3.1 rules) and, when its header has an X.509
    chain ("x5c"), verify against the first certificate. Raises XapiValidationError."""
    from cryptography import x509
    from cryptography.hazmat.primitives.asymmetric import rsa
    from joserfc import jws
    from joserfc.errors import JoseError
    from joserfc.jwk import RSAKey

    def reject(message: str) -> XapiValidationError:
        return XapiValidationError(message, path=path)

    text = jws_bytes.strip()
    if text.count(b".") != 2:
        raise reject("the signature is not a JWS in compact serialization")
    try:
        header_b64, payload_b64, _ = text.decode("ascii").split(".")
        header = json.loads(_b64url(header_b64))
        payload = json.loads(_b64url(payload_b64))
    except (UnicodeDecodeError, binascii.Error, ValueError) as exc:
        raise reject("the signature's JWS header or payload is not valid JSON") from exc
    if not isinstance(header, dict) or header.get("alg") not in SIGNATURE_ALGORITHMS:
        raise reject('the signature must use the JWS algorithm "RS256", "RS384" or "RS512"')
    if not isinstance(payload, dict):
        raise reject("the signature's payload must be a statement (a JSON object)")
    chain = header.get("x5c")
    if chain is not None:
        try:
            certificate = x509.load_der_x509_certificate(base64.b64decode(chain[0]))
            public_key = certificate.public_key()
        except (TypeError, IndexError, KeyError, ValueError, binascii.Error) as exc:
            raise reject("the signature's x5c certificate cannot be read") from exc
        if not isinstance(public_key, rsa.RSAPublicKey):
            raise reject("the signature's x5c certificate must hold an RSA key")
        # The default limits are for tokens; a header with a certificate chain and a
        # whole statement as payload are larger.
        registry = jws.JWSRegistry(algorithms=SIGNATURE_ALGORITHMS)
        registry.max_header_length = len(header_b64)
        registry.max_payload_length = len(payload_b64)
        registry.max_signature_length = max(registry.max_signature_length, len(text))
        try:
            jws.deserialize_compact(
                text, RSAKey.import_key(public_key), algorithms=[header["alg"]], registry=registry
            )
        except JoseError as exc:
            raise reject("the signature does not verify with its x5c certificate") from exc
    if not same_statement(payload, statement):
        raise reject("the signed statement (JWS payload) differs from the statement sent")


def attach_contents(
    statements: Sequence[Json], parts: Sequence[AttachmentPart]
) -> list[list[StoredAttachment]]:
    """Match multipart attachment parts with the statements' attachments by SHA-2
    (Communication 1.5.2), verify signatures, and return each statement's contents.

    Every attachment without a fileUrl needs a part with its hash; a part that no
    attachment declares is refused, as is a signature that fails Data 2.6.
    """
    by_hash = {part.sha2: part for part in parts}
    used: set[str] = set()
    contents: list[list[StoredAttachment]] = []
    for index, statement in enumerate(statements):
        found: dict[str, StoredAttachment] = {}
        for where, attachment in _attachments_of(statement):
            path = f"statement[{index}].{where}"
            sha2 = str(attachment["sha2"]).lower()
            part = by_hash.get(sha2)
            if part is None:
                if "fileUrl" not in attachment:
                    raise XapiValidationError(
                        "has no fileUrl and no multipart/mixed part with its sha2 "
                        "(X-Experience-API-Hash) was sent",
                        path=path,
                    )
            else:
                used.add(sha2)
                found[sha2] = StoredAttachment(sha2, attachment["contentType"], part.content)
            if attachment.get("usageType") == SIGNATURE_USAGE_TYPE:
                if attachment["contentType"].split(";")[0].strip() != SIGNATURE_CONTENT_TYPE:
                    raise XapiValidationError(
                        f'a signature attachment must have contentType "{SIGNATURE_CONTENT_TYPE}"',
                        path=f"{path}.contentType",
                    )
                if part is None:
                    raise XapiValidationError(
                        "a signature attachment must be sent as a multipart/mixed part",
                        path=path,
                    )
                if not where.startswith("object."):
                    verify_signature(statement, part.content, path=path)
        contents.append(list(found.values()))
    unused = set(by_hash) - used
    if unused:
        raise XapiValidationError(
            f"multipart/mixed part with X-Experience-API-Hash {sorted(unused)[0]} matches "
            "no attachment of the statements",
            path="attachments",
        )
    return contents


# --- writing ----------------------------------------------------------------------------


@runtime_checkable
class _WriteLocking(Protocol):
    def write_lock(self) -> dt.datetime | None:
        """Serialise statement writers (inside a transaction); the latest stored."""
        ...


def format_stored(value: dt.datetime) -> str:
    """`stored` and LRS-set timestamps: UTC with microseconds ("...T10:00:00.123456Z")."""
    return value.astimezone(dt.UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def _next_stored(last: dt.datetime | None) -> dt.datetime:
    now = timezone.now()
    if last is not None and now <= last:
        # Strictly increasing across batches, so (stored, id) paging and
        # since/until never see two batches as simultaneous.
        return last + dt.timedelta(microseconds=1)
    return now


def prepare_statements(
    raw: Any,
    *,
    version: str,
    authority: Json,
    client: Client | None = None,
    stored: dt.datetime | None = None,
    validated: bool = False,
    contents: Sequence[list[StoredAttachment]] | None = None,
) -> list[NewStatement]:
    """Validate (unless ``validated``) and complete statements for the store.

    The LRS sets (Data 2.4): "id" when missing (a random UUID); "stored", one instant for
    the whole batch, microsecond precision; "timestamp" = stored when missing (2.4.7);
    "authority" from the credentials, overriding any the client sent (2.4.9: the LRS
    SHOULD overwrite it); "version" when missing, "1.0.0" under 1.0.3 and "2.0.0" under
    2.0 (2.4.10). Voiding a voiding statement within the batch is refused (2.3.2).
    """
    statements: list[Json] = raw if validated else parse_statements(raw, version=version)
    when = format_stored(stored if stored is not None else timezone.now())
    default_version = DEFAULT_STATEMENT_VERSION[version]
    voiding_ids = {
        str(s["id"]).lower() for s in statements if "id" in s and s["verb"]["id"] == VOIDED
    }
    batch: list[NewStatement] = []
    for index, original in enumerate(statements):
        if original["verb"]["id"] == VOIDED and original["object"]["id"].lower() in voiding_ids:
            raise XapiValidationError(
                "a voiding statement cannot void another voiding statement",
                path=f"statement[{index}].object.id",
            )
        statement = dict(original)
        statement["id"] = original.get("id") or str(uuid.uuid4())
        statement["stored"] = when
        statement.setdefault("timestamp", when)
        statement["authority"] = authority
        statement.setdefault("version", default_version)
        attachments = contents[index] if contents is not None else []
        batch.append(NewStatement(statement=statement, original=original, attachments=attachments))
    return batch


def _refuse_voiding_voiders(batch: Sequence[NewStatement]) -> None:
    targets = [
        uuid.UUID(new.statement["object"]["id"])
        for new in batch
        if new.statement["verb"]["id"] == VOIDED
    ]
    if not targets:
        return
    for target in statement_store().fetch_by_ids(targets):
        if target["verb"]["id"] == VOIDED:
            raise XapiValidationError(
                f"statement {target['id']} is a voiding statement and cannot be voided "
                "(Data 2.3.2)",
                path="statement.object.id",
            )


def record_statements(
    raw: Any,
    *,
    version: str,
    authority: Json,
    client: Client | None = None,
    parts: Sequence[AttachmentPart] = (),
) -> list[str]:
    """Validate, complete and store a batch (one statement or a list); all or nothing.

    Validation runs before the write lock is taken; `stored` is stamped under it, so
    stored values grow in commit order and a `more` page never misses a late commit.
    Returns the statement ids in batch order.
    """
    statements = parse_statements(raw, version=version)
    contents = attach_contents(statements, parts)
    store = statement_store()
    with transaction.atomic():
        last = store.write_lock() if isinstance(store, _WriteLocking) else None
        batch = prepare_statements(
            statements,
            version=version,
            authority=authority,
            client=client,
            stored=_next_stored(last),
            validated=True,
            contents=contents,
        )
        _refuse_voiding_voiders(batch)
        ids = store.store_batch(batch, client_id=client.pk if client is not None else None)
        if statements_recorded.has_listeners():
            stored = [new.statement for new in batch]
            transaction.on_commit(
                lambda: statements_recorded.send(sender=Statement, statements=stored)
            )
        return ids


def record(statement: Json, *, version: str = VERSION_2) -> str:
    """Record one statement from inside Leerpad (no HTTP): same validation and store as
    the xAPI endpoint, Leerpad as the authority. Returns the statement id.

    Raises XapiValidationError for an invalid statement, StatementConflict when its id
    is stored already with other content.
    """
    return record_statements(statement, version=version, authority=leerpad_authority())[0]


def record_for_person(
    person: Person,
    verb_iri: str,
    verb_display: Mapping[str, str],
    object: Json,
    result: Json | None = None,
    context: Json | None = None,
    timestamp: dt.datetime | None = None,
) -> str:
    """Record that ``person`` did something: the actor is `agent_for_person(person)`.

    ``timestamp`` is when it happened, when that was not now (a sign-off of work done
    earlier, a completion derived from earlier statements).

    ``object`` is the xAPI object (an Activity, usually
    ``{"objectType": "Activity", "id": iri, "definition": {...}}``).
    """
    from leerpad.lrs.agents import agent_for_person

    statement: Json = {
        "actor": agent_for_person(person),
        "verb": {"id": verb_iri, "display": dict(verb_display)},
        "object": object,
    }
    if result is not None:
        statement["result"] = result
    if context is not None:
        statement["context"] = context
    if timestamp is not None:
        statement["timestamp"] = timestamp.isoformat()
    return record(statement)


# --- reading ----------------------------------------------------------------------------


@dataclass
class Found:
    """Statements shaped for the answer, and their attachment contents when asked."""

    statements: list[Json]
    attachments: list[StoredAttachment] = field(default_factory=list)


def _activities_in(statement: Json) -> Iterator[Json]:
    obj = statement.get("object")
    if isinstance(obj, dict):
        kind = obj.get("objectType", "Activity")
        if kind == "Activity":
            yield obj
        elif kind == "SubStatement":
            yield from _activities_in(obj)
    context = statement.get("context")
    if isinstance(context, dict):
        for value in (context.get("contextActivities") or {}).values():
            yield from ([value] if isinstance(value, dict) else value)


def _with_canonical(statement: Json, definitions: Mapping[str, Json]) -> Json:
    """The statement with each Activity's definition replaced by the LRS's canonical
    one (Communication 2.1.3, format=canonical)."""

    def activity(value: Json) -> Json:
        canonical = definitions.get(value["id"])
        return {**value, "definition": canonical} if canonical else value

    def body(stmt: Json) -> Json:
        out = dict(stmt)
        obj = out.get("object")
        if isinstance(obj, dict):
            kind = obj.get("objectType", "Activity")
            if kind == "Activity":
                out["object"] = activity(obj)
            elif kind == "SubStatement":
                out["object"] = body(obj)
        context = out.get("context")
        if isinstance(context, dict) and isinstance(context.get("contextActivities"), dict):
            out["context"] = {
                **context,
                "contextActivities": {
                    kind: [activity(a) for a in ([v] if isinstance(v, dict) else v)]
                    for kind, v in context["contextActivities"].items()
                },
            }
        return out

    return body(statement)


def shape(statements: list[Json], fmt: str, languages: Sequence[str]) -> list[Json]:
    """Apply GET /statements' "format" (exact, ids or canonical) to statements."""
    if fmt == "ids":
        return [format_ids(s) for s in statements]
    if fmt == "canonical":
        from leerpad.lrs.models import Activity

        iris = {a["id"] for s in statements for a in _activities_in(s)}
        definitions = (
            dict(Activity.objects.filter(iri__in=iris).values_list("iri", "definition"))
            if iris
            else {}
        )
        return [
            format_canonical(_with_canonical(s, definitions), list(languages)) for s in statements
        ]
    return statements


def find_statement(
    statement_id: uuid.UUID,
    *,
    voided: bool,
    fmt: str = "exact",
    languages: Sequence[str] = (),
    attachments: bool = False,
    authority_ifi: str | None = None,
) -> Found | None:
    """One statement by id (voided=True: only a voided one), or None."""
    store = statement_store()
    statement = store.get(statement_id, voided=voided)
    if statement is None:
        return None
    if authority_ifi is not None:
        from leerpad.lrs.xapi import agent_ifi

        if agent_ifi(statement.get("authority") or {}) != authority_ifi:
            return None
    found = Found(shape([statement], fmt, languages))
    if attachments:
        found.attachments = store.attachments_for([str(statement["id"])])
    return found


@dataclass
class FoundPage(Found):
    page: StatementPage | None = None


def find_statements(
    query: StatementQuery,
    *,
    fmt: str = "exact",
    languages: Sequence[str] = (),
    attachments: bool = False,
    page_size: int | None = None,
) -> FoundPage:
    """A page of statements matching ``query`` (Communication 2.1.3)."""
    store = statement_store()
    if page_size is None:
        # Without a limit, a page of the default size; a limit may ask for more, up to
        # the maximum (Communication 2.1.3: "0 indicates return the maximum the server
        # will allow" -- which is the default page size here: big pages are slow pages).
        default = int(getattr(settings, "LEERPAD_LRS_PAGE_SIZE", 100))
        most = int(getattr(settings, "LEERPAD_LRS_MAX_PAGE_SIZE", 1000))
        page_size = min(query.limit, most) if query.limit else default
    page = store.query(query, page_size)
    found = FoundPage(shape(page.statements, fmt, languages), page=page)
    if attachments and page.statements:
        found.attachments = store.attachments_for([str(s["id"]) for s in page.statements])
    return found
