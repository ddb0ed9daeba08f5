"""The library's pages through the test client: who may do what, uploads and their checks,
versions, downloads, filters."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from leerpad.accounts.models import Person
from leerpad.assets import files
from leerpad.assets.models import Asset, AssetVersion, Kind

from .helpers import days, make_asset, pdf, png

pytestmark = pytest.mark.django_db
ClientFor = Callable[[Person], Client]


def new_asset_post(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "title": "Garden centre Gent",
        "description": "Photo of the shop floor",
        "kind": "image",
        "tags": "Gent, garden centre",
        "source": "own",
        "licence": "",
        "allowed_uses": ["learning", "marketing"],
        "rights_valid_until": "",
        "note": "first shot",
        "file": png(),
    }
    data.update(overrides)
    return data


def test_anonymous_is_sent_to_login(client: Client) -> None:
    response = client.get(reverse("assets:library"))
    assert response.status_code == 302
    assert "/login" in response["Location"] or "login" in response["Location"]


def test_learner_gets_403(client_for: ClientFor, lena: Person) -> None:
    assert client_for(lena).get(reverse("assets:library")).status_code == 403


def test_empty_library_says_so(client_for: ClientFor, dirk: Person) -> None:
    response = client_for(dirk).get(reverse("assets:library"))
    assert response.status_code == 200
    assert "The library is empty" in response.content.decode()


def test_ld_specialist_uploads_an_image_with_thumbnail(client_for: ClientFor, dirk: Person) -> None:
    client = client_for(dirk)
    response = client.post(reverse("assets:new"), new_asset_post(owner=dirk.pk))
    asset = Asset.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("assets:asset", args=[asset.pk])
    version = asset.versions.get()
    assert (version.number, version.content_type, version.width) == (1, "image/png", 64)
    assert version.thumbnail
    assert sorted(t.name for t in asset.tags.all()) == ["garden centre", "gent"]
    thumb = client.get(reverse("assets:thumbnail", args=[version.pk]))
    assert thumb.status_code == 200
    assert thumb["Content-Type"] == "image/png"


def test_a_non_image_is_refused_and_nothing_is_saved(client_for: ClientFor, dirk: Person) -> None:
    fake = SimpleUploadedFile("photo.png", b"not really a picture", content_type="image/png")
    response = client_for(dirk).post(reverse("assets:new"), new_asset_post(file=fake))
    assert response.status_code == 200
    assert "not an image Leerpad can read" in response.content.decode()
    assert not Asset.objects.exists()
    assert not AssetVersion.objects.exists()


def test_wrong_extension_for_the_kind_is_refused(client_for: ClientFor, dirk: Person) -> None:
    exe = SimpleUploadedFile("tour.exe", b"MZ....", content_type="application/octet-stream")
    response = client_for(dirk).post(reverse("assets:new"), new_asset_post(kind="video", file=exe))
    assert response.status_code == 200
    assert "For the kind “Video” the file must be one of" in response.content.decode()
    assert not Asset.objects.exists()


def test_size_limit_is_enforced(
    client_for: ClientFor, dirk: Person, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(files, "MB", 1)  # "50 MB" becomes 50 bytes for the test
    big = SimpleUploadedFile("guide.pdf", b"%PDF-1.4\n" + b"x" * 60, content_type="application/pdf")
    response = client_for(dirk).post(
        reverse("assets:new"), new_asset_post(kind="document", file=big)
    )
    assert "larger than 50 MB" in response.content.decode()
    assert not Asset.objects.exists()


def test_missing_fields_show_errors(client_for: ClientFor, dirk: Person) -> None:
    response = client_for(dirk).post(
        reverse("assets:new"), new_asset_post(title="", allowed_uses=[], tags="bad/tag")
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "This field is required." in body
    assert "is not a tag" in body
    assert not Asset.objects.exists()


def test_coach_browses_but_cannot_create_or_edit_others(
    client_for: ClientFor, cas: Person, dirk: Person
) -> None:
    asset = make_asset(dirk)
    client = client_for(cas)
    assert client.get(reverse("assets:library")).status_code == 200
    assert client.get(reverse("assets:asset", args=[asset.pk])).status_code == 200
    assert client.get(reverse("assets:new")).status_code == 403
    assert client.get(reverse("assets:edit", args=[asset.pk])).status_code == 403
    version = asset.versions.get()
    assert client.get(reverse("assets:download", args=[version.pk])).status_code == 200


def test_the_owner_may_edit_without_a_manager_role(client_for: ClientFor, cas: Person) -> None:
    asset = make_asset(cas)
    response = client_for(cas).post(
        reverse("assets:edit", args=[asset.pk]),
        {
            "title": "Renamed",
            "kind": "video",  # ignored: the kind stays
            "source": "stock",
            "allowed_uses": ["learning"],
            "tags": "",
            "owner": cas.pk,
        },
    )
    assert response.status_code == 302
    asset.refresh_from_db()
    assert (asset.title, asset.kind, asset.source, asset.allowed_uses) == (
        "Renamed",
        Kind.IMAGE,
        "stock",
        ["learning"],
    )


def test_learner_cannot_download(client_for: ClientFor, lena: Person, dirk: Person) -> None:
    version = make_asset(dirk).versions.get()
    assert client_for(lena).get(reverse("assets:download", args=[version.pk])).status_code == 403


def test_new_version_becomes_current_and_old_ones_download(
    client_for: ClientFor, mira: Person
) -> None:
    asset = make_asset(mira)
    client = client_for(mira)
    response = client.post(
        reverse("assets:version_new", args=[asset.pk]),
        {"file": png("better.png", (100, 80)), "note": "sharper"},
    )
    assert response.status_code == 302
    numbers = list(asset.versions.order_by("number").values_list("number", flat=True))
    assert numbers == [1, 2]
    assert asset.current_version() is not None
    assert asset.current_version().original_name == "better.png"  # type: ignore[union-attr]
    page = client.get(reverse("assets:asset", args=[asset.pk])).content.decode()
    assert "better.png" in page and "photo.png" in page
    first = asset.versions.get(number=1)
    download = client.get(reverse("assets:download", args=[first.pk]))
    assert download.status_code == 200
    assert 'filename="photo.png"' in download["Content-Disposition"]
    assert b"".join(download.streaming_content)[:8] == b"\x89PNG\r\n\x1a\n"  # type: ignore[attr-defined]


def test_new_version_of_another_kind_is_refused(client_for: ClientFor, mira: Person) -> None:
    asset = make_asset(mira)
    response = client_for(mira).post(
        reverse("assets:version_new", args=[asset.pk]), {"file": pdf()}
    )
    assert response.status_code == 200
    assert "For the kind “Image” the file must be one of" in response.content.decode()
    assert asset.versions.count() == 1


def test_filters_by_search_tag_kind_and_attention(client_for: ClientFor, greet: Person) -> None:
    make_asset(greet, title="Cash desk photo", tags=("kassa",))
    make_asset(greet, title="Returns policy", kind=Kind.DOCUMENT, rights_until=days(10))
    client = client_for(greet)
    url = reverse("assets:library")

    def titles(query: dict[str, str]) -> list[str]:
        rows = client.get(url, query).context["rows"]
        return sorted(row["asset"].title for row in rows)

    assert titles({}) == ["Cash desk photo", "Returns policy"]
    assert titles({"q": "kassa"}) == ["Cash desk photo"]
    assert titles({"tag": "kassa"}) == ["Cash desk photo"]
    assert titles({"kind": "document"}) == ["Returns policy"]
    assert titles({"attention": "on"}) == ["Returns policy"]
    assert "No asset matches" in client.get(url, {"q": "nothing"}).content.decode()


def test_library_paginates(
    client_for: ClientFor, greet: Person, monkeypatch: pytest.MonkeyPatch
) -> None:
    from leerpad.assets import views

    monkeypatch.setattr(views, "PER_PAGE", 2)
    for n in range(3):
        make_asset(greet, title=f"Asset {n}")
    client = client_for(greet)
    first = client.get(reverse("assets:library"))
    assert len(first.context["rows"]) == 2
    second = client.get(reverse("assets:library"), {"page": 2})
    assert len(second.context["rows"]) == 1


def test_announced_type_must_fit_the_kind(client_for: ClientFor, dirk: Person) -> None:
    odd = SimpleUploadedFile("tour.mp4", b"....", content_type="application/pdf")
    response = client_for(dirk).post(reverse("assets:new"), new_asset_post(kind="video", file=odd))
    assert "does not fit the kind" in response.content.decode()
    assert not Asset.objects.exists()
