"""Launching e-learning packages, and turning what they report into xAPI statements.

SCORM 1.2 / 2004. The launch page offers the SCORM API (``static/catalog/scorm-api.js``)
to the SCO in its frame and keeps the CMI data in the browser. At Initialize, Commit and
Finish/Terminate it posts the data here; `record_scorm_event` records, for the signed-in
person, through the LRS's in-process API:

- Initialize: "launched" and "initialized";
- the first commit that says completed (1.2 lesson_status completed/passed, 2004
  completion_status completed): "completed";
- passed / failed (1.2 lesson_status, 2004 success_status), with the score: "passed" once
  per registration, "failed" whenever the status turns to failed;
- Finish / Terminate: "terminated", with the session time as duration.

Resume: suspend_data, location, statuses, score and total time live in one xAPI State
document per person and item (stateId `SCORM_STATE_ID`), so they are in the LRS like all
learning data and a later launch starts where the learner left off.

cmi5 and Tin Can (xAPI) packages report to the LRS themselves. `launch_xapi` creates a
short-lived LRS client for the launch (named "launch:<uuid>", revoked after a day by
`tasks.revoke_expired_launch_clients`), writes the cmi5 ``LMS.LaunchData`` state and
records the "launched" statement, as cmi5 requires of the LMS, and builds the launch URL.
cmi5 hands the credentials over through a one-time fetch URL (cmi5 8.2): the client is
created inactive and only `redeem_fetch_token` activates it, once. Its secret is never
stored: it is an HMAC of the client key under the site's SECRET_KEY, so the fetch view can
compute it and the database holds only its hash, as for every client.

The activity of an item is always its page on this Leerpad (`item_activity_id`), and a
person's registration for an item is stable (`registration_for`), so every launch of the
same item by the same person adds to one record.
"""

from __future__ import annotations

import base64
import json
import re
import secrets
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from leerpad.catalog import tracking
from leerpad.catalog.models import ContentItem, Package
from leerpad.catalog.tasks import (
    LAUNCH_CLIENT_LIFETIME,
    LAUNCH_CLIENT_PREFIX,
    revoke_expired_launch_clients,
)
from leerpad.core.links import absolute_url
from leerpad.core.logging import get_logger
from leerpad.lrs import services as lrs
from leerpad.lrs.agents import agent_for_person
from leerpad.lrs.backends import document_store
from leerpad.lrs.backends.base import DocumentKey
from leerpad.lrs.http import hash_secret
from leerpad.lrs.models import Client, Document, Scope
from leerpad.lrs.xapi import VERSION_2, agent_ifi

if TYPE_CHECKING:
    from leerpad.accounts.models import Person

log = get_logger(__name__)

Json = dict[str, Any]

ADL_VERBS = "http://adlnet.gov/expapi/verbs/"
LAUNCHED = ADL_VERBS + "launched"
INITIALIZED = ADL_VERBS + "initialized"
COMPLETED = ADL_VERBS + "completed"
PASSED = ADL_VERBS + "passed"
FAILED = ADL_VERBS + "failed"
TERMINATED = ADL_VERBS + "terminated"
# Displays in Leerpad's languages, as `tracking` gives its verbs.
VERB_DISPLAY: dict[str, dict[str, str]] = {
    LAUNCHED: tracking.DISPLAY[tracking.LAUNCHED],
    INITIALIZED: {"en": "initialized", "nl": "begon aan", "fr": "a commencé"},
    COMPLETED: {"en": "completed", "nl": "voltooide", "fr": "a terminé"},
    PASSED: {"en": "passed", "nl": "slaagde voor", "fr": "a réussi"},
    FAILED: {"en": "failed", "nl": "zakte voor", "fr": "a échoué à"},
    TERMINATED: {"en": "terminated", "nl": "sloot af", "fr": "a quitté"},
}

