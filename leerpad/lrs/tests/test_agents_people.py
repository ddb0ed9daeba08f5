"""Agents back to people, one at a time and a whole batch at once (same answers)."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings

from leerpad.accounts.models import Person
from leerpad.lrs.agents import agent_for_person, person_for_agent, person_ids_for_agents

pytestmark = pytest.mark.django_db


def test_a_batch_resolves_like_one_at_a_time_in_two_queries(
    lena: Person, cas: Person, django_assert_max_num_queries: Any
) -> None:
    agents: list[dict[str, Any]] = [
        agent_for_person(lena),
        {"mbox": f"mailto:{cas.email.upper()}"},  # the address in another case
        {"mbox": "mailto:nobody@example.test"},
        {"account": {"homePage": "https://elsewhere.example", "name": str(lena.pk)}},
        {"account": {"homePage": settings.SITE_URL, "name": "999999"}},
        {"mbox_sha1sum": "0" * 40},
    ]
    with django_assert_max_num_queries(2):
        found = person_ids_for_agents(agents)
    assert found == [lena.pk, cas.pk, None, None, None, None]
    one_by_one = [getattr(person_for_agent(a), "pk", None) for a in agents]
    assert found == one_by_one


def test_nothing_to_resolve_asks_nothing(django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(0):
        assert person_ids_for_agents([{"mbox_sha1sum": "0" * 40}]) == [None]
