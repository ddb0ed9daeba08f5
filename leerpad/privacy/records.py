"""Deleting and anonymising statements in the LRS row store, for retention and erasure.

A statement names an agent in several places, and the LRS keeps each of them twice: in the
stored statement (`payload`, and `original` when kept) and in the index columns
(`Statement.actor_ifi`, one `StatementAgent` row per agent). Anonymising rewrites the
payload, then derives every index column again from it with the LRS's own indexer
(`lrs.xapi.index_statement`), so the columns can never disagree with the payload.

The anonymous agent is a fresh account per statement,
{"account": {"homePage": SITE_URL, "name": "anonymous-<random>"}}: statements still count
(a dashboard counting statements or completions per month gives the same numbers), but two
anonymised statements of one person cannot be linked to each other, let alone to the person.
It is not a number, so `person_for_agent` and the analytics sync resolve it to no one.

These functions write without a transaction of their own: callers (retention batches,
erasure) wrap them in theirs.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Collection, Iterable
from typing import Any

from django.conf import settings
from django.db.models import Q

from leerpad.accounts.models import Person

Json = dict[str, Any]

ANONYMOUS_PREFIX = "anonymous-"
_AGENT_KEYS = ("mbox", "mbox_sha1sum", "openid", "account")
_RANK = {"actor": 0, "object": 1, "related": 2}


def anonymous_agent() -> Json:
    return {
        "objectType": "Agent",
        "account": {
            "homePage": str(settings.SITE_URL),
            "name": ANONYMOUS_PREFIX + uuid.uuid4().hex,
        },
    }


def anonymous_ifi_prefix() -> str:
    """How the index column of an anonymised actor starts (to skip them in later runs)."""
    return f"account:{settings.SITE_URL}|{ANONYMOUS_PREFIX}"


def person_ifis(person: Person) -> list[str]:
    """Every identifier a person's statements may carry: the LRS's list (the Leerpad account
    and the e-mail address as given and lower-cased) plus the address's SHA-1 form."""
    from leerpad.lrs.queries import person_ifis as lrs_ifis

    ifis = list(lrs_ifis(person))
    if person.email:
        for address in dict.fromkeys((person.email, person.email.lower())):
            digest = hashlib.sha1(f"mailto:{address}".encode()).hexdigest()  # noqa: S324 - xAPI's own
            ifis.append(f"mbox_sha1sum:{digest}")
    return list(dict.fromkeys(ifis))


def _ifi(agent: Json) -> str:
    from leerpad.lrs.xapi import agent_ifi

    return agent_ifi(agent)


def _replace(value: Any, ifis: Collection[str], replacement: Json) -> tuple[Any, bool]:
    """`value` with every agent whose identifier is in `ifis` replaced; and whether any was."""
    if isinstance(value, dict):
        if any(key in value for key in _AGENT_KEYS) and _ifi(value) in ifis:
            return dict(replacement), True
        changed = False
        out: Json = {}
        for key, item in value.items():
            out[key], hit = _replace(item, ifis, replacement)
            changed = changed or hit
        return out, changed
    if isinstance(value, list):
        items = [_replace(item, ifis, replacement) for item in value]
        return [item for item, _ in items], any(hit for _, hit in items)
    return value, False


def anonymise(statement_pks: Iterable[int], ifis: Collection[str] | None = None) -> list[str]:
    """Replace agents in the statements by a fresh anonymous agent per statement; returns the
    statement ids changed.

    With `ifis`, the agents with those identifiers wherever they appear (an erased person as
    actor, instructor, team member or object); without, each statement's actor, and that
    same agent wherever else it appears in the statement.
    """
    from leerpad.lrs.models import Statement, StatementAgent, key_hash
    from leerpad.lrs.xapi import index_statement

    changed: list[str] = []
    agent_rows: list[StatementAgent] = []
    touched: list[int] = []
    statements = list(Statement.objects.filter(pk__in=list(statement_pks)).order_by("pk"))
    for statement in statements:
        payload: Json = statement.payload
        replacement = anonymous_agent()
        if ifis is None:
            actor = payload.get("actor") or {}
            targets = {i for i in [statement.actor_ifi, _ifi(actor)] if i}
            for member in actor.get("member") or ():
                if isinstance(member, dict) and (member_ifi := _ifi(member)):
                    targets.add(member_ifi)
            new_payload, _ = _replace(payload, targets, replacement)
            # An actor without an identifier (an anonymous group) is replaced whole too.
            new_payload["actor"] = dict(replacement)
            hit = True
        else:
            new_payload, hit = _replace(payload, set(ifis), replacement)
        if not hit:
            continue
        index = index_statement(new_payload)
        statement.payload = new_payload
        statement.original = None  # the statement as it arrived names the agent too
        statement.actor_ifi = index.actor_ifi
        statement.authority_ifi = index.authority_ifi
        statement.authority_hash = key_hash(index.authority_ifi)
        best: dict[str, str] = {}
        for ifi, relation in index.agents:
            if ifi and (ifi not in best or _RANK[relation] < _RANK[best[ifi]]):
                best[ifi] = relation
        agent_rows += [
            StatementAgent(
                statement=statement,
                ifi=ifi,
                ifi_hash=key_hash(ifi),
                stored=statement.stored,
                relation=relation,
            )
            for ifi, relation in best.items()
        ]
        touched.append(statement.pk)
        changed.append(str(statement.statement_id))
    if touched:
        touched_set = set(touched)
        Statement.objects.bulk_update(
            [s for s in statements if s.pk in touched_set],
            ["payload", "original", "actor_ifi", "authority_ifi", "authority_hash"],
        )
        StatementAgent.objects.filter(statement_id__in=touched).delete()
        StatementAgent.objects.bulk_create(agent_rows)
    return changed


def delete(statement_pks: Iterable[int]) -> list[str]:
    """Delete statements (their agent and activity links go with them, and attachment
    contents no statement uses any more); returns the statement ids deleted."""
    from leerpad.lrs.models import Attachment, Statement

    pks = list(statement_pks)
    ids = [
        str(i) for i in Statement.objects.filter(pk__in=pks).values_list("statement_id", flat=True)
    ]
    shas = list(
        Attachment.objects.filter(statements__pk__in=pks).values_list("sha2", flat=True).distinct()
    )
    Statement.objects.filter(pk__in=pks).delete()
    if shas:
        Attachment.objects.filter(sha2__in=shas, statements__isnull=True).delete()
    return ids


def statements_by(ifis: Collection[str]) -> Q:
    """Statements whose actor is one of `ifis`."""
    return Q(actor_ifi__in=list(ifis))


def mentioning(ifis: Collection[str]) -> Q:
    """Statements that name one of `ifis` other than as actor (instructor, object, team)."""
    from leerpad.lrs.models import StatementAgent, key_hash

    # The digest column is the indexed one; the text check rules out a collision.
    linked = StatementAgent.objects.filter(
        ifi_hash__in=[key_hash(i) for i in ifis], ifi__in=list(ifis)
    ).values("statement_id")
    return Q(pk__in=linked) & ~Q(actor_ifi__in=list(ifis))


def documents_of(ifis: Collection[str]) -> Q:
    """State and agent-profile documents kept for one of `ifis`."""
    return Q(agent_ifi__in=list(ifis))