# ADL's xAPI profile for SCORM: statements translated from SCORM say so in their context.
SCORM_PROFILE = "https://w3id.org/xapi/scorm"
SCORM_STATE_ID = "leerpad.scorm"
SCORM_EVENTS = ("initialize", "commit", "finish")
# SCORM 2004 allows 64,000 characters of suspend_data; nothing in the CMI model is longer.
_MAX_CMI_VALUE = 65_536
_MAX_CMI_ELEMENTS = 10_000

CMI5 = "https://w3id.org/xapi/cmi5/"
CMI5_CATEGORY = CMI5 + "context/categories/cmi5"
CMI5_EXT = CMI5 + "context/extensions/"
LAUNCH_DATA_ID = "LMS.LaunchData"
# What a launch client may do: record and read back its own statements, keep AU state,
# and read the learner preferences every cmi5 AU asks for at start (agents/profile).
LAUNCH_SCOPES = [
    Scope.STATEMENTS_WRITE.value,
    Scope.STATEMENTS_READ_MINE.value,
    Scope.STATE.value,
    Scope.PROFILE.value,
]
_FETCH_SALT = "leerpad.catalog.launch-fetch"


class LaunchError(ValueError):
    """A launch or a report from a package that cannot be served; the message says why."""


class FetchError(Exception):
    """A refused fetch (cmi5 8.2.3): `code` is the cmi5 error-code, the message its text."""

    def __init__(self, code: str, text: str):
        super().__init__(text)
        self.code = code
        self.text = text


# --- identities ---------------------------------------------------------------------------


def site_url(path: str) -> str:
    """An absolute URL on this Leerpad (SITE_URL), for what leaves the browser's page."""
    return absolute_url(path)


def item_activity_id(item: ContentItem) -> str:
    """The xAPI activity id of an item: its page on this Leerpad (as `tracking` has it)."""
    return tracking.activity_id(item)


def registration_for(item: ContentItem, person: Person) -> str:
    """The person's registration for the item: stable, so every launch resumes one record.

    Derived rather than stored: the same person and item always give the same UUID.
    """
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"{item_activity_id(item)}#registration/{person.pk}"))


def _statement(person: Person, verb: str, obj: Json, context: Json, result: Json | None) -> Json:
    statement: Json = {
        "actor": agent_for_person(person),
        "verb": {"id": verb, "display": dict(VERB_DISPLAY[verb])},
        "object": obj,
        "context": context,
    }
    if result:
        statement["result"] = result
    return statement


def _record(statements: list[Json]) -> list[str]:
    if not statements:
        return []
    return lrs.record_statements(statements, version=VERSION_2, authority=lrs.leerpad_authority())


# --- package files ------------------------------------------------------------------------


def file_url(item: ContentItem, path: str) -> str:
    """The URL of a file of the item's unpacked package (query string kept), on this site."""
    parts = urlsplit(path)
    url = reverse("catalog_launch:file", args=[item.pk, parts.path])
    return urlunsplit(("", "", url, parts.query, parts.fragment))


def launch_page_url(package: Package) -> str:
    """The page to open: a URL on this site, or the AU's own URL when it lives elsewhere."""
    if urlsplit(package.launch_path).scheme in {"http", "https"}:
        return package.launch_path
    return file_url(package.item, package.launch_path)


# --- SCORM --------------------------------------------------------------------------------


def _scorm_key(item: ContentItem, person: Person) -> DocumentKey:
    return DocumentKey(
        kind=Document.Kind.STATE.value,
        activity_iri=item_activity_id(item),
        agent_ifi=agent_ifi(agent_for_person(person)),
        registration=registration_for(item, person),
    )


