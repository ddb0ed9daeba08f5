"""Writes of the skills app: one transaction each.

Rules that protect people (who may be asked for a conversation, who may answer an
opportunity) are checked here, not only in the views, so the API and the pages obey the
same rules. A refused action raises `SkillsError` with a message for the person.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Mapping, Sequence
from typing import IO, TYPE_CHECKING

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from leerpad.core.links import absolute_url
from leerpad.skills import esco
from leerpad.skills.models import (
    ConversationRequest,
    EscoImport,
    Opportunity,
    OpportunityResponse,
    RoleSkill,
    SharingProfile,
    Skill,
    SkillClaim,
    SkillEvidence,
)

if TYPE_CHECKING:
    from leerpad.accounts.models import JobRole, Location, Person


class SkillsError(ValueError):
    """An action the rules do not allow; the message is meant for the person."""


# --- evidence (written by paths and quizzes) ---------------------------------------------------


@transaction.atomic
def add_evidence(
    *,
    person_id: int,
    skill: Skill,
    level: int,
    source: str,
    label: str,
    source_key: str,
    url: str = "",
    statement_id: uuid.UUID | str | None = None,
    achieved_at: dt.datetime | None = None,
) -> SkillEvidence:
    """Record (once per source) that a person showed a skill; a repeat updates the level."""
    evidence, _created = SkillEvidence.objects.update_or_create(
        person_id=person_id,
        skill=skill,
        source_key=source_key,
        defaults={
            "level": level,
            "source": source,
            "label": label[:300],
            "url": url,
            "statement_id": statement_id,
            "achieved_at": achieved_at or timezone.now(),
        },
    )
    return evidence


@transaction.atomic
def withdraw_evidence(*, person_id: int, source_key: str) -> int:
    """Remove the evidence a source gave (its statement was voided). Returns rows removed."""
    deleted, _ = SkillEvidence.objects.filter(person_id=person_id, source_key=source_key).delete()
    return deleted


# --- the taxonomy ------------------------------------------------------------------------------


@transaction.atomic
def save_skill(
    skill: Skill | None,
    *,
    key: str,
    names: dict[str, str],
    descriptions: dict[str, str],
    alt_names: dict[str, list[str]],
    kind: str,
    broader: Skill | None,
) -> Skill:
    """Create a local skill, or change one. Empty languages are left out.

    An ESCO skill keeps its source and URI: a later import updates its ESCO languages.
    """
    if skill is None:
        skill = Skill(source=Skill.Source.LOCAL)
    skill.key = key
    skill.names = {lang: text.strip() for lang, text in names.items() if text.strip()}
    skill.descriptions = {lang: text.strip() for lang, text in descriptions.items() if text.strip()}
    skill.alt_names = {lang: alts for lang, alts in alt_names.items() if alts}
    skill.kind = kind
    skill.broader = broader
    skill.save()
    return skill


# --- ESCO imports from the web page ------------------------------------------------------------

ESCO_FOLDER = "esco-imports"


@transaction.atomic
def store_esco_upload(
    files: Sequence[UploadedFile],
    *,
    languages: Sequence[str],
    occupations: Mapping[str, str],
    by: Person,
) -> EscoImport:
    """Keep uploaded ESCO files until Apply (the preview and Apply read the same files)."""
    folder = f"{ESCO_FOLDER}/{uuid.uuid4().hex}"
    stored = [default_storage.save(f"{folder}/{f.name}", f) for f in files]
    names = [(f.name or "") for f in files]
    return EscoImport.objects.create(
        filename=", ".join(names)[:255],
        imported_by=by,
        status=EscoImport.Status.PREVIEWED,
        source=EscoImport.Source.WEB,
        languages=list(languages),
        occupations=dict(occupations),
        folder=folder,
        files=stored,
    )


def _storage_opener(name: str) -> Callable[[], IO[bytes]]:
    return lambda: default_storage.open(name, "rb")


def esco_sources(record: EscoImport) -> list[esco.Source]:
    sources: list[esco.Source] = []
    for stored in record.files:
        name = stored.rsplit("/", 1)[-1]
        if name.lower().endswith(".zip"):
            sources += esco.sources_in_zip(_storage_opener(stored), name, explicit=True)
        else:
            sources.append(esco.Source(name, name, _storage_opener(stored)))
    return sources


def preview_esco(record: EscoImport) -> esco.Summary:
    """What Apply would do now (an import rolled back); raises esco.EscoError."""
    return esco.run(
        esco_sources(record),
        languages=record.languages or None,
        occupations=record.occupations,
        dry_run=True,
    )


@transaction.atomic
def apply_esco(record: EscoImport, by: Person) -> esco.Summary:
    """Import the uploaded files for real, keep the summary, and drop the files."""
    record = EscoImport.objects.select_for_update().get(pk=record.pk)
    if record.status == EscoImport.Status.APPLIED:
        raise SkillsError(_("This import was already applied."))
    summary = esco.run(
        esco_sources(record), languages=record.languages or None, occupations=record.occupations
    )
    record.summary = summary.as_dict()
    record.status = EscoImport.Status.APPLIED
    record.applied_at = timezone.now()
    record.imported_by = by
    record.save(update_fields=["summary", "status", "applied_at", "imported_by"])
    files = list(record.files)
    transaction.on_commit(lambda: _delete_files(files))
    return summary


def _delete_files(names: Sequence[str]) -> None:
    for name in names:
        default_storage.delete(name)


@transaction.atomic
def import_esco_files(
    sources: Sequence[esco.Source],
    *,
    languages: Sequence[str] | None,
    occupations: Mapping[str, str],
    by: Person | None,
) -> tuple[EscoImport, esco.Summary]:
    """The command line's import: run it and keep its record."""
    summary = esco.run(sources, languages=languages, occupations=occupations)
    record = EscoImport.objects.create(
        filename=", ".join(s.name for s in sources)[:255],
        imported_by=by,
        status=EscoImport.Status.APPLIED,
        source=EscoImport.Source.COMMAND,
        languages=summary.languages,
        occupations=dict(occupations),
        summary=summary.as_dict(),
        applied_at=timezone.now(),
    )
    return record, summary


