"""Erasing one person's data on request (GDPR Art. 17), with a record that it was done.

One transaction erases everything in the database:

- the apps' own rows, through `signals.erase_personal_data` (each app deletes what it keeps
  and answers with counts; the same signal with dry_run=True gives the preview);
- the LRS: statements with the person as actor are deleted; statements that name them
  elsewhere (as instructor, team member, or as the object) are kept, with that agent
  replaced by an anonymous one (`records.anonymise`), since they are mostly other people's
  learning; their state and profile documents are deleted;
- privacy's own rows about them (who looked at their data, their coach consents) and their
  API tokens;
- the person: deactivated, roles removed, name, e-mail, employee number and organisation
  replaced or cleared. The row stays (anonymous) so that what others did with them (an
  invitation they sent, a sign-off they gave) keeps pointing at "an erased person".

The analytics store is erased after the commit (`store.py`): a failure there leaves the
record marked pending, and the privacy task retries on every scheduler tick.

The `ErasureRecord` keeps when, who asked (a category), who did it, the counts and a keyed
hash of the person's id; never their name.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from typing import cast

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from leerpad.accounts.models import Person
from leerpad.accounts.services import set_roles
from leerpad.core.logging import get_logger
from leerpad.privacy import records, store
from leerpad.privacy.models import AccessRecord, CoachConsent, ErasureRecord
from leerpad.privacy.signals import erase_personal_data

log = get_logger(__name__)

Counts = dict[str, dict[str, int]]

ERASED_DOMAIN = "erased.invalid"

# Labels for the sections and counts the preview and the record show; an app's own codes
# without a label are shown as they are.
SECTION_LABELS = {
    "learning_record": _("Learning record (LRS)"),
    "privacy": _("Privacy"),
    "account": _("Account"),
    "learning_paths": _("Learning paths"),
    "quiz_attempts": _("Quizzes"),
    "skills": _("Skills"),
    "not_for_me": _("Recommendations"),
    "campaigns": _("Campaigns"),
    "intake": _("Requests to the LD&M team"),
    "initiatives": _("Initiatives"),
    "voice": _("Safe voice"),
    "sparks": _("Sparks from the field"),
    "assets": _("Asset library"),
}
COUNT_LABELS = {
    "statements": _("statements by them (deleted)"),
    "statements_naming_them": _("statements naming them, e.g. as instructor (made anonymous)"),
    "documents": _("state and profile documents"),
    "access_records": _("records of who looked at their data"),
    "coach_consents": _("coach consents"),
    "api_tokens": _("API tokens"),
    "profile": _("profile (name, e-mail, employee number, organisation, roles)"),
    "enrolments": _("enrolments, with their sign-offs and certificates"),
    "invitations": _("invitations received"),
    "completions": _("completed steps (progress index)"),
    "attempts": _("quiz attempts, with their answers"),
    "claims": _("skill levels they gave themselves"),
    "evidence": _("skill evidence"),
    "sharing": _("sharing settings"),
    "conversations": _("conversation requests, asked or received"),
    "opportunity_answers": _("answers to opportunities"),
    "dismissals": _("“not for me” choices"),
    # campaigns
    "messages": _("campaign messages planned or sent to them"),
    "notifications": _("notifications in Leerpad"),
    "preferences": _("message preferences"),
    # intake: the business need stays, the person is unlinked
    "requests_unlinked": _("requests they made (kept without their name)"),
    "sponsorships_unlinked": _("requests they sponsored (kept without their name)"),
    "scores_unlinked": _("scores they gave (kept without their name)"),
    "decisions_and_steps_unlinked": _(
        "decisions and steps they recorded (kept without their name)"
    ),
    "projects_unlinked": _("projects they owned (kept without an owner)"),
    "weights_unlinked": _("scoring weights they set (kept without their name)"),
    # initiatives
    "stakeholder_rows": _(
        "stakeholder entries about them (renamed “(erased)”; what they said in consultations "
        "removed)"
    ),
    "consultations_written": _("consultation notes they wrote (author removed)"),
    "swot_cards_written": _("SWOT cards they wrote (author removed)"),
    "pros_cons_written": _("pros and cons they wrote (author removed)"),
    "votes": _("SWOT votes"),
    "team_memberships": _("places in initiative teams"),
    # voice: questions and answers hold nothing about anyone
    "facilitator_assignments": _("facilitator assignments"),
    "audience_lists": _("places on voice audience lists"),
    "spaces_created": _("voice spaces they created (kept without their name)"),
    # sparks
    "sparks": _("sparks that nothing came of, with their photos and videos (deleted)"),
    "sparks_made_anonymous": _(
        "sparks that became content (kept without sender, credit, photo or video)"
    ),
    "spark_comments": _("team comments on sparks (author removed)"),
    "field_visits": _("field visits joined (removed from the team)"),
    # assets: consent records stay as legal proof
    "consent_records_anonymised": _("consent records naming them (kept, name replaced)"),
    "assets_not_usable": _("assets whose consent can no longer be verified (marked not usable)"),
    "assets_without_owner": _("assets they owned (kept without an owner)"),
    "links_removed": _("uploads, consents and uses they recorded (name removed)"),
}


def erasure_reference(person_pk: int) -> str:
    """A keyed hash of the person's id: the same id always gives the same reference, and
    the reference alone gives nothing back."""
    key = str(settings.SECRET_KEY).encode()
    return hmac.new(key, f"leerpad-erasure:{person_pk}".encode(), hashlib.sha256).hexdigest()[:16]


def is_erased(person: Person) -> bool:
    return ErasureRecord.objects.filter(reference=erasure_reference(person.pk)).exists()


def _lrs(ifis: list[str], dry_run: bool, changed: list[str] | None = None) -> dict[str, int]:
    """Counts per kind; `changed` receives the ids of the statements made anonymous."""
    from leerpad.lrs.models import Document, Statement

    by_them = Statement.objects.filter(records.statements_by(ifis))
    naming = Statement.objects.filter(records.mentioning(ifis))
    documents = Document.objects.filter(records.documents_of(ifis))
    if dry_run:
        return {
            "statements": by_them.count(),
            "statements_naming_them": naming.count(),
            "documents": documents.count(),
        }
    deleted = records.delete(list(by_them.values_list("pk", flat=True)))
    anonymised = records.anonymise(list(naming.values_list("pk", flat=True)), ifis)
    if changed is not None:
        changed += anonymised
    count, _ = documents.delete()
    return {
        "statements": len(deleted),
        "statements_naming_them": len(anonymised),
        "documents": count,
    }


def _privacy(person: Person, dry_run: bool) -> dict[str, int]:
    access = AccessRecord.objects.filter(subject=person)
    consents = CoachConsent.objects.filter(person=person)
    tokens = person.api_tokens.all()
    counts = {
        "access_records": access.count(),
        "coach_consents": consents.count(),
        "api_tokens": tokens.count(),
    }
    if not dry_run:
        access.delete()
        consents.delete()
        tokens.delete()
    return counts


def _apps(person: Person, dry_run: bool) -> Counts:
    # `send`, not `send_robust`: a failing app must stop the erasure (and roll it back),
    # not leave its data behind while the record says it is gone.
    sections: Counts = {}
    for _receiver, answer in erase_personal_data.send(
        sender=Person, person=person, dry_run=dry_run
    ):
        name, counts = cast("tuple[str, dict[str, int]]", answer)
        sections[name] = dict(counts)
    return sections


def preview(person: Person) -> Counts:
    """What `erase` would erase, per section (nothing is changed)."""
    ifis = records.person_ifis(person)
    return {
        "learning_record": _lrs(ifis, dry_run=True),
        **_apps(person, dry_run=True),
        "privacy": _privacy(person, dry_run=True),
        "account": {"profile": 1},
    }


def _anonymise_person(person: Person, reference: str, by: Person) -> None:
    set_roles(person, [], by=by)
    Person.objects.filter(Q(coach=person)).update(coach=None)
    Person.objects.filter(Q(manager=person)).update(manager=None)
    person.first_name = "Erased"
    person.last_name = "person"
    person.email = f"erased-{reference}@{ERASED_DOMAIN}"
    person.employee_number = None
    person.location = None
    person.team = None
    person.job_role = None
    person.manager = None
    person.coach = None
    person.is_active = False
    person.is_staff = False
    person.is_superuser = False
    person.set_unusable_password()
    person.save()


@transaction.atomic
def erase(person: Person, requested_by: str, by: Person) -> ErasureRecord:
    """Erase `person`'s data (see the module docstring); returns the record.

    Raises ValueError for one's own account (an admin cannot lock themselves out this way)
    and for a person erased before.
    """
    if person.pk == by.pk:
        raise ValueError("people cannot erase their own account here")
    # Lock the row: two admins confirming at once erase once.
    person = Person.objects.select_for_update().get(pk=person.pk)
    reference = erasure_reference(person.pk)
    if ErasureRecord.objects.filter(reference=reference).exists():
        raise ValueError("this person was erased before")
    ifis = records.person_ifis(person)
    keys = store.actor_keys(ifis)
    sections = _apps(person, dry_run=False)
    anonymised: list[str] = []
    sections["learning_record"] = _lrs(ifis, dry_run=False, changed=anonymised)
    sections["privacy"] = _privacy(person, dry_run=False)
    _anonymise_person(person, reference, by)
    sections["account"] = {"profile": 1}
    record = ErasureRecord.objects.create(
        requested_by=requested_by,
        done_by=by,
        done_by_name=by.get_full_name() or by.email,
        reference=reference,
        counts=sections,
        store_person_id=person.pk,
        store_actor_keys=keys,
        store_refresh=sections["learning_record"]["statements_naming_them"] > 0,
    )
    log.info("privacy.person_erased", record=record.pk, by=by.pk)
    transaction.on_commit(lambda: finish_store(record.pk, anonymised))
    return record


def finish_store(record_pk: int, changed: list[str] | None = None) -> bool:
    """Erase the person from the analytics store, and refresh the statements made anonymous
    (`changed`, their ids; None, as on a retry, rebuilds the store); False (and kept
    pending) when it failed."""
    record = ErasureRecord.objects.filter(pk=record_pk, store_pending=True).first()
    if record is None:
        return True
    try:
        store.erase_person(int(record.store_person_id or 0), list(record.store_actor_keys))
        if record.store_refresh:
            store.refresh_changed_statements(changed)
    except Exception:
        log.exception("privacy.erasure_store_failed", record=record_pk)
        return False
    # The keys are pseudonymous data about the person: kept only as long as needed.
    ErasureRecord.objects.filter(pk=record_pk).update(
        store_pending=False, store_person_id=None, store_actor_keys=[], store_refresh=False
    )
    return True


def retry_pending() -> int:
    """Finish the analytics side of erasures that failed before; returns how many now did."""
    pks = list(ErasureRecord.objects.filter(store_pending=True).values_list("pk", flat=True))
    return sum(finish_store(pk) for pk in pks)


@dataclass(frozen=True)
class Line:
    label: str
    count: int


@dataclass(frozen=True)
class Section:
    label: str
    lines: list[Line]

    @property
    def total(self) -> int:
        return sum(line.count for line in self.lines)


def readable(counts: Counts) -> list[Section]:
    """Counts per section with their labels, for the preview and the record pages."""
    return [
        Section(
            str(SECTION_LABELS.get(name, name)),
            [Line(str(COUNT_LABELS.get(key, key)), n) for key, n in section.items()],
        )
        for name, section in counts.items()
    ]
