"""Reads for the records pages: the statement browser and the clients list.

The browser answers from the same indexes as GET /statements
(`leerpad.lrs.backends.orm`), so it stays fast with millions of statements:

- every filter walks one index in (stored, id) order and stops after a page: activity
  -> StatementActivity (iri_hash, stored, statement); otherwise registration, verb
  (verb_hash), client (authority_hash: what a client writes carries its authority),
  actor (actor_ifi, stored) or plain (stored, id); the other filters are checked on the
  rows the walk finds;
- paging is by position (keyset): a page starts after or before the (stored, id) of
  the last or first row of the page the reader came from, never at an OFFSET;
- the number of matches is counted up to `COUNT_CAP` only ("more than 10,000"), never
  over the whole table.

It cannot simply call the store's `query`: that answers the xAPI resource (voided
statements never, statements targeting a match through a StatementRef too, payloads
only), while the browser shows exactly the rows that match, voided ones when asked,
with the client that sent them.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Value
from django.db.models.lookups import Exact, IsNull
from django.utils import translation
from django.utils.translation import gettext as _

from leerpad.lrs.agents import agent_for_person
from leerpad.lrs.models import Client, Statement, StatementActivity, key_hash
from leerpad.lrs.services import client_authority, leerpad_authority
from leerpad.lrs.xapi import agent_ifi, best_language
from leerpad.lrs.xapi.verb import VOIDED

if TYPE_CHECKING:
    from leerpad.accounts.models import Person

Json = dict[str, Any]

PAGE_SIZE = 50
# Matches are counted up to here; past it the page says "more than".
COUNT_CAP = 10_000
# The value of the client filter for what Leerpad's own pages recorded (no client).
BUILT_IN = "leerpad"
IFI_PREFIXES = ("mbox:", "mbox_sha1sum:", "openid:", "account:")
# How many people a name search offers to pick from.
MAX_CANDIDATES = 10

# Verbs offered as suggestions in the verb filter (a tail like "completed" is enough).
KNOWN_VERBS = (
    "http://adlnet.gov/expapi/verbs/answered",
    "http://adlnet.gov/expapi/verbs/attempted",
    "http://adlnet.gov/expapi/verbs/attended",
    "http://adlnet.gov/expapi/verbs/completed",
    "http://adlnet.gov/expapi/verbs/experienced",
    "http://adlnet.gov/expapi/verbs/failed",
    "http://adlnet.gov/expapi/verbs/initialized",
    "http://adlnet.gov/expapi/verbs/interacted",
    "http://adlnet.gov/expapi/verbs/launched",
    "http://adlnet.gov/expapi/verbs/mastered",
    "http://adlnet.gov/expapi/verbs/passed",
    "http://adlnet.gov/expapi/verbs/progressed",
    "http://adlnet.gov/expapi/verbs/registered",
    "http://adlnet.gov/expapi/verbs/resumed",
    "http://adlnet.gov/expapi/verbs/scored",
    "http://adlnet.gov/expapi/verbs/shared",
    "http://adlnet.gov/expapi/verbs/suspended",
    "http://adlnet.gov/expapi/verbs/terminated",
    "http://adlnet.gov/expapi/verbs/voided",
    "https://w3id.org/xapi/adl/verbs/satisfied",
    "https://w3id.org/xapi/adl/verbs/waived",
    "http://id.tincanapi.com/verb/viewed",
)


def iri_tail(iri: str) -> str:
    """The last segment of an IRI ("http://.../verbs/completed" -> "completed")."""
    trimmed = iri.rstrip("/#")
    for separator in ("#", "/", ":"):
        if separator in trimmed:
            trimmed = trimmed.rsplit(separator, 1)[-1]
            break
    return trimmed or iri


def known_verb(word: str) -> str | None:
    """The suggested verb IRI whose last segment is ``word`` (case-insensitive)."""
    wanted = word.strip().lower()
    return next((iri for iri in KNOWN_VERBS if iri_tail(iri).lower() == wanted), None)


# --- the actor filter -------------------------------------------------------------------


def person_ifis(person: Person) -> tuple[str, ...]:
    """The identifiers a person's statements carry: Leerpad's account, and the e-mail
    address that outside tools may use instead (see `leerpad.lrs.agents`)."""
    ifis = [agent_ifi(agent_for_person(person))]
    if person.email:
        ifis += _mbox_ifis(person.email)
    return tuple(dict.fromkeys(ifis))


def _mbox_ifis(address: str) -> list[str]:
    """The address as given and in lower case: an identifier keeps the case of the part
    before the "@", and tools differ in what they send."""
    return [agent_ifi({"mbox": f"mailto:{a}"}) for a in dict.fromkeys((address, address.lower()))]


@dataclass(frozen=True)
class ActorMatch:
    """What the text in the actor filter stands for."""

    ifis: tuple[str, ...] = ()
    person: Person | None = None
    # A name search that matched several people: the reader picks one.
    candidates: tuple[Person, ...] = ()
    more: bool = False  # more people matched than the candidates shown

    @property
    def found(self) -> bool:
        return bool(self.ifis)


def resolve_actor(text: str) -> ActorMatch:
    """An identifier ("mbox:mailto:...", "account:...|..."), an e-mail address, or a
    search for a person by name, e-mail or employee number."""
    from leerpad.accounts.models import Person
    from leerpad.accounts.queries import people_directory

    text = text.strip()
    if not text:
        return ActorMatch()
    if text.startswith(IFI_PREFIXES):
        return ActorMatch(ifis=(text,))
    address = text.removeprefix("mailto:")
    if "@" in address and " " not in address:
        person = Person.objects.filter(email__iexact=address).first()
        if person is not None:
            return ActorMatch(ifis=person_ifis(person), person=person)
        return ActorMatch(ifis=tuple(_mbox_ifis(address)))
    found = list(people_directory(search=text, include_inactive=True)[: MAX_CANDIDATES + 1])
    if len(found) == 1:
        return ActorMatch(ifis=person_ifis(found[0]), person=found[0])
    return ActorMatch(candidates=tuple(found[:MAX_CANDIDATES]), more=len(found) > MAX_CANDIDATES)


# --- the filters and the walk -----------------------------------------------------------


@dataclass(frozen=True)
class StatementFilters:
    verb_iri: str = ""
    actor_ifis: tuple[str, ...] = ()
    activity_iri: str = ""
    # Also statements where the activity is a context activity (parent, grouping, ...).
    related_activities: bool = False
    registration: uuid.UUID | None = None
    client: Client | None = None
    built_in: bool = False  # only what Leerpad's own pages recorded (no client)
    since: dt.datetime | None = None  # stored after
    until: dt.datetime | None = None  # stored at or before
    include_voided: bool = False


def _authority_ifi(filters: StatementFilters) -> str | None:
    if filters.client is not None:
        return agent_ifi(client_authority(filters.client))
    if filters.built_in:
        return agent_ifi(leerpad_authority())
    return None


def _driver(filters: StatementFilters) -> str:
    """The filter whose index the walk follows: the one that usually matches fewest
    statements (a registration is one attempt, an actor one person, an activity one of
    many, a verb one of a few dozen, a client one of a handful)."""
    if filters.registration is not None:
        return "registration"
    if filters.actor_ifis:
        return "actor"
    if filters.activity_iri:
        return "activity"
    if filters.verb_iri:
        return "verb"
    if filters.client is not None or filters.built_in:
        return "client"
    return "stored"


def _unindexed(column: str) -> Any:
    """``column`` in a form no index serves (``column + 0``), so that the database
    walks the index of the driving filter and checks this one on the rows it finds."""
    return F(column) + Value(0)


def _statement_q(filters: StatementFilters, driver: str, prefix: str = "") -> Q:
    """Every filter but the activity, on a Statement reached through ``prefix``. Only
    the driving filter is written so that an index serves it: SQLite plans without
    statistics and would otherwise follow, say, a client's index (half the table) to
    find a rare verb."""

    def q(**lookups: Any) -> Q:
        return Q(**{f"{prefix}{name}": value for name, value in lookups.items()})

    cond = Q()
    if not filters.include_voided:
        cond &= q(voided=False)
    if filters.verb_iri:
        cond &= q(verb_iri=filters.verb_iri)  # the text column has no index
        if driver == "verb":
            cond &= q(verb_hash=key_hash(filters.verb_iri))
    if filters.actor_ifis:
        cond &= q(actor_ifi__in=filters.actor_ifis)
    if filters.registration is not None:
        cond &= q(registration=filters.registration)
    authority = _authority_ifi(filters)
    if authority is not None:
        # What a client writes carries its authority: the authority index serves the
        # walk, and the client column makes the match exact.
        cond &= q(authority_ifi=authority)
        if driver == "client":
            cond &= q(authority_hash=key_hash(authority))
            cond &= q(client=filters.client) if filters.client else q(client__isnull=True)
        else:
            client_id = _unindexed(f"{prefix}client_id")
            cond &= Q(
                Exact(client_id, filters.client.pk) if filters.client else IsNull(client_id, True)
            )
    return cond


@dataclass(frozen=True)
class _Walk:
    """A query whose rows are (stored, statement pk), and the names of those columns."""

    rows: QuerySet[Any]
    pk: str

    def window(self, filters: StatementFilters) -> _Walk:
        rows = self.rows
        if filters.since is not None:
            rows = rows.filter(stored__gt=filters.since)
        if filters.until is not None:
            rows = rows.filter(stored__lte=filters.until)
        return _Walk(rows, self.pk)


def _activity_links(filters: StatementFilters) -> QuerySet[StatementActivity]:
    relations = ("object", "related") if filters.related_activities else ("object",)
    return StatementActivity.objects.filter(
        iri_hash=key_hash(filters.activity_iri),
        iri=filters.activity_iri,
        relation__in=relations,
    )


def _walk(filters: StatementFilters) -> _Walk:
    driver = _driver(filters)
    if driver == "activity":
        links = _activity_links(filters).filter(_statement_q(filters, driver, "statement__"))
        return _Walk(links, "statement_id").window(filters)
    rows = Statement.objects.filter(_statement_q(filters, driver))
    if filters.activity_iri:
        rows = rows.filter(Exists(_activity_links(filters).filter(statement_id=OuterRef("pk"))))
    return _Walk(rows, "id").window(filters)


# --- paging -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Cursor:
    """Where a page starts: after (older than) or before (newer than) a position."""

    stored: dt.datetime
    pk: int
    newer: bool  # True: the rows just before this position (the previous page)
    number: int  # the number of the page this cursor opens

    def token(self) -> str:
        micros = (self.stored - dt.datetime(1970, 1, 1, tzinfo=dt.UTC)) // dt.timedelta(
            microseconds=1
        )
        return f"{self.number}~{'n' if self.newer else 'o'}~{micros}~{self.pk}"

    @classmethod
    def parse(cls, token: str | None) -> Cursor | None:
        """The cursor in a `page` parameter; None (the first page) for anything else."""
        try:
            number, direction, micros, pk = (token or "").split("~")
            if direction not in {"n", "o"}:
                return None
            stored = dt.datetime(1970, 1, 1, tzinfo=dt.UTC) + dt.timedelta(microseconds=int(micros))
            return cls(stored, int(pk), direction == "n", max(1, int(number)))
        except (ValueError, OverflowError):
            return None


@dataclass
class Totals:
    """The part of a Django Paginator that `core/_pagination.html` reads."""

    count: int
    capped: bool
    per_page: int

    @property
    def num_pages(self) -> str:
        pages = max(1, -(-self.count // self.per_page))
        return f"{pages}+" if self.capped else str(pages)


@dataclass
class StatementRow:
    statement: Statement
    actor: str
    actor_detail: str  # the identifier, readable ("lena@example.com", "emp-7 on hr.example")
    actor_filter: str  # what the actor filter takes to show only this actor
    person: Person | None
    verb: str
    verb_iri: str
    object: str
    object_detail: str
    sender: str
    sender_client: Client | None


@dataclass
class StatementPage:
    """A page of the browser; quacks like a Django Page for `core/_pagination.html`."""

    object_list: list[StatementRow]
    number: int
    paginator: Totals
    newer: Cursor | None = None
    older: Cursor | None = None

    def has_previous(self) -> bool:
        return self.newer is not None

    def has_next(self) -> bool:
        return self.older is not None

    def has_other_pages(self) -> bool:
        return self.has_previous() or self.has_next()

    def previous_page_number(self) -> str:
        return self.newer.token() if self.newer is not None else ""

    def next_page_number(self) -> str:
        return self.older.token() if self.older is not None else ""


def _after(walk: _Walk, cursor: Cursor) -> QuerySet[Any]:
    """Rows past the cursor in its direction, nearest first (the index order)."""
    at, pk = cursor.stored, cursor.pk
    if cursor.newer:
        rows = walk.rows.filter(stored__gte=at).filter(
            Q(stored__gt=at) | Q(**{f"{walk.pk}__gt": pk})
        )
        return rows.order_by("stored", walk.pk)
    rows = walk.rows.filter(stored__lte=at).filter(Q(stored__lt=at) | Q(**{f"{walk.pk}__lt": pk}))
    return rows.order_by("-stored", f"-{walk.pk}")


def count_matches(filters: StatementFilters) -> tuple[int, bool]:
    """How many statements match, counted up to COUNT_CAP; and whether there are more."""
    counted = _walk(filters).rows.order_by()[: COUNT_CAP + 1].count()
    return min(counted, COUNT_CAP), counted > COUNT_CAP


def statement_page(
    filters: StatementFilters, cursor: Cursor | None = None, size: int = PAGE_SIZE
) -> StatementPage:
    """One page of matching statements, newest first."""
    walk = _walk(filters)
    if cursor is None:
        positions = list(
            walk.rows.order_by("-stored", f"-{walk.pk}").values_list("stored", walk.pk)[: size + 1]
        )
        more_newer, more_older = False, len(positions) > size
        number = 1
    else:
        positions = list(_after(walk, cursor).values_list("stored", walk.pk)[: size + 1])
        number = cursor.number
        if cursor.newer:
            if len(positions) <= size:
                # Back at the top: show the newest page whole, as page 1.
                return statement_page(filters, None, size)
            positions = positions[:size][::-1]
            more_newer, more_older = True, True
        else:
            more_newer, more_older = True, len(positions) > size
    positions = positions[:size]
    count, capped = count_matches(filters)
    rows = describe(_load([pk for _, pk in positions]))
    page = StatementPage(rows, number, Totals(count, capped, size))
    if positions and more_newer:
        first = positions[0]
        page.newer = Cursor(first[0], first[1], newer=True, number=max(1, number - 1))
    if positions and more_older:
        last = positions[-1]
        page.older = Cursor(last[0], last[1], newer=False, number=number + 1)
    return page


def _load(pks: Sequence[int]) -> list[Statement]:
    found = Statement.objects.select_related("client").in_bulk(list(pks))
    return [found[pk] for pk in pks if pk in found]


# --- how a statement reads ----------------------------------------------------------


def _languages() -> list[str]:
    current = translation.get_language() or settings.LANGUAGE_CODE
    return [current, "en", "*"]


def _in_language(language_map: Any) -> str:
    if not isinstance(language_map, dict) or not language_map:
        return ""
    key = best_language(language_map, _languages())
    return str(language_map.get(key, "")) if key is not None else ""


def describe_ifi(ifi: str) -> str:
    """An identifier as a person reads it."""
    kind, _sep, value = ifi.partition(":")
    if kind == "mbox":
        return value.removeprefix("mailto:")
    if kind == "account":
        home, _sep, name = value.rpartition("|")
        if home == settings.SITE_URL:
            return _("%(name)s on Leerpad") % {"name": name}
        return _("%(name)s on %(home)s") % {"name": name, "home": home}
    if kind == "mbox_sha1sum":
        return _("hashed e-mail %(hash)s…") % {"hash": value[:12]}
    return value or ifi


def _person_keys(ifis: Iterable[str]) -> tuple[set[int], set[str]]:
    home = f"account:{settings.SITE_URL}|"
    pks, emails = set(), set()
    for ifi in ifis:
        if ifi.startswith(home) and ifi[len(home) :].isdigit():
            pks.add(int(ifi[len(home) :]))
        elif ifi.startswith("mbox:mailto:"):
            emails.add(ifi[len("mbox:mailto:") :].lower())
    return pks, emails


def people_for_ifis(ifis: Iterable[str]) -> dict[str, Person]:
    """The Leerpad people these identifiers stand for (two queries for a whole page)."""
    from leerpad.accounts.models import Person

    ifis = set(ifis)
    pks, emails = _person_keys(ifis)
    by_pk: dict[int, Person] = {}
    by_email: dict[str, Person] = {}
    if pks:
        by_pk = Person.objects.in_bulk(list(pks))
    if emails:
        email_q = Q()
        for email in emails:
            email_q |= Q(email__iexact=email)
        by_email = {p.email.lower(): p for p in Person.objects.filter(email_q)}
    home = f"account:{settings.SITE_URL}|"
    found: dict[str, Person] = {}
    for ifi in ifis:
        person: Person | None = None
        if ifi.startswith(home) and ifi[len(home) :].isdigit():
            person = by_pk.get(int(ifi[len(home) :]))
        elif ifi.startswith("mbox:mailto:"):
            person = by_email.get(ifi[len("mbox:mailto:") :].lower())
        if person is not None:
            found[ifi] = person
    return found


def _agent_name(agent: Any, ifi: str) -> str:
    if isinstance(agent, dict):
        if isinstance(agent.get("name"), str) and agent["name"].strip():
            return str(agent["name"])
        if not ifi and agent.get("objectType") == "Group":
            members = agent.get("member") or []
            return _("Group of %(count)d") % {"count": len(members)}
    return describe_ifi(ifi) if ifi else "—"


def _object_text(obj: Any) -> tuple[str, str]:
    """(what the object is, its identifier) for a statement's object."""
    if not isinstance(obj, dict):
        return "—", ""
    kind = obj.get("objectType", "Activity")
    if kind == "Activity":
        name = _in_language((obj.get("definition") or {}).get("name"))
        iri = str(obj.get("id", ""))
        return (name or iri_tail(iri)), iri
    if kind in {"Agent", "Group"}:
        ifi = agent_ifi(obj)
        return _agent_name(obj, ifi), describe_ifi(ifi) if ifi else ""
    if kind == "StatementRef":
        return _("statement %(id)s") % {"id": str(obj.get("id", ""))[:8]}, str(obj.get("id", ""))
    if kind == "SubStatement":
        verb = obj.get("verb") or {}
        text = _in_language(verb.get("display")) or iri_tail(str(verb.get("id", "")))
        return _("sub-statement: %(verb)s") % {"verb": text}, ""
    return str(kind), ""