def _load_state(key: DocumentKey) -> Json | None:
    document = document_store().get(key, SCORM_STATE_ID)
    if document is None:
        return None
    try:
        value = json.loads(bytes(document.content).decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    return value if isinstance(value, dict) else None


def _save_state(key: DocumentKey, state: Json) -> None:
    content = json.dumps(state, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    document_store().put(key, SCORM_STATE_ID, "application/json", content, merge_json=False)


_TIMESPAN_12 = re.compile(r"^(\d{2,4}):(\d{2}):(\d{2})(\.\d{1,2})?$")
_DURATION = re.compile(
    r"^P(?:(?P<y>\d+(?:\.\d+)?)Y)?(?:(?P<mo>\d+(?:\.\d+)?)M)?(?:(?P<d>\d+(?:\.\d+)?)D)?"
    r"(?:T(?:(?P<h>\d+(?:\.\d+)?)H)?(?:(?P<mi>\d+(?:\.\d+)?)M)?(?:(?P<s>\d+(?:\.\d+)?)S)?)?$"
)


def parse_scorm_time(value: str) -> float | None:
    """Seconds in a SCORM 1.2 CMITimespan ("0001:02:03.5") or 2004 duration ("PT1H2M3.5S")."""
    value = value.strip()
    match = _TIMESPAN_12.match(value)
    if match:
        hours, minutes, seconds = (int(match[i]) for i in (1, 2, 3))
        return hours * 3600 + minutes * 60 + seconds + float(match[4] or 0)
    match = _DURATION.match(value)
    if match and value not in ("P", "PT") and not value.endswith("T"):
        parts = {k: float(v) for k, v in match.groupdict().items() if v}
        return (
            parts.get("y", 0) * 365 * 86400
            + parts.get("mo", 0) * 30 * 86400
            + parts.get("d", 0) * 86400
            + parts.get("h", 0) * 3600
            + parts.get("mi", 0) * 60
            + parts.get("s", 0)
        )
    return None


def iso_duration(seconds: float) -> str:
    """Seconds as an ISO 8601 duration with hundredths ("PT1H2M3.5S"), as xAPI wants."""
    hundredths = round(max(seconds, 0) * 100)
    hours, rest = divmod(hundredths, 360_000)
    minutes, rest = divmod(rest, 6_000)
    secs = f"{rest / 100:.2f}".rstrip("0").rstrip(".")
    out = "PT"
    if hours:
        out += f"{hours}H"
    if minutes:
        out += f"{minutes}M"
    if secs != "0" or out == "PT":
        out += f"{secs}S"
    return out


def scorm12_timespan(seconds: float) -> str:
    hundredths = round(max(seconds, 0) * 100)
    hours, rest = divmod(hundredths, 360_000)
    minutes, rest = divmod(rest, 6_000)
    return f"{min(hours, 9999):04d}:{minutes:02d}:{rest // 100:02d}.{rest % 100:02d}"


def _number(value: Any) -> Decimal | None:
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        number = Decimal(value.strip())
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _score(cmi: Mapping[str, str], prefix: str, scaled_key: str | None) -> Json | None:
    """An xAPI score from SCORM's, keeping only what xAPI accepts (Data 2.4.5.1: scaled
    from -1 to 1, min < max, raw between them)."""
    raw, low, high = (_number(cmi.get(f"{prefix}.{p}")) for p in ("raw", "min", "max"))
    scaled = _number(cmi.get(scaled_key)) if scaled_key else None
    if scaled is None and raw is not None:
        if low is not None and high is not None and high > low:
            scaled = (raw - low) / (high - low)
        elif low is None and high is None and 0 <= raw <= 100:
            # SCORM 1.2: "raw" is 0-100 unless min and max say otherwise.
            scaled = raw / 100
    score: Json = {}
    if scaled is not None and -1 <= scaled <= 1:
        score["scaled"] = float(round(scaled, 4))
    if raw is not None:
        fits = (low is None or raw >= low) and (high is None or raw <= high)
        ordered = low is None or high is None or low < high
        if fits and ordered:
            score["raw"] = float(raw)
            if low is not None:
                score["min"] = float(low)
            if high is not None:
                score["max"] = float(high)
    return score or None


@dataclass(frozen=True)
class _Progress:
    completed: bool
    success: str  # "passed", "failed" or ""
    score: Json | None
    status_fields: dict[str, str]  # what is kept for the next launch
    exit: str
    session_seconds: float | None


def _progress(standard: str, cmi: Mapping[str, str]) -> _Progress:
    if standard == Package.Standard.SCORM12:
        status = cmi.get("cmi.core.lesson_status", "")
        return _Progress(
            completed=status in ("completed", "passed"),
            success=status if status in ("passed", "failed") else "",
            score=_score(cmi, "cmi.core.score", None),
            status_fields={
                "lesson_status": status,
                "location": cmi.get("cmi.core.lesson_location", ""),
                "score_raw": cmi.get("cmi.core.score.raw", ""),
                "score_min": cmi.get("cmi.core.score.min", ""),
                "score_max": cmi.get("cmi.core.score.max", ""),
            },
            exit=cmi.get("cmi.core.exit", ""),
            session_seconds=parse_scorm_time(cmi.get("cmi.core.session_time", "")),
        )
    success = cmi.get("cmi.success_status", "")
    return _Progress(
        completed=cmi.get("cmi.completion_status", "") == "completed",
        success=success if success in ("passed", "failed") else "",
        score=_score(cmi, "cmi.score", "cmi.score.scaled"),
        status_fields={
            "completion_status": cmi.get("cmi.completion_status", ""),
            "success_status": success,
            "location": cmi.get("cmi.location", ""),
            "score_scaled": cmi.get("cmi.score.scaled", ""),
            "score_raw": cmi.get("cmi.score.raw", ""),
            "score_min": cmi.get("cmi.score.min", ""),
            "score_max": cmi.get("cmi.score.max", ""),
        },
        exit=cmi.get("cmi.exit", ""),
        session_seconds=parse_scorm_time(cmi.get("cmi.session_time", "")),
    )


def _checked_cmi(cmi: Any) -> dict[str, str]:
    if not isinstance(cmi, dict) or len(cmi) > _MAX_CMI_ELEMENTS:
        raise LaunchError(_("The package sent data Leerpad does not understand."))
    checked: dict[str, str] = {}
    for name, value in cmi.items():
        if not isinstance(name, str) or not isinstance(value, str):
            raise LaunchError(_("The package sent data Leerpad does not understand."))
        if len(value) > _MAX_CMI_VALUE:
            raise LaunchError(
                _("The package sent more data for %(element)s than SCORM allows.")
                % {"element": name[:100]}
            )
        checked[name] = value
    return checked


def record_scorm_event(item: ContentItem, person: Person, event: str, cmi_data: Any) -> list[str]:
    """Store what a SCO reported (see the module docstring); returns the statement ids."""
    package = _package(item)
    if package.standard not in (Package.Standard.SCORM12, Package.Standard.SCORM2004):
        raise LaunchError(_("This package is not a SCORM package."))
    if event not in SCORM_EVENTS:
        raise LaunchError(_("Unknown SCORM event “%(event)s”.") % {"event": str(event)[:50]})
    cmi = _checked_cmi(cmi_data)
    progress = _progress(package.standard, cmi)
    key = _scorm_key(item, person)
    obj = tracking.activity(item)
    context: Json = {
        "registration": key.registration,
        "contextActivities": {"category": [{"id": SCORM_PROFILE}]},
    }
    statements: list[Json] = []

    def add(verb: str, result: Json | None = None) -> None:
        statements.append(_statement(person, verb, obj, context, result))

    with transaction.atomic():
        # Read and written in one transaction: the store locks the row, so two commits
        # of the same learner cannot lose each other's data.
        state = _load_state(key) or {}
        recorded: dict[str, Any] = dict(state.get("recorded") or {})
        if event == "initialize":
            add(LAUNCHED)
            add(INITIALIZED)
            state["attempted"] = True
        if progress.completed and not recorded.get("completed"):
            add(COMPLETED, {"completion": True})
            recorded["completed"] = True
        if progress.success == "passed" and not recorded.get("passed"):
            add(PASSED, {"success": True, **({"score": progress.score} if progress.score else {})})
            recorded["passed"] = True
        elif progress.success == "failed" and state.get("last_success") != "failed":
            add(FAILED, {"success": False, **({"score": progress.score} if progress.score else {})})
        if progress.success:
            state["last_success"] = progress.success
        state.update(progress.status_fields)
        state["suspend_data"] = cmi.get("cmi.suspend_data", "")
        if event == "finish":
            result: Json = {}
            if progress.session_seconds is not None:
                result["duration"] = iso_duration(progress.session_seconds)
                state["total_seconds"] = float(state.get("total_seconds") or 0) + (
                    progress.session_seconds
                )
            state["exit"] = progress.exit
            add(TERMINATED, result or None)
        state["recorded"] = recorded
        state["updated"] = timezone.now().isoformat()
        _save_state(key, state)
        ids = _record(statements)
    return ids


def scorm_initial_data(item: ContentItem, person: Person) -> dict[str, str]:
    """The CMI data model a SCO finds at start: who the learner is, and where they left off."""
    package = _package(item)
    state = _load_state(_scorm_key(item, person)) or {}
    launch = (package.manifest or {}).get("launch") or {}
    if not state.get("attempted"):
        entry = "ab-initio"
    elif state.get("exit") == "suspend":
        entry = "resume"
    else:
        entry = ""
    total = float(state.get("total_seconds") or 0)
    suspend_data = str(state.get("suspend_data") or "")
    location = str(state.get("location") or "")
    language = getattr(person, "language", "") or ""
    if package.standard == Package.Standard.SCORM12:
        # SCORM 1.2 writes names "Last, First".
        name = ", ".join(p for p in (person.last_name, person.first_name) if p) or str(person)
        data = {
            "cmi.core.student_id": str(person.pk),
            "cmi.core.student_name": name,
            "cmi.core.lesson_location": location,
            "cmi.core.credit": "credit",
            "cmi.core.lesson_status": str(state.get("lesson_status") or "not attempted"),
            "cmi.core.entry": entry,
            "cmi.core.score.raw": str(state.get("score_raw") or ""),
            "cmi.core.score.min": str(state.get("score_min") or ""),
            "cmi.core.score.max": str(state.get("score_max") or ""),
            "cmi.core.total_time": scorm12_timespan(total),
            "cmi.core.lesson_mode": "normal",
            "cmi.suspend_data": suspend_data,
            "cmi.launch_data": str(launch.get("datafromlms") or ""),
            "cmi.comments": "",
            "cmi.comments_from_lms": "",
            "cmi.student_data.mastery_score": str(launch.get("masteryscore") or ""),
            "cmi.student_data.max_time_allowed": "",
            "cmi.student_data.time_limit_action": "",
            "cmi.student_preference.audio": "0",
            "cmi.student_preference.language": language,
            "cmi.student_preference.speed": "0",
            "cmi.student_preference.text": "0",
        }
        return data
    data = {
        "cmi._version": "1.0",
        "cmi.learner_id": str(person.pk),
        "cmi.learner_name": person.get_full_name() or str(person),
        "cmi.location": location,
        "cmi.credit": "credit",
        "cmi.mode": "normal",
        "cmi.entry": entry,
        "cmi.completion_status": str(state.get("completion_status") or "unknown"),
        "cmi.success_status": str(state.get("success_status") or "unknown"),
        "cmi.suspend_data": suspend_data,
        "cmi.launch_data": str(launch.get("datafromlms") or ""),
        "cmi.total_time": iso_duration(total),
        "cmi.time_limit_action": "continue,no message",
        "cmi.learner_preference.audio_level": "1",
        "cmi.learner_preference.language": language,
        "cmi.learner_preference.delivery_speed": "1",
        "cmi.learner_preference.audio_captioning": "0",
    }
    for field in ("scaled", "raw", "min", "max"):
        value = str(state.get(f"score_{field}") or "")
        if value:
            data[f"cmi.score.{field}"] = value
    return data


def _package(item: ContentItem) -> Package:
    package = Package.objects.filter(item=item).first()
    if package is None:
        raise LaunchError(_("This item has no e-learning package (yet)."))
    return package


# --- cmi5 and Tin Can ---------------------------------------------------------------------


@dataclass(frozen=True)
class XapiLaunch:
    url: str  # the page to open, launch parameters included
    own_window: bool  # cmi5 launchMethod OwnWindow: open it in the window, not a frame
    registration: str
    session_id: str
    client_key: str


def _launch_secret(key: str) -> str:
    return salted_hmac(_FETCH_SALT, key, algorithm="sha256").hexdigest()


def _basic_token(key: str) -> str:
    return base64.b64encode(f"{key}:{_launch_secret(key)}".encode()).decode("ascii")


def _with_params(url: str, params: Mapping[str, str]) -> str:
    """`url` with `params` merged into its query string (cmi5 13.1.4: keep the AU's own)."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in params]
    query.extend(params.items())
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), parts.fragment))


def xapi_endpoint() -> str:
    """The LRS endpoint content is told to use: SITE_URL + /xapi/."""
    about = reverse("lrs:about")
    return site_url(about[: -len("about")])


@dataclass(frozen=True)
class _Session:
    """One launch of a cmi5 or Tin Can package."""

    item: ContentItem
    person: Person
    package: Package
    session_id: str
    registration: str
    page: str  # the launch page, without the launch parameters
    key: str  # the launch client's key


def launch_xapi(item: ContentItem, person: Person) -> XapiLaunch:
    """Prepare a cmi5 or Tin Can launch of the item for the person (see module docstring)."""
    package = _package(item)
    if package.standard not in (Package.Standard.CMI5, Package.Standard.XAPI):
        raise LaunchError(_("This package is not a cmi5 or xAPI package."))
    revoke_expired_launch_clients()
    session = _Session(
        item=item,
        person=person,
        package=package,
        session_id=str(uuid.uuid4()),
        registration=registration_for(item, person),
        page=launch_page_url(package),
        key=secrets.token_urlsafe(18),
    )
    cmi5 = package.standard == Package.Standard.CMI5
    au: Json = (package.manifest or {}).get("au") or {}
    own_window = cmi5 and au.get("launchMethod") == "OwnWindow"
    with transaction.atomic():
        Client.objects.create(
            name=f"{LAUNCH_CLIENT_PREFIX}{session.session_id}",
            key=session.key,
            secret_hash=hash_secret(_launch_secret(session.key)),
            scopes=LAUNCH_SCOPES,
            # cmi5: inactive until the AU fetches the token. Tin Can gets it in the URL.
            is_active=not cmi5,
            created_by=person,
            # The token ends up in the learner's browser: it may write for them only.
            agent=agent_for_person(person),
        )
        params = _prepare_cmi5(session, au, own_window) if cmi5 else _prepare_tincan(session)
    log.info(
        "catalog.package_launched",
        item_id=item.pk,
        standard=package.standard,
        session_id=session.session_id,
        by=person.pk,
    )
    return XapiLaunch(
        url=_with_params(session.page, params),
        own_window=own_window,
        registration=session.registration,
        session_id=session.session_id,
        client_key=session.key,
    )


def _prepare_cmi5(session: _Session, au: Json, own_window: bool) -> dict[str, str]:
    """Write LMS.LaunchData, record "launched" (cmi5 9.3.1, 10.0); the launch parameters."""
    item, person = session.item, session.person
    actor = agent_for_person(person)
    activity_id = item_activity_id(item)
    publisher = {"id": session.package.activity_id}
    launch_data: Json = {
        "contextTemplate": {
            "contextActivities": {"grouping": [publisher]},
            "extensions": {CMI5_EXT + "sessionid": session.session_id},
        },
        "launchMode": "Normal",
        "moveOn": au.get("moveOn") or "NotApplicable",
    }
    if au.get("masteryScore") is not None:
        launch_data["masteryScore"] = au["masteryScore"]
    if au.get("launchParameters"):
        launch_data["launchParameters"] = au["launchParameters"]
    if au.get("entitlementKey"):
        launch_data["entitlementKey"] = {"courseStructure": au["entitlementKey"]}
    if own_window:
        # The AU replaces Leerpad's page; it sends the learner back here when done.
        launch_data["returnURL"] = site_url(item.get_absolute_url())
    document_store().put(
        DocumentKey(
            kind=Document.Kind.STATE.value,
            activity_iri=activity_id,
            agent_ifi=agent_ifi(actor),
            registration=session.registration,
        ),
        LAUNCH_DATA_ID,
        "application/json",
        json.dumps(launch_data).encode("utf-8"),
        merge_json=False,
    )
    page = urlsplit(session.page)
    launch_url = urlunsplit(page._replace(query="", fragment=""))
    extensions: Json = {
        CMI5_EXT + "sessionid": session.session_id,
        CMI5_EXT + "launchmode": "Normal",
        # cmi5 9.6.3.4: fully qualified, without the launch parameters.
        CMI5_EXT + "launchurl": launch_url if page.scheme else site_url(launch_url),
        CMI5_EXT + "moveon": launch_data["moveOn"],
    }
    if "masteryScore" in launch_data:
        extensions[CMI5_EXT + "masteryscore"] = launch_data["masteryScore"]
    if "launchParameters" in launch_data:
        extensions[CMI5_EXT + "launchparameters"] = launch_data["launchParameters"]
    context = {
        "registration": session.registration,
        "contextActivities": {"category": [{"id": CMI5_CATEGORY}], "grouping": [publisher]},
        "extensions": extensions,
    }
    _record([_statement(person, LAUNCHED, tracking.activity(item), context, None)])
    return {
        "endpoint": xapi_endpoint(),
        "fetch": site_url(reverse("catalog_launch:fetch", args=[item.pk, session.key])),
        "actor": json.dumps(actor, separators=(",", ":")),
        "registration": session.registration,
        "activityId": activity_id,
    }


def _prepare_tincan(session: _Session) -> dict[str, str]:
    """Record "launched"; the launch parameters of the Tin Can launch convention."""
    person, package = session.person, session.package
    context = {
        "registration": session.registration,
        "contextActivities": {"grouping": [{"id": package.activity_id}]},
    }
    _record([_statement(person, LAUNCHED, tracking.activity(session.item), context, None)])
    # Rustici's "Launching Tin Can content": the content gets its credentials in the URL,
    # and reports on its own activity id (the package's).
    return {
        "endpoint": xapi_endpoint(),
        "auth": f"Basic {_basic_token(session.key)}",
        "actor": json.dumps(agent_for_person(person), separators=(",", ":")),
        "registration": session.registration,
        "activity_id": package.activity_id,
    }


def redeem_fetch_token(key: str) -> str:
    """The cmi5 auth-token for a launch client, once; FetchError afterwards (cmi5 8.2.3)."""
    now = timezone.now()
    launch_clients = Client.objects.filter(key=key, name__startswith=LAUNCH_CLIENT_PREFIX)
    with transaction.atomic():
        # One conditional update: of two simultaneous fetches only one can win.
        won = launch_clients.filter(
            is_active=False,
            last_used_at__isnull=True,
            created_at__gte=now - LAUNCH_CLIENT_LIFETIME,
        ).update(is_active=True, last_used_at=now)
    if won == 1:
        return _basic_token(key)
    if launch_clients.exists():
        raise FetchError(
            "1", _("The authorization token has already been returned, or the session expired.")
        )
    raise FetchError("2", _("Unknown launch: this fetch URL was not issued by Leerpad."))
