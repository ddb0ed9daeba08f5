"""The shared formats (Data 4.x): IRIs, UUIDs, language tags, timestamps."""

from __future__ import annotations

import datetime as dt

import pytest

from leerpad.lrs.xapi import is_iri, is_language_tag, is_uuid, parse_timestamp


@pytest.mark.parametrize(
    "value",
    [
        "http://example.com",
        "https://example.com/path/../x?q=1#f",
        "urn:uuid:fd41c918-b88b-4b20-a0a5-a4c32391aaa0",
        "mailto:a@b.c",
        "http://example.com/فعل/خواندن",
        "tag:example.com,2024:x",
    ],
)
def test_iris(value: str) -> None:
    assert is_iri(value)


@pytest.mark.parametrize(
    "value",
    [
        "",
        "example.com/x",
        "not.a.valid.iri.com/verb",
        "ab=c://should.fail.com",
        "1http://x",
        "http:",
        "http://exa mple.com",
        "http://example.com/\n",
        "should fail",
        None,
        12,
    ],
)
def test_not_iris(value: object) -> None:
    assert not is_iri(value)


def test_uuids() -> None:
    assert is_uuid("fd41c918-b88b-4b20-a0a5-a4c32391aaa0")
    assert is_uuid("FD41C918-B88B-4B20-A0A5-A4C32391AAA0")
    assert not is_uuid("fd41c918b88b4b20a0a5a4c32391aaa0")
    assert not is_uuid("MA97B177-9383-4934-8543-0F91A7A02836")
    assert not is_uuid("wrong")


@pytest.mark.parametrize(
    "tag",
    [
        "en",
        "en-US",
        "nl-BE",
        "tlh",
        "zh-Hant-TW",
        "sr-Latn-RS",
        "es-419",
        "de-CH-1901",
        "en-a-bbb-x-a-ccc",
        "x-whatever",
        "i-klingon",
        "zh-min-nan",
        "EN-us",
        "und",
        "sgn-BE-FR",
    ],
)
def test_language_tags(tag: str) -> None:
    assert is_language_tag(tag)


@pytest.mark.parametrize(
    "tag", ["", "a12345", "a12345678", "en_US", "e", "en-", "-en", "en--US", "toolonglanguage"]
)
def test_not_language_tags(tag: str) -> None:
    assert not is_language_tag(tag)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2013-05-18T05:32:34.804+00:00", dt.datetime(2013, 5, 18, 5, 32, 34, 804000, dt.UTC)),
        ("2013-05-18T05:32:34.804Z", dt.datetime(2013, 5, 18, 5, 32, 34, 804000, dt.UTC)),
        ("2023-05-04T12:00:00-05:00", dt.datetime(2023, 5, 4, 17, 0, tzinfo=dt.UTC)),
        ("2023-05-04T12:00-0500", dt.datetime(2023, 5, 4, 17, 0, tzinfo=dt.UTC)),
        ("2023-05-04T12:00:00+02", dt.datetime(2023, 5, 4, 10, 0, tzinfo=dt.UTC)),
        ("20230504T170000.5Z", dt.datetime(2023, 5, 4, 17, 0, 0, 500000, dt.UTC)),
        ("2023-05-04T17:00:00.123456789Z", dt.datetime(2023, 5, 4, 17, 0, 0, 123456, dt.UTC)),
        ("2023-05-04T17:00:00", dt.datetime(2023, 5, 4, 17, 0, tzinfo=dt.UTC)),
    ],
)
def test_timestamps(text: str, expected: dt.datetime) -> None:
    parsed = parse_timestamp(text)
    assert parsed == expected
    assert parsed.tzinfo is not None


@pytest.mark.parametrize(
    "text",
    [
        "should fail",
        "01/011/2015",
        "2015-01-01",
        "2008-09-15T15:53:00.601-00",
        "2008-09-15T15:53:00.601-0000",
        "2008-09-15T15:53:00.601-00:00",
        "2008-02-30T10:00:00Z",
        "2008-09-15T25:00:00Z",
        "2008-09-15T15:53:00+24:00",
        "2008-09-15 15:53:00Z",
        "2008-09-15T15:53:00Z\n",
    ],
)
def test_not_timestamps(text: str) -> None:
    with pytest.raises(ValueError, match="ISO 8601"):
        parse_timestamp(text)
