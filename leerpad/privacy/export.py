"""One person's data as one JSON document: what GDPR Art. 15 and 20 give them the right to.

Privacy gathers the sections through `signals.personal_data` (each app answers for what it
keeps), adds the profile, the statements about them in the learning record and the log of
who looked at their data, and returns a dict ready for `json.dumps`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from leerpad.accounts.models import Person
from leerpad.core.logging import get_logger
from leerpad.privacy.models import AccessRecord
from leerpad.privacy.signals import personal_data

log = get_logger(__name__)

Json = dict[str, Any]


def iso(value: dt.datetime | dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _profile(person: Person) -> Json:
    return {
        "name": person.get_full_name(),
        "email": person.email,
        "employee_number": person.employee_number,
        "language": person.language,
        "job_role": str(person.job_role) if person.job_role_id else None,
        "location": str(person.location) if person.location_id else None,
        "team": str(person.team) if person.team_id else None,
        "manager": str(person.manager) if person.manager_id else None,
        "coach": str(person.coach) if person.coach_id else None,
        "joined": iso(person.date_joined),
    }


def _statements(person: Person) -> list[Json]:
    from leerpad.lrs.models import Statement
    from leerpad.lrs.queries import person_ifis

    rows = Statement.objects.filter(actor_ifi__in=person_ifis(person), voided=False).order_by(
        "stored"
    )
    return list(rows.values_list("payload", flat=True).iterator(chunk_size=2000))


def _access(person: Person) -> list[Json]:
    return [
        {"viewer": r.viewer_name, "what": r.what, "reason": r.reason, "at": iso(r.at)}
        for r in AccessRecord.objects.filter(subject=person).order_by("at")
    ]


def export_person(person: Person) -> Json:
    document: Json = {
        "exported_at": iso(timezone.now()),
        "profile": _profile(person),
        "learning_record": _statements(person),
        "access_log": _access(person),
    }
    for receiver, answer in personal_data.send_robust(sender=Person, person=person):
        if isinstance(answer, Exception):
            # A missing section must be visible, not silently left out.
            log.error("privacy.export_section_failed", receiver=str(receiver), error=str(answer))
            document.setdefault("errors", []).append(str(receiver))
            continue
        name, data = answer
        document[name] = data
    return document
