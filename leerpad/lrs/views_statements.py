"""The Statement resource, /xapi/statements (xAPI Communication 2.1, 1.0.3 and 2.0.0).

- PUT ?statementId=: one statement; 204, 409 when the id holds other content.
- POST: one statement or a batch; 200 with the list of ids.
- GET ?statementId= / ?voidedStatementId=: one statement (only "attachments" and
  "format" may come along); GET with filters: a StatementResult page with a `more` link.

Bodies are application/json, or multipart/mixed with attachment parts (1.5.2). The
frame (`xapi_view`) has authenticated the client, checked its scopes and the version
header and unwrapped 1.0.3's alternate request syntax. Everything else is in
`leerpad.lrs.services`.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
import uuid
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from django.core import signing
from django.http import HttpResponse
from django.urls import reverse
from django.utils.http import http_date

from leerpad.lrs import services
from leerpad.lrs.backends import statement_store
from leerpad.lrs.backends.base import StatementConflict, StatementQuery, StoredAttachment
from leerpad.lrs.http import (
    XapiError,
    XapiRequest,
    check_acts_for,
    check_params,
    timestamp_param,
    xapi_view,
)
from leerpad.lrs.models import Scope
from leerpad.lrs.xapi import (
    XapiValidationError,
    agent_ifi,
    is_iri,
    is_uuid,
    parse_agent,
    parse_timestamp,
)

JSON_TYPE = "application/json"
MULTIPART_TYPE = "multipart/mixed"
FORM_TYPE = "application/x-www-form-urlencoded"
_MORE_SALT = "leerpad.lrs.statements.more"
_SINGLE_PARAMS = {"statementId", "voidedStatementId", "attachments", "format"}
_QUERY_PARAMS = {
    "agent",
    "verb",
    "activity",
    "registration",
    "related_activities",
    "related_agents",
    "since",
    "until",
    "limit",
    "format",
    "attachments",
    "ascending",
}
_FORMATS = ("exact", "ids", "canonical")
_READ_ALL = {Scope.STATEMENTS_READ.value, Scope.ALL_READ.value, Scope.ALL.value}


def _json_response(data: Any, status: int = 200) -> HttpResponse:
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return HttpResponse(body.encode(), status=status, content_type=JSON_TYPE)


@xapi_view(
    scopes={
        "GET": {
            Scope.STATEMENTS_READ.value,
            Scope.STATEMENTS_READ_MINE.value,
            Scope.ALL_READ.value,
        },
        "PUT": {Scope.STATEMENTS_WRITE.value},
        "POST": {Scope.STATEMENTS_WRITE.value},
    }
)
def statements(xreq: XapiRequest) -> HttpResponse:
    if xreq.method in {"GET", "HEAD"}:
        # Communication 2.1.3: the header comes with every answer to a GET, errors too.
        through = services.format_stored(statement_store().consistent_through())
        try:
            response = _get(xreq)
        except XapiError as exc:
            exc.headers.setdefault("X-Experience-API-Consistent-Through", through)
            raise
        response["X-Experience-API-Consistent-Through"] = through
        return response
    try:
        if xreq.method == "PUT":
            return _put(xreq)
        return _post(xreq)
    except XapiValidationError as exc:
        raise XapiError(400, str(exc)) from exc
    except StatementConflict as exc:
        raise XapiError(409, str(exc)) from exc


# --- writing ----------------------------------------------------------------------------


def _authority(xreq: XapiRequest) -> dict[str, Any]:
    if xreq.client is None:
        return services.leerpad_authority()
    return services.client_authority(xreq.client)


def _put(xreq: XapiRequest) -> HttpResponse:
    check_params(xreq.params, {"statementId"})
    statement_id = xreq.params.get("statementId")
    if statement_id is None:
        raise XapiError(400, "PUT needs the parameter 'statementId'.")
    if not is_uuid(statement_id):
        raise XapiError(400, "Parameter 'statementId' must be a UUID.")
    data, parts = _read_statements(xreq)
    if not isinstance(data, dict):
        raise XapiError(400, "PUT takes one statement (a JSON object), not a list.")
    given = data.get("id")
    if given is not None and (not isinstance(given, str) or given.lower() != statement_id.lower()):
        raise XapiError(400, "statement.id differs from the 'statementId' parameter.")
    if given is None:
        data = {"id": statement_id, **data}
    check_acts_for(xreq, [data])
    services.record_statements(
        data, version=xreq.version, authority=_authority(xreq), client=xreq.client, parts=parts
    )
    return HttpResponse(status=204)


def _post(xreq: XapiRequest) -> HttpResponse:
    check_params(xreq.params, set())
    data, parts = _read_statements(xreq)
    check_acts_for(xreq, data if isinstance(data, list) else [data])
    ids = services.record_statements(
        data, version=xreq.version, authority=_authority(xreq), client=xreq.client, parts=parts
    )
    return _json_response(ids)


def _decode_json(body: bytes, what: str) -> Any:
    try:
        return json.loads(body.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise XapiError(400, f"{what} is not UTF-8.") from exc
    except json.JSONDecodeError as exc:
        raise XapiError(400, f"{what} is not valid JSON: {exc.msg}.") from exc


def _read_statements(xreq: XapiRequest) -> tuple[Any, list[services.AttachmentPart]]:
    """The statement(s) and the attachment parts of a PUT or POST body."""
    alternate = "method" in xreq.django_request.GET
    if xreq.content_type in {"", JSON_TYPE} or (alternate and xreq.content_type == FORM_TYPE):
        # 1.0.3 alternate syntax: the form's "content" field holds the statement(s).
        return _decode_json(xreq.body, "The request body"), []
    if xreq.content_type != MULTIPART_TYPE:
        raise XapiError(
            400,
            f"Content-Type '{xreq.content_type}' is not accepted for statements: use "
            "application/json or multipart/mixed.",
        )
    boundary = xreq.content_type_params.get("boundary")
    if not boundary:
        raise XapiError(400, "Content-Type multipart/mixed needs a boundary parameter.")
    parts = parse_multipart(xreq.body, boundary)
    if not parts:
        raise XapiError(400, "The multipart/mixed body has no parts.")
    first_headers, first_body = parts[0]
    if first_headers.get("content-type", "").split(";")[0].strip().lower() != JSON_TYPE:
        raise XapiError(
            400, "The first part of a multipart/mixed body must be application/json statements."
        )
    data = _decode_json(first_body, "The first multipart/mixed part")
    attachments: list[services.AttachmentPart] = []
    for number, (headers, content) in enumerate(parts[1:], start=2):
        declared = headers.get("x-experience-api-hash", "").strip().lower()
        if not declared:
            raise XapiError(400, f"Multipart part {number} has no X-Experience-API-Hash header.")
        encoding = headers.get("content-transfer-encoding", "binary").strip().lower()
        if encoding != "binary":
            raise XapiError(
                400, f"Multipart part {number}: Content-Transfer-Encoding must be binary."
            )
        if services.sha2_hex(content, declared) != declared:
            raise XapiError(
                400,
                f"Multipart part {number}: its content does not match its X-Experience-API-Hash.",
            )
        content_type = headers.get("content-type", "application/octet-stream")
        attachments.append(services.AttachmentPart(declared, content_type, content))
    return data, attachments


def parse_multipart(body: bytes, boundary: str) -> list[tuple[dict[str, str], bytes]]:
    """The parts of a multipart/mixed body (RFC 2046): (lower-case headers, content).

    Strict where it matters: every part starts with the boundary, the closing
    delimiter must be there, and header lines need CRLF; a preamble is skipped.
    """
    delimiter = b"--" + boundary.encode("latin-1")
    if body.startswith(delimiter):
        rest = body[len(delimiter) :]
    else:
        start = body.find(b"\r\n" + delimiter)
        if start < 0:
            raise XapiError(400, "The multipart/mixed body does not contain its boundary.")
        rest = body[start + 2 + len(delimiter) :]
    parts: list[tuple[dict[str, str], bytes]] = []
    separator = b"\r\n" + delimiter
    while True:
        if rest.startswith(b"--"):
            return parts
        line_end = rest.find(b"\r\n")
        if line_end < 0 or rest[:line_end].strip(b" \t"):
            raise XapiError(400, "A multipart/mixed boundary line is malformed.")
        rest = rest[line_end + 2 :]
        end = rest.find(separator)
        if end < 0:
            raise XapiError(400, "The multipart/mixed body has no closing boundary.")
        part, rest = rest[:end], rest[end + len(separator) :]
        head, blank, content = part.partition(b"\r\n\r\n")
        if not blank:
            if part.startswith(b"\r\n"):
                head, content = b"", part[2:]
            else:
                raise XapiError(400, "A multipart/mixed part has no blank line after its headers.")
        headers: dict[str, str] = {}
        for line in head.split(b"\r\n"):
            if not line.strip():
                continue
            name, colon, value = line.decode("latin-1").partition(":")
            if not colon:
                raise XapiError(400, "A multipart/mixed part header is malformed.")
            headers[name.strip().lower()] = value.strip()
        parts.append((headers, content))


# --- reading ----------------------------------------------------------------------------


def _bool(params: Mapping[str, str], name: str) -> bool:
    value = params.get(name)
    if value is None:
        return False
    if value.lower() not in {"true", "false"}:
        raise XapiError(400, f"Parameter '{name}' must be true or false.")
    return value.lower() == "true"


def _format(params: Mapping[str, str]) -> str:
    value = params.get("format", "exact")
    if value not in _FORMATS:
        raise XapiError(400, "Parameter 'format' must be exact, ids or canonical.")
    return value


def _languages(xreq: XapiRequest) -> list[str]:
    """Accept-Language, most wanted first (RFC 9110 quality values)."""
    weighted: list[tuple[float, int, str]] = []
    for position, item in enumerate(xreq.headers.get("accept-language", "").split(",")):
        tag, _, param = item.strip().partition(";")
        if not tag:
            continue
        quality = 1.0
        name, _, value = param.strip().partition("=")
        if name.strip() == "q":
            try:
                quality = float(value)
            except ValueError:
                quality = 0.0
        if quality > 0:
            weighted.append((-quality, position, tag.strip()))
    return [tag for _, _, tag in sorted(weighted)]


def _mine(xreq: XapiRequest) -> str | None:
    """The authority a statements/read/mine client may read, or None for all."""
    if xreq.client is None or xreq.scopes & _READ_ALL:
        return None
    return agent_ifi(services.client_authority(xreq.client))


def _get(xreq: XapiRequest) -> HttpResponse:
    params = xreq.params
    if "statementId" in params or "voidedStatementId" in params:
        return _get_one(xreq)
    if "more" in params:
        check_params(params, {"more"})
        query, filters = _from_more(xreq, params["more"])
    else:
        check_params(params, _QUERY_PARAMS)
        filters = dict(params)
        query = _query(xreq, filters)
    fmt = _format(filters)
    attachments = _bool(filters, "attachments")
    try:
        found = services.find_statements(
            query, fmt=fmt, languages=_languages(xreq), attachments=attachments
        )
    except XapiValidationError as exc:
        raise XapiError(400, str(exc)) from exc
    more = ""
    page = found.page
    if page is not None and page.next_after is not None:
        more = _more_url(xreq, filters, page.next_after, page.stored_until)
    result = {"statements": found.statements, "more": more}
    if attachments:
        return _multipart_response(result, found.attachments)
    return _json_response(result)


def _get_one(xreq: XapiRequest) -> HttpResponse:
    params = xreq.params
    check_params(params, _SINGLE_PARAMS)
    if "statementId" in params and "voidedStatementId" in params:
        raise XapiError(400, "Use either 'statementId' or 'voidedStatementId', not both.")
    voided = "voidedStatementId" in params
    name = "voidedStatementId" if voided else "statementId"
    value = params[name]
    if not is_uuid(value):
        raise XapiError(400, f"Parameter '{name}' must be a UUID.")
    fmt = _format(params)
    attachments = _bool(params, "attachments")
    found = services.find_statement(
        uuid.UUID(value),
        voided=voided,
        fmt=fmt,
        languages=_languages(xreq),
        attachments=attachments,
        authority_ifi=_mine(xreq),
    )
    if found is None:
        raise XapiError(404, f"No statement with {name} {value}.")
    statement = found.statements[0]
    if attachments:
        response = _multipart_response(statement, found.attachments)
    else:
        response = _json_response(statement)
    stored = statement.get("stored")
    if isinstance(stored, str):
        response["Last-Modified"] = http_date(parse_timestamp(stored).timestamp())
    return response


def _query(xreq: XapiRequest, params: Mapping[str, str]) -> StatementQuery:
    agent_ifi_value = None
    if "agent" in params:
        try:
            agent = parse_agent(json.loads(params["agent"]), version=xreq.version)
        except json.JSONDecodeError as exc:
            raise XapiError(400, "Parameter 'agent' must be an Agent or Group as JSON.") from exc
        except XapiValidationError as exc:
            raise XapiError(400, str(exc)) from exc
        agent_ifi_value = agent_ifi(agent)
    for name in ("verb", "activity"):
        if name in params and not is_iri(params[name]):
            raise XapiError(400, f"Parameter '{name}' must be an IRI.")
    registration = params.get("registration")
    if registration is not None and not is_uuid(registration):
        raise XapiError(400, "Parameter 'registration' must be a UUID.")
    limit_text = params.get("limit", "0")
    if not limit_text.isdigit():
        raise XapiError(400, "Parameter 'limit' must be a non-negative integer.")
    return StatementQuery(
        agent_ifi=agent_ifi_value,
        verb_iri=params.get("verb"),
        activity_iri=params.get("activity"),
        registration=uuid.UUID(registration) if registration else None,
        related_activities=_bool(params, "related_activities"),
        related_agents=_bool(params, "related_agents"),
        since=timestamp_param(params, "since"),
        until=timestamp_param(params, "until"),
        limit=int(limit_text),
        ascending=_bool(params, "ascending"),
        authority_ifi=_mine(xreq),
    )


def _client_key(xreq: XapiRequest) -> str:
    return xreq.client.key if xreq.client is not None else ""


def _more_url(
    xreq: XapiRequest,
    filters: Mapping[str, str],
    after: tuple[dt.datetime, int],
    stored_until: dt.datetime | None,
) -> str:
    token = signing.dumps(
        {
            "f": dict(filters),
            "a": [after[0].isoformat(), after[1]],
            "u": stored_until.isoformat() if stored_until is not None else None,
            "c": _client_key(xreq),
            "v": xreq.version,
        },
        salt=_MORE_SALT,
        compress=True,
    )
    return f"{reverse('lrs:statements')}?more={token}"


def _from_more(xreq: XapiRequest, token: str) -> tuple[StatementQuery, dict[str, str]]:
    """The query a `more` link continues. The token is signed, so its filters and
    position are the LRS's own; it only works for the client it was made for."""
    try:
        data = signing.loads(token, salt=_MORE_SALT)
        filters = {str(k): str(v) for k, v in data["f"].items()}
        after = (dt.datetime.fromisoformat(data["a"][0]), int(data["a"][1]))
        until = dt.datetime.fromisoformat(data["u"]) if data["u"] else None
        client_key = data["c"]
    except (signing.BadSignature, KeyError, TypeError, ValueError, IndexError) as exc:
        raise XapiError(400, "Parameter 'more' is not a valid more link of this LRS.") from exc
    if client_key != _client_key(xreq):
        raise XapiError(400, "Parameter 'more' belongs to another client.")
    query = replace(_query(xreq, filters), after=after, stored_until=until)
    return query, filters


def _multipart_response(data: Any, attachments: list[StoredAttachment]) -> HttpResponse:
    """Communication 1.5.2: the JSON first, then one part per attachment content."""
    boundary = secrets.token_hex(16)
    delimiter = b"--" + boundary.encode()
    chunks = [
        delimiter,
        b"\r\nContent-Type: application/json\r\n\r\n",
        json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode(),
    ]
    for attachment in attachments:
        chunks += [
            b"\r\n",
            delimiter,
            f"\r\nContent-Type: {attachment.content_type}\r\n"
            "Content-Transfer-Encoding: binary\r\n"
            f"X-Experience-API-Hash: {attachment.sha2}\r\n\r\n".encode(),
            attachment.content,
        ]
    chunks += [b"\r\n", delimiter, b"--\r\n"]
    return HttpResponse(b"".join(chunks), content_type=f"multipart/mixed; boundary={boundary}")
