"""The HTTP frame every xAPI resource shares.

`xapi_view` turns a Django request into an `XapiRequest` after doing, in order, what the
xAPI Communication chapter asks of every resource:

1. CORS: answers pre-flight OPTIONS requests and adds CORS headers to every answer, so
   browser-based content (SCORM/cmi5 players on other origins) can talk to the LRS.
2. Alternate request syntax (1.0.3 Communication 1.3): a POST with `?method=X` whose
   form-encoded body carries the headers, parameters and `content` of the real request.
   xAPI 2.0 dropped it, so there it is refused.
3. Version: `X-Experience-API-Version` must name a supported version (not for /about).
4. Authentication: HTTP Basic with an LRS client's key and secret.
5. Authorisation: the client's scopes must allow the resource and method.
6. Errors: an `XapiError` raised by the handler becomes a JSON error answer with the
   right status; every answer carries the `X-Experience-API-Version` header.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import hmac
import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import wraps
from typing import Any, cast
from urllib.parse import parse_qs

from django.conf import settings
from django.db import connection
from django.db.models import Field
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from leerpad.lrs.models import Client, Scope
from leerpad.lrs.xapi import parse_timestamp

# Versions this LRS speaks, newest last. A request's header picks one.
VERSION_1 = "1.0.3"
VERSION_2 = "2.0.0"
SUPPORTED_VERSIONS = (VERSION_1, VERSION_2)
_VERSION_ALIASES = {
    "1.0": VERSION_1,
    "1.0.0": VERSION_1,
    "1.0.1": VERSION_1,
    "1.0.2": VERSION_1,
    "1.0.3": VERSION_1,
    "2.0": VERSION_2,
    "2.0.0": VERSION_2,
}

_ALTERNATE_HEADERS = {
    "authorization",
    "x-experience-api-version",
    "content-type",
    "content-length",
    "if-match",
    "if-none-match",
}

CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "HEAD, GET, POST, PUT, DELETE, OPTIONS",
    "Access-Control-Allow-Headers": (
        "Content-Type, Content-Length, Authorization, If-Match, If-None-Match, "
        "X-Experience-API-Version, Accept-Language"
    ),
    "Access-Control-Expose-Headers": (
        "ETag, Last-Modified, Cache-Control, Content-Type, Content-Length, "
        "X-Experience-API-Version, X-Experience-API-Consistent-Through"
    ),
}


class XapiError(Exception):
    """An error answer. The message should name the offending field or parameter."""

    def __init__(self, status: int, message: str, headers: Mapping[str, str] | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = dict(headers or {})


@dataclass
class XapiRequest:
    """A request after alternate-syntax unwrapping, authentication and version checks."""

    method: str
    params: dict[str, str]
    headers: dict[str, str]  # lower-case names
    body: bytes
    content_type: str  # media type only, lower case, without parameters
    content_type_params: dict[str, str]
    version: str
    client: Client | None
    django_request: HttpRequest
    scopes: frozenset[str] = field(default_factory=frozenset)

    def json(self) -> Any:
        """The body as JSON, or a 400 naming the problem."""
        try:
            return json.loads(self.body.decode("utf-8"))
        except UnicodeDecodeError as exc:
            raise XapiError(400, "The request body is not UTF-8.") from exc
        except json.JSONDecodeError as exc:
            raise XapiError(400, f"The request body is not valid JSON: {exc.msg}.") from exc


def check_params(params: Iterable[str], allowed: Iterable[str]) -> None:
    """Unknown parameters, and known ones in the wrong case, are errors (3.2.s3.b7-8)."""
    unknown = sorted(set(params) - set(allowed))
    if unknown:
        raise XapiError(400, f"Unknown or misplaced parameter(s): {', '.join(unknown)}.")


def timestamp_param(params: Mapping[str, str], name: str) -> dt.datetime | None:
    """An ISO 8601 timestamp parameter (since, until), or None when absent."""
    value = params.get(name)
    if value is None:
        return None
    # A "+" offset that the client forgot to percent-encode arrives as a space.
    value = re.sub(r" (?=\d{2}(?::?\d{2})?$)", "+", value.strip())
    try:
        return parse_timestamp(value)
    except ValueError as exc:
        raise XapiError(400, f"Parameter '{name}' must be an ISO 8601 timestamp: {exc}.") from exc


def error_response(status: int, message: str, version: str = VERSION_1) -> JsonResponse:
    response = JsonResponse({"error": {"code": status, "message": message}}, status=status)
    response["X-Experience-API-Version"] = version
    return response


def hash_secret(secret: str) -> str:
    """Hash of a client secret.

    Secrets are generated with 256 bits of randomness, so a fast hash is safe and keeps
    the per-request cost of Basic authentication in microseconds (a password hasher's
    deliberate slowness would cap single-statement throughput).
    """
    return "sha256$" + hashlib.sha256(secret.encode()).hexdigest()


def _client_sql() -> str:
    quote = connection.ops.quote_name
    key, active = (
        quote(cast("Field[Any, Any]", Client._meta.get_field(name)).column)
        for name in ("key", "is_active")
    )
    return f"SELECT * FROM {quote(Client._meta.db_table)} WHERE {key} = %s AND {active}"  # noqa: S608


# Every request looks its client up: a raw query spares compiling the ORM's (a quarter
# of the frame's time for a single statement). `key` is unique.
_CLIENT_SQL = _client_sql()


def authenticate(authorization: str) -> Client:
    """The active client named by an HTTP Basic Authorization header, or a 401."""
    scheme, _, encoded = authorization.partition(" ")
    if scheme.lower() != "basic" or not encoded:
        raise XapiError(
            401,
            "Authentication required: HTTP Basic with an LRS client key.",
            {"WWW-Authenticate": 'Basic realm="Leerpad xAPI"'},
        )
    try:
        key, _, secret = base64.b64decode(encoded.strip()).decode("utf-8").partition(":")
    except (binascii.Error, UnicodeDecodeError) as exc:
        raise XapiError(
            401,
            "The Authorization header is not valid Basic credentials.",
            {"WWW-Authenticate": 'Basic realm="Leerpad xAPI"'},
        ) from exc
    client = next(iter(Client.objects.raw(_CLIENT_SQL, [key])), None)
    if client is None or not hmac.compare_digest(client.secret_hash, hash_secret(secret)):
        raise XapiError(
            401,
            "Unknown or revoked LRS client key, or wrong secret.",
            {"WWW-Authenticate": 'Basic realm="Leerpad xAPI"'},
        )
    now = timezone.now()
    # Recording the last use once a minute is enough and spares a write per request.
    if client.last_used_at is None or (now - client.last_used_at).total_seconds() > 60:
        Client.objects.filter(pk=client.pk).update(last_used_at=now)
    return client


def _split_content_type(value: str) -> tuple[str, dict[str, str]]:
    media, *rest = value.split(";")
    params = {}
    for part in rest:
        name, _, val = part.strip().partition("=")
        if name:
            params[name.strip().lower()] = val.strip().strip('"')
    return media.strip().lower(), params


def _default_version() -> str:
    configured = str(getattr(settings, "LEERPAD_LRS_DEFAULT_VERSION", VERSION_2))
    return _VERSION_ALIASES.get(configured, VERSION_2)


def _max_body() -> int:
    return int(getattr(settings, "LEERPAD_LRS_MAX_BODY_BYTES", 20 * 1024 * 1024))


def _read_body(request: HttpRequest) -> bytes:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError as exc:
        raise XapiError(400, "Content-Length is not a number.") from exc
    if length > _max_body():
        raise XapiError(413, f"The request body is larger than {_max_body()} bytes.")
    # Read the stream directly: request.body would apply the web forms' smaller limit.
    data = request.read(_max_body() + 1)
    if len(data) > _max_body():
        raise XapiError(413, f"The request body is larger than {_max_body()} bytes.")
    return data


def _unwrap_alternate(
    request: HttpRequest, body: bytes
) -> tuple[str, dict[str, str], dict[str, str], bytes]:
    """Method, params, headers and body of a 1.0.3 alternate-syntax request."""
    if set(request.GET) != {"method"}:
        raise XapiError(400, "Alternate request syntax allows no query parameter but 'method'.")
    method = request.GET["method"].upper()
    if method not in {"GET", "PUT", "POST", "DELETE", "HEAD"}:
        raise XapiError(400, f"Alternate request syntax: unknown method '{method}'.")
    if not body:
        raise XapiError(400, "Alternate request syntax needs a form-encoded body.")
    media, _ = _split_content_type(request.META.get("CONTENT_TYPE", ""))
    if media != "application/x-www-form-urlencoded":
        raise XapiError(
            415, "Alternate request syntax needs Content-Type application/x-www-form-urlencoded."
        )
    try:
        form = parse_qs(body.decode("utf-8"), keep_blank_values=True)
    except UnicodeDecodeError as exc:
        raise XapiError(400, "The form body is not UTF-8.") from exc
    headers: dict[str, str] = {}
    params: dict[str, str] = {}
    content = b""
    for name, values in form.items():
        value = values[-1]
        lowered = name.lower()
        if lowered == "content":
            content = value.encode("utf-8")
        elif lowered in _ALTERNATE_HEADERS:
            headers[lowered] = value
        else:
            params[name] = value
    return method, params, headers, content


Handler = Callable[[XapiRequest], HttpResponse]


def xapi_view(
    *,
    scopes: Mapping[str, set[str]],
    needs_version: bool = True,
    needs_auth: bool = True,
) -> Callable[[Handler], Callable[[HttpRequest], HttpResponse]]:
    """Wrap a resource handler; `scopes` maps each allowed method to the scopes that pass.

    HEAD is served wherever GET is (the body is dropped on the way out).
    """

    allowed = set(scopes) | ({"HEAD"} if "GET" in scopes else set())

    def decorator(handler: Handler) -> Callable[[HttpRequest], HttpResponse]:
        @csrf_exempt
        @wraps(handler)
        def view(request: HttpRequest) -> HttpResponse:
            # Errors before the version is known speak the deployment's default version.
            version = _default_version()
            try:
                if request.method == "OPTIONS":
                    response = HttpResponse(status=200)
                else:
                    xreq = _prepare(request, allowed, scopes, needs_version, needs_auth)
                    version = xreq.version
                    response = handler(xreq)
                    if xreq.method == "HEAD":
                        response.content = b""
            except XapiError as exc:
                response = error_response(exc.status, exc.message, version)
                for name, value in exc.headers.items():
                    response[name] = value
            response.setdefault("X-Experience-API-Version", version)
            for name, value in CORS_HEADERS.items():
                response[name] = value
            return response

        return view

    return decorator


def _prepare(
    request: HttpRequest,
    allowed: set[str],
    scopes: Mapping[str, set[str]],
    needs_version: bool,
    needs_auth: bool,
) -> XapiRequest:
    body = _read_body(request)
    method = (request.method or "GET").upper()
    headers = {name.lower(): value for name, value in request.headers.items()}
    params = {name: request.GET[name] for name in request.GET}
    if method == "POST" and "method" in request.GET:
        method, params, alt_headers, body = _unwrap_alternate(request, body)
        headers.update(alt_headers)
        alternate = True
    else:
        alternate = False
    if method not in allowed:
        raise XapiError(
            405, f"{method} is not allowed on this resource.", {"Allow": ", ".join(sorted(allowed))}
        )

    version = VERSION_1
    raw_version = headers.get("x-experience-api-version", "").strip()
    if raw_version:
        if raw_version not in _VERSION_ALIASES:
            raise XapiError(
                400,
                f"X-Experience-API-Version '{raw_version}' is not supported; "
                f"use one of {', '.join(SUPPORTED_VERSIONS)}.",
            )
        version = _VERSION_ALIASES[raw_version]
    elif needs_version:
        raise XapiError(400, "The X-Experience-API-Version header is required.")
    if alternate and version == VERSION_2:
        raise XapiError(400, "xAPI 2.0 does not allow the alternate request syntax.")

    client: Client | None = None
    granted: frozenset[str] = frozenset()
    if needs_auth:
        client = authenticate(headers.get("authorization", ""))
        granted = frozenset(client.scopes)
        wanted = scopes.get("GET" if method == "HEAD" else method, set())
        if wanted and not (granted & (wanted | {Scope.ALL.value})):
            raise XapiError(403, f"This client's scopes do not allow {method} here.")

    media, media_params = _split_content_type(headers.get("content-type", ""))
    return XapiRequest(
        method=method,
        params=params,
        headers=headers,
        body=body,
        content_type=media,
        content_type_params=media_params,
        version=version,
        client=client,
        django_request=request,
        scopes=granted,
    )


def check_acts_for(xreq: XapiRequest, statements: list[Any]) -> None:
    """A client bound to one learner may only record statements that learner made."""
    bound = xreq.client.agent if xreq.client is not None else None
    if not bound:
        return
    from leerpad.lrs.xapi.agent import agent_ifi

    wanted = agent_ifi(bound)
    for statement in statements:
        actor = statement.get("actor") if isinstance(statement, dict) else None
        try:
            ifi = agent_ifi(actor) if isinstance(actor, dict) else ""
        except (AttributeError, TypeError, ValueError):
            ifi = ""
        if ifi != wanted:
            raise XapiError(
                403, "This client acts for one learner: statements must have that learner as actor."
            )


def check_own_documents(xreq: XapiRequest, agent_ifi_of_request: str | None) -> None:
    """A client bound to one learner may only read and write that learner's documents,
    and only read the documents shared by every learner (activity profiles)."""
    bound = xreq.client.agent if xreq.client is not None else None
    if not bound:
        return
    from leerpad.lrs.xapi.agent import agent_ifi

    if agent_ifi_of_request is None:
        if xreq.method not in {"GET", "HEAD"}:
            raise XapiError(403, "This client acts for one learner: it may only read here.")
    elif agent_ifi_of_request != agent_ifi(bound):
        raise XapiError(403, "This client acts for one learner: use that learner as 'agent'.")