def verb_text(verb: Any) -> str:
    if not isinstance(verb, dict):
        return "—"
    return _in_language(verb.get("display")) or iri_tail(str(verb.get("id", "")))


def describe(statements: Sequence[Statement]) -> list[StatementRow]:
    """Rows as the browser shows them: people by name, verbs and objects in the
    reader's language where the statement has it."""
    people = people_for_ifis(s.actor_ifi for s in statements if s.actor_ifi)
    rows = []
    for statement in statements:
        payload: Json = statement.payload or {}
        person = people.get(statement.actor_ifi)
        if person is not None:
            actor, detail, actor_filter = str(person), person.email, person.email
        else:
            actor = _agent_name(payload.get("actor"), statement.actor_ifi)
            detail = describe_ifi(statement.actor_ifi) if statement.actor_ifi else ""
            actor_filter = statement.actor_ifi
        obj_text, obj_detail = _object_text(payload.get("object"))
        if statement.client is not None:
            sender = statement.client.name
        else:
            authority = payload.get("authority")
            sender = _agent_name(authority, statement.authority_ifi)
        rows.append(
            StatementRow(
                statement=statement,
                actor=actor,
                actor_detail=detail if detail != actor else "",
                actor_filter=actor_filter,
                person=person,
                verb=verb_text(payload.get("verb")),
                verb_iri=statement.verb_iri,
                object=obj_text,
                object_detail=obj_detail if obj_detail != obj_text else "",
                sender=sender,
                sender_client=statement.client,
            )
        )
    return rows


