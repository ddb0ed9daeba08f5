"""Twelve months of plausible learner history for the demo, written through the LRS.

Every learning activity is an xAPI statement stored with `lrs.services.record_statements`,
exactly as Leerpad's pages and outside tools store them, so every later dashboard,
recommender and report reads the same record it will read in production. The rows that
go with the statements (enrolments, invitations, quiz attempts, sign-offs, session
registrations, "useful" votes) are written to match them.

How the history is drawn (all from the demo's seeded generator, ending at load time so
the demo never looks stale):
- Each person has an engagement level: a personal factor times their store's culture
  (Gent is by far the most active store, Namur the least).
- New hires (about a fifth of store staff joined in the last twelve months, more in
  spring) are invited by their coach to their role's onboarding path within days.
- Others enrol in the paths meant for their role, some themselves and some invited by
  their coach or manager with a reason; the safety path had a campaign when its second
  version came out.
- A learner follows the path's own rules (`progress.plan`: what is next, branches,
  prerequisites), with days to weeks between steps, fewer in August and December and at
  weekends. At every step they may stall, more often at the hard ones (classroom
  sessions, coach sign-offs, quizzes); stalled learners stay silent, pause or leave.
- Quizzes are answered question by question; some fail and try again.
- Classroom steps wait for the next session date; coaches sign assignments off (and
  sometimes send them back first).
- Outside paths people view, play, open and like catalogue items, some found by search.

The history also fills in what the organisation file leaves out: hire dates
(`Person.date_joined`) and a coach for store coaches (a colleague coach) and store
managers (their store's coach), since only a person's coach signs their assignments off.

Modules: `model` (the vocabulary and how each path is taken), `clock` (seasons, weekdays,
hours), `world` (what the history refers to), `people` (who enrols in what; the demo
logins' own stories), `simulate` (drawing it), `store` (writing it through the LRS and
deriving progress with the paths app's own services).
"""

from __future__ import annotations

from django.utils import timezone

from leerpad.core.demo import DemoContext
from leerpad.paths.demo_history.clock import Clock
from leerpad.paths.demo_history.model import CAS, LENA
from leerpad.paths.demo_history.people import (
    cas_history,
    enrol_in_paths,
    learners_of,
    lena_history,
    more_invitations,
)
from leerpad.paths.demo_history.simulate import History
from leerpad.paths.demo_history.store import progress_by_hand, write
from leerpad.paths.demo_history.world import World

__all__ = ["load_history", "progress_by_hand"]


def load_history(ctx: DemoContext, *, scale: float = 1.0) -> None:
    """Draw and store the demo's learner history (see the module docstring).

    `scale` is the share of people whose history is drawn (the demo logins always are):
    1.0 for the demo, less in tests.
    """
    rng = ctx.rng
    clock = Clock(rng, timezone.now())
    world = World(rng, clock)
    if not world.paths:
        return
    paths = {p.path.key: p for p in world.paths}
    learners = learners_of(rng, clock, scale)
    history = History(rng, clock, world)
    for learner in learners:
        history.browse(learner, scale=1.0)
    for learner in learners:
        if learner.person.email == LENA:
            lena_history(history, learner, paths)
        elif learner.person.email == CAS:
            cas_history(history, learner, paths)
        else:
            enrol_in_paths(history, learner, paths)
    more_invitations(history, learners, paths)
    cas = next((learner.person for learner in learners if learner.person.email == CAS), None)
    if cas is not None:
        history.waiting_for(cas, wanted=3)
    history.reminders()
    with progress_by_hand():
        counts = write(history)
    months = len(
        {when.astimezone(clock.tz).strftime("%Y-%m") for when, _s, _st in history.statements}
    )
    share = round(100 * counts["completed"] / counts["enrolments"]) if counts["enrolments"] else 0
    ctx.notes.append(
        f"Demo history: {counts['statements']} statements over {months} months by "
        f"{len(learners)} people; {counts['enrolments']} enrolments ({share}% completed), "
        f"{len(history.attempts)} quiz attempts, {len(history.signoffs)} sign-off requests, "
        f"{len(history.registrations)} session registrations, {len(history.ratings)} likes, "
        f"{len(history.invitations)} invitations."
    )
