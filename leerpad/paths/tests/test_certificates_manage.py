"""An admin revokes a certificate issued by mistake, and can make it valid again."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from leerpad.accounts.models import Person
from leerpad.catalog.tracking import activity_id
from leerpad.paths.models import Certificate
from leerpad.paths.services import enrol
from leerpad.paths.tests.learner_helpers import Capture, article, complete, make_path, steps_of

pytestmark = pytest.mark.django_db
ClientFor = Callable[[Person], Client]


def _certificate(lena: Person, capture: Capture) -> Certificate:
    path = make_path("kort", [{"item": article("Eén ding")}])
    enrol(lena, path)
    item = steps_of(path)[0].item
    assert item is not None
    complete(capture, lena, activity_id(item))
    return Certificate.objects.get(enrolment__person=lena)


def test_revoke_with_a_reason_then_reinstate(
    client_for: ClientFor,
    ada: Person,
    lena: Person,
    client: Client,
    django_capture_on_commit_callbacks: Capture,
) -> None:
    certificate = _certificate(lena, django_capture_on_commit_callbacks)
    admin = client_for(ada)
    listing = admin.get("/paths/manage/kort/certificates").content.decode()
    assert "Lena Test" in listing and "Valid" in listing

    base = f"/paths/manage/kort/certificates/{certificate.uid}"
    admin.post(f"{base}/revoke", {"reason": "  "})
    certificate.refresh_from_db()
    assert certificate.revoked_at is None  # no reason, no revocation

    admin.post(f"{base}/revoke", {"reason": "Issued for a test account"})
    certificate.refresh_from_db()
    assert certificate.revoked_at is not None
    badge = client.get(certificate.get_absolute_url()).content.decode()
    assert "Issued for a test account" in badge

    admin.post(f"{base}/reinstate")
    certificate.refresh_from_db()
    assert certificate.revoked_at is None and certificate.revoked_reason == ""


@pytest.mark.parametrize("persona", ["lena", "dirk"])
def test_only_admins_manage_certificates(
    persona: str,
    request: pytest.FixtureRequest,
    client_for: ClientFor,
    lena: Person,
    django_capture_on_commit_callbacks: Capture,
) -> None:
    # Who completed a path is individual data: L&D sees completions as group figures.
    certificate = _certificate(lena, django_capture_on_commit_callbacks)
    other = client_for(request.getfixturevalue(persona))
    assert other.get("/paths/manage/kort/certificates").status_code == 403
    response = other.post(
        f"/paths/manage/kort/certificates/{certificate.uid}/revoke", {"reason": "Not mine"}
    )
    assert response.status_code == 403
    certificate.refresh_from_db()
    assert certificate.revoked_at is None
