"""Erasure keeps consent records as proof without the person, and stops the asset; the
export lists a person's consents."""

from __future__ import annotations

from typing import Any, cast

import pytest

from leerpad.accounts.models import Person
from leerpad.assets import queries
from leerpad.assets.models import Asset, Consent
from leerpad.assets.rules import Reason, State
from leerpad.privacy import erasure
from leerpad.privacy.signals import personal_data

from .helpers import consent, make_asset, today

pytestmark = pytest.mark.django_db


def test_erasure_anonymises_consent_and_marks_the_asset(
    lena: Person, dirk: Person, ada: Person
) -> None:
    pictured = make_asset(dirk, title="Lena at the till")
    record = consent(pictured, person=lena)
    owned = make_asset(lena, title="Lena's own photo")
    other = make_asset(dirk, title="Someone else")
    consent(other, name="Customer")
    assert queries.usability_of(pictured).state == State.OK

    preview = erasure.preview(lena)["assets"]
    assert preview == {
        "consent_records_anonymised": 1,
        "assets_not_usable": 1,
        "assets_without_owner": 1,
        "links_removed": 2,  # she created and uploaded her own asset
    }
    assert Consent.objects.get(pk=record.pk).person_id == lena.pk  # a preview changes nothing

    erasure.erase(lena, requested_by="HR ticket 42", by=ada)
    record.refresh_from_db()
    assert (record.person_id, record.name, record.erased) == (None, "(erased)", True)
    assert record.who == "(erased)"
    pictured.refresh_from_db()
    assert pictured.consent_unverifiable_on == today()
    state = queries.usability_of(pictured)
    assert (state.state, state.reason) == (State.ENDED, Reason.UNVERIFIABLE)
    assert Asset.objects.get(pk=owned.pk).owner_id is None
    assert queries.usability_of(other).state == State.OK


def test_export_lists_consents(lena: Person, dirk: Person) -> None:
    asset = make_asset(dirk, title="Lena at the till")
    consent(asset, person=lena)
    sections: dict[str, Any] = dict(
        cast("tuple[str, Any]", answer)
        for _r, answer in personal_data.send(sender=Person, person=lena)
    )
    assert [c["asset"] for c in sections["assets"]["consents"]] == ["Lena at the till"]
