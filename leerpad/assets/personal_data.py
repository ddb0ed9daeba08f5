"""A person's data in the asset library, for their GDPR export and erasure
(`privacy.signals.personal_data`, `erase_personal_data`).

Erasure keeps consent records as legal proof of what was agreed, but the link to the person
is replaced by "(erased)". Nobody can verify that consent any more, so every asset with such
a record is marked not usable from the day of the erasure (and the places using it are
warned by the daily check). Assets they owned get no owner; their name is removed from the
versions they uploaded, the consents they recorded and the uses they added.
"""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver
from django.utils import timezone

from leerpad.accounts.models import Person
from leerpad.assets.models import Asset, AssetUse, AssetVersion, Consent
from leerpad.privacy.export import iso
from leerpad.privacy.signals import erase_personal_data

ERASED_NAME = "(erased)"


def personal_data(sender: Any, person: Person, **_: Any) -> tuple[str, dict[str, Any]]:
    consents = Consent.objects.filter(person=person).select_related("asset")
    return "assets", {
        "consents": [
            {
                "asset": c.asset.title,
                "agreed_to": list(c.scopes),
                "given_on": iso(c.given_on),
                "valid_until": iso(c.valid_until),
                "withdrawn_on": iso(c.withdrawn_on),
                "note": c.note,
            }
            for c in consents.order_by("given_on", "pk")
        ],
        "owned_assets": list(
            Asset.objects.filter(owner=person).order_by("pk").values_list("title", flat=True)
        ),
    }


# Connected on import (apps.ready imports this module for the export).
@receiver(erase_personal_data, dispatch_uid="assets.erase_personal_data")
def erase(sender: Any, person: Person, dry_run: bool, **_: Any) -> tuple[str, dict[str, int]]:
    consents = Consent.objects.filter(person=person)
    asset_ids = set(consents.values_list("asset_id", flat=True))
    owned = Asset.objects.filter(owner=person)
    links = {
        "versions": AssetVersion.objects.filter(uploaded_by=person),
        "recorded": Consent.objects.filter(recorded_by=person),
        "uses": AssetUse.objects.filter(added_by=person),
        "created": Asset.objects.filter(created_by=person),
    }
    counts = {
        "consent_records_anonymised": consents.count(),
        "assets_not_usable": len(asset_ids),
        "assets_without_owner": owned.count(),
        "links_removed": sum(qs.count() for qs in links.values()),
    }
    if dry_run:
        return "assets", counts
    today = timezone.localdate()
    consents.update(person=None, name=ERASED_NAME, erased=True)
    Asset.objects.filter(pk__in=asset_ids, consent_unverifiable_on__isnull=True).update(
        consent_unverifiable_on=today
    )
    owned.update(owner=None)
    links["versions"].update(uploaded_by=None)
    links["recorded"].update(recorded_by=None)
    links["uses"].update(added_by=None)
    links["created"].update(created_by=None)
    return "assets", counts
