"""A small organisation for the segment tests: four active people and one who left, with
known attributes, skills, enrolments, completions, registrations and statements.

    ann   Gent       Cashier          nl  reports to max  joined 3 days ago
    bob   Antwerpen  Sales associate  fr                  joined 400 days ago
    cleo  Gent       Sales associate  en  reports to max  joined 10 days ago
    max   Antwerpen  (no job role)    nl                  joined 900 days ago
    gone  Gent       Cashier          nl  inactive account (never in a segment)

Skill "checkout": ann claims 3, bob has evidence 2, cleo claims 1.
Path "safety-at-work": ann active (last activity 20 days ago), bob active (2 days ago),
cleo completed, max left. Item "checkout-basics": ann completed it (an LRS statement).
Session: bob registered, cleo on the waiting list.
Statements: ann yesterday, bob 40 days ago, cleo 2 days ago from an outside tool that knows
her by e-mail address; max none (and a voided statement of his does not count).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from leerpad.accounts.models import JobRole, Location, Person, Team
from leerpad.catalog.models import ContentItem, ItemTranslation, Kind, Registration, Session, Status
from leerpad.catalog.tracking import activity_id
from leerpad.lrs import services as lrs
from leerpad.paths.models import Enrolment, Path, PathVersion
from leerpad.skills.models import Skill, SkillClaim, SkillEvidence

EXPERIENCED = "http://adlnet.gov/expapi/verbs/experienced"
COMPLETED = "http://adlnet.gov/expapi/verbs/completed"


@dataclass
class World:
    ann: Person
    bob: Person
    cleo: Person
    max: Person
    gone: Person
    gent: Location
    antwerpen: Location
    cashier: JobRole
    sales: JobRole
    store_gent: Team
    skill: Skill
    path: Path
    item: ContentItem
    session: Session

    def names(self, people: Any) -> set[str]:
        return {p.first_name for p in people}


def _did(person: Person, when: dt.datetime, iri: str = "https://tool.example/a") -> str:
    return lrs.record_for_person(
        person,
        EXPERIENCED,
        {"en": "experienced"},
        {"objectType": "Activity", "id": iri},
        timestamp=when,
    )


def build(capture: Any) -> World:
    """`capture` is pytest-django's django_capture_on_commit_callbacks (so the LRS's
    statements reach the completion index, as in production)."""
    now = timezone.now()
    gent = Location.objects.get_or_create(name="Gent")[0]
    antwerpen = Location.objects.create(name="Antwerpen")
    cashier = JobRole.objects.create(name="Cashier")
    sales = JobRole.objects.get_or_create(name="Sales associate")[0]
    store_gent = Team.objects.get_or_create(name="Store Gent")[0]
    head = Team.objects.create(name="Head office")

    def person(first: str, **fields: Any) -> Person:
        days = fields.pop("joined_days")
        return Person.objects.create_user(
            email=f"{first}@seg.example",
            first_name=first.capitalize(),
            last_name="Seg",
            date_joined=now - dt.timedelta(days=days),
            **fields,
        )

    boss = person("max", location=antwerpen, team=head, language="nl", joined_days=900)
    ann = person(
        "ann",
        location=gent,
        job_role=cashier,
        team=store_gent,
        language="nl",
        manager=boss,
        joined_days=3,
    )
    bob = person(
        "bob", location=antwerpen, job_role=sales, team=head, language="fr", joined_days=400
    )
    cleo = person(
        "cleo",
        location=gent,
        job_role=sales,
        team=store_gent,
        language="en",
        manager=boss,
        joined_days=10,
    )
    gone = person(
        "gone", location=gent, job_role=cashier, language="nl", is_active=False, joined_days=5
    )

    skill = Skill.objects.create(key="checkout", names={"en": "Checkout", "nl": "Kassa"})
    SkillClaim.objects.create(person=ann, skill=skill, self_level=3)
    SkillClaim.objects.create(person=cleo, skill=skill, self_level=1)
    SkillClaim.objects.create(person=gone, skill=skill, self_level=4)
    SkillEvidence.objects.create(
        person=bob, skill=skill, level=2, source="quiz", label="Quiz", source_key="quiz:1"
    )

    item = ContentItem.objects.create(kind=Kind.ARTICLE, status=Status.PUBLISHED, language="en")
    ItemTranslation.objects.create(item=item, language="en", title="Checkout basics")
    session = Session.objects.create(
        item=item, starts_at=now + dt.timedelta(days=7), ends_at=now + dt.timedelta(days=7, hours=2)
    )
    # The statements first: the enrolments below keep the activity dates they are given
    # (a path without steps would count as completed by any statement's refresh).
    with capture(execute=True):
        _did(ann, now - dt.timedelta(days=1))
        lrs.record_for_person(
            ann,
            COMPLETED,
            {"en": "completed"},
            {"objectType": "Activity", "id": activity_id(item)},
            timestamp=now - dt.timedelta(days=1),
        )
        _did(bob, now - dt.timedelta(days=40))
        lrs.record(
            {
                "actor": {"objectType": "Agent", "mbox": "mailto:cleo@seg.example"},
                "verb": {"id": EXPERIENCED, "display": {"en": "experienced"}},
                "object": {"objectType": "Activity", "id": "https://tool.example/b"},
                "timestamp": (now - dt.timedelta(days=2)).isoformat(),
            }
        )
        mistake = _did(boss, now - dt.timedelta(days=1))
        lrs.record(
            {
                "actor": {"objectType": "Agent", "mbox": "mailto:admin@seg.example"},
                "verb": {
                    "id": "http://adlnet.gov/expapi/verbs/voided",
                    "display": {"en": "voided"},
                },
                "object": {"objectType": "StatementRef", "id": mistake},
            }
        )
        _did(gone, now - dt.timedelta(days=1))
    path = Path.objects.create(key="safety-at-work")
    version = PathVersion.objects.create(
        path=path, number=1, status="published", titles={"en": "Safety at work"}
    )
    path.current = version
    path.save(update_fields=["current"])
    for who, status, days in (
        (ann, Enrolment.Status.ACTIVE, 20),
        (bob, Enrolment.Status.ACTIVE, 2),
        (cleo, Enrolment.Status.COMPLETED, 5),
        (boss, Enrolment.Status.LEFT, 30),
        (gone, Enrolment.Status.ACTIVE, 60),
    ):
        Enrolment.objects.create(
            person=who,
            path=path,
            version=version,
            status=status,
            last_activity_at=now - dt.timedelta(days=days),
        )

    Registration.objects.create(session=session, person=bob, state=Registration.State.REGISTERED)
    Registration.objects.create(session=session, person=cleo, state=Registration.State.WAITING)

    return World(
        ann=ann,
        bob=bob,
        cleo=cleo,
        max=boss,
        gone=gone,
        gent=gent,
        antwerpen=antwerpen,
        cashier=cashier,
        sales=sales,
        store_gent=store_gent,
        skill=skill,
        path=path,
        item=item,
        session=session,
    )
