"""Segment rules: who a segment is, as validated JSON, and how it becomes a queryset.

A segment's rules are one JSON object::

    {"match": "all" | "any",
     "rules": [{"type": "location", "not": false, "locations": [3]}, ...]}

Each rule type is a pydantic model (unknown types and unknown fields are rejected) that
turns itself into a condition on `Person` (`Q` or an `Exists` subquery). `members()`
combines them into one queryset of active people, evaluated when it is used: a segment
never stores a list, so it stays current as people move, learn and stall.

Two kinds of rules (they decide what the builder may show, see docs/campaigns.md):

- attribute rules: facts from the people directory (job role, location, team, language,
  manager, start date) that colleagues can already see;
- learning rules: skills and behaviour from the learning record (enrolments,
  completions, registrations, statements). A segment with any of these shows a count of
  at least k or "fewer than k", never names.

Behaviour is read from the row store (the LRS statements and the indexes the paths and
catalogue keep in step with it), not from the analytics store: the analytics store is fed
in debounced batches, so someone who opened Leerpad a minute ago would still look
"inactive" there, and a nudge would reach them for nothing. The row store also lets each
rule be a subquery of the same database query, so a segment stays one queryset.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from functools import reduce
from typing import Annotated, Any, ClassVar, Literal, TypeAlias

from django.conf import settings
from django.db.models import CharField, Exists, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from leerpad.accounts.models import JobRole, Language, Location, Person, Team

VOIDED = "http://adlnet.gov/expapi/verbs/voided"
MAX_RULES = 20
MAX_DAYS = 3650

Kind = Literal["attribute", "learning"]
Ids = Annotated[list[Annotated[int, Field(ge=1)]], Field(min_length=1, max_length=200)]
Days = Annotated[int, Field(ge=1, le=MAX_DAYS)]


class RulesError(ValueError):
    """The rules are not valid; `messages` says why, one line per problem."""

    def __init__(self, messages: Sequence[str]) -> None:
        super().__init__("; ".join(messages))
        self.messages = list(messages)


class Rule(BaseModel):
    """What every rule has: its type and whether it is negated ("not")."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    negate: bool = Field(default=False, alias="not")

    kind: ClassVar[Kind] = "attribute"
    label: ClassVar[str | Promise] = ""

    def condition(self, now: dt.datetime) -> Q:
        raise NotImplementedError

    def references(self) -> list[str]:
        """Messages for referenced objects that do not exist (checked when saving)."""
        return []

    def describe(self) -> str:
        raise NotImplementedError


def _missing(model: Any, ids: Iterable[Any], field: str, what: str | Promise) -> list[str]:
    wanted = set(ids)
    found = set(model.objects.filter(**{f"{field}__in": wanted}).values_list(field, flat=True))
    return [
        gettext("Unknown %(what)s: %(value)s.") % {"what": what, "value": value}
        for value in sorted(wanted - found, key=str)
    ]


def _names(model: Any, ids: Iterable[int]) -> str:
    return ", ".join(str(o) for o in model.objects.filter(pk__in=list(ids))) or "?"


# --- attribute rules ----------------------------------------------------------------------


class JobRoleRule(Rule):
    type: Literal["job_role"] = "job_role"
    job_roles: Ids
    label: ClassVar[str | Promise] = _("Job role")

    def condition(self, now: dt.datetime) -> Q:
        return Q(job_role_id__in=self.job_roles)

    def references(self) -> list[str]:
        return _missing(JobRole, self.job_roles, "pk", _("job role"))

    def describe(self) -> str:
        return gettext("job role is one of: %(names)s") % {"names": _names(JobRole, self.job_roles)}


class LocationRule(Rule):
    type: Literal["location"] = "location"
    locations: Ids
    label: ClassVar[str | Promise] = _("Location")

    def condition(self, now: dt.datetime) -> Q:
        return Q(location_id__in=self.locations)

    def references(self) -> list[str]:
        return _missing(Location, self.locations, "pk", _("location"))

    def describe(self) -> str:
        return gettext("works in: %(names)s") % {"names": _names(Location, self.locations)}


class TeamRule(Rule):
    type: Literal["team"] = "team"
    teams: Ids
    label: ClassVar[str | Promise] = _("Team")

    def condition(self, now: dt.datetime) -> Q:
        return Q(team_id__in=self.teams)

    def references(self) -> list[str]:
        return _missing(Team, self.teams, "pk", _("team"))

    def describe(self) -> str:
        return gettext("team is one of: %(names)s") % {"names": _names(Team, self.teams)}


