"""Who learns, what they enrol in, and the hand-written histories of the demo logins."""

from __future__ import annotations

import datetime as dt
import math
import random

from leerpad.accounts.models import Person
from leerpad.lrs.agents import agent_for_person
from leerpad.paths.demo_history.clock import HIRING_MONTH, Clock
from leerpad.paths.demo_history.model import (
    CAS,
    CURIOUS,
    HEAD_OFFICE,
    HISTORY_DAYS,
    LENA,
    LOCATION_ACTIVITY,
    NAMED,
    OFFICE_STAFF,
    REASONS,
    STORE_STAFF,
    TEXTS,
    WELCOME,
    Learner,
    PathInfo,
    Script,
)
from leerpad.paths.demo_history.simulate import History
from leerpad.paths.models import Invitation

ONBOARDING = {
    "Sales associate": "onboarding-sales-associate",
    "Cashier": "onboarding-cashier",
    "Garden specialist": "onboarding-garden-specialist",
    "Warehouse associate": "onboarding-warehouse",
    **{role: "onboarding-head-office" for role in OFFICE_STAFF},
}


def learners_of(rng: random.Random, clock: Clock, scale: float) -> list[Learner]:
    """Everyone's engagement, hire date and coach; the people whose history is drawn (a
    share `scale` of them, always the demo logins)."""
    people = list(
        Person.objects.select_related("job_role", "location", "coach", "manager").order_by("pk")
    )
    _coach_the_coaches(people)
    learners: list[Learner] = []
    for person in people:
        role = person.job_role.name if person.job_role else ""
        location = person.location.name if person.location else ""
        office = location == HEAD_OFFICE
        named = person.email in NAMED
        chance = 0.22 if role in STORE_STAFF else 0.1 if role in OFFICE_STAFF else 0.0
        new_hire = person.email == LENA or (not named and rng.random() < chance)
        if person.email == LENA:
            day = (clock.now - dt.timedelta(days=150)).astimezone(clock.tz).date()
        elif new_hire:
            day = clock.start.astimezone(clock.tz).date()
            for _ in range(50):
                day = (clock.start + dt.timedelta(days=rng.uniform(5, HISTORY_DAYS - 5))).date()
                if rng.random() * 1.6 < HIRING_MONTH[day.month]:
                    break
        else:
            day = (clock.now - dt.timedelta(days=rng.randint(420, 4200))).date()
        person.date_joined = dt.datetime(day.year, day.month, day.day, 8, 30, tzinfo=clock.tz)
        engagement = math.exp(rng.gauss(0, 0.45)) * LOCATION_ACTIVITY.get(location, 1.0)
        engagement = min(3.5, max(0.2, engagement))
        if not (named or rng.random() < scale):
            continue
        learners.append(
            Learner(
                person=person,
                agent=agent_for_person(person),
                role=role,
                location=location,
                language=person.language if person.language in REASONS else "en",
                office=office,
                engagement=max(engagement, 1.0) if named else engagement,
                joined=person.date_joined,
                new_hire=new_hire,
                signer=person.coach,
                inviter=person.coach or person.manager,
            )
        )
    Person.objects.bulk_update(people, ["date_joined", "coach"], batch_size=500)
    return learners


def _coach_the_coaches(people: list[Person]) -> None:
    """Only a person's coach signs their assignments off, and the organisation gives store
    coaches and managers none. Store coaches coach each other (the next store's coach in
    the same language region), and a store's coach coaches its manager."""
    coaches = [p for p in people if p.job_role and p.job_role.name == "Store coach"]
    by_store = {p.location_id: p for p in coaches}
    for language in ("nl", "fr"):
        ring = [c for c in coaches if c.language == language]
        for index, coach in enumerate(ring):
            if coach.coach_id is None and len(ring) > 1:
                coach.coach = ring[(index + 1) % len(ring)]
    for person in people:
        if person.job_role and person.job_role.name == "Store manager" and person.coach_id is None:
            person.coach = by_store.get(person.location_id)


def enrol_in_paths(history: History, learner: Learner, paths: dict[str, PathInfo]) -> None:
    rng, clock, now = history.rng, history.clock, history.now
    taken: set[str] = set()
    onboarding = paths.get(ONBOARDING.get(learner.role, ""))
    if learner.new_hire and onboarding is not None and rng.random() < 0.95:
        at = clock.advance(learner.joined, learner.office, 0.5)
        if at < now:
            inviter = learner.inviter or learner.signer
            history.enrol(
                learner,
                onboarding,
                at,
                inviter=inviter if rng.random() < 0.9 else None,
                reason=WELCOME[learner.language],
            )
            taken.add(onboarding.path.key)
    settle_in = dt.timedelta(days=30 if learner.new_hire else 0)
    for path in paths.values():
        if path.path.key in taken or path.habit.onboarding:
            continue
        reach = path.reach(learner.role) * min(1.5, learner.engagement**0.5)
        if rng.random() >= reach:
            continue
        earliest = max(clock.start, learner.joined + settle_in)
        latest = now - dt.timedelta(days=1)
        newest = path.versions[-1]
        campaign = (
            path.path.key == "safety-at-work"
            and newest.published_at > earliest
            and rng.random() < 0.45
        )
        if campaign:
            # Coaches invited their teams when the new safety version came out.
            earliest = newest.published_at
            latest = min(latest, newest.published_at + dt.timedelta(days=21))
        if earliest >= latest:
            continue
        at = clock.somewhen(earliest, latest, learner.office)
        invited = learner.inviter is not None and rng.random() < (0.7 if campaign else 0.3)
        history.enrol(learner, path, at, inviter=learner.inviter if invited else None)


