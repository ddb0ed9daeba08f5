"""What people do: browsing, enrolling, taking steps, stalling; drawn, not yet stored."""

from __future__ import annotations

import datetime as dt
import math
import random
import uuid
from collections.abc import Sequence

from leerpad.accounts.models import Person
from leerpad.catalog import tracking as catalog_tracking
from leerpad.catalog.models import Kind, Rating, Registration, Session
from leerpad.core import extensions as xapi
from leerpad.lrs.agents import agent_for_person
from leerpad.paths import tracking as path_tracking
from leerpad.paths.demo_history.clock import Clock, duration, iso, poisson
from leerpad.paths.demo_history.model import (
    BROWSE_PER_YEAR,
    DISPLAY,
    HISTORY_DAYS,
    NAMESPACE,
    NOTES,
    REASONS,
    RETURNED,
    SIGNED,
    ItemInfo,
    Json,
    Learner,
    Outcome,
    PathInfo,
    QuizInfo,
    Script,
    StepInfo,
    VersionInfo,
)
from leerpad.paths.demo_history.world import World
from leerpad.paths.models import Enrolment, Invitation, SignOff, Step
from leerpad.paths.progress import State, plan
from leerpad.quizzes import tracking as quiz_tracking
from leerpad.quizzes.models import Attempt, AttemptAnswer, Choice, Question
from leerpad.search import tracking as search_tracking


