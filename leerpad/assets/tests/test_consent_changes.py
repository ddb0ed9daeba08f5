"""A new consent that no longer covers how the asset is used needs an explicit
confirmation; the consent's person is picked through a search, not a list of everyone;
uploaded images lose their EXIF (GPS) and videos say they keep theirs."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from leerpad.accounts.models import Person
from leerpad.assets import queries, services
from leerpad.assets.models import Asset, Consent, Kind, Use

from .helpers import campaign, consent, days, item, make_asset

pytestmark = pytest.mark.django_db
ClientFor = Callable[[Person], Client]
GPS_IFD = 0x8825


def _used_asset(owner: Person, lena: Person) -> Asset:
    """An asset with lena's consent for learning and marketing, used by an item and a
    campaign."""
    asset = make_asset(owner)
    consent(asset, person=lena, given=days(-30))
    services.add_use(asset, item_id=item("Safety at work").pk, by=owner)
    services.add_use(asset, campaign_id=campaign("Spring garden").pk, by=owner)
    return asset


def _post(person: Person | None, scopes: list[str], **extra: str) -> dict[str, object]:
    data: dict[str, object] = {
        "person": str(person.pk) if person else "",
        "name": "",
        "scopes": scopes,
        "given_on": days(-1).isoformat(),
        "valid_until": days(300).isoformat(),
    }
    data.update(extra)
    return data


# --- the rule --------------------------------------------------------------------------


def test_a_renewal_without_marketing_leaves_the_campaign_uncovered(
    dirk: Person, lena: Person
) -> None:
    asset = _used_asset(dirk, lena)
    subject = f"person:{lena.pk}"
    found = queries.uncovered_uses(asset, subject=subject, scopes=[Use.LEARNING], given_on=days(-1))
    assert [(u.use.campaign.name if u.use.campaign else None, u.scope) for u in found] == [
        ("Spring garden", Use.MARKETING)
    ]
    both = [Use.LEARNING, Use.MARKETING]
    assert queries.uncovered_uses(asset, subject=subject, scopes=both, given_on=days(-1)) == []


def test_an_older_record_does_not_count_and_uncovers_nothing(dirk: Person, lena: Person) -> None:
    asset = _used_asset(dirk, lena)
    found = queries.uncovered_uses(
        asset, subject=f"person:{lena.pk}", scopes=[Use.EXTERNAL], given_on=days(-90)
    )
    assert found == []


def test_the_service_refuses_without_confirmation_and_saves_with_it(
    dirk: Person, lena: Person
) -> None:
    asset = _used_asset(dirk, lena)
    kwargs = {
        "person": lena,
        "name": "",
        "scopes": [Use.MARKETING],
        "given_on": days(-1),
        "valid_until": days(100),
        "by": dirk,
    }
    with pytest.raises(services.UncoveredUses) as caught:
        services.add_consent(asset, **kwargs)  # type: ignore[arg-type]
    assert [u.scope for u in caught.value.uses] == [Use.LEARNING]
    assert asset.consents.count() == 1
    services.add_consent(asset, uncovered_confirmed=True, **kwargs)  # type: ignore[arg-type]
    assert asset.consents.count() == 2


# --- the form --------------------------------------------------------------------------


def test_form_warns_lists_the_places_and_saves_nothing(
    client_for: ClientFor, dirk: Person, lena: Person
) -> None:
    asset = _used_asset(dirk, lena)
    url = reverse("assets:consent_new", args=[asset.pk])
    response = client_for(dirk).post(url, _post(lena, ["learning"]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "does not cover how the asset is used now" in page
    assert "Spring garden" in page
    assert "take the asset down" in page
    assert 'name="confirm_uncovered"' in page
    # The item is still covered (learning stays): it is not listed.
    assert [u.use.campaign_id is not None for u in response.context["uncovered"]] == [True]
    assert asset.consents.count() == 1


def test_form_saves_once_confirmed_and_says_what_to_do(
    client_for: ClientFor, dirk: Person, lena: Person
) -> None:
    asset = _used_asset(dirk, lena)
    url = reverse("assets:consent_new", args=[asset.pk])
    response = client_for(dirk).post(
        url, _post(lena, ["learning"], confirm_uncovered="on"), follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("assets:asset", args=[asset.pk])
    latest = asset.consents.order_by("-pk").first()
    assert latest is not None and latest.scopes == [Use.LEARNING]
    assert "Take the asset down" in response.content.decode()


def test_form_without_uncovered_uses_saves_at_once(
    client_for: ClientFor, dirk: Person, lena: Person
) -> None:
    asset = _used_asset(dirk, lena)
    url = reverse("assets:consent_new", args=[asset.pk])
    response = client_for(dirk).post(url, _post(lena, ["learning", "marketing", "external"]))
    assert response.status_code == 302
    assert asset.consents.count() == 2


# --- the person picker -----------------------------------------------------------------


def test_the_form_has_no_list_of_everyone(
    client_for: ClientFor, dirk: Person, lena: Person
) -> None:
    asset = make_asset(dirk)
    page = client_for(dirk).get(reverse("assets:consent_new", args=[asset.pk])).content.decode()
    assert 'name="person_q"' in page
    assert 'type="hidden" name="person"' in page
    assert lena.email not in page


def test_people_search_finds_by_name_and_email(
    client_for: ClientFor, dirk: Person, lena: Person, mira: Person
) -> None:
    client = client_for(dirk)
    url = reverse("assets:people")
    by_name = client.get(url, {"person_q": lena.first_name}).context["people"]
    assert lena in by_name and mira not in by_name
    by_email = client.get(url, {"person_q": mira.email.split("@")[0]}).context["people"]
    assert mira in by_email and lena not in by_email
    assert client.get(url, {"person_q": "l"}).context["people"] == []


def test_people_search_returns_at_most_twenty(
    client_for: ClientFor, dirk: Person, make_person: Callable[..., Person]
) -> None:
    for n in range(25):
        make_person("Zoë", email=f"zoe{n}@example.com")
    response = client_for(dirk).get(reverse("assets:people"), {"person_q": "zoë"})
    assert len(response.context["people"]) == 20
    assert response.context["more"] is True
    assert "type more of the name" in response.content.decode()


def test_people_search_skips_inactive_people(
    client_for: ClientFor, dirk: Person, lena: Person
) -> None:
    lena.is_active = False
    lena.save()
    response = client_for(dirk).get(reverse("assets:people"), {"person_q": lena.email})
    assert response.context["people"] == []
    assert "Nobody in Leerpad matches" in response.content.decode()


def test_picking_fills_the_hidden_id(client_for: ClientFor, dirk: Person, lena: Person) -> None:
    response = client_for(dirk).get(reverse("assets:people"), {"pick": lena.pk})
    page = response.content.decode()
    assert f'name="person" value="{lena.pk}"' in page
    assert lena.get_full_name() in page
    # "Change" asks for the empty picker again.
    again = client_for(dirk).get(reverse("assets:people"), {"pick": ""}).content.decode()
    assert 'name="person" value=""' in again
    assert 'name="person_q"' in again


def test_people_search_is_for_the_workspace_only(client_for: ClientFor, lena: Person) -> None:
    url = reverse("assets:people")
    assert Client().get(url, {"person_q": "dirk"}).status_code == 302
    assert client_for(lena).get(url, {"person_q": "dirk"}).status_code == 403


@pytest.mark.parametrize("bad", ["999999", "abc"])
def test_an_unknown_person_id_is_refused_clearly(
    client_for: ClientFor, dirk: Person, bad: str
) -> None:
    asset = make_asset(dirk)
    data = _post(None, ["learning"])
    data["person"] = bad
    response = client_for(dirk).post(reverse("assets:consent_new", args=[asset.pk]), data)
    assert response.status_code == 200
    assert "That person is not in Leerpad" in response.content.decode()
    assert not Consent.objects.exists()


def test_a_picked_person_is_recorded(client_for: ClientFor, dirk: Person, lena: Person) -> None:
    asset = make_asset(dirk)
    response = client_for(dirk).post(
        reverse("assets:consent_new", args=[asset.pk]), _post(lena, ["learning"])
    )
    assert response.status_code == 302
    assert Consent.objects.get().person == lena


def test_picked_person_stays_shown_when_the_form_comes_back(
    client_for: ClientFor, dirk: Person, lena: Person
) -> None:
    asset = make_asset(dirk)
    data = _post(lena, ["learning"])
    data["valid_until"] = days(-5).isoformat()  # before it was given: an error
    response = client_for(dirk).post(reverse("assets:consent_new", args=[asset.pk]), data)
    assert response.status_code == 200
    assert f'name="person" value="{lena.pk}"' in response.content.decode()


# --- images lose their metadata; videos say they keep theirs ---------------------------


def test_an_uploaded_photo_is_stored_without_gps(dirk: Person) -> None:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif[GPS_IFD] = {1: "N", 2: (51.0, 3.0, 0.0), 3: "E", 4: (3.0, 43.0, 0.0)}
    exif[0x0112] = 6  # taken with the phone turned
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (10, 10, 200)).save(out, "JPEG", exif=exif)
    upload = SimpleUploadedFile("IMG_1.JPG", out.getvalue(), content_type="image/jpeg")
    asset = make_asset(dirk, upload=upload)
    version = asset.versions.get()
    with version.file.open("rb") as handle:
        stored = handle.read()
    assert b"PhoneMaker" not in stored
    image = Image.open(io.BytesIO(stored))
    assert not image.getexif().get_ifd(GPS_IFD)
    assert image.size == (48, 64)
    assert (version.width, version.height, version.size) == (48, 64, len(stored))
    assert version.original_name == "IMG_1.JPG"
    assert version.thumbnail


def test_video_forms_say_metadata_stays(client_for: ClientFor, dirk: Person) -> None:
    client = client_for(dirk)
    assert "video-metadata-hint" in client.get(reverse("assets:new")).content.decode()
    video = make_asset(
        dirk,
        kind=Kind.VIDEO,
        upload=SimpleUploadedFile("clip.mp4", b"\x00\x00\x00\x18ftypmp42", "video/mp4"),
    )
    image = make_asset(dirk, title="Photo")
    page = client.get(reverse("assets:version_new", args=[video.pk])).content.decode()
    assert "video-metadata-hint" in page
    page = client.get(reverse("assets:version_new", args=[image.pk])).content.decode()
    assert "video-metadata-hint" not in page


def test_a_search_without_a_pick_asks_to_pick(client_for: ClientFor, dirk: Person) -> None:
    asset = make_asset(dirk)
    data = _post(None, ["learning"], person_q="Lena")
    response = client_for(dirk).post(reverse("assets:consent_new", args=[asset.pk]), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Pick the person from the search results" in page
    assert 'name="person_q" value="Lena"' in page
    assert not Consent.objects.exists()