class LanguageRule(Rule):
    type: Literal["language"] = "language"
    languages: Annotated[list[Literal["nl", "fr", "en"]], Field(min_length=1)]
    label: ClassVar[str | Promise] = _("Language")

    def condition(self, now: dt.datetime) -> Q:
        return Q(language__in=self.languages)

    def describe(self) -> str:
        names = dict(Language.choices)
        return gettext("language is one of: %(names)s") % {
            "names": ", ".join(str(names[code]) for code in self.languages)
        }


class ManagerRule(Rule):
    """Direct reports of a manager (Person.manager)."""

    type: Literal["manager"] = "manager"
    manager: Annotated[int, Field(ge=1)]
    label: ClassVar[str | Promise] = _("Manager")

    def condition(self, now: dt.datetime) -> Q:
        return Q(manager_id=self.manager)

    def references(self) -> list[str]:
        return _missing(Person, [self.manager], "pk", _("manager"))

    def describe(self) -> str:
        return gettext("reports to %(name)s") % {"name": _names(Person, [self.manager])}


class JoinedRule(Rule):
    """New hires: people whose account started in the last N days."""

    type: Literal["joined_within"] = "joined_within"
    days: Days
    label: ClassVar[str | Promise] = _("Joined recently")

    def condition(self, now: dt.datetime) -> Q:
        return Q(date_joined__gte=now - dt.timedelta(days=self.days))

    def describe(self) -> str:
        return gettext("joined in the last %(days)d days") % {"days": self.days}


# --- learning rules: skills and behaviour -------------------------------------------------


class SkillRule(Rule):
    """A skill at level n or higher: claimed by the person, shown by evidence, or either.

    Learning, not attribute: a self-assessment is shared only when the person says so,
    and evidence comes from the learning record.
    """

    type: Literal["skill"] = "skill"
    skill: Annotated[str, Field(min_length=1, max_length=120)]  # Skill.key
    min_level: Annotated[int, Field(ge=1, le=4)] = 1
    source: Literal["claim", "evidence", "either"] = "either"
    kind: ClassVar[Kind] = "learning"
    label: ClassVar[str | Promise] = _("Skill")

    def condition(self, now: dt.datetime) -> Q:
        from leerpad.skills.models import SkillClaim, SkillEvidence

        claim = Exists(
            SkillClaim.objects.filter(
                person=OuterRef("pk"), skill__key=self.skill, self_level__gte=self.min_level
            )
        )
        evidence = Exists(
            SkillEvidence.objects.filter(
                person=OuterRef("pk"), skill__key=self.skill, level__gte=self.min_level
            )
        )
        if self.source == "claim":
            return Q(claim)
        if self.source == "evidence":
            return Q(evidence)
        return Q(claim) | Q(evidence)

    def references(self) -> list[str]:
        from leerpad.skills.models import Skill

        return _missing(Skill, [self.skill], "key", _("skill"))

    def describe(self) -> str:
        from leerpad.skills.models import Skill

        skill = Skill.objects.filter(key=self.skill).first()
        sources = {
            "claim": gettext("by their own assessment"),
            "evidence": gettext("shown by evidence"),
            "either": gettext("claimed or shown"),
        }
        return gettext("has %(skill)s at level %(level)d or higher (%(source)s)") % {
            "skill": skill.name() if skill else self.skill,
            "level": self.min_level,
            "source": sources[self.source],
        }


def _statements_by_person(since: dt.datetime | None) -> tuple[Exists, Exists]:
    """Whether the outer person has a (non-voided, non-voiding) statement, since `since`.

    A person's statements carry Leerpad's account ("account:<SITE_URL>|<pk>") or, from
    outside tools, their e-mail address (see leerpad.lrs.agents): two Exists, each one
    walking the (actor_ifi, stored) index. `stored >= since` narrows that walk to recent
    rows; `timestamp >= since` is the rule itself (when it happened, so a late upload of
    old activity does not count as recent).
    """
    from leerpad.lrs.models import Statement

    base = Statement.objects.filter(voided=False).exclude(verb_iri=VOIDED)
    if since is not None:
        base = base.filter(stored__gte=since, timestamp__gte=since)
    account = Concat(
        Value(f"account:{settings.SITE_URL}|"),
        Cast(OuterRef("pk"), CharField()),
        output_field=CharField(),
    )
    mbox = Concat(Value("mbox:mailto:"), OuterRef("email"), output_field=CharField())
    return Exists(base.filter(actor_ifi=account)), Exists(base.filter(actor_ifi=mbox))


class NeverVisitedRule(Rule):
    type: Literal["never_visited"] = "never_visited"
    kind: ClassVar[Kind] = "learning"
    label: ClassVar[str | Promise] = _("Never used Leerpad")

    def condition(self, now: dt.datetime) -> Q:
        account, mbox = _statements_by_person(None)
        return ~Q(account) & ~Q(mbox)

    def describe(self) -> str:
        return gettext("has no activity in the learning record at all")