def more_invitations(history: History, learners: list[Learner], paths: dict[str, PathInfo]) -> None:
    """Invitations still open (recent) and a few declined ones."""
    rng, clock, now = history.rng, history.clock, history.now
    enrolled = {(o.enrolment.person.pk, o.enrolment.path.key) for o in history.outcomes}
    invited = {(i.person.pk, i.path.key) for i in history.invitations}
    for learner in learners:
        if learner.inviter is None or learner.person.email in (LENA, CAS):
            continue
        for status, chance in ((Invitation.Status.OPEN, 0.07), (Invitation.Status.DECLINED, 0.04)):
            if rng.random() >= chance:
                continue
            options = [
                p
                for p in paths.values()
                if not p.habit.onboarding
                and p.reach(learner.role) > CURIOUS
                and (learner.person.pk, p.path.key) not in enrolled | invited
            ]
            if not options:
                continue
            path = rng.choice(options)
            if status == Invitation.Status.OPEN:
                created = clock.somewhen(now - dt.timedelta(days=25), now, learner.office)
                answered = None
            else:
                created = clock.somewhen(max(clock.start, learner.joined), now, learner.office)
                answered = min(now, created + dt.timedelta(days=rng.uniform(0.5, 6)))
            title = path.versions[-1].version.title(learner.language)
            history.invitations.append(
                Invitation(
                    path=path.path,
                    person=learner.person,
                    invited_by=learner.inviter,
                    reason=rng.choice(REASONS[learner.language]).format(title=title),
                    status=status,
                    created_at=created,
                    answered_at=answered,
                )
            )
            invited.add((learner.person.pk, path.path.key))


def days_ago(history: History, days: float, hour: int = 10) -> dt.datetime:
    when = (history.now - dt.timedelta(days=days)).astimezone(history.clock.tz)
    return when.replace(hour=hour, minute=history.rng.randrange(60), second=0, microsecond=0)


def lena_history(history: History, learner: Learner, paths: dict[str, PathInfo]) -> None:
    """The demo learner: onboarding done with a certificate, two paths under way (a quiz
    to retake in one, a classroom date coming up in the other), an invitation to answer."""
    cas = learner.inviter
    joined = learner.joined
    onboarding = paths["onboarding-sales-associate"]
    steps = [
        joined + dt.timedelta(days=d, hours=1.5) for d in (0, 0.1, 1, 3, 6, 8, 8.1, 12, 15, 21, 33)
    ]
    history.enrol(
        learner,
        onboarding,
        joined + dt.timedelta(hours=1),
        inviter=cas,
        reason=WELCOME["nl"],
        script=Script(schedule=steps, quiz_results=[True], avoid_sessions=True),
    )
    safety = [days_ago(history, d) for d in (57, 50, 43, 36, 29, 22, 15, 9)]
    history.enrol(
        learner,
        paths["safety-at-work"],
        days_ago(history, 58, 9),
        script=Script(schedule=safety, quiz_results=[False], avoid_sessions=True),
    )
    talks = [days_ago(history, d) for d in (33, 32.9, 26, 19, 12, 5)]
    history.enrol(
        learner,
        paths["customer-conversations"],
        days_ago(history, 34, 9),
        inviter=cas,
        reason=TEXTS["lena"]["customer_conversations"],
        script=Script(schedule=talks, quiz_results=[True]),
    )
    if cas is not None:
        history.invitations.append(
            Invitation(
                path=paths["complaint-handling"].path,
                person=learner.person,
                invited_by=cas,
                reason=TEXTS["lena"]["complaint_handling"],
                created_at=days_ago(history, 4, 14),
            )
        )


def cas_history(history: History, learner: Learner, paths: dict[str, PathInfo]) -> None:
    """The demo coach: the coaching path completed, the leadership path under way."""
    start = days_ago(history, 260, 9)
    days = (0, 0.1, 4, 9, 20, 27, 35, 44, 52, 60, 70, 80)
    history.enrol(
        learner,
        paths["coaching-at-the-branch"],
        start,
        script=Script(
            schedule=[start + dt.timedelta(days=d, hours=1) for d in days], quiz_results=[True]
        ),
    )
    history.enrol(
        learner,
        paths["leading-a-store-team"],
        days_ago(history, 40, 9),
        script=Script(schedule=[days_ago(history, d) for d in (39, 30, 16)]),
    )
