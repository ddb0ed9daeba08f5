"""Fixtures of the initiatives tests: an initiative owned by Dirk (L&D specialist) with
Mira (marketer) in its team; Greet (LD&M manager) manages the portfolio."""

from __future__ import annotations

import pytest

from leerpad.accounts.models import Person
from leerpad.initiatives.models import Initiative


@pytest.fixture
def initiative(dirk: Person) -> Initiative:
    return Initiative.objects.create(
        title="Customer service at the checkout",
        summary="Friendlier, faster checkouts.",
        owner=dirk,
        status=Initiative.Status.CONSULTING,
    )
