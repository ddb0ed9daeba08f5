"""Fixtures of the recommendation tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    # The behaviour counts are cached on the last completion id, and ids repeat from one
    # test's rolled-back database to the next.
    cache.clear()
    yield
    cache.clear()
