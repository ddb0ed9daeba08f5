"""Consent records (given, withdrawn, never deleted) and the places that use an asset."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from leerpad.accounts.models import Person
from leerpad.assets import queries, services
from leerpad.assets.models import AssetUse, Consent, Use
from leerpad.assets.rules import Reason, State

from .helpers import campaign, consent, days, item, make_asset, pdf

pytestmark = pytest.mark.django_db
ClientFor = Callable[[Person], Client]


def test_consent_form_records_an_outsider_with_proof(client_for: ClientFor, dirk: Person) -> None:
    asset = make_asset(dirk)
    client = client_for(dirk)
    response = client.post(
        reverse("assets:consent_new", args=[asset.pk]),
        {
            "name": "Anna Peeters (customer)",
            "scopes": ["learning"],
            "given_on": days(-1).isoformat(),
            "valid_until": days(20).isoformat(),
            "proof": pdf("signed.pdf"),
        },
    )
    assert response.status_code == 302
    record = Consent.objects.get()
    assert (record.name, record.scopes, record.valid_until) == (
        "Anna Peeters (customer)",
        ["learning"],
        days(20),
    )
    state = queries.usability_of(asset)
    assert (state.state, state.until) == (State.ENDING, days(20))
    proof = client.get(reverse("assets:consent_proof", args=[record.pk]))
    assert proof.status_code == 200


def test_consent_form_validation(client_for: ClientFor, dirk: Person) -> None:
    asset = make_asset(dirk)
    response = client_for(dirk).post(
        reverse("assets:consent_new", args=[asset.pk]),
        {"given_on": days(-1).isoformat(), "valid_until": days(-5).isoformat()},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Choose the person, or type the name" in body
    assert "Consent cannot end before it was given." in body
    assert "This field is required." in body  # the scopes
    bad = SimpleUploadedFile("proof.exe", b"MZ", content_type="application/octet-stream")
    response = client_for(dirk).post(
        reverse("assets:consent_new", args=[asset.pk]),
        {
            "name": "X",
            "scopes": ["learning"],
            "given_on": days(-1).isoformat(),
            "valid_until": days(5).isoformat(),
            "proof": bad,
        },
    )
    assert "The proof must be a PDF, JPEG or PNG file." in response.content.decode()
    assert not Consent.objects.exists()


def test_consent_proof_only_for_editors(client_for: ClientFor, dirk: Person, cas: Person) -> None:
    asset = make_asset(dirk)
    record = services.add_consent(
        asset,
        person=None,
        name="Anna",
        scopes=["learning"],
        given_on=days(-1),
        valid_until=days(100),
        proof=pdf("signed.pdf"),
        by=dirk,
    )
    assert client_for(cas).get(reverse("assets:consent_proof", args=[record.pk])).status_code == 403


def test_withdrawal_is_recorded_not_deleted(
    client_for: ClientFor, dirk: Person, lena: Person
) -> None:
    asset = make_asset(dirk)
    record = consent(asset, person=lena)
    client = client_for(dirk)
    page = client.get(reverse("assets:consent_withdraw", args=[record.pk]))
    assert page.status_code == 200
    future = client.post(
        reverse("assets:consent_withdraw", args=[record.pk]),
        {"withdrawn_on": days(3).isoformat()},
    )
    assert "not ahead" in future.content.decode()
    response = client.post(
        reverse("assets:consent_withdraw", args=[record.pk]),
        {"withdrawn_on": days(0).isoformat()},
    )
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.withdrawn_on == days(0)
    assert Consent.objects.count() == 1
    state = queries.usability_of(asset)
    assert (state.state, state.reason) == (State.ENDED, Reason.WITHDRAWN)
    with pytest.raises(ValidationError):
        services.withdraw_consent(record, on=days(0))


def test_a_use_must_match_rights_and_consent(dirk: Person) -> None:
    asset = make_asset(dirk, uses=(Use.LEARNING,))
    course, spring = item(), campaign()
    services.add_use(asset, item_id=course.pk, by=dirk)
    with pytest.raises(services.UseError, match="do not allow internal marketing"):
        services.add_use(asset, campaign_id=spring.pk, by=dirk)
    both = make_asset(dirk, title="Both", uses=(Use.LEARNING, Use.MARKETING))
    consent(both, scopes=(Use.LEARNING,))
    with pytest.raises(services.UseError, match="agreed to internal marketing"):
        services.add_use(both, campaign_id=spring.pk, by=dirk)
    services.add_use(both, item_id=course.pk, by=dirk)
    with pytest.raises(services.UseError, match="already uses"):
        services.add_use(both, item_id=course.pk, by=dirk)
    assert AssetUse.objects.count() == 2


def test_an_ended_asset_cannot_be_added(dirk: Person) -> None:
    asset = make_asset(dirk, rights_until=days(-1))
    with pytest.raises(services.UseError, match="may not be used any more"):
        services.add_use(asset, item_id=item().pk, by=dirk)


def test_place_search_add_and_remove_with_confirmation(client_for: ClientFor, mira: Person) -> None:
    asset = make_asset(mira)
    course = item("Complaint handling")
    spring = campaign("Spring garden")
    client = client_for(mira)
    found = client.get(reverse("assets:places", args=[asset.pk]), {"place_q": "spring"})
    assert "Spring garden" in found.content.decode()
    assert "Complaint handling" not in found.content.decode()
    client.post(reverse("assets:use_add", args=[asset.pk]), {"campaign": spring.pk})
    client.post(reverse("assets:use_add", args=[asset.pk]), {"item": course.pk})
    page = client.get(reverse("assets:asset", args=[asset.pk])).content.decode()
    assert "Spring garden" in page and "Complaint handling" in page
    # A place that uses the asset is not offered again.
    again = client.get(reverse("assets:places", args=[asset.pk]), {"place_q": "spring"})
    assert "Spring garden" not in again.content.decode()
    use = AssetUse.objects.get(campaign=spring)
    confirm = client.get(reverse("assets:use_remove", args=[use.pk]))
    assert confirm.status_code == 200
    assert AssetUse.objects.filter(pk=use.pk).exists()
    client.post(reverse("assets:use_remove", args=[use.pk]))
    assert not AssetUse.objects.filter(pk=use.pk).exists()


def test_refused_use_shows_the_reason(client_for: ClientFor, mira: Person) -> None:
    asset = make_asset(mira, uses=(Use.LEARNING,))
    spring = campaign()
    response = client_for(mira).post(
        reverse("assets:use_add", args=[asset.pk]), {"campaign": spring.pk}, follow=True
    )
    assert "do not allow internal marketing" in response.content.decode()
    assert not AssetUse.objects.exists()


def test_coach_cannot_add_places(client_for: ClientFor, cas: Person, dirk: Person) -> None:
    asset = make_asset(dirk)
    response = client_for(cas).post(reverse("assets:use_add", args=[asset.pk]), {"item": item().pk})
    assert response.status_code == 403
    assert not AssetUse.objects.exists()


def test_a_photo_of_the_signed_form_is_stored_without_its_gps(dirk: Person) -> None:
    import io

    from PIL import Image

    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (51.0, 3.0, 0.0), 3: "E", 4: (3.0, 43.0, 0.0)}
    out = io.BytesIO()
    Image.new("RGB", (60, 40), (250, 250, 250)).save(out, "JPEG", exif=exif)
    photo = SimpleUploadedFile("signed.jpg", out.getvalue(), content_type="image/jpeg")

    record = services.add_consent(
        make_asset(dirk),
        person=None,
        name="Anna Peeters",
        scopes=["learning"],
        given_on=days(-1),
        valid_until=days(20),
        proof=photo,
        by=dirk,
    )

    with record.proof.open("rb") as stored, Image.open(stored) as image:
        assert image.size == (60, 40)
        assert not image.getexif().get_ifd(0x8825)


def test_a_proof_named_jpg_that_is_no_image_is_refused(dirk: Person) -> None:
    fake = SimpleUploadedFile("signed.jpg", b"not a photo", content_type="image/jpeg")
    with pytest.raises(ValidationError):
        services.add_consent(
            make_asset(dirk),
            person=None,
            name="Anna Peeters",
            scopes=["learning"],
            given_on=days(-1),
            valid_until=days(20),
            proof=fake,
            by=dirk,
        )
    assert not Consent.objects.exists()