# --- job role profiles -------------------------------------------------------------------------


@transaction.atomic
def set_role_skill(job_role: JobRole, skill: Skill, *, level: int, essential: bool) -> RoleSkill:
    """Add a skill to a role's profile, or change its level and whether it is essential."""
    line, _created = RoleSkill.objects.update_or_create(
        job_role=job_role, skill=skill, defaults={"level": level, "essential": essential}
    )
    return line


@transaction.atomic
def remove_role_skill(line: RoleSkill) -> None:
    line.delete()


# --- a person's own profile --------------------------------------------------------------------


@transaction.atomic
def set_claim(
    person: Person,
    skill: Skill,
    *,
    self_level: int | None,
    willing_to_share: bool,
) -> SkillClaim:
    """What the person says about a skill: their own level (or none) and whether they share it."""
    claim, _created = SkillClaim.objects.update_or_create(
        person=person,
        skill=skill,
        defaults={
            "self_level": self_level,
            "willing_to_share": willing_to_share,
            "updated_at": timezone.now(),
        },
    )
    return claim


@transaction.atomic
def remove_claim(person: Person, skill: Skill) -> None:
    """Forget what the person said about a skill (evidence stays: it is a recorded fact)."""
    SkillClaim.objects.filter(person=person, skill=skill).delete()


@transaction.atomic
def set_sharing(person: Person, *, visible: bool, note: str) -> SharingProfile:
    profile, _created = SharingProfile.objects.update_or_create(
        person=person,
        defaults={"visible": visible, "note": note.strip(), "updated_at": timezone.now()},
    )
    return profile


# --- learning from each other ------------------------------------------------------------------


def shares(colleague: Person, skill: Skill) -> bool:
    """Whether the colleague lets others find them for this skill (both opt-ins)."""
    return (
        colleague.is_active
        and SharingProfile.objects.filter(person=colleague, visible=True).exists()
        and SkillClaim.objects.filter(person=colleague, skill=skill, willing_to_share=True).exists()
    )


@transaction.atomic
def request_conversation(
    requester: Person, colleague: Person, skill: Skill, message: str
) -> ConversationRequest:
    """Ask a colleague who shares `skill` for a conversation; they get an e-mail."""
    if requester.pk == colleague.pk:
        raise SkillsError(_("You cannot ask yourself for a conversation."))
    if not shares(colleague, skill):
        # The same answer whether the person exists or not: nothing leaks about them.
        raise SkillsError(_("This colleague cannot be asked about this skill."))
    if not message.strip():
        raise SkillsError(_("Write a short message: what would you like to learn?"))
    # Lock the pair so two quick clicks cannot both pass the check below.
    open_requests = ConversationRequest.objects.select_for_update().filter(
        requester=requester,
        colleague=colleague,
        skill=skill,
        status=ConversationRequest.Status.OPEN,
    )
    if open_requests.exists():
        raise SkillsError(
            _("You already asked %(name)s about this skill; wait for their answer.")
            % {"name": colleague.get_short_name()}
        )
    request = ConversationRequest.objects.create(
        requester=requester, colleague=colleague, skill=skill, message=message.strip()
    )
    transaction.on_commit(lambda: _mail_request(request.pk))
    return request


