"""Recommendations from the database: what is loaded, from where, and with how many queries."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

import pytest
from django.utils import translation

from leerpad.accounts.models import JobRole, Location, Person
from leerpad.catalog import tracking as catalog_tracking
from leerpad.catalog.models import Rating
from leerpad.lrs.services import record_for_person
from leerpad.paths import tracking as paths_tracking
from leerpad.paths.models import Enrolment, Path, PathSkill, PathVersion
from leerpad.recommend import queries, services
from leerpad.recommend.tests import factories as f
from leerpad.skills.models import SkillClaim, SkillEvidence

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english() -> Iterable[None]:
    with translation.override("en"):
        yield


def keys(found: list[queries.Suggestion]) -> list[tuple[str, int]]:
    return [s.candidate.key for s in found]


def texts(found: list[queries.Suggestion]) -> dict[str, list[str]]:
    return {s.candidate.title: [r.text for r in s.reasons] for s in found}


def test_role_gap_from_the_profile_evidence_and_claims(lena: Person) -> None:
    assert lena.job_role is not None
    conflict = f.skill("conflict", "Conflict handling", "Conflicthantering")
    safety = f.skill("safety", "Safety")
    service = f.skill("service", "Service")
    f.needs(lena.job_role, conflict, level=3)
    f.needs(lena.job_role, safety, level=2)
    f.needs(lena.job_role, service, level=2)
    f.item("Difficult customers", skills=[conflict])
    f.item("Lifting safely", skills=[safety])
    f.item("Greeting", skills=[service])
    # Safety: evidence at the level needed. Service: she says she has it.
    SkillEvidence.objects.create(
        person=lena, skill=safety, level=2, source="quiz", label="Quiz", source_key="q1"
    )
    SkillClaim.objects.create(person=lena, skill=service, self_level=3)
    found = texts(queries.for_person(lena).recommended)
    assert found == {"Difficult customers": ["Because your role needs Conflict handling"]}
    with translation.override("nl"):
        dutch = queries.for_person(lena).recommended[0].reasons[0].text
    assert "Conflicthantering" in dutch


def test_behaviour_through_the_lrs(
    lena: Person,
    django_capture_on_commit_callbacks: Callable[..., Any],
    settings: Any,
) -> None:
    """Completions posted to the LRS reach the index, and from there the suggestions."""
    settings.LEERPAD_MIN_GROUP_SIZE = 3
    welcome = f.item("Welcome to the branch")
    till = f.item("Till basics")
    f.item("Unrelated")
    others = f.colleagues(4)

    def completed(person: Person, item: Any, at: dt.datetime) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            record_for_person(
                person,
                paths_tracking.COMPLETED,
                paths_tracking.DISPLAY[paths_tracking.COMPLETED],
                catalog_tracking.activity(item),
                timestamp=at,
            )

    start = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    for i, person in enumerate(others):
        completed(person, welcome, start + dt.timedelta(days=i))
        completed(person, till, start + dt.timedelta(days=i + 1))
    completed(lena, welcome, start + dt.timedelta(days=10))
    found = queries.for_person(lena).recommended
    assert keys(found)[0] == ("item", till.pk)
    assert found[0].reasons[0].text == "Often taken after Welcome to the branch (4 colleagues)"
    assert ("item", welcome.pk) not in keys(found)  # done already


def test_opened_items_count_as_taken_and_seed_likeness(lena: Person) -> None:
    opened = f.item("Greeting customers", tags=["service"])
    like = f.item("Saying goodbye", tags=["service"])
    catalog_tracking.viewed(lena, opened)
    found = queries.for_person(lena).recommended
    assert keys(found) == [("item", like.pk)]
    assert found[0].reasons[0].text == "Like Greeting customers, which you opened"


def test_useful_votes_seed_likeness(lena: Person) -> None:
    useful = f.item("Complaints", tags=["complaints"])
    like = f.item("Angry customers", tags=["complaints"])
    Rating.objects.create(person=lena, item=useful)
    found = texts(queries.for_person(lena).recommended)
    assert found["Angry customers"] == ["Like Complaints, which you found useful"]
    assert like.pk


def test_colleagues_count_only_from_k(lena: Person, gent: Location, settings: Any) -> None:
    settings.LEERPAD_MIN_GROUP_SIZE = 5
    popular = f.item("Popular in Gent")
    small = f.item("Taken by few")
    for person in f.colleagues(5, location=gent, prefix="g"):
        f.complete(person, popular, days_ago=10)
    for person in f.colleagues(4, location=gent, prefix="h"):
        f.complete(person, small, days_ago=10)
    old = f.item("Popular long ago")
    for person in f.colleagues(6, location=gent, prefix="o"):
        f.complete(person, old, days_ago=120)
    found = texts(queries.for_person(lena).recommended)
    assert found["Popular in Gent"] == ["5 colleagues in Gent completed this"]
    # 4 < k: neither shown nor counted, so nothing to say about it.
    assert "Taken by few" not in found
    # Outside the 90 days it counts only with everyone's completions.
    assert found["Popular long ago"] == ["Completed by 6 colleagues"]


def test_new_for_the_role_or_location(lena: Person, gent: Location) -> None:
    assert lena.job_role is not None
    other_role = JobRole.objects.create(name="Warehouse")
    f.item("For sales", roles=[lena.job_role], published_ago=dt.timedelta(days=3))
    f.item("For Gent", locations=[gent], published_ago=dt.timedelta(days=8))
    f.item("For the warehouse", roles=[other_role], published_ago=dt.timedelta(days=3))
    f.item("For sales, but old", roles=[lena.job_role], published_ago=dt.timedelta(days=90))
    found = queries.for_person(lena)
    reasons = texts(found.recommended)
    assert reasons["For sales"][0] == "New for your role"
    assert reasons["For Gent"] == ["New at your location"]
    assert "For the warehouse" not in reasons
    assert reasons["For sales, but old"] == ["Made for your role (Sales associate)"]


def test_sessions_only_with_a_date_to_come(lena: Person) -> None:
    coming = f.item("Workshop coming", kind="session", published_ago=dt.timedelta(days=2))
    f.session_on(coming, days=7)
    past = f.item("Workshop past", kind="session", published_ago=dt.timedelta(days=2))
    f.session_on(past, days=-7)
    titles = [s.candidate.title for s in queries.for_person(lena).recommended]
    assert titles == ["Workshop coming"]


def test_drafts_enrolled_paths_and_dismissed_are_left_out(lena: Person) -> None:
    f.item("Draft", status="draft", published_ago=dt.timedelta(days=1))
    kept = f.item("Kept", published_ago=dt.timedelta(days=1))
    gone = f.item("Gone", published_ago=dt.timedelta(days=1))
    path = Path.objects.create(key="onboarding")
    version = PathVersion.objects.create(
        path=path, number=1, status="published", titles={"en": "Onboarding"}
    )
    version.published_at = version.created_at
    version.save()
    path.current = version
    path.save()
    other = Path.objects.create(key="coaching")
    other_version = PathVersion.objects.create(
        path=other,
        number=1,
        status="published",
        titles={"en": "Coaching"},
        published_at=version.created_at,
    )
    other.current = other_version
    other.save()
    Enrolment.objects.create(person=lena, path=other, version=other_version)
    services.dismiss(lena, item=gone)
    titles = [s.candidate.title for s in queries.for_person(lena).recommended]
    assert sorted(titles) == ["Kept", "Onboarding"]
    assert kept.pk


def test_paths_show_their_skills_and_gap(lena: Person) -> None:
    assert lena.job_role is not None
    coaching = f.skill("coaching", "Coaching")
    f.needs(lena.job_role, coaching, level=3)
    path = Path.objects.create(key="coach")
    version = PathVersion.objects.create(
        path=path, number=1, status="published", titles={"en": "Coach at the branch"}
    )
    PathSkill.objects.create(version=version, skill=coaching, level=3)
    path.current = version
    path.save()
    found = queries.for_person(lena).recommended
    assert keys(found) == [("path", path.pk)]
    assert found[0].candidate.url == "/paths/coach/"
    assert found[0].reasons[0].text == "Because your role needs Coaching"


def test_behaviour_counts_are_cached_until_a_new_completion(lena: Person, settings: Any) -> None:
    settings.LEERPAD_MIN_GROUP_SIZE = 2
    a, b, c = f.item("A"), f.item("B"), f.item("C")
    others = f.colleagues(2)
    for person in others:
        f.complete(person, a, days_ago=10)
        f.complete(person, b, days_ago=9)
    f.complete(lena, a, days_ago=1)
    assert keys(queries.for_person(lena).recommended)[0] == ("item", b.pk)
    # Two more colleagues go from A to C: a new completion id, so the counts are redone.
    for person in f.colleagues(3, prefix="n"):
        f.complete(person, a, days_ago=5)
        f.complete(person, c, days_ago=4)
    assert keys(queries.for_person(lena).recommended)[0] == ("item", c.pk)


def test_a_fixed_number_of_queries(
    lena: Person, gent: Location, django_assert_max_num_queries: Callable[..., Any]
) -> None:
    assert lena.job_role is not None
    skills = [f.skill(f"s{i}", f"Skill {i}") for i in range(5)]
    for s in skills:
        f.needs(lena.job_role, s)
    items = [f.item(f"Item {i}", skills=[skills[i % 5]], tags=[f"t{i % 3}"]) for i in range(30)]
    for i, person in enumerate(f.colleagues(8, location=gent)):
        for item in items[i : i + 6]:
            f.complete(person, item, days_ago=30 - i)
    f.complete(lena, items[0], days_ago=1)
    with django_assert_max_num_queries(30):
        found = queries.for_person(lena)
    assert found.recommended
    many = [f.item(f"More {i}", skills=[skills[i % 5]]) for i in range(30)]
    with django_assert_max_num_queries(30):  # the same with twice the catalogue
        queries.for_person(lena)
    assert many
