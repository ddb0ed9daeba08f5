"""The columns the statement store filters on, read from a validated statement.

Communication 2.1.3 (GET Statements): ``agent`` matches the Actor or Object (and, as
this LRS chooses, members of a Group there); ``related_agents`` widens that to the
authority, instructor, team, xAPI 2.0 context agents and groups, and everything in a
SubStatement. ``activity`` matches an Activity object; ``related_activities`` widens it
to context activities and the SubStatement's object and context activities.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from leerpad.lrs.xapi.agent import agent_ifi
from leerpad.lrs.xapi.verb import VOIDED

ACTOR = "actor"
OBJECT = "object"
RELATED = "related"


@dataclass
class StatementIndex:
    verb_iri: str
    actor_ifi: str  # "" for an anonymous Group
    object_type: str  # Activity, Agent, Group, SubStatement or StatementRef
    object_iri: str  # the Activity id, "" for other objects
    statement_ref: uuid.UUID | None  # target of a StatementRef object
    registration: uuid.UUID | None
    authority_ifi: str
    voids: uuid.UUID | None  # target, when this is a voiding statement
    agents: list[tuple[str, str]] = field(default_factory=list)  # (ifi, relation)
    activities: list[tuple[str, str]] = field(default_factory=list)  # (iri, relation)


def _with_members(agent: Any) -> Iterator[str]:
    if not isinstance(agent, dict):
        return
    ifi = agent_ifi(agent)
    if ifi:
        yield ifi
    for member in agent.get("member") or ():
        member_ifi = agent_ifi(member)
        if member_ifi:
            yield member_ifi


def _context_agents(context: Any) -> Iterator[str]:
    if not isinstance(context, dict):
        return
    yield from _with_members(context.get("instructor"))
    yield from _with_members(context.get("team"))
    for item in context.get("contextAgents") or ():
        yield from _with_members(item.get("agent"))
    for item in context.get("contextGroups") or ():
        yield from _with_members(item.get("group"))


def _context_activities(context: Any) -> Iterator[str]:
    if not isinstance(context, dict):
        return
    activities = context.get("contextActivities") or {}
    for value in activities.values():
        for activity in [value] if isinstance(value, dict) else value:
            yield activity["id"]


def _object_type(obj: dict[str, Any]) -> str:
    return str(obj.get("objectType", "Activity"))


def index_statement(statement: dict[str, Any]) -> StatementIndex:
    """Index a statement that ``parse_statements`` accepted (or that the LRS completed)."""
    obj: dict[str, Any] = statement["object"]
    object_type = _object_type(obj)
    context = statement.get("context") or {}
    registration = context.get("registration")
    authority = statement.get("authority")
    actor = statement["actor"]

    actor_ifi = agent_ifi(actor)
    agents: list[tuple[str, str]] = [(actor_ifi, ACTOR)] if actor_ifi else []
    if actor.get("member"):
        agents += [(ifi, ACTOR) for ifi in _with_members(actor)]
    activities: list[tuple[str, str]] = []
    if object_type in {"Agent", "Group"}:
        agents += [(ifi, OBJECT) for ifi in _with_members(obj)]
    elif object_type == "Activity":
        activities.append((obj["id"], OBJECT))
    authority_ifi = ""
    if isinstance(authority, dict):
        authority_ifi = agent_ifi(authority)
        if authority_ifi:
            agents.append((authority_ifi, RELATED))
        if authority.get("member"):
            agents += [(ifi, RELATED) for ifi in _with_members(authority)]
    agents += [(ifi, RELATED) for ifi in _context_agents(context)]
    activities += [(iri, RELATED) for iri in _context_activities(context)]
    if object_type == "SubStatement":
        sub_object = obj["object"]
        agents += [(ifi, RELATED) for ifi in _with_members(obj["actor"])]
        if _object_type(sub_object) == "Activity":
            activities.append((sub_object["id"], RELATED))
        else:
            agents += [(ifi, RELATED) for ifi in _with_members(sub_object)]
        agents += [(ifi, RELATED) for ifi in _context_agents(obj.get("context"))]
        activities += [(iri, RELATED) for iri in _context_activities(obj.get("context"))]

    statement_ref = uuid.UUID(obj["id"]) if object_type == "StatementRef" else None
    verb_iri: str = statement["verb"]["id"]
    return StatementIndex(
        verb_iri=verb_iri,
        actor_ifi=actor_ifi,
        object_type=object_type,
        object_iri=obj["id"] if object_type == "Activity" else "",
        statement_ref=statement_ref,
        registration=uuid.UUID(registration) if registration else None,
        authority_ifi=authority_ifi,
        voids=statement_ref if verb_iri == VOIDED else None,
        agents=list(dict.fromkeys(agents)),
        activities=list(dict.fromkeys(activities)),
    )