class InactiveRule(Rule):
    """No activity in the last N days (includes people who never had any)."""

    type: Literal["inactive"] = "inactive"
    days: Days
    kind: ClassVar[Kind] = "learning"
    label: ClassVar[str | Promise] = _("Not active lately")

    def condition(self, now: dt.datetime) -> Q:
        account, mbox = _statements_by_person(now - dt.timedelta(days=self.days))
        return ~Q(account) & ~Q(mbox)

    def describe(self) -> str:
        return gettext("no activity in the last %(days)d days") % {"days": self.days}


def _path_name(key: str) -> str:
    from leerpad.paths.models import Path

    path = Path.objects.filter(key=key).select_related("current").first()
    return path.current.title() if path is not None and path.current is not None else key


def _path_missing(key: str) -> list[str]:
    from leerpad.paths.models import Path

    return _missing(Path, [key], "key", _("path"))


PathKey = Annotated[str, Field(min_length=1, max_length=120)]


class EnrolledRule(Rule):
    """Enrolled in a path (and not left it); completed enrolments count as enrolled."""

    type: Literal["enrolled"] = "enrolled"
    path: PathKey
    kind: ClassVar[Kind] = "learning"
    label: ClassVar[str | Promise] = _("Enrolled in a path")

    def condition(self, now: dt.datetime) -> Q:
        from leerpad.paths.models import Enrolment

        return Q(
            Exists(
                Enrolment.objects.filter(person=OuterRef("pk"), path__key=self.path).exclude(
                    status=Enrolment.Status.LEFT
                )
            )
        )

    def references(self) -> list[str]:
        return _path_missing(self.path)

    def describe(self) -> str:
        return gettext("enrolled in “%(path)s”") % {"path": _path_name(self.path)}


class StalledRule(Rule):
    """An active enrolment in the path whose last activity is N or more days ago.

    Paused enrolments are left out: the learner chose to pause, a nudge would not respect
    that; left and completed ones are not stalled.
    """

    type: Literal["stalled"] = "stalled"
    path: PathKey
    days: Days
    kind: ClassVar[Kind] = "learning"
    label: ClassVar[str | Promise] = _("Stalled in a path")

    def condition(self, now: dt.datetime) -> Q:
        from leerpad.paths.models import Enrolment

        return Q(
            Exists(
                Enrolment.objects.filter(
                    person=OuterRef("pk"),
                    path__key=self.path,
                    status=Enrolment.Status.ACTIVE,
                    last_activity_at__lte=now - dt.timedelta(days=self.days),
                )
            )
        )

    def references(self) -> list[str]:
        return _path_missing(self.path)

    def describe(self) -> str:
        return gettext("enrolled in “%(path)s” but inactive for %(days)d days") % {
            "path": _path_name(self.path),
            "days": self.days,
        }


class CompletedPathRule(Rule):
    type: Literal["completed_path"] = "completed_path"
    path: PathKey
    kind: ClassVar[Kind] = "learning"
    label: ClassVar[str | Promise] = _("Completed a path")

    def condition(self, now: dt.datetime) -> Q:
        from leerpad.paths.models import Enrolment

        return Q(
            Exists(
                Enrolment.objects.filter(
                    person=OuterRef("pk"),
                    path__key=self.path,
                    status=Enrolment.Status.COMPLETED,
                )
            )
        )

    def references(self) -> list[str]:
        return _path_missing(self.path)

    def describe(self) -> str:
        return gettext("completed “%(path)s”") % {"path": _path_name(self.path)}


class CompletedItemRule(Rule):
    """A completion statement for the catalogue item (the paths' `Completion` index, which
    the LRS keeps in step on every committed batch, voiding included)."""

    type: Literal["completed_item"] = "completed_item"
    item: Annotated[int, Field(ge=1)]
    kind: ClassVar[Kind] = "learning"
    label: ClassVar[str | Promise] = _("Completed an item")

    def condition(self, now: dt.datetime) -> Q:
        from leerpad.catalog.models import ContentItem
        from leerpad.catalog.tracking import activity_id
        from leerpad.paths.models import Completion

        item = ContentItem.objects.filter(pk=self.item).first()
        if item is None:  # deleted since the rule was saved: nobody completed it
            return Q(pk__in=[])
        return Q(
            Exists(Completion.objects.filter(person=OuterRef("pk"), activity_iri=activity_id(item)))
        )

    def references(self) -> list[str]:
        from leerpad.catalog.models import ContentItem

        return _missing(ContentItem, [self.item], "pk", _("catalogue item"))

    def describe(self) -> str:
        from leerpad.catalog.models import ContentItem

        item = ContentItem.objects.filter(pk=self.item).first()
        return gettext("completed “%(item)s”") % {"item": item.title() if item else f"#{self.item}"}


