"""The document resources of the xAPI LRS, and the Activities and Agents resources.

xAPI Communication (1.0.3 and 2.0.0, which agree here except where noted):

- 2.2 Document Resources: arbitrary content of any type; POST merges JSON objects.
- 2.3 State (`activities/state`), 2.6 Agent Profile (`agents/profile`), 2.7 Activity
  Profile (`activities/profile`): one document by id, or the list of ids (`since`).
- 2.4 Agents (`agents`): a Person object for an agent; 2.5 Activities (`activities`): the
  canonical Activity object.
- 3.1 Concurrency: SHA-1 ETags, If-Match / If-None-Match, 409 for a PUT that would
  overwrite a document without either header, 412 when a precondition fails.

The frame (`leerpad.lrs.http.xapi_view`) has already authenticated the client, checked
its scopes and the version header, and unwrapped 1.0.3's alternate request syntax.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.http import HttpResponse, JsonResponse
from django.utils.http import http_date

from leerpad.lrs.backends import document_store
from leerpad.lrs.backends.base import DocumentKey, StoredDocument
from leerpad.lrs.http import (
    VERSION_1,
    XapiError,
    XapiRequest,
    check_own_documents,
    check_params,
    timestamp_param,
    xapi_view,
)
from leerpad.lrs.models import Activity, Document, Scope, Statement
from leerpad.lrs.xapi import (
    XapiValidationError,
    agent_ifi,
    is_iri,
    is_uuid,
    parse_agent,
)

JSON_MEDIA_TYPE = "application/json"
_DEFAULT_CONTENT_TYPE = "application/octet-stream"
_IFI_PROPERTIES = ("mbox", "mbox_sha1sum", "openid", "account")
# How many recent statements about an agent are read for the names of its Person object.
_PERSON_NAME_SCAN = 50

_READ = {Scope.ALL_READ.value}
_STATE_SCOPES = {
    "GET": {Scope.STATE.value} | _READ,
    "PUT": {Scope.STATE.value},
    "POST": {Scope.STATE.value},
    "DELETE": {Scope.STATE.value},
}
_PROFILE_SCOPES = {
    "GET": {Scope.PROFILE.value} | _READ,
    "PUT": {Scope.PROFILE.value},
    "POST": {Scope.PROFILE.value},
    "DELETE": {Scope.PROFILE.value},
}
# Activity definitions are not personal: any client that reads or writes learning data
# may read them. A Person object carries names seen in statements, so it needs read
# access to statements (Communication 2.4.s3: extra identity information, extra rights).
_ACTIVITIES_SCOPES = {
    "GET": {Scope.STATEMENTS_READ.value, Scope.DEFINE.value, Scope.STATE.value, Scope.PROFILE.value}
    | _READ,
}
_AGENTS_SCOPES = {"GET": {Scope.STATEMENTS_READ.value, Scope.DEFINE.value} | _READ}


@dataclass(frozen=True)
class _Resource:
    """What distinguishes the three document resources."""

    kind: str
    id_param: str
    has_activity: bool
    has_agent: bool
    has_registration: bool
    # DELETE without an id deletes every document of the context (State only, 2.3.s5).
    delete_all: bool
    # A PUT without If-Match / If-None-Match: profiles always need one (Communication
    # 3.1.s3.b1; the ADL suite expects 400 for a new profile document, 409 for an
    # existing one). xAPI 1.0.3 exempts State ("will permit PUT ... without concurrency
    # headers"); the 2.0 conformance suite holds State to the 409 rule too.
    headers_required: bool

    def params(self, method: str, single: bool) -> set[str]:
        names = {self.id_param}
        if self.has_activity:
            names.add("activityId")
        if self.has_agent:
            names.add("agent")
        if self.has_registration:
            names.add("registration")
        if method == "GET" and not single:
            names.add("since")
        return names


_STATE = _Resource(
    kind=Document.Kind.STATE.value,
    id_param="stateId",
    has_activity=True,
    has_agent=True,
    has_registration=True,
    delete_all=True,
    headers_required=False,
)
_ACTIVITY_PROFILE = _Resource(
    kind=Document.Kind.ACTIVITY_PROFILE.value,
    id_param="profileId",
    has_activity=True,
    has_agent=False,
    has_registration=False,
    delete_all=False,
    headers_required=True,
)
_AGENT_PROFILE = _Resource(
    kind=Document.Kind.AGENT_PROFILE.value,
    id_param="profileId",
    has_activity=False,
    has_agent=True,
    has_registration=False,
    delete_all=False,
    headers_required=True,
)


# --- Views -------------------------------------------------------------------------------


@xapi_view(scopes=_STATE_SCOPES)
def activity_state(xreq: XapiRequest) -> HttpResponse:
    return _document_resource(xreq, _STATE)


@xapi_view(scopes=_PROFILE_SCOPES)
def activity_profile(xreq: XapiRequest) -> HttpResponse:
    return _document_resource(xreq, _ACTIVITY_PROFILE)


@xapi_view(scopes=_PROFILE_SCOPES)
def agent_profile(xreq: XapiRequest) -> HttpResponse:
    return _document_resource(xreq, _AGENT_PROFILE)


@xapi_view(scopes=_ACTIVITIES_SCOPES)
def activities(xreq: XapiRequest) -> HttpResponse:
    """The canonical Activity object (Communication 2.5).

    An activity the LRS has never seen still gets an Activity object, with its id only
    (2.5.s2.b1; the 2.0 suite expects 200, not 404).
    """
    check_params(xreq.params, {"activityId"})
    iri = _activity_iri(xreq)
    activity: dict[str, Any] = {"objectType": "Activity", "id": iri}
    definition = Activity.objects.filter(iri=iri).values_list("definition", flat=True).first()
    if definition:
        activity["definition"] = definition
    return JsonResponse(activity)


@xapi_view(scopes=_AGENTS_SCOPES)
def agents(xreq: XapiRequest) -> HttpResponse:
    """A Person object for an agent (Communication 2.4).

    Leerpad links no identifiers of one person to each other here, so the Person carries
    the agent's own identifier and the names the LRS has seen with it: the one in the
    request and those in recent statements the agent made.
    """
    check_params(xreq.params, {"agent"})
    agent = _agent(xreq)
    if agent.get("objectType") == "Group":
        raise XapiError(400, "Parameter 'agent' must be an Agent, not a Group.")
    ifi = agent_ifi(agent)
    names: list[str] = []
    if isinstance(agent.get("name"), str):
        names.append(agent["name"])
    seen = (
        Statement.objects.filter(actor_ifi=ifi)
        .order_by("-stored")
        .values_list("payload__actor__name", flat=True)[:_PERSON_NAME_SCAN]
    )
    names.extend(name for name in seen if isinstance(name, str))
    person: dict[str, Any] = {"objectType": "Person"}
    if names:
        person["name"] = list(dict.fromkeys(names))
    for prop in _IFI_PROPERTIES:
        if prop in agent:
            person[prop] = [agent[prop]]
    return JsonResponse(person)


# --- Document resources ------------------------------------------------------------------


def _document_resource(xreq: XapiRequest, resource: _Resource) -> HttpResponse:
    method = "GET" if xreq.method == "HEAD" else xreq.method
    document_id = xreq.params.get(resource.id_param)
    single = document_id is not None
    check_params(xreq.params, resource.params(method, single))
    key = _document_key(xreq, resource)
    check_own_documents(xreq, key.agent_ifi if resource.has_agent else None)
    if document_id is not None and not document_id:
        raise XapiError(400, f"Parameter '{resource.id_param}' must not be empty.")

    if method == "GET":
        if document_id is None:
            return _list_ids(key, timestamp_param(xreq.params, "since"))
        return _get_document(xreq, key, document_id)
    if document_id is None:
        if method == "DELETE" and resource.delete_all:
            document_store().delete(key, None)
            return HttpResponse(status=204)
        raise XapiError(400, f"Parameter '{resource.id_param}' is required.")
    if method == "DELETE":
        return _delete_document(xreq, key, document_id)
    return _write_document(xreq, resource, key, document_id)


def _get_document(xreq: XapiRequest, key: DocumentKey, document_id: str) -> HttpResponse:
    document = document_store().get(key, document_id)
    if document is None:
        raise XapiError(404, "No document with this id in this context.")
    if_none_match = xreq.headers.get("if-none-match")
    if if_none_match is not None and _etag_listed(if_none_match, document.etag):
        response = HttpResponse(status=304)
    else:
        response = HttpResponse(document.content, content_type=document.content_type)
    response["ETag"] = _quoted(document.etag)
    response["Last-Modified"] = http_date(document.updated.timestamp())
    return response


def _list_ids(key: DocumentKey, since: dt.datetime | None) -> HttpResponse:
    ids = document_store().list_ids(key, since=since)
    body = json.dumps(ids).encode("utf-8")
    response = HttpResponse(body, content_type=JSON_MEDIA_TYPE)
    response["ETag"] = _quoted(hashlib.sha1(body, usedforsecurity=False).hexdigest())
    return response


def _delete_document(xreq: XapiRequest, key: DocumentKey, document_id: str) -> HttpResponse:
    store = document_store()
    with transaction.atomic():
        _check_preconditions(xreq, store.get(key, document_id))
        store.delete(key, document_id)
    return HttpResponse(status=204)


def _write_document(
    xreq: XapiRequest, resource: _Resource, key: DocumentKey, document_id: str
) -> HttpResponse:
    """PUT replaces; POST merges into an existing JSON document or creates one."""
    content_type = xreq.headers.get("content-type", "").strip() or _DEFAULT_CONTENT_TYPE
    store = document_store()
    with transaction.atomic():
        current = store.get(key, document_id)
        _check_preconditions(xreq, current)
        merge = xreq.method == "POST" and current is not None
        if xreq.method == "PUT" and not _has_precondition(xreq):
            _check_unconditional_put(xreq, resource, current)
        if xreq.method == "POST":
            _check_posted(content_type, xreq.body)
        if merge and current is not None:
            _check_mergeable(current, content_type)
        try:
            stored = store.put(key, document_id, content_type, xreq.body, merge_json=merge)
        except ValueError as exc:
            raise XapiError(400, str(exc)) from exc
    response = HttpResponse(status=204)
    response["ETag"] = _quoted(stored.etag)
    return response


def _check_unconditional_put(
    xreq: XapiRequest, resource: _Resource, current: StoredDocument | None
) -> None:
    """A PUT without If-Match or If-None-Match (Communication 3.1.s3.b1, 3.1.s4.b13-15)."""
    if current is not None and (resource.headers_required or xreq.version != VERSION_1):
        raise XapiError(
            409,
            "A document with this id exists already. Fetch it first to see its current "
            "state, then send the PUT again with the header If-Match set to its ETag (or "
            "If-None-Match: * to create a document only if none exists).",
        )
    if current is None and resource.headers_required:
        raise XapiError(
            400,
            "A PUT to this resource needs an If-Match header (the document's ETag) or "
            "If-None-Match: * (create only if absent).",
        )


def _check_posted(content_type: str, body: bytes) -> None:
    """A POST that says it is JSON must be a JSON object, the unit of merging (2.2.s7).

    Checked for new documents too (the ADL suite expects 400 for broken JSON there), so
    that a later POST never meets a stored "application/json" document it cannot merge.
    """
    if _media_type(content_type) == JSON_MEDIA_TYPE and not isinstance(_json_or_none(body), dict):
        raise XapiError(400, "The posted application/json document is not a JSON object.")


def _check_mergeable(current: StoredDocument, content_type: str) -> None:
    """POST to an existing document: both must be JSON objects (Communication 2.2.s8)."""
    if _media_type(current.content_type) != JSON_MEDIA_TYPE:
        raise XapiError(
            400,
            "The stored document is not application/json, so it cannot be merged; "
            "replace it with PUT instead.",
        )
    if _media_type(content_type) != JSON_MEDIA_TYPE:
        raise XapiError(
            400,
            "A POST to an existing JSON document must have Content-Type application/json "
            "(it is merged into the stored object); replace the document with PUT instead.",
        )
    if not isinstance(_json_or_none(current.content), dict):
        raise XapiError(400, "The stored document is not a JSON object, so it cannot be merged.")


# --- Concurrency (Communication 3.1) -------------------------------------------------------


def _has_precondition(xreq: XapiRequest) -> bool:
    return "if-match" in xreq.headers or "if-none-match" in xreq.headers


def _check_preconditions(xreq: XapiRequest, current: StoredDocument | None) -> None:
    """If-Match / If-None-Match as in RFC 7232 (RFC 2616 14.24, 14.26), for writes."""
    if_match = xreq.headers.get("if-match")
    if if_match is not None and (current is None or not _etag_listed(if_match, current.etag)):
        raise XapiError(
            412,
            "If-Match does not match the document's current ETag"
            + (" (there is no such document)." if current is None else ": it has changed."),
        )
    if_none_match = xreq.headers.get("if-none-match")
    if (
        if_none_match is not None
        and current is not None
        and _etag_listed(if_none_match, current.etag)
    ):
        raise XapiError(412, "If-None-Match: the document exists already.")


def _etag_listed(header: str, etag: str) -> bool:
    """Whether an If-Match / If-None-Match value names this ETag ("*" names any)."""
    if header.strip() == "*":
        return True
    for tag in header.split(","):
        tag = tag.strip()
        if tag.startswith("W/"):
            tag = tag[2:]
        if tag.strip('"') == etag:
            return True
    return False


def _quoted(etag: str) -> str:
    return f'"{etag}"'


# --- Parameters --------------------------------------------------------------------------


def _document_key(xreq: XapiRequest, resource: _Resource) -> DocumentKey:
    return DocumentKey(
        kind=resource.kind,
        activity_iri=_activity_iri(xreq) if resource.has_activity else "",
        agent_ifi=agent_ifi(_agent(xreq)) if resource.has_agent else "",
        registration=_registration(xreq.params) if resource.has_registration else "",
    )


def _activity_iri(xreq: XapiRequest) -> str:
    value = _required(xreq.params, "activityId")
    if not is_iri(value):
        raise XapiError(400, "Parameter 'activityId' must be an IRI, such as https://...")
    return value


def _agent(xreq: XapiRequest) -> dict[str, Any]:
    value = _required(xreq.params, "agent")
    try:
        data = json.loads(value)
    except ValueError as exc:
        raise XapiError(400, "Parameter 'agent' must be an Agent object in JSON.") from exc
    try:
        return parse_agent(data, version=xreq.version, param="agent")
    except XapiValidationError as exc:
        raise XapiError(400, f"Parameter {exc}") from exc


def _registration(params: Mapping[str, str]) -> str:
    value = params.get("registration")
    if value is None:
        return ""
    if not is_uuid(value):
        raise XapiError(400, "Parameter 'registration' must be a UUID.")
    return value.lower()


def _required(params: Mapping[str, str], name: str) -> str:
    value = params.get(name)
    if value is None or value == "":
        raise XapiError(400, f"Parameter '{name}' is required.")
    return value


def _media_type(content_type: str) -> str:
    return content_type.split(";", 1)[0].strip().lower()


def _json_or_none(content: bytes) -> Any:
    try:
        return json.loads(content.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
