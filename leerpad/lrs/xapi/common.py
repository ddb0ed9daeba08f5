"""Data types shared by every part of a statement (xAPI Data 2.2 and 4.0).

The formats are checked with regular expressions that pydantic-core runs in Rust, so
validating a statement stays cheap; only timestamps need a Python check (a real date).

Sections cited: Data 2.2 (Formatting Requirements: no nulls, no unknown keys, strict
types, case-sensitive keys and enumerations), 4.1 (Extensions), 4.2 (Language Maps,
RFC 5646 tags), 4.3 (IRIs), 4.4 (UUIDs), 4.5 (ISO 8601 Timestamps), 4.6 (ISO 8601
Durations), 2.4.2.3 (mbox / mbox_sha1sum) and 2.4.11 (sha2, contentType).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, StringConstraints, model_validator
from pydantic_core import PydanticCustomError

from leerpad.lrs.xapi.errors import PATTERN_MESSAGES

VERSION_1 = "1.0.3"
VERSION_2 = "2.0.0"
VERSIONS = (VERSION_1, VERSION_2)


def _pattern(regex: str, message: str) -> str:
    PATTERN_MESSAGES[regex] = message
    return regex


# An absolute IRI: a scheme (RFC 3987: ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )) and a
# non-empty rest without whitespace or the characters IRIs never contain. Best-effort,
# as Data 2.2 allows; it rejects the usual mistakes (no scheme, relative IRIs, spaces).
IRI_RE = _pattern(
    r'^[A-Za-z][A-Za-z0-9+.\-]*:[^\s<>"{}|\\^`\x00-\x1f\x7f]+$',
    "must be an absolute IRI with a scheme (such as http://...)",
)
UUID_RE = _pattern(
    r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$",
    "must be a UUID in standard string form (8-4-4-4-12 hexadecimal digits)",
)
MBOX_RE = _pattern(
    r"^(?i:mailto):[^@\s]+@[^@\s]+$",
    'must be a mailto: IRI with an e-mail address ("mailto:name@example.com")',
)
SHA1_RE = _pattern(r"^[0-9a-fA-F]{40}$", "must be a hex-encoded SHA-1 hash (40 hex digits)")
SHA2_RE = _pattern(
    r"^(?:[0-9a-fA-F]{56}|[0-9a-fA-F]{64}|[0-9a-fA-F]{96}|[0-9a-fA-F]{128})$",
    "must be a hex-encoded SHA-2 hash (SHA-224, -256, -384 or -512)",
)
MEDIA_TYPE_RE = _pattern(
    r"^[A-Za-z0-9][A-Za-z0-9!#$&^_.+\-]*/[A-Za-z0-9][A-Za-z0-9!#$&^_.+\-]*(?:\s*;.*)?$",
    'must be an Internet Media Type such as "text/plain"',
)

# RFC 5646 language tags (well-formedness, case-insensitive): langtag, private use or
# grandfathered. Data 2.2: "The LRS MUST at least validate that the sequence of token
# lengths for language map keys matches the RFC 5646 standard."
_LANGTAG = (
    r"(?:[a-z]{2,3}(?:-[a-z]{3}){0,3}|[a-z]{4}|[a-z]{5,8})"  # language (+ extlang)
    r"(?:-[a-z]{4})?"  # script
    r"(?:-(?:[a-z]{2}|[0-9]{3}))?"  # region
    r"(?:-(?:[a-z0-9]{5,8}|[0-9][a-z0-9]{3}))*"  # variants
    r"(?:-[0-9a-wyz](?:-[a-z0-9]{2,8})+)*"  # extensions
    r"(?:-x(?:-[a-z0-9]{1,8})+)?"  # private use
)
_GRANDFATHERED = (
    "en-gb-oed|i-ami|i-bnn|i-default|i-enochian|i-hak|i-klingon|i-lux|i-mingo|i-navajo"
    "|i-pwn|i-tao|i-tay|i-tsu|sgn-be-fr|sgn-be-nl|sgn-ch-de|art-lojban|cel-gaulish"
    "|no-bok|no-nyn|zh-guoyu|zh-hakka|zh-min|zh-min-nan|zh-xiang"
)
LANGUAGE_TAG_RE = _pattern(
    rf"^(?i:{_LANGTAG}|x(?:-[a-z0-9]{{1,8}})+|{_GRANDFATHERED})$",
    "must be a valid RFC 5646 language tag (such as en-US)",
)

# ISO 8601:2004 4.4.3.2 durations (Data 4.6): P[nY][nM][nD][T[nH][nM][nS]] or PnW, at least
# one component, a decimal fraction allowed; weeks do not combine with anything else.
_N = r"[0-9]+(?:[.,][0-9]+)?"
_DATE = rf"(?:{_N}Y(?:{_N}M)?(?:{_N}D)?|{_N}M(?:{_N}D)?|{_N}D)"
_TIME = rf"T(?:{_N}H(?:{_N}M)?(?:{_N}S)?|{_N}M(?:{_N}S)?|{_N}S)"
DURATION_RE = _pattern(
    rf"^P(?:{_N}W|{_DATE}(?:{_TIME})?|{_TIME})$",
    'must be an ISO 8601 duration such as "PT1H30M5.25S" (weeks cannot be combined)',
)

# Data 4.5: ISO 8601 combined date and time, extended or basic format.
_TZ = r"(?P<tz>[Zz]|[+-][0-9]{2}(?::?[0-9]{2})?)?"
_TIMESTAMP_EXTENDED = re.compile(
    r"(?P<y>[0-9]{4})-(?P<mo>[0-9]{2})-(?P<d>[0-9]{2})[Tt]"
    r"(?P<h>[0-9]{2}):(?P<mi>[0-9]{2})(?::(?P<s>[0-9]{2})(?:[.,](?P<f>[0-9]+))?)?" + _TZ
)
_TIMESTAMP_BASIC = re.compile(
    r"(?P<y>[0-9]{4})(?P<mo>[0-9]{2})(?P<d>[0-9]{2})[Tt]"
    r"(?P<h>[0-9]{2})(?P<mi>[0-9]{2})(?:(?P<s>[0-9]{2})(?:[.,](?P<f>[0-9]+))?)?" + _TZ
)
_TIMESTAMP_MESSAGE = (
    'must be an ISO 8601 timestamp such as "2024-05-01T12:30:00.000Z"'
    " (RFC 3339 recommended; the offset -00:00 is not allowed)"
)

_IRI = re.compile(IRI_RE)
_UUID = re.compile(UUID_RE)
_LANGUAGE_TAG = re.compile(LANGUAGE_TAG_RE)


def is_iri(value: object) -> bool:
    """An absolute IRI (best effort, Data 4.3); for IRI-valued query parameters."""
    return isinstance(value, str) and _IRI.fullmatch(value) is not None


def is_uuid(value: object) -> bool:
    """A UUID in standard string form (Data 4.4); for UUID-valued query parameters."""
    return isinstance(value, str) and _UUID.fullmatch(value) is not None


def is_language_tag(value: object) -> bool:
    """A well-formed RFC 5646 language tag (Data 4.2)."""
    return isinstance(value, str) and _LANGUAGE_TAG.fullmatch(value) is not None


def parse_timestamp(value: str) -> dt.datetime:
    """Parse an xAPI Timestamp (Data 4.5) into an aware datetime.

    Raises ValueError when it is not an ISO 8601 combined date and time. A timestamp
    without an offset is read as UTC (the spec only recommends the offset). RFC 3339's
    "unknown local offset" (-00:00, and its -00 / -0000 forms) is refused, as the
    conformance suite requires. Fractions beyond microseconds are truncated.
    """
    match = _TIMESTAMP_EXTENDED.fullmatch(value) or _TIMESTAMP_BASIC.fullmatch(value)
    if match is None:
        raise ValueError(_TIMESTAMP_MESSAGE)
    tz_text = match["tz"]
    tzinfo: dt.tzinfo = dt.UTC
    if tz_text and tz_text not in {"Z", "z"}:
        digits = tz_text[1:].replace(":", "")
        hours, minutes = int(digits[:2]), int(digits[2:] or 0)
        if tz_text[0] == "-" and hours == 0 and minutes == 0:
            raise ValueError(_TIMESTAMP_MESSAGE)
        if hours > 23 or minutes > 59:
            raise ValueError(_TIMESTAMP_MESSAGE)
        delta = dt.timedelta(hours=hours, minutes=minutes)
        tzinfo = dt.timezone(-delta if tz_text[0] == "-" else delta)
    fraction = (match["f"] or "0")[:6].ljust(6, "0")
    try:
        return dt.datetime(
            int(match["y"]),
            int(match["mo"]),
            int(match["d"]),
            int(match["h"]),
            int(match["mi"]),
            int(match["s"] or 0),
            int(fraction),
            tzinfo=tzinfo,
        )
    except ValueError:
        raise ValueError(_TIMESTAMP_MESSAGE) from None


def _check_timestamp(value: str) -> str:
    try:
        parse_timestamp(value)
    except ValueError:
        raise PydanticCustomError(
            "xapi_timestamp",
            "{message}, got {value}",
            {"message": _TIMESTAMP_MESSAGE, "value": repr(value)[:80]},
        ) from None
    return value


IRI = Annotated[str, StringConstraints(pattern=IRI_RE)]
# IRLs (Data 2.4.2.4 homePage, 2.4.4.1 moreInfo, 2.4.11 fileUrl) are IRIs that locate
# something; the same best-effort check applies.
IRL = IRI
UUIDStr = Annotated[str, StringConstraints(pattern=UUID_RE)]
LanguageTag = Annotated[str, StringConstraints(pattern=LANGUAGE_TAG_RE)]
MboxIRI = Annotated[str, StringConstraints(pattern=MBOX_RE)]
Sha1Hex = Annotated[str, StringConstraints(pattern=SHA1_RE)]
Sha2Hex = Annotated[str, StringConstraints(pattern=SHA2_RE)]
MediaType = Annotated[str, StringConstraints(pattern=MEDIA_TYPE_RE)]
Duration = Annotated[str, StringConstraints(pattern=DURATION_RE)]
Timestamp = Annotated[str, AfterValidator(_check_timestamp)]

# Data 4.2: a map from RFC 5646 tags to plain strings.
LanguageMap = dict[LanguageTag, str]
# Data 4.1: IRI keys; the values are any JSON, null included ("MUST NOT reject a
# Statement based on the values of the extensions map").
Extensions = dict[IRI, Any]


class XapiModel(BaseModel):
    """Base of every xAPI object: the rules of Data 2.2 that hold everywhere.

    * unknown properties are rejected (``extra="forbid"``; keys are case-sensitive);
    * strict types: "1" is not a number, "true" is not a boolean, 1 is not a string;
    * NaN and infinities are not JSON numbers;
    * "The LRS MUST reject Statements with any null values (except inside extensions)":
      extension maps are plain dicts, so nulls inside them are never seen here.

    The models only validate: the LRS keeps and returns the client's own JSON.
    """

    model_config = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False)

    @model_validator(mode="before")
    @classmethod
    def _reject_nulls(cls, data: Any) -> Any:
        return reject_nulls(cls, data)


def reject_nulls(model: type[BaseModel], data: Any) -> Any:
    """Data 2.2: a property of ``model`` given as null is an error (leave it out instead).
    A subclass with a "before" check of its own calls this from an override of
    ``_reject_nulls``, so that pydantic makes one Python call per object, not two."""
    if isinstance(data, dict) and None in data.values():
        for key, value in data.items():
            if value is None and key in model.model_fields:
                raise PydanticCustomError(
                    "xapi_null",
                    "must not be null (leave the property out instead)",
                    {"field": key},
                )
    return data


def custom_error(message: str, field: str = "") -> PydanticCustomError:
    """A rule broken by the model being validated, or by its ``field`` when given (the
    error's path then ends with that field). ``message`` must not contain braces."""
    return PydanticCustomError("xapi_rule", message, {"field": field} if field else None)