@transaction.atomic
def answer_conversation(
    request: ConversationRequest, by: Person, *, accept: bool, answer: str
) -> ConversationRequest:
    """The colleague accepts or declines (with a word back); the requester gets an e-mail."""
    request = ConversationRequest.objects.select_for_update().get(pk=request.pk)
    if request.colleague_id != by.pk:
        raise SkillsError(_("Only the colleague who was asked can answer."))
    if request.status != ConversationRequest.Status.OPEN:
        raise SkillsError(_("This request was already answered or withdrawn."))
    request.status = (
        ConversationRequest.Status.ACCEPTED if accept else ConversationRequest.Status.DECLINED
    )
    request.answer = answer.strip()
    request.answered_at = timezone.now()
    request.save(update_fields=["status", "answer", "answered_at"])
    transaction.on_commit(lambda: _mail_answer(request.pk))
    return request


@transaction.atomic
def withdraw_conversation(request: ConversationRequest, by: Person) -> ConversationRequest:
    request = ConversationRequest.objects.select_for_update().get(pk=request.pk)
    if request.requester_id != by.pk:
        raise SkillsError(_("Only the person who asked can withdraw the request."))
    if request.status != ConversationRequest.Status.OPEN:
        raise SkillsError(_("This request was already answered or withdrawn."))
    request.status = ConversationRequest.Status.WITHDRAWN
    request.answered_at = timezone.now()
    request.save(update_fields=["status", "answered_at"])
    return request


def _send(person: Person, template: str, context: dict[str, object]) -> None:
    """One e-mail in the recipient's own language, whoever caused it."""
    with translation.override(person.language or settings.LANGUAGE_CODE):
        subject = render_to_string(f"skills/email/{template}_subject.txt", context)
        body = render_to_string(f"skills/email/{template}.txt", context)
    send_mail(" ".join(subject.split()), body, None, [person.email])


def _mine_url() -> str:
    return absolute_url(reverse("skills:mine"))


def _mail_request(pk: int) -> None:
    request = ConversationRequest.objects.select_related("requester", "colleague", "skill").get(
        pk=pk
    )
    colleague = request.colleague
    with translation.override(colleague.language or settings.LANGUAGE_CODE):
        skill_name = request.skill.name()
    _send(
        colleague,
        "conversation_request",
        {"request": request, "skill_name": skill_name, "url": _mine_url()},
    )


def _mail_answer(pk: int) -> None:
    request = ConversationRequest.objects.select_related("requester", "colleague", "skill").get(
        pk=pk
    )
    requester = request.requester
    with translation.override(requester.language or settings.LANGUAGE_CODE):
        skill_name = request.skill.name()
    _send(
        requester,
        "conversation_answer",
        {
            "request": request,
            "skill_name": skill_name,
            "accepted": request.status == ConversationRequest.Status.ACCEPTED,
            "url": _mine_url(),
        },
    )


# --- job-crafting opportunities ----------------------------------------------------------------


@transaction.atomic
def post_opportunity(
    by: Person,
    *,
    kind: str,
    title: str,
    description: str,
    skills: Sequence[Skill],
    location: Location | None,
    hours: int | None,
    closes_on: dt.date | None,
) -> Opportunity:
    opportunity = Opportunity.objects.create(
        posted_by=by,
        kind=kind,
        title=title.strip(),
        description=description.strip(),
        location=location,
        hours=hours,
        closes_on=closes_on,
    )
    opportunity.skills.set(skills)
    return opportunity


def is_open(opportunity: Opportunity) -> bool:
    return opportunity.status == Opportunity.Status.OPEN and (
        opportunity.closes_on is None or opportunity.closes_on >= timezone.localdate()
    )


@transaction.atomic
def respond_to_opportunity(
    opportunity: Opportunity, person: Person, message: str
) -> OpportunityResponse:
    """A learner answers an opportunity, once."""
    opportunity = Opportunity.objects.select_for_update().get(pk=opportunity.pk)
    if not is_open(opportunity):
        raise SkillsError(_("This opportunity is closed."))
    if opportunity.posted_by_id == person.pk:
        raise SkillsError(_("You posted this opportunity yourself."))
    if not message.strip():
        raise SkillsError(_("Write a short message: why does this interest you?"))
    if OpportunityResponse.objects.filter(opportunity=opportunity, person=person).exists():
        raise SkillsError(_("You already answered this opportunity."))
    return OpportunityResponse.objects.create(
        opportunity=opportunity, person=person, message=message.strip()
    )


@transaction.atomic
def close_opportunity(opportunity: Opportunity, by: Person) -> Opportunity:
    if opportunity.posted_by_id != by.pk:
        raise SkillsError(_("Only the person who posted it can close this opportunity."))
    opportunity.status = Opportunity.Status.CLOSED
    opportunity.save(update_fields=["status"])
    return opportunity
