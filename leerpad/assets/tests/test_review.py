"""Fix from the review of issue 8: only a person's latest consent counts, so a withdrawal
recorded on a replaced (older) record would leave the asset usable although the person
said no. Such a withdrawal is refused, and the page offers it on the counting record only."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from leerpad.accounts.models import Person
from leerpad.assets import queries, services
from leerpad.assets.rules import Reason, State

from .helpers import consent, days, item, make_asset

pytestmark = pytest.mark.django_db
ClientFor = Callable[[Person], Client]


def test_withdrawing_a_replaced_consent_is_refused(dirk: Person, lena: Person) -> None:
    asset = make_asset(dirk)
    old = consent(asset, person=lena, given=days(-400), until=days(-30))
    renewal = consent(asset, person=lena, given=days(-20), until=days(365))
    assert queries.counting_ids(asset) == {renewal.pk}
    with pytest.raises(ValidationError, match="replaced this one"):
        services.withdraw_consent(old, on=days(0))
    old.refresh_from_db()
    assert old.withdrawn_on is None
    services.withdraw_consent(renewal, on=days(0))
    state = queries.usability_of(asset)
    assert (state.state, state.reason) == (State.ENDED, Reason.WITHDRAWN)


def test_the_page_offers_withdrawal_on_the_counting_record_only(
    client_for: ClientFor, dirk: Person, lena: Person
) -> None:
    asset = make_asset(dirk)
    old = consent(asset, person=lena, given=days(-400), until=days(-30))
    renewal = consent(asset, person=lena, given=days(-20), until=days(365))
    client = client_for(dirk)
    html = client.get(asset.get_absolute_url()).content.decode()
    assert "Replaced by a later consent" in html
    assert reverse("assets:consent_withdraw", args=[renewal.pk]) in html
    assert reverse("assets:consent_withdraw", args=[old.pk]) not in html
    response = client.post(
        reverse("assets:consent_withdraw", args=[old.pk]), {"withdrawn_on": days(0).isoformat()}
    )
    assert response.status_code == 200
    assert "withdraw the latest one" in response.content.decode()
    old.refresh_from_db()
    assert old.withdrawn_on is None
    assert queries.usability_of(asset).usable_now


def test_rights_cannot_drop_a_use_that_places_rely_on(client_for: ClientFor, dirk: Person) -> None:
    asset = make_asset(dirk)
    services.add_use(asset, item_id=item().pk, by=dirk)
    edit = {"title": "Store tour", "source": "own", "tags": "", "owner": dirk.pk}
    client = client_for(dirk)
    url = reverse("assets:edit", args=[asset.pk])
    response = client.post(url, {**edit, "allowed_uses": ["marketing"]})
    assert response.status_code == 200
    assert "Places use this asset for internal learning" in response.content.decode()
    asset.refresh_from_db()
    assert asset.allowed_uses == ["learning", "marketing"] and asset.title != "Store tour"
    # Dropping a use nobody relies on is fine.
    response = client.post(url, {**edit, "allowed_uses": ["learning"]})
    assert response.status_code == 302
    asset.refresh_from_db()
    assert asset.allowed_uses == ["learning"]