class RegisteredRule(Rule):
    """Registered (not on the waiting list, not cancelled) for a session date."""

    type: Literal["registered"] = "registered"
    session: Annotated[int, Field(ge=1)]
    kind: ClassVar[Kind] = "learning"
    label: ClassVar[str | Promise] = _("Registered for a session")

    def condition(self, now: dt.datetime) -> Q:
        from leerpad.catalog.models import Registration

        return Q(
            Exists(
                Registration.objects.filter(
                    person=OuterRef("pk"),
                    session_id=self.session,
                    state=Registration.State.REGISTERED,
                )
            )
        )

    def references(self) -> list[str]:
        from leerpad.catalog.models import Session

        return _missing(Session, [self.session], "pk", _("session date"))

    def describe(self) -> str:
        from leerpad.catalog.models import Session

        session = Session.objects.filter(pk=self.session).select_related("item").first()
        what = f"{session.item.title()} ({session})" if session else f"#{self.session}"
        return gettext("registered for %(session)s") % {"session": what}


RULE_TYPES: dict[str, type[Rule]] = {
    cls.model_fields["type"].default: cls
    for cls in (
        JobRoleRule,
        LocationRule,
        TeamRule,
        LanguageRule,
        ManagerRule,
        JoinedRule,
        SkillRule,
        NeverVisitedRule,
        InactiveRule,
        EnrolledRule,
        StalledRule,
        CompletedPathRule,
        CompletedItemRule,
        RegisteredRule,
    )
}

AnyRule: TypeAlias = Annotated[
    JobRoleRule
    | LocationRule
    | TeamRule
    | LanguageRule
    | ManagerRule
    | JoinedRule
    | SkillRule
    | NeverVisitedRule
    | InactiveRule
    | EnrolledRule
    | StalledRule
    | CompletedPathRule
    | CompletedItemRule
    | RegisteredRule,
    Field(discriminator="type"),
]


class RuleSet(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    match: Literal["all", "any"] = "all"
    rules: Annotated[list[AnyRule], Field(max_length=MAX_RULES)] = []

    @property
    def kind(self) -> Kind:
        """ "learning" when any rule is: then the segment may only be shown as a count."""
        return "learning" if any(r.kind == "learning" for r in self.rules) else "attribute"

    def as_json(self) -> dict[str, Any]:
        return self.model_dump(mode="json", by_alias=True)

    def describe(self) -> list[str]:
        return [
            (gettext("not: %(rule)s") % {"rule": r.describe()}) if r.negate else r.describe()
            for r in self.rules
        ]


_adapter = TypeAdapter(RuleSet)


def _location(loc: Sequence[Any]) -> str:
    return ".".join(str(part) for part in loc)


def parse(data: Any, *, check_references: bool = True) -> RuleSet:
    """Validated rules from JSON data, or RulesError with one clear message per problem.

    Unknown rule types are named as such (pydantic's discriminator message lists
    internal details); referenced paths, skills, people, ... must exist when saving.
    """
    problems: list[str] = []
    if isinstance(data, dict) and isinstance(data.get("rules"), list):
        for index, rule in enumerate(data["rules"], start=1):
            kind = rule.get("type") if isinstance(rule, dict) else None
            if kind not in RULE_TYPES:
                problems.append(
                    gettext("Rule %(n)d: unknown type “%(type)s”; known types: %(known)s.")
                    % {"n": index, "type": kind, "known": ", ".join(RULE_TYPES)}
                )
    if problems:
        raise RulesError(problems)
    try:
        ruleset = _adapter.validate_python(data)
    except ValidationError as exc:
        raise RulesError(
            [f"{_location(e['loc'])}: {e['msg']}" if e["loc"] else e["msg"] for e in exc.errors()]
        ) from None
    if check_references:
        for index, rule in enumerate(ruleset.rules, start=1):
            problems += [
                gettext("Rule %(n)d: %(problem)s") % {"n": index, "problem": p}
                for p in rule.references()
            ]
        if problems:
            raise RulesError(problems)
    return ruleset


def members(ruleset: RuleSet, *, now: dt.datetime | None = None) -> QuerySet[Person]:
    """The active people the rules select, as one lazy queryset (no rules: everyone)."""
    now = now or timezone.now()
    people = Person.objects.filter(is_active=True)
    conditions = [~r.condition(now) if r.negate else r.condition(now) for r in ruleset.rules]
    if not conditions:
        return people
    if ruleset.match == "all":
        combined = reduce(lambda a, b: a & b, conditions)
    else:
        combined = reduce(lambda a, b: a | b, conditions)
    return people.filter(combined)