class History:
    """The drawn history: statements with their timestamps, and the rows that go with them."""

    def __init__(self, rng: random.Random, clock: Clock, world: World) -> None:
        self.rng = rng
        self.clock = clock
        self.world = world
        self.now = clock.now
        self.statements: list[tuple[dt.datetime, int, Json]] = []
        self.completions: list[tuple[dt.datetime, Json]] = []
        self.outcomes: list[Outcome] = []
        self.invitations: list[Invitation] = []
        self.signoffs: list[SignOff] = []
        self.attempts: list[Attempt] = []
        self.answers: list[AttemptAnswer] = []
        self.registrations: dict[tuple[int, int], Registration] = {}
        self.ratings: list[Rating] = []
        self.quiz_passes: dict[tuple[int, int], tuple[str, dt.datetime]] = {}
        # How people came to an item outside a path has its own generator, so drawing it
        # leaves the rest of the history exactly as the main generator draws it.
        self.arrival_rng = random.Random("leerpad-demo-arrivals")  # noqa: S311 - not secret
        self._seq = 0

    # statements ------------------------------------------------------------------------

    def emit(
        self,
        learner: Learner,
        verb: str,
        obj: Json,
        when: dt.datetime,
        *,
        result: Json | None = None,
        context: Json | None = None,
    ) -> str:
        statement: Json = {
            "actor": learner.agent,
            "verb": {"id": verb, "display": DISPLAY[verb]},
            "object": obj,
        }
        if result is not None:
            statement["result"] = result
        statement["context"] = {"language": learner.language, **(context or {})}
        return self.push(learner, statement, when)

    def push(self, learner: Learner, statement: Json, when: dt.datetime) -> str:
        """Give the statement its id and timestamp and queue it for the LRS."""
        self._seq += 1
        statement_id = str(uuid.uuid5(NAMESPACE, f"s:{learner.person.pk}:{self._seq}"))
        statement["id"] = statement_id
        statement["timestamp"] = iso(when)
        self.statements.append((when, self._seq, statement))
        if path_tracking.counts_as_completion(statement):
            self.completions.append((when, statement))
        return statement_id

    def mark_done(self, learner: Learner, iri: str, when: dt.datetime) -> None:
        if iri not in learner.done or when < learner.done[iri]:
            learner.done[iri] = when

    # outside paths -----------------------------------------------------------------------

    def browse(self, learner: Learner, scale: float) -> None:
        rng = self.rng
        earliest = max(self.clock.start, learner.joined)
        share = (self.now - earliest).total_seconds() / (HISTORY_DAYS * 86400)
        count = poisson(rng, BROWSE_PER_YEAR * learner.engagement * share * scale)
        if count == 0:
            return
        weights = self.world.browse_weights(learner)
        picks = rng.choices(self.world.items, weights=weights, k=count)
        for info in picks:
            when = self.clock.somewhen(earliest, self.now - dt.timedelta(minutes=5), learner.office)
            draw = rng.random()
            if draw < 0.05:
                # Searched, looked at the results, opened none of them.
                self.search(learner, self.query_for(learner, info), when)
                continue
            self.look_at(learner, info, when, from_search=draw < 0.17)

    def query_for(self, learner: Learner, info: ItemInfo) -> str:
        tags = [t for t in (info.item.tags or []) if isinstance(t, str)]
        query = self.rng.choice(tags) if tags else info.item.title(learner.language).split(":")[0]
        return query[:200].lower()

    def search(self, learner: Learner, query: str, when: dt.datetime, found: int = 0) -> None:
        """The statement the search page records when someone settles on a query."""
        self.emit(
            learner,
            search_tracking.VERB_SEARCHED,
            search_tracking.search_activity(),
            when,
            result={
                "extensions": {
                    search_tracking.EXT_QUERY: query,
                    search_tracking.EXT_RESULTS: found or self.rng.randint(0, 14),
                }
            },
            context={"extensions": {search_tracking.EXT_FILTERS: {}}},
        )

    def look_at(
        self, learner: Learner, info: ItemInfo, when: dt.datetime, *, from_search: bool = False
    ) -> dt.datetime:
        """Open an item outside a path: the statements its page or player records."""
        rng = self.rng
        kind = info.item.kind
        if from_search:
            query = self.query_for(learner, info)
            rank = rng.choice((1, 1, 1, 2, 2, 3, 4, 5))
            self.search(learner, query, when, found=rank + rng.randint(0, 12))
            when += dt.timedelta(seconds=rng.randint(4, 30))
            self.emit(
                learner,
                catalog_tracking.SELECTED,
                info.activity,
                when,
                context={
                    "extensions": {
                        catalog_tracking.EXT_SEARCH_QUERY: query,
                        catalog_tracking.EXT_SEARCH_RANK: rank,
                    }
                },
            )
            when += dt.timedelta(seconds=rng.randint(2, 20))
        if kind in (Kind.VIDEO, Kind.AUDIO):
            self.emit(
                learner,
                catalog_tracking.PLAYED,
                info.activity,
                when,
                result={"extensions": {catalog_tracking.VIDEO_TIME: 0}},
                context={"extensions": {catalog_tracking.VIDEO_LENGTH: info.minutes * 60}},
            )
        elif kind in (Kind.LINK, Kind.PACKAGE):
            self.emit(learner, catalog_tracking.LAUNCHED, info.activity, when)
            if kind == Kind.PACKAGE and rng.random() < 0.45:
                # The package reports back to the LRS when it is finished.
                done = when + dt.timedelta(minutes=info.minutes * rng.uniform(0.7, 1.4))
                if done < self.now:
                    self.emit(
                        learner,
                        path_tracking.COMPLETED,
                        info.activity,
                        done,
                        result={"completion": True, "duration": duration(info.minutes * 60)},
                    )
                    self.mark_done(learner, info.iri, done)
        else:
            arrival = "search" if from_search else self.arrival()
            context = {"extensions": {xapi.ARRIVAL: arrival}}
            self.emit(learner, catalog_tracking.VIEWED, info.activity, when, context=context)
            if kind == Kind.DOCUMENT and rng.random() < 0.35:
                self.emit(
                    learner,
                    catalog_tracking.DOWNLOADED,
                    info.activity,
                    when + dt.timedelta(seconds=rng.randint(5, 90)),
                )
        if rng.random() < 0.05:
            self.like(learner, info, when + dt.timedelta(minutes=rng.randint(1, 15)))
        return when

    def arrival(self) -> str:
        """How someone came to an item they did not search for: mostly the home page's
        panels, then links (bookmarks, chats, e-mail) and their suggestions. No campaign
        links: the demo has no campaigns yet."""
        channels = ("home", "direct", "recommendation")
        return self.arrival_rng.choices(channels, weights=(50, 30, 20))[0]

    def like(self, learner: Learner, info: ItemInfo, when: dt.datetime) -> None:
        if info.item.pk in learner.liked or when >= self.now:
            return
        learner.liked.add(info.item.pk)
        self.emit(learner, catalog_tracking.LIKED, info.activity, when)
        self.ratings.append(Rating(item=info.item, person=learner.person, created_at=when))

    # paths -----------------------------------------------------------------------------

    def enrol(
        self,
        learner: Learner,
        path: PathInfo,
        at: dt.datetime,
        *,
        inviter: Person | None = None,
        reason: str = "",
        script: Script | None = None,
    ) -> Outcome:
        rng = self.rng
        version = path.version_at(at)
        person = learner.person
        via = Enrolment.Via.INVITATION if inviter is not None else Enrolment.Via.SELF
        enrolment = Enrolment(
            person=person,
            path=path.path,
            version=version.version,
            via=via,
            registration=uuid.uuid5(NAMESPACE, f"r:{person.pk}:{path.path.key}"),
            enrolled_at=at,
            last_activity_at=at,
        )
        if inviter is not None:
            asked = max(at - dt.timedelta(hours=rng.uniform(2, 96)), learner.joined)
            title = version.version.title(learner.language)
            self.invitations.append(
                Invitation(
                    path=path.path,
                    person=person,
                    invited_by=inviter,
                    reason=reason or rng.choice(REASONS[learner.language]).format(title=title),
                    status=Invitation.Status.ACCEPTED,
                    created_at=asked,
                    answered_at=at,
                )
            )
        context = {
            "registration": str(enrolment.registration),
            "extensions": {path_tracking.EXT_PATH_VERSION: version.version.number},
        }
        self.emit(learner, path_tracking.REGISTERED, version.activity, at, context=context)
        outcome = Outcome(enrolment=enrolment, learner=learner, version=version, last=at)
        self.outcomes.append(outcome)
        self._walk(learner, path, version, outcome, script)
        return outcome

    def _walk(
        self,
        learner: Learner,
        path: PathInfo,
        version: VersionInfo,
        outcome: Outcome,
        script: Script | None,
    ) -> None:
        rng, clock = self.rng, self.clock
        enrolment = outcome.enrolment
        stall = version.stall / learner.engagement**0.8
        when = enrolment.enrolled_at
        performed = 0
        while True:
            done = {iri for iri, at in learner.done.items() if at <= when}
            status = plan(version.facts, done, version.version.min_optional)
            if status.complete:
                outcome.completed_at = when
                return
            open_ids = [s.step.id for s in status.steps if s.state == State.OPEN]
            if not open_ids:
                return
            chosen = status.next_step if status.next_step is not None else open_ids[0]
            optional = [i for i in open_ids if version.steps[i].facts.optional]
            if script is None and optional and rng.random() < 0.15:
                chosen = rng.choice(optional)
            step = self._alternative(learner, version, version.steps[chosen], script)
            if script is not None:
                if performed >= len(script.schedule):
                    return
                start = max(script.schedule[performed], when + dt.timedelta(minutes=5))
            else:
                if rng.random() < min(0.85, stall * step.weight):
                    outcome.stalled = True
                    self._settle(learner, version, outcome)
                    return
                sitting = rng.random() < 0.4 and step.step.kind == Step.Kind.ITEM
                start = (
                    when + dt.timedelta(minutes=rng.randint(1, 6))
                    if sitting
                    else clock.advance(when, learner.office, rng.choice((2.0, 4.0, 7.0, 12.0)))
                )
            if start >= self.now:
                return
            finished = self._perform(learner, path, version, step, outcome, start, script)
            if finished is None:
                if script is None and not outcome.waiting:
                    # Did not get through a hard step (a quiz, a missed session, no
                    # coach to sign off): a drop-off like any other.
                    outcome.stalled = True
                    self._settle(learner, version, outcome)
                return
            when = outcome.last = finished
            performed += 1
            if script is None and rng.random() < 0.05:
                if not self._pause(learner, version, outcome):
                    return
                when = outcome.last

    def _alternative(
        self, learner: Learner, version: VersionInfo, step: StepInfo, script: Script | None
    ) -> StepInfo:
        """Of a branch, the alternative this learner takes: one in their language, a
        classroom session less often than something to do at their own pace."""
        branch = step.facts.branch
        if branch is None:
            return step
        members = [s for s in version.steps.values() if s.facts.branch == branch]

        def fits(s: StepInfo) -> bool:
            return s.item is None or learner.language in s.item.languages

        if script is not None and script.avoid_sessions:
            members = [s for s in members if s.step.kind != Step.Kind.SESSION] or members
        fitting = [s for s in members if fits(s)] or members
        sessions = [s for s in fitting if s.step.kind == Step.Kind.SESSION]
        others = [s for s in fitting if s.step.kind != Step.Kind.SESSION]
        if others and (
            not sessions or (script and script.avoid_sessions) or self.rng.random() < 0.6
        ):
            return others[0]
        return sessions[0] if sessions else fitting[0]

    def _context(self, version: VersionInfo, outcome: Outcome, step: StepInfo) -> Json:
        return {
            "registration": str(outcome.enrolment.registration),
            "contextActivities": {"grouping": [{"id": version.activity["id"]}]},
            "extensions": {
                path_tracking.EXT_PATH_VERSION: version.version.number,
                path_tracking.EXT_STEP: str(step.step.uid),
            },
        }

    def _perform(
        self,
        learner: Learner,
        path: PathInfo,
        version: VersionInfo,
        step: StepInfo,
        outcome: Outcome,
        start: dt.datetime,
        script: Script | None,
    ) -> dt.datetime | None:
        """Do one step from `start`; returns when it was completed, or None when the
        learner did not get through it (yet)."""
        context = self._context(version, outcome, step)
        if step.step.kind == Step.Kind.ASSIGNMENT:
            return self._assignment(learner, step, outcome, start, context)
        if step.quiz is not None:
            return self._quiz(learner, step.quiz, outcome, start, script)
        if step.item is None:
            return None
        if step.step.kind == Step.Kind.SESSION:
            return self._session(learner, step.item, outcome, start, context)
        return self._item(learner, step.item, start, context)

    def _item(
        self, learner: Learner, info: ItemInfo, start: dt.datetime, context: Json
    ) -> dt.datetime | None:
        rng = self.rng
        kind = info.item.kind
        if kind in (Kind.VIDEO, Kind.AUDIO):
            self.emit(
                learner,
                catalog_tracking.PLAYED,
                info.activity,
                start,
                result={"extensions": {catalog_tracking.VIDEO_TIME: 0}},
                context={
                    **context,
                    "extensions": {
                        **context["extensions"],
                        catalog_tracking.VIDEO_LENGTH: info.minutes * 60,
                    },
                },
            )
        elif kind in (Kind.LINK, Kind.PACKAGE):
            self.emit(learner, catalog_tracking.LAUNCHED, info.activity, start, context=context)
        else:
            # Opened from the step page's link (via=path), with the path's context.
            arrival = {**context, "extensions": {**context["extensions"], xapi.ARRIVAL: "path"}}
            self.emit(learner, catalog_tracking.VIEWED, info.activity, start, context=arrival)
        seconds = info.minutes * 60 * rng.uniform(0.6, 1.5)
        done = start + dt.timedelta(seconds=seconds)
        if done >= self.now:
            return None
        self.emit(
            learner,
            path_tracking.COMPLETED,
            info.activity,
            done,
            result={"completion": True, "duration": duration(seconds)},
            context=context,
        )
        self.mark_done(learner, info.iri, done)
        if rng.random() < 0.04:
            self.like(learner, info, done + dt.timedelta(seconds=rng.randint(5, 60)))
        return done

    def _quiz(
        self,
        learner: Learner,
        quiz: QuizInfo,
        outcome: Outcome,
        start: dt.datetime,
        script: Script | None,
    ) -> dt.datetime | None:
        rng = self.rng
        chance = min(0.92, max(0.3, 0.6 + 0.15 * (learner.engagement - 1)))
        when = start
        for attempt in range(4):
            if script is not None:
                if attempt >= len(script.quiz_results):
                    return None
                passed = script.quiz_results[attempt]
            else:
                passed = rng.random() < chance + 0.15 * attempt
            finished = self._attempt(learner, quiz, outcome, when, passed)
            if finished is None:
                return None
            if passed:
                self.mark_done(learner, quiz.iri, finished)
                return finished
            outcome.last = finished
            if script is None and rng.random() < 0.15 / learner.engagement**0.5:
                return None  # gives up for now: a drop-off at a hard step
            when = self.clock.advance(finished, learner.office, 3.0)
            if when >= self.now:
                return None
        return None

    def _attempt(
        self,
        learner: Learner,
        quiz: QuizInfo,
        outcome: Outcome,
        start: dt.datetime,
        passed: bool,
    ) -> dt.datetime | None:
        """One attempt, recorded with the statements the quiz page records."""
        rng = self.rng
        person = learner.person
        draw = min(quiz.quiz.draw_from_bank, len(quiz.bank))
        questions = quiz.fixed + (rng.sample(quiz.bank, draw) if draw else [])
        total = len(questions)
        needed = math.ceil(total * quiz.quiz.pass_percent / 100)
        score = (
            rng.randint(needed, total) if passed else rng.randint(max(0, needed - 3), needed - 1)
        )
        right = set(rng.sample(range(total), score))
        answered: list[tuple[Question, Sequence[Choice], Sequence[Choice], bool]] = []
        times: list[dt.datetime] = []
        when = start
        for index, question in enumerate(questions):
            when += dt.timedelta(seconds=rng.randint(15, 75))
            correct = [c for c in question.choices if c.correct]
            picked = correct
            if index not in right:
                wrong = [c for c in question.choices if not c.correct]
                picked = [rng.choice(wrong)]
                if question.question.kind == Question.Kind.MULTIPLE and len(correct) > 1:
                    picked = correct[:-1] if rng.random() < 0.6 else correct + picked
            answered.append((question.question, question.choices, picked, index in right))
            times.append(when)
        if when >= self.now:
            return None
        attempt = Attempt(
            uid=uuid.uuid5(NAMESPACE, f"a:{person.pk}:{quiz.quiz.key}:{start.isoformat()}"),
            quiz=quiz.quiz,
            person=person,
            registration=outcome.enrolment.registration,
            external_registration=True,
            question_ids=[q.question.pk for q in questions],
            answers={str(q.pk): [c.pk for c in chosen] for q, _all, chosen, _ok in answered},
            score=score,
            max_score=total,
            passed=passed,
            started_at=start,
            finished_at=when,
        )
        self.attempts.append(attempt)
        self.answers += [
            AttemptAnswer(
                attempt=attempt,
                question=q,
                person=person,
                position=position,
                choice_ids=[c.pk for c in chosen],
                correct=ok,
            )
            for position, (q, _all, chosen, ok) in enumerate(answered)
        ]
        statements = quiz_tracking.attempt_statements(
            attempt, learner.agent, answered, language=learner.language
        )
        ids = [self.push(learner, s, t) for s, t in zip(statements, [*times, when], strict=True)]
        if passed:
            self.quiz_passes.setdefault((person.pk, quiz.quiz.pk), (ids[-1], when))
        return when

    def _session(
        self, learner: Learner, info: ItemInfo, outcome: Outcome, start: dt.datetime, context: Json
    ) -> dt.datetime | None:
        rng = self.rng
        dates = [
            s
            for s in self.world.sessions.get(info.item.pk, [])
            if s.starts_at > start + dt.timedelta(days=2)
        ]
        # The nearest date, at the learner's own store when one of the next two is there.
        near = [
            s for s in dates[:2] if s.location is not None and s.location.name == learner.location
        ]
        for tries, session in enumerate((near or dates)[:1] + dates[1:3]):
            if tries and session.starts_at < start:
                continue
            self._register(learner, info, session, start, context)
            if session.starts_at >= self.now:
                outcome.waiting = True
                return None  # waiting for an upcoming date
            if rng.random() < 0.07:
                start = session.ends_at + dt.timedelta(days=rng.randint(1, 5))
                if start >= self.now:
                    return None
                continue  # did not come; registers for a later date
            trainer = rng.choice(
                [t for t in self.world.trainers.get(info.item.language, []) if t is not None]
                or [None]
            )
            extensions = {
                **context["extensions"],
                catalog_tracking.EXT_SESSION: {
                    "id": session.pk,
                    "starts_at": session.starts_at.astimezone(dt.UTC).isoformat(),
                    "ends_at": session.ends_at.astimezone(dt.UTC).isoformat(),
                    "location": session.location.name if session.location else None,
                },
            }
            attended: Json = {**context, "extensions": extensions}
            if trainer is not None:
                attended["instructor"] = agent_for_person(trainer)
            self.emit(
                learner, path_tracking.ATTENDED, info.activity, session.ends_at, context=attended
            )
            self.mark_done(learner, info.iri, session.ends_at)
            return session.ends_at
        return None

    def _register(
        self, learner: Learner, info: ItemInfo, session: Session, when: dt.datetime, context: Json
    ) -> None:
        key = (session.pk, learner.person.pk)
        if key in self.registrations or when >= self.now:
            return
        taken = sum(1 for s, _p in self.registrations if s == session.pk)
        state = (
            Registration.State.WAITING
            if session.starts_at > self.now and taken >= session.seats
            else Registration.State.REGISTERED
        )
        self.registrations[key] = Registration(
            session=session, person=learner.person, state=state, created_at=when
        )
        self.emit(
            learner,
            catalog_tracking.REGISTERED,
            info.activity,
            when,
            result={"extensions": {catalog_tracking.EXT_REGISTRATION_STATE: str(state)}},
            context={
                **context,
                "extensions": {
                    **context["extensions"],
                    catalog_tracking.EXT_SESSION: {
                        "id": session.pk,
                        "starts_at": session.starts_at.astimezone(dt.UTC).isoformat(),
                        "ends_at": session.ends_at.astimezone(dt.UTC).isoformat(),
                        "location": session.location.name if session.location else None,
                    },
                },
            },
        )

    def _assignment(
        self, learner: Learner, step: StepInfo, outcome: Outcome, start: dt.datetime, context: Json
    ) -> dt.datetime | None:
        rng, clock = self.rng, self.clock
        signer = learner.signer
        if signer is None:
            return None
        language = learner.language
        requested = start
        for round_ in range(2):
            decided = clock.advance(requested, False, 3.0)
            signoff = SignOff(
                enrolment=outcome.enrolment,
                step_uid=step.step.uid,
                note=rng.choice(NOTES[language]),
                coach=signer,
                requested_at=requested,
            )
            self.signoffs.append(signoff)
            recent = self.now - requested < dt.timedelta(days=14)
            if decided >= self.now or (recent and rng.random() < 0.45):
                outcome.waiting = True
                return None  # waiting for the coach
            signoff.decided_at = decided
            if round_ == 0 and rng.random() < 0.1:
                signoff.status = SignOff.Status.RETURNED
                signoff.coach_comment = RETURNED[language]
                requested = clock.advance(decided, learner.office, 5.0)
                if requested >= self.now:
                    outcome.last = decided
                    return None
                continue
            signoff.status = SignOff.Status.SIGNED
            signoff.coach_comment = rng.choice(SIGNED[language])
            signed = {**context, "instructor": agent_for_person(signer)}
            activity = {
                "objectType": "Activity",
                "id": step.iri,
                "definition": {
                    "type": path_tracking.ASSIGNMENT_TYPE,
                    "name": dict(step.step.titles or {}),
                },
            }
            self.emit(
                learner,
                path_tracking.COMPLETED,
                activity,
                decided,
                result={"completion": True, "success": True, "response": signoff.note},
                context=signed,
            )
            self.mark_done(learner, step.iri, decided)
            return decided
        return None

    def _pause(self, learner: Learner, version: VersionInfo, outcome: Outcome) -> bool:
        """A break in the middle of a path; False when the learner has not come back yet."""
        rng, clock = self.rng, self.clock
        context = {
            "registration": str(outcome.enrolment.registration),
            "extensions": {path_tracking.EXT_PATH_VERSION: version.version.number},
        }
        paused = clock.advance(outcome.last, learner.office, 1.0)
        if paused >= self.now:
            return False
        self.emit(learner, path_tracking.SUSPENDED, version.activity, paused, context=context)
        outcome.last = paused
        back = clock.advance(paused, learner.office, rng.uniform(20, 70))
        if back >= self.now:
            outcome.enrolment.status = Enrolment.Status.PAUSED
            return False
        self.emit(learner, path_tracking.RESUMED, version.activity, back, context=context)
        outcome.last = back
        return True

    def _settle(self, learner: Learner, version: VersionInfo, outcome: Outcome) -> None:
        """Where a stalled learner ends up: still enrolled (most), paused, or gone."""
        rng = self.rng
        quiet = self.now - outcome.last
        if quiet < dt.timedelta(days=21):
            return
        draw = rng.random()
        if draw < 0.4:
            return
        context = {
            "registration": str(outcome.enrolment.registration),
            "extensions": {path_tracking.EXT_PATH_VERSION: version.version.number},
        }
        days = rng.expovariate(1 / 10) if draw < 0.65 else 5 + rng.expovariate(1 / 25)
        when = min(
            self.clock.advance(outcome.last, learner.office, days),
            self.now - dt.timedelta(hours=rng.randint(2, 48)),
        )
        if draw < 0.65:
            outcome.enrolment.status = Enrolment.Status.PAUSED
            self.emit(learner, path_tracking.SUSPENDED, version.activity, when, context=context)
        else:
            outcome.enrolment.status = Enrolment.Status.LEFT
            self.emit(learner, path_tracking.EXITED, version.activity, when, context=context)
        outcome.last = max(outcome.last, when)

    def reminders(self) -> None:
        """Some learners still on their way asked for reminders or set a finish date."""
        for outcome in self.outcomes:
            enrolment = outcome.enrolment
            enrolment.last_activity_at = outcome.last
            if outcome.completed_at is None and enrolment.status == Enrolment.Status.ACTIVE:
                self._plans(enrolment)

    def _plans(self, enrolment: Enrolment) -> None:
        rng = self.rng
        if rng.random() < 0.25:
            enrolment.reminder = rng.choice(
                (Enrolment.Reminder.WEEKLY, Enrolment.Reminder.FORTNIGHTLY)
            )
            enrolment.next_reminder_at = self.now + dt.timedelta(hours=rng.randint(6, 160))
        if rng.random() < 0.15:
            target = enrolment.enrolled_at + dt.timedelta(days=rng.randint(45, 100))
            enrolment.target_date = target.astimezone(self.clock.tz).date()

    def waiting_for(self, coach: Person, wanted: int) -> None:
        """Make sure the demo coach has a few sign-off requests to answer: coachees whose
        next step is an assignment ask for it in the last days."""
        rng = self.rng
        waiting = sum(
            1
            for s in self.signoffs
            if s.status == SignOff.Status.REQUESTED and s.coach_id == coach.pk
        )
        for outcome in self.outcomes:
            if waiting >= wanted:
                return
            learner, version = outcome.learner, outcome.version
            if (
                learner.signer is None
                or learner.signer.pk != coach.pk
                or outcome.completed_at is not None
                or outcome.enrolment.status != Enrolment.Status.ACTIVE
            ):
                continue
            status = plan(version.facts, learner.done, version.version.min_optional)
            ready = [
                version.steps[s.step.id]
                for s in status.steps
                if s.state == State.OPEN
                and version.steps[s.step.id].step.kind == Step.Kind.ASSIGNMENT
            ]
            if not ready:
                continue
            step = ready[0]
            if any(
                s.enrolment is outcome.enrolment and s.status == SignOff.Status.REQUESTED
                for s in self.signoffs
            ):
                continue
            asked = self.now - dt.timedelta(days=rng.uniform(0.5, 6))
            self.signoffs.append(
                SignOff(
                    enrolment=outcome.enrolment,
                    step_uid=step.step.uid,
                    note=rng.choice(NOTES[learner.language]),
                    coach=coach,
                    requested_at=asked,
                )
            )
            outcome.last = max(outcome.last, asked)
            waiting += 1
