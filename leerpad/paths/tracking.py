"""The xAPI side of paths: activity ids of paths and steps, the verbs that count as done,
and the statements Leerpad records about enrolments.

Which activity completes a step:
- a catalogue item: the item's page IRI (what Leerpad's own pages record), and for an
  e-learning package also the activity id the package reports on, so a package hosted
  elsewhere that posts `completed` or `passed` to the LRS completes the step;
- a quiz: the quiz's IRI (`passed` is recorded by the quiz page);
- a classroom session: the session item's IRI, with `attended`;
- an assignment: the step's own IRI, recorded as `completed` when a coach signs it off.
"""

from __future__ import annotations

from typing import Any

from leerpad.core.links import absolute_url
from leerpad.core.logging import get_logger

log = get_logger(__name__)

Json = dict[str, Any]

COMPLETED = "http://adlnet.gov/expapi/verbs/completed"
PASSED = "http://adlnet.gov/expapi/verbs/passed"
MASTERED = "http://adlnet.gov/expapi/verbs/mastered"
ATTENDED = "http://adlnet.gov/expapi/verbs/attended"
FAILED = "http://adlnet.gov/expapi/verbs/failed"
REGISTERED = "http://adlnet.gov/expapi/verbs/registered"
SUSPENDED = "http://adlnet.gov/expapi/verbs/suspended"
RESUMED = "http://adlnet.gov/expapi/verbs/resumed"
EXITED = "http://adlnet.gov/expapi/verbs/exited"

# Verbs that say "this person finished this activity" on their own. Any other verb counts
# only with result.completion = true (xAPI Data 2.4.5.1), and `failed` never does.
COMPLETION_VERBS = frozenset({COMPLETED, PASSED, MASTERED, ATTENDED})

DISPLAY: dict[str, dict[str, str]] = {
    COMPLETED: {"en": "completed", "nl": "voltooide", "fr": "a terminé"},
    PASSED: {"en": "passed", "nl": "slaagde voor", "fr": "a réussi"},
    ATTENDED: {"en": "attended", "nl": "nam deel aan", "fr": "a participé à"},
    REGISTERED: {"en": "enrolled in", "nl": "schreef zich in voor", "fr": "s'est inscrit à"},
    SUSPENDED: {"en": "paused", "nl": "pauzeerde", "fr": "a mis en pause"},
    RESUMED: {"en": "resumed", "nl": "hervatte", "fr": "a repris"},
    EXITED: {"en": "left", "nl": "verliet", "fr": "a quitté"},
}

PATH_TYPE = "https://leerpad.org/xapi/activity-type/learning-path"
ASSIGNMENT_TYPE = "http://adlnet.gov/expapi/activities/performance"
EXT_PATH_VERSION = "https://leerpad.org/xapi/extensions/path-version"
EXT_STEP = "https://leerpad.org/xapi/extensions/path-step"


def path_iri(path_key: str) -> str:
    return absolute_url(f"/paths/{path_key}/")


def assignment_iri(path_key: str, step_uid: object) -> str:
    return absolute_url(f"/paths/{path_key}/steps/{step_uid}/")


def counts_as_completion(statement: Json) -> bool:
    verb = (statement.get("verb") or {}).get("id", "")
    if verb == FAILED:
        return False
    if verb in COMPLETION_VERBS:
        return True
    result = statement.get("result") or {}
    return result.get("completion") is True
