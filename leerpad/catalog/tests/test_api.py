"""The catalogue's JSON API: token and session auth, reads, upsert, import, status, 403s."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from leerpad.accounts.models import Person
from leerpad.accounts.services import create_api_token, revoke_api_token
from leerpad.catalog.models import CatalogImport, ContentItem, Status
from leerpad.catalog.tests.ui_helpers import make_item, make_skills

pytestmark = pytest.mark.django_db

ClientFor = Callable[[Person], Client]
API = "/api/v1/catalog"

ITEM = {
    "kind": "link",
    "status": "published",
    "url": "https://example.org/feedback",
    "translations": {"nl": {"title": "Feedback geven"}, "en": {"title": "Giving feedback"}},
}


def _bearer(person: Person) -> dict[str, str]:
    _token, plain = create_api_token(person, "tests")
    return {"Authorization": f"Bearer {plain}"}


def _put(client: Client, external_id: str, body: Any, headers: dict[str, str]) -> Any:
    return client.put(
        f"{API}/items/by-external-id/{external_id}",
        data=json.dumps(body),
        content_type="application/json",
        headers=headers,
    )


# --- authentication --------------------------------------------------------------------------


def test_token_authenticates_and_records_its_use(client: Client, lena: Person) -> None:
    make_item("Zichtbaar")
    token, plain = create_api_token(lena, "script")
    assert client.get(f"{API}/items").status_code == 401
    response = client.get(f"{API}/items", headers={"Authorization": f"Bearer {plain}"})
    assert response.status_code == 200
    assert response.json()["count"] == 1
    token.refresh_from_db()
    assert token.last_used_at is not None


@pytest.mark.parametrize("how", ["revoked", "inactive", "wrong", "not-bearer"])
def test_bad_tokens_are_refused(client: Client, lena: Person, how: str) -> None:
    token, plain = create_api_token(lena, "script")
    header = f"Bearer {plain}"
    if how == "revoked":
        revoke_api_token(token)
    elif how == "inactive":
        lena.is_active = False
        lena.save()
    elif how == "wrong":
        header = f"Bearer {plain[:-2]}xx"
    else:
        header = f"Token {plain}"
    assert client.get(f"{API}/items", headers={"Authorization": header}).status_code == 401


def test_session_auth_in_the_browser_with_csrf_for_writes(lena: Person, dirk: Person) -> None:
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(lena)
    assert browser.get(f"{API}/items").status_code == 200
    browser.force_login(dirk)
    response = browser.put(
        f"{API}/items/by-external-id/x", data=json.dumps(ITEM), content_type="application/json"
    )
    assert response.status_code in {401, 403}  # no CSRF token: refused
    assert not ContentItem.objects.exists()


# --- reading ---------------------------------------------------------------------------------


def test_learners_read_published_items_only(client: Client, lena: Person) -> None:
    make_skills()
    item = make_item(
        "Gepubliceerd",
        skills=["safety"],
        external_id="ext-1",
        translations={"nl": {"title": "Gepubliceerd", "body": "Lange tekst"}},
    )
    draft = make_item("Klad", status="draft", external_id="ext-2")
    headers = _bearer(lena)
    listing = client.get(f"{API}/items", headers=headers).json()
    assert [i["id"] for i in listing["items"]] == [item.pk]
    assert listing["items"][0]["translations"]["nl"]["body"] is None  # lists leave bodies out
    one = client.get(f"{API}/items/{item.pk}", headers=headers).json()
    assert one["skills"] == ["safety"] and one["translations"]["nl"]["body"] == "Lange tekst"
    assert one["page_url"].endswith(f"/catalogue/{item.pk}/")
    assert client.get(f"{API}/items/by-external-id/ext-1", headers=headers).json()["id"] == item.pk
    assert client.get(f"{API}/items/{draft.pk}", headers=headers).status_code == 404
    assert client.get(f"{API}/items/by-external-id/ext-2", headers=headers).status_code == 404
    assert client.get(f"{API}/items?status=draft", headers=headers).status_code == 403


def test_list_filters_and_paging(client: Client, dirk: Person) -> None:
    for i in range(5):
        make_item(f"Link {i}", kind="link", url="https://example.org/")
    make_item("Vidéo", kind="video", status="draft", translations={"fr": {"title": "Vidéo"}})
    headers = _bearer(dirk)
    page = client.get(f"{API}/items?kind=link&per_page=2&page=3", headers=headers).json()
    assert page["count"] == 5 and page["pages"] == 3 and len(page["items"]) == 1
    assert client.get(f"{API}/items?status=draft", headers=headers).json()["count"] == 1
    assert client.get(f"{API}/items?language=fr", headers=headers).json()["count"] == 1
    assert client.get(f"{API}/items?q=link%203", headers=headers).json()["count"] == 1
    assert client.get(f"{API}/items?per_page=1000", headers=headers).status_code == 400
    assert client.get(f"{API}/items?kind=podcast", headers=headers).status_code == 422


# --- upsert ----------------------------------------------------------------------------------


def test_upsert_creates_then_updates(client: Client, dirk: Person) -> None:
    headers = _bearer(dirk)
    response = _put(client, "lib-7", ITEM, headers)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["external_id"] == "lib-7" and body["version"] == 1
    item = ContentItem.objects.get(external_id="lib-7")
    assert item.owner == dirk

    changed = {**ITEM, "url": "https://example.org/new"}
    response = _put(client, "lib-7", changed, headers)
    assert response.status_code == 200
    assert response.json()["version"] == 2 and response.json()["url"] == "https://example.org/new"
    assert ContentItem.objects.count() == 1


def test_upsert_errors(client: Client, dirk: Person) -> None:
    headers = _bearer(dirk)
    response = _put(client, "x", {**ITEM, "skills": ["nope"]}, headers)
    assert response.status_code == 400
    assert "unknown skill key" in response.json()["detail"]
    response = _put(client, "x", {**ITEM, "kind": "podcast"}, headers)
    assert response.status_code == 422
    response = _put(client, "x", {**ITEM, "colour": "red"}, headers)
    assert response.status_code == 422
    response = _put(client, "x", {**ITEM, "external_id": "y"}, headers)
    assert response.status_code == 400
    assert not ContentItem.objects.exists()


def test_learners_may_not_write(client: Client, lena: Person) -> None:
    headers = _bearer(lena)
    response = _put(client, "x", ITEM, headers)
    assert response.status_code == 403
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert "MANAGE_CATALOG".lower() in response.json()["detail"]
    item = make_item(status="draft")
    response = client.post(
        f"{API}/items/{item.pk}/status",
        data=json.dumps({"status": "published"}),
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 403
    response = client.post(
        f"{API}/import", data=b"{}", content_type="application/json", headers=headers
    )
    assert response.status_code == 403


# --- status ----------------------------------------------------------------------------------


def test_status_moves_and_refusals(client: Client, dirk: Person) -> None:
    headers = _bearer(dirk)
    item = make_item(status="draft")

    def move(status: str) -> Any:
        return client.post(
            f"{API}/items/{item.pk}/status",
            data=json.dumps({"status": status}),
            content_type="application/json",
            headers=headers,
        )

    response = move("published")
    assert response.status_code == 200 and response.json()["status"] == "published"
    response = move("review")
    assert response.status_code == 400 and "cannot go from" in response.json()["detail"]
    item.refresh_from_db()
    assert item.status == Status.PUBLISHED
    assert (
        client.post(
            f"{API}/items/999999/status",
            data=json.dumps({"status": "draft"}),
            content_type="application/json",
            headers=headers,
        ).status_code
        == 404
    )


# --- import ----------------------------------------------------------------------------------

IMPORT = {
    "skills": [{"key": "feedback", "names": {"nl": "Feedback geven"}}],
    "items": [
        {**ITEM, "external_id": "imp-1", "skills": ["feedback"]},
        {**ITEM, "external_id": "imp-2"},
    ],
}


def test_import_dry_run_then_apply(client: Client, dirk: Person) -> None:
    headers = _bearer(dirk)
    response = client.post(
        f"{API}/import?dry_run=true",
        data=json.dumps(IMPORT),
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 200
    body = response.json()
    assert body["valid"] and not body["applied"]
    assert body["counts"] == {"create": 2, "update": 0, "unchanged": 0, "error": 0}
    assert body["skills"] == ["feedback"]
    assert not ContentItem.objects.exists()

    response = client.post(
        f"{API}/import", data=json.dumps(IMPORT), content_type="application/json", headers=headers
    )
    assert response.status_code == 200 and response.json()["applied"]
    assert ContentItem.objects.count() == 2
    record = CatalogImport.objects.get()
    assert record.source == CatalogImport.Source.API and record.applied_at is not None


def test_import_errors_are_400_with_the_plan(client: Client, dirk: Person) -> None:
    headers = _bearer(dirk)
    bad = {
        "items": [
            {**ITEM, "external_id": "imp-1"},
            {**ITEM, "external_id": "imp-2", "skills": ["nope"]},
        ]
    }
    for query in ("?dry_run=true", ""):
        response = client.post(
            f"{API}/import{query}",
            data=json.dumps(bad),
            content_type="application/json",
            headers=headers,
        )
        assert response.status_code == 400
        body = response.json()
        assert not body["valid"] and not body["applied"]
        assert body["rows"][1]["errors"] == ["skills: unknown skill key “nope”"]
        assert body["rows"][0]["action"] == "create"
    assert not ContentItem.objects.exists()
    response = client.post(
        f"{API}/import", data=b"{not json", content_type="application/json", headers=headers
    )
    assert response.status_code == 400 and "cannot be read" in response.json()["errors"][0]


def test_import_a_csv_file_upload(client: Client, dirk: Person) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    csv = b"external_id;kind;url;title_nl\ncsv-1;link;https://example.org/;Een link\n"
    response = client.post(
        f"{API}/import", {"file": SimpleUploadedFile("lib.csv", csv)}, headers=_bearer(dirk)
    )
    assert response.status_code == 200, response.content
    assert ContentItem.objects.get().external_id == "csv-1"


def test_import_a_csv_body(client: Client, dirk: Person) -> None:
    csv = "external_id,kind,url,title_nl\ncsv-2,link,https://example.org/,Een link\n"
    response = client.post(
        f"{API}/import", data=csv, content_type="text/csv", headers=_bearer(dirk)
    )
    assert response.status_code == 200, response.content
    assert ContentItem.objects.get().external_id == "csv-2"


# --- docs ------------------------------------------------------------------------------------


def test_docs_are_served_without_a_cdn(client: Client) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["info"]["title"] == "Leerpad API"
    assert "/api/v1/catalog/items/by-external-id/{external_id}" in schema["paths"]
    assert "ApiTokenAuth" in schema["components"]["securitySchemes"]
    page = client.get("/api/v1/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in page
    assert "//cdn" not in page.lower() and "https://" not in page
    assert '"validatorUrl": null' in page
