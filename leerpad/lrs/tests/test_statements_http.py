"""The Statement resource through HTTP (xAPI Communication 2.1), 1.0.3 and 2.0.0.

Every request goes through Django's test client with an HTTP Basic LRS client, as an
outside tool would send it.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import uuid
from typing import Any
from urllib.parse import urlencode

import pytest
from django.test import Client

from leerpad.lrs.http import hash_secret
from leerpad.lrs.models import Attachment, Statement
from leerpad.lrs.models import Client as LrsClient

pytestmark = pytest.mark.django_db

V1, V2 = "1.0.3", "2.0.0"
URL = "/xapi/statements"
VOIDED = "http://adlnet.gov/expapi/verbs/voided"
SIGNATURE = "http://adlnet.gov/expapi/attachments/signature"
LENA = {"objectType": "Agent", "name": "Lena", "mbox": "mailto:lena@example.com"}
CAS = {"objectType": "Agent", "name": "Cas", "mbox": "mailto:cas@example.com"}
COURSE = "https://leerpad.example/courses/safety"
# Fixed ids in parametrize: pytest-xdist needs the same test ids in every worker.
ID_A = "6f1c2a3e-9b7d-4e21-8c5a-0d3f4b2e1a90"
ID_B = "0b9e8d7c-6a5f-4e3d-9c2b-1a0f9e8d7c6b"


@pytest.fixture(autouse=True)
def lrs_clients(db: None) -> None:
    LrsClient.objects.create(name="all", key="k", secret_hash=hash_secret("s"), scopes=["all"])


def make_client(key: str, scopes: list[str]) -> None:
    LrsClient.objects.create(name=key, key=key, secret_hash=hash_secret("s"), scopes=scopes)


def headers(version: str = V1, key: str = "k", **extra: str) -> dict[str, Any]:
    token = base64.b64encode(f"{key}:s".encode()).decode()
    return {
        "HTTP_AUTHORIZATION": f"Basic {token}",
        "HTTP_X_EXPERIENCE_API_VERSION": version,
        **{f"HTTP_{k.upper()}": v for k, v in extra.items()},
    }


def statement(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "actor": LENA,
        "verb": {"id": "http://adlnet.gov/expapi/verbs/completed", "display": {"en-US": "done"}},
        "object": {"objectType": "Activity", "id": COURSE},
    }
    data.update(overrides)
    return data


def post(client: Client, data: Any, version: str = V1, key: str = "k") -> Any:
    return client.post(
        URL, json.dumps(data), content_type="application/json", **headers(version, key)
    )


def post_ok(client: Client, data: Any, version: str = V1) -> list[str]:
    response = post(client, data, version)
    assert response.status_code == 200, response.content
    ids: list[str] = response.json()
    return ids


def get(
    client: Client,
    params: dict[str, Any] | None = None,
    version: str = V1,
    key: str = "k",
    **extra: str,
) -> Any:
    query = f"?{urlencode(params)}" if params else ""
    return client.get(URL + query, **headers(version, key, **extra))


def get_ids(client: Client, params: dict[str, Any] | None = None, **kw: Any) -> list[str]:
    response = get(client, params, **kw)
    assert response.status_code == 200, response.content
    return [s["id"] for s in response.json()["statements"]]


# --- writing ----------------------------------------------------------------------------


@pytest.mark.parametrize(("version", "expected"), [(V1, "1.0.0"), (V2, "2.0.0")])
def test_post_completes_the_statement_as_the_spec_asks(
    client: Client, version: str, expected: str
) -> None:
    sent = statement(authority={"mbox": "mailto:forged@example.com"})
    [sid] = post_ok(client, sent, version)
    response = get(client, {"statementId": sid}, version)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["X-Experience-API-Consistent-Through"]
    assert response["Last-Modified"]
    got = response.json()
    assert got["id"] == sid
    assert got["version"] == expected
    assert got["timestamp"] == got["stored"]  # Data 2.4.7: timestamp defaults to stored
    assert got["authority"]["account"]["name"] == "client:k"  # the client's, not the sent one
    assert got["stored"].endswith("Z")


def test_post_keeps_a_version_and_timestamp_the_client_sent(client: Client) -> None:
    [sid] = post_ok(client, statement(version="1.0.0", timestamp="2024-05-01T10:00:00+02:00"))
    got = get(client, {"statementId": sid}).json()
    assert got["version"] == "1.0.0"
    assert got["timestamp"] == "2024-05-01T10:00:00+02:00"


def test_post_a_batch_returns_the_ids_in_order_and_one_stored_instant(client: Client) -> None:
    given = str(uuid.uuid4())
    ids = post_ok(client, [statement(), statement(id=given), statement()])
    assert len(ids) == 3 and ids[1] == given
    stored = {get(client, {"statementId": i}).json()["stored"] for i in ids}
    assert len(stored) == 1
    assert post_ok(client, []) == []


def test_a_batch_with_one_invalid_statement_stores_nothing(client: Client) -> None:
    bad = statement(actor={"mbox": "lena@example.com"})
    response = post(client, [statement(), bad])
    assert response.status_code == 400
    assert "statement[1].actor" in response.json()["error"]["message"]
    assert Statement.objects.count() == 0


def test_put_stores_under_the_statement_id(client: Client) -> None:
    sid = str(uuid.uuid4())
    response = client.put(
        f"{URL}?statementId={sid}",
        json.dumps(statement()),
        content_type="application/json",
        **headers(),
    )
    assert response.status_code == 204
    assert get(client, {"statementId": sid}).json()["id"] == sid


@pytest.mark.parametrize(
    ("query", "body"),
    [
        ("", statement()),
        ("?statementId=not-a-uuid", statement()),
        (f"?statementId={ID_A}", statement(id=ID_B)),
        (f"?statementId={ID_A}", [statement()]),
        (f"?statementId={ID_A}&verb=http://x.y/z", statement()),
    ],
)
def test_put_errors(client: Client, query: str, body: Any) -> None:
    response = client.put(
        URL + query, json.dumps(body), content_type="application/json", **headers()
    )
    assert response.status_code == 400


def test_same_id_same_content_is_accepted_other_content_is_a_conflict(client: Client) -> None:
    sid = str(uuid.uuid4())
    first = statement(id=sid)
    put = f"{URL}?statementId={sid}"
    assert (
        client.put(put, json.dumps(first), content_type="application/json", **headers()).status_code
        == 204
    )
    # The same statement, written differently where the spec says it does not matter.
    same = {
        **first,
        "id": sid.upper(),
        "actor": {**LENA, "mbox": "mailto:lena@EXAMPLE.com"},
        "verb": {"id": first["verb"]["id"], "display": {"nl-BE": "klaar"}},
    }
    assert (
        client.put(put, json.dumps(same), content_type="application/json", **headers()).status_code
        == 204
    )
    assert post_ok(client, same) == [sid.upper()]
    other = {**first, "verb": {"id": "http://adlnet.gov/expapi/verbs/failed"}}
    assert (
        client.put(put, json.dumps(other), content_type="application/json", **headers()).status_code
        == 409
    )
    assert post(client, [statement(), other]).status_code == 409
    assert Statement.objects.count() == 1
    assert get(client, {"statementId": sid}).json()["verb"]["id"] == first["verb"]["id"]


@pytest.mark.parametrize(
    ("content_type", "body"),
    [("text/plain", "{}"), ("application/json", "{not json"), ("application/json", "")],
)
def test_post_body_errors(client: Client, content_type: str, body: str) -> None:
    assert client.post(URL, body, content_type=content_type, **headers()).status_code == 400


def test_post_with_a_parameter_is_refused(client: Client) -> None:
    response = client.post(
        f"{URL}?statementId={uuid.uuid4()}",
        json.dumps(statement()),
        content_type="application/json",
        **headers(),
    )
    assert response.status_code == 400


# --- voiding ----------------------------------------------------------------------------


def voiding(target: str) -> dict[str, Any]:
    return statement(verb={"id": VOIDED}, object={"objectType": "StatementRef", "id": target})


def test_voiding_hides_the_statement_but_keeps_it_reachable(client: Client) -> None:
    [target] = post_ok(client, statement())
    [void] = post_ok(client, voiding(target))
    assert get(client, {"statementId": target}).status_code == 404
    assert get(client, {"voidedStatementId": target}).json()["id"] == target
    assert get(client, {"voidedStatementId": void}).status_code == 404
    assert get_ids(client) == [void]


def test_voiding_a_voiding_statement_is_refused(client: Client) -> None:
    [target] = post_ok(client, statement())
    [void] = post_ok(client, voiding(target))
    response = post(client, voiding(void))
    assert response.status_code == 400
    assert "voiding" in response.json()["error"]["message"]
    other = str(uuid.uuid4())
    in_batch = post(client, [{**voiding(target), "id": other}, voiding(other)])
    assert in_batch.status_code == 400


def test_voiding_a_missing_statement_voids_it_when_it_arrives(client: Client) -> None:
    target = str(uuid.uuid4())
    post_ok(client, voiding(target))
    post_ok(client, statement(id=target))
    assert get(client, {"statementId": target}).status_code == 404
    assert get(client, {"voidedStatementId": target}).status_code == 200


# --- reading one ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "params",
    [
        {"statementId": "x"},
        {"statementId": ID_A, "voidedStatementId": ID_B},
        {"statementId": ID_A, "agent": json.dumps(LENA)},
        {"statementId": ID_A, "limit": "1"},
        {"voidedStatementId": ID_A, "since": "2024-01-01T00:00:00Z"},
        {"statementId": ID_A, "format": "full"},
        {"statementId": ID_A, "attachments": "yes"},
    ],
)
def test_get_one_errors_carry_consistent_through(client: Client, params: dict[str, str]) -> None:
    response = get(client, params)
    assert response.status_code == 400
    assert response["X-Experience-API-Consistent-Through"]


def test_get_one_with_format_and_attachments_and_head(client: Client) -> None:
    [sid] = post_ok(client, statement())
    assert get(client, {"statementId": sid, "format": "ids"}).json()["verb"] == {
        "id": "http://adlnet.gov/expapi/verbs/completed"
    }
    response = client.head(f"{URL}?statementId={sid}", **headers())
    assert response.status_code == 200 and response.content == b""
    assert get(client, {"statementId": str(uuid.uuid4())}).status_code == 404


# --- reading many -----------------------------------------------------------------------


def test_filters(client: Client) -> None:
    registration = str(uuid.uuid4())
    a = post_ok(client, statement())[0]
    b = post_ok(
        client,
        statement(
            actor=CAS,
            verb={"id": "http://adlnet.gov/expapi/verbs/attended"},
            object={"objectType": "Activity", "id": "https://leerpad.example/meetings/1"},
            context={
                "registration": registration,
                "instructor": LENA,
                "contextActivities": {"parent": {"id": COURSE}},
            },
        ),
    )[0]
    c = post_ok(client, statement(actor=CAS, object=LENA))[0]
    assert get_ids(client, {"agent": json.dumps(LENA)}) == [c, a]
    assert get_ids(client, {"agent": json.dumps(LENA), "related_agents": "true"}) == [c, b, a]
    assert get_ids(client, {"verb": "http://adlnet.gov/expapi/verbs/attended"}) == [b]
    assert get_ids(client, {"activity": COURSE}) == [a]
    assert get_ids(client, {"activity": COURSE, "related_activities": "true"}) == [b, a]
    assert get_ids(client, {"registration": registration}) == [b]
    assert get_ids(
        client, {"agent": json.dumps(CAS), "activity": COURSE, "related_activities": "true"}
    ) == [b]
    assert get_ids(client, {"ascending": "true"}) == [a, b, c]
    assert get_ids(client, {"limit": 1}) == [c]
    stored_b = get(client, {"statementId": b}).json()["stored"]
    assert get_ids(client, {"since": stored_b}) == [c]
    assert get_ids(client, {"until": stored_b}) == [b, a]
    assert get_ids(client, {"verb": "http://adlnet.gov/expapi/verbs/failed"}) == []


@pytest.mark.parametrize(
    "params",
    [
        {"agent": "{not json"},
        {"agent": json.dumps({"name": "no identifier"})},
        {"verb": "not an iri"},
        {"activity": "relative/path"},
        {"registration": "123"},
        {"since": "yesterday"},
        {"limit": "-1"},
        {"ascending": "1"},
        {"format": "pretty"},
        {"unknown": "x"},
        {"Verb": "http://x.y/z"},
        {"more": "forged"},
    ],
)
def test_get_many_parameter_errors(client: Client, params: dict[str, str]) -> None:
    response = get(client, params)
    assert response.status_code == 400
    assert response["X-Experience-API-Consistent-Through"]


def test_statement_ref_targets_match_the_filters(client: Client) -> None:
    """Communication 2.1.3: a statement targeting a match matches, recursively, voiding
    statements included, and since/until/limit apply to the targeting statement."""
    verb = "http://example.com/verbs/unique"
    [target] = post_ok(client, statement(verb={"id": verb}))
    ref = statement(actor=CAS, object={"objectType": "StatementRef", "id": target})
    [first] = post_ok(client, ref)
    [second] = post_ok(client, {**ref, "object": {"objectType": "StatementRef", "id": first}})
    [unrelated] = post_ok(client, statement(actor=CAS))
    assert get_ids(client, {"verb": verb}) == [second, first, target]
    assert get_ids(client, {"agent": json.dumps(LENA)}) == [second, first, target]
    assert unrelated not in get_ids(client, {"verb": verb})
    [void] = post_ok(client, voiding(target))
    assert get_ids(client, {"verb": verb}) == [void, second, first]
    assert get_ids(client, {"verb": verb, "limit": 1}) == [void]


def test_format_canonical_uses_accept_language_and_canonical_definitions(client: Client) -> None:
    activity = {"id": COURSE, "definition": {"name": {"en-US": "Safety", "nl-BE": "Veiligheid"}}}
    [sid] = post_ok(
        client,
        statement(
            verb={"id": "http://x.y/v", "display": {"en-US": "did", "nl-BE": "deed"}},
            object=activity,
        ),
    )
    post_ok(
        client,
        statement(object={"id": COURSE, "definition": {"description": {"fr-BE": "Sécurité"}}}),
    )
    response = get(
        client, {"statementId": sid, "format": "canonical"}, accept_language="nl-BE, en;q=0.5"
    )
    got = response.json()
    assert got["verb"]["display"] == {"nl-BE": "deed"}
    assert got["object"]["definition"]["name"] == {"nl-BE": "Veiligheid"}
    assert got["object"]["definition"]["description"] == {"fr-BE": "Sécurité"}
    exact = get(client, {"statementId": sid}).json()
    assert exact["object"] == activity


def test_paging_is_stable_while_statements_arrive(client: Client) -> None:
    ids = [post_ok(client, statement())[0] for _ in range(5)]
    ids += post_ok(client, [statement(), statement()])  # same stored: ties broken by arrival
    seen: list[str] = []
    response = get(client, {"limit": 2})
    while True:
        body = response.json()
        seen += [s["id"] for s in body["statements"]]
        post_ok(client, statement())  # arrives between pages: not in this listing
        if not body["more"]:
            break
        assert body["more"].startswith("/xapi/statements?more=")
        response = client.get(body["more"], **headers())
        assert response.status_code == 200
    assert seen == list(reversed(ids))


def test_paging_ascending_with_a_filter(client: Client) -> None:
    ids = [post_ok(client, statement())[0] for _ in range(5)]
    post_ok(client, statement(actor=CAS))
    seen: list[str] = []
    body = get(client, {"agent": json.dumps(LENA), "ascending": "true", "limit": 2}).json()
    seen += [s["id"] for s in body["statements"]]
    while body["more"]:
        body = client.get(body["more"], **headers()).json()
        seen += [s["id"] for s in body["statements"]]
    assert seen == ids


def test_more_links_cannot_be_forged_or_shared(client: Client) -> None:
    for _ in range(3):
        post_ok(client, statement())
    more = get(client, {"limit": 1}).json()["more"]
    token = more.split("more=")[1]
    assert client.get(f"{URL}?more={token}x", **headers()).status_code == 400
    assert client.get(f"{more}&limit=5", **headers()).status_code == 400
    make_client("reader", ["statements/read"])
    assert client.get(more, **headers(key="reader")).status_code == 400


def test_consistent_through_is_an_iso_timestamp(client: Client) -> None:
    value = get(client)["X-Experience-API-Consistent-Through"]
    assert dt.datetime.fromisoformat(value.replace("Z", "+00:00")).tzinfo is not None


# --- scopes -----------------------------------------------------------------------------


def test_scopes(client: Client) -> None:
    make_client("writer", ["statements/write"])
    make_client("reader", ["statements/read"])
    make_client("mine", ["statements/read/mine", "statements/write"])
    [theirs] = post_ok(client, statement())
    assert post(client, statement(), key="writer").status_code == 200
    assert get(client, key="writer").status_code == 403
    assert post(client, statement(), key="reader").status_code == 403
    assert len(get_ids(client, key="reader")) == 2
    [own] = post(client, statement(), key="mine").json()
    assert get_ids(client, key="mine") == [own]
    assert get(client, {"statementId": theirs}, key="mine").status_code == 404
    assert get(client, {"statementId": own}, key="mine").status_code == 200


def test_about_needs_no_credentials(client: Client) -> None:
    response = client.get("/xapi/about")
    assert response.status_code == 200
    assert response.json()["version"] == ["1.0.3", "2.0.0"]


# --- attachments ------------------------------------------------------------------------


BOUNDARY = "leerpad-test-boundary"


def multipart(parts: list[tuple[dict[str, str], bytes]]) -> bytes:
    out = b""
    for part_headers, content in parts:
        out += f"--{BOUNDARY}\r\n".encode()
        out += "".join(f"{k}: {v}\r\n" for k, v in part_headers.items()).encode()
        out += b"\r\n" + content + b"\r\n"
    return out + f"--{BOUNDARY}--\r\n".encode()


def attachment_for(content: bytes, **overrides: Any) -> dict[str, Any]:
    return {
        "usageType": "http://example.com/usage/certificate",
        "display": {"en-US": "certificate"},
        "contentType": "text/plain",
        "length": len(content),
        "sha2": hashlib.sha256(content).hexdigest(),
        **overrides,
    }


def post_multipart(
    client: Client,
    data: Any,
    parts: list[tuple[dict[str, str], bytes]],
    version: str = V1,
    first_type: str = "application/json",
) -> Any:
    body = multipart([({"Content-Type": first_type}, json.dumps(data).encode()), *parts])
    return client.post(
        URL, body, content_type=f"multipart/mixed; boundary={BOUNDARY}", **headers(version)
    )


def part(content: bytes, **extra: str) -> tuple[dict[str, str], bytes]:
    return (
        {
            "Content-Type": "text/plain",
            "Content-Transfer-Encoding": "binary",
            "X-Experience-API-Hash": hashlib.sha256(content).hexdigest(),
            **extra,
        },
        content,
    )


def test_attachments_round_trip(client: Client) -> None:
    content = b"Lena passed.\r\n--not a boundary\r\n\x00\xff"
    data = [
        statement(attachments=[attachment_for(content)]),
        statement(attachments=[attachment_for(content)]),
    ]
    response = post_multipart(client, data, [part(content)])
    assert response.status_code == 200, response.content
    assert Attachment.objects.count() == 1  # stored once per hash
    got = get(client, {"attachments": "true"})
    assert got["Content-Type"].startswith("multipart/mixed; boundary=")
    boundary = got["Content-Type"].split("boundary=")[1]
    chunks = got.content.split(b"--" + boundary.encode())
    assert json.loads(chunks[1].split(b"\r\n\r\n", 1)[1])["statements"]
    head, body = chunks[2].split(b"\r\n\r\n", 1)
    assert b"X-Experience-API-Hash: " + hashlib.sha256(content).hexdigest().encode() in head
    assert body == content + b"\r\n"
    assert chunks[3].startswith(b"--")
    assert get(client)["Content-Type"] == "application/json"


def test_a_file_url_attachment_needs_no_part(client: Client) -> None:
    attachment = attachment_for(b"x", fileUrl="https://example.com/x.txt")
    post_ok(client, statement(attachments=[attachment]))
    assert post_multipart(client, statement(attachments=[attachment]), []).status_code == 200


@pytest.mark.parametrize(
    "case",
    [
        "no part",
        "json body",
        "extra part",
        "hash mismatch",
        "no hash",
        "base64",
        "first part not json",
        "no closing boundary",
    ],
)
def test_attachment_errors(client: Client, case: str) -> None:
    content = b"certificate"
    data = statement(attachments=[attachment_for(content)])
    parts = [part(content)]
    if case == "json body":
        assert post(client, data).status_code == 400
        return
    if case == "no part":
        parts = []
    elif case == "extra part":
        parts.append(part(b"something else"))
    elif case == "hash mismatch":
        parts = [
            part(
                b"other content",
                **{"X-Experience-API-Hash": part(content)[0]["X-Experience-API-Hash"]},
            )
        ]
    elif case == "no hash":
        parts = [({"Content-Type": "text/plain"}, content)]
    elif case == "base64":
        parts = [part(content, **{"Content-Transfer-Encoding": "base64"})]
    first_type = "text/plain" if case == "first part not json" else "application/json"
    if case == "no closing boundary":
        body = multipart(
            [({"Content-Type": "application/json"}, json.dumps(data).encode()), *parts]
        ).rsplit(b"--" + BOUNDARY.encode(), 1)[0]
        response = client.post(
            URL, body, content_type=f"multipart/mixed; boundary={BOUNDARY}", **headers()
        )
    else:
        response = post_multipart(client, data, parts, first_type=first_type)
    assert response.status_code == 400
    assert Statement.objects.count() == 0


# --- signed statements ------------------------------------------------------------------


def _signing_material() -> tuple[Any, str]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Leerpad test signer")])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    der = certificate.public_bytes(serialization.Encoding.DER)
    return key, base64.b64encode(der).decode()


@pytest.fixture(scope="module")
def signer() -> tuple[Any, str]:
    return _signing_material()


def sign(data: dict[str, Any], key: Any, x5c: str | None, alg: str = "RS256") -> bytes:
    from joserfc import jws
    from joserfc.jwk import OctKey, RSAKey

    header: dict[str, Any] = {"alg": alg}
    if x5c:
        header["x5c"] = [x5c]
    jwk = OctKey.import_key(b"0" * 32) if alg.startswith("HS") else RSAKey.import_key(key)
    registry = jws.JWSRegistry(algorithms=[alg])
    registry.max_header_length = 8192
    return jws.serialize_compact(header, json.dumps(data), jwk, registry=registry).encode()


def post_signed(
    client: Client,
    data: dict[str, Any],
    signature: bytes,
    version: str = V1,
    content_type: str = "application/octet-stream",
) -> Any:
    signed = {
        **data,
        "attachments": [attachment_for(signature, usageType=SIGNATURE, contentType=content_type)],
    }
    return post_multipart(
        client, signed, [part(signature, **{"Content-Type": content_type})], version=version
    )


@pytest.mark.parametrize("version", [V1, V2])
@pytest.mark.parametrize("alg", ["RS256", "RS384", "RS512"])
def test_signed_statement_is_accepted(client: Client, signer: Any, version: str, alg: str) -> None:
    key, x5c = signer
    data = statement(id=str(uuid.uuid4()), result={"duration": "PT1.23S"})
    signed_form = {**data, "result": {"duration": "PT1.2345S"}}  # 2.0: compared to 0.01 s
    response = post_signed(client, data, sign(signed_form, key, x5c, alg), version)
    assert response.status_code == 200, response.content


@pytest.mark.parametrize("case", ["tampered", "hs256", "wrong key", "not jws", "content type"])
def test_bad_signatures_are_refused(client: Client, signer: Any, case: str) -> None:
    key, x5c = signer
    data = statement(id=str(uuid.uuid4()))
    content_type = "application/octet-stream"
    if case == "tampered":
        signature = sign({**data, "verb": {"id": "http://example.com/other"}}, key, x5c)
    elif case == "hs256":
        signature = sign(data, key, None, "HS256")
    elif case == "wrong key":
        other_key, _ = _signing_material()
        signature = sign(data, other_key, x5c)
    elif case == "not jws":
        signature = b"this is not a JWS"
    else:
        signature, content_type = sign(data, key, x5c), "text/plain"
    response = post_signed(client, data, signature, content_type=content_type)
    assert response.status_code == 400
    assert Statement.objects.count() == 0


# --- cost -------------------------------------------------------------------------------


def test_a_batch_of_100_takes_a_bounded_number_of_queries(
    client: Client, django_assert_max_num_queries: Any
) -> None:
    post_ok(client, statement())  # the client's last use is recorded once, here
    batch = [
        statement(
            actor={"mbox": f"mailto:p{i}@example.com"},
            object={"id": f"{COURSE}/{i % 7}", "definition": {"name": {"en-US": f"M{i % 7}"}}},
            context={
                "registration": str(uuid.uuid4()),
                "contextActivities": {"parent": [{"id": COURSE}]},
            },
        )
        for i in range(100)
    ]
    with django_assert_max_num_queries(16):
        post_ok(client, batch)
    with django_assert_max_num_queries(6):
        get(client, {"agent": json.dumps({"mbox": "mailto:p3@example.com"})})