# --- one statement ----------------------------------------------------------------------


@dataclass
class StatementDetail:
    row: StatementRow
    pretty_json: str
    authority_json: str
    voided_by: Statement | None = None
    voids: Statement | None = None


def statement_detail(statement_id: uuid.UUID) -> StatementDetail | None:
    statement = Statement.objects.select_related("client").filter(statement_id=statement_id).first()
    if statement is None:
        return None
    row = describe([statement])[0]
    payload: Json = statement.payload or {}
    detail = StatementDetail(
        row=row,
        pretty_json=json.dumps(payload, indent=2, ensure_ascii=False),
        authority_json=json.dumps(payload.get("authority") or {}, indent=2, ensure_ascii=False),
    )
    if statement.voided:
        detail.voided_by = (
            Statement.objects.filter(statement_ref=statement.statement_id, verb_iri=VOIDED)
            .order_by("stored")
            .first()
        )
    if statement.verb_iri == VOIDED and statement.statement_ref is not None:
        detail.voids = Statement.objects.filter(statement_id=statement.statement_ref).first()
    return detail


# --- clients ----------------------------------------------------------------------------


def statements_per_client() -> dict[int | None, int]:
    """How many statements each client sent (None: Leerpad's own pages). One GROUP BY
    over the client column's index: fine for a page that lists the clients."""
    rows = Statement.objects.order_by().values_list("client_id").annotate(n=Count("id"))
    return {client_id: n for client_id, n in rows}


def statements_sent_by(client: Client) -> int:
    return Statement.objects.filter(client=client).count()


@dataclass
class ClientRow:
    client: Client
    statements: int


def clients_with_counts() -> tuple[list[ClientRow], int]:
    """Every client (active first, then by name) with its statement count; and the
    number of statements Leerpad's own pages recorded."""
    counts = statements_per_client()
    # Launch credentials (one per package launch, bound to a learner) are summed up by
    # `launch_credentials` instead: listed one by one they would bury the real tools.
    clients = (
        Client.objects.filter(agent__isnull=True)
        .select_related("created_by")
        .order_by("-is_active", "name", "key")
    )
    return [ClientRow(c, counts.get(c.pk, 0)) for c in clients], counts.get(None, 0)


def launch_credentials() -> tuple[int, int]:
    """How many short-lived launch credentials exist, and the statements they sent."""
    bound = Client.objects.filter(agent__isnull=False)
    sent = Statement.objects.filter(client__in=bound).count()
    return bound.count(), sent
