"""Statement formats for GET /statements (Communication 2.1.3, "format") and the LRS's
canonical Activity definitions (Data 2.4.4.1, Communication 2.5).

All functions take validated statements and return new objects; parts they do not
change are shared with the input, so callers must not mutate the result in place.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from leerpad.lrs.xapi.activity import COMPONENT_LISTS
from leerpad.lrs.xapi.agent import IFI_KEYS

Json = dict[str, Any]


# --- format=ids -------------------------------------------------------------------------


def _agent_ids(agent: Json) -> Json:
    """An Agent or Group as its identifier (objectType kept: it is needed to read an
    Agent object correctly); an anonymous Group keeps its members, reduced."""
    out: Json = {}
    if "objectType" in agent:
        out["objectType"] = agent["objectType"]
    for key in IFI_KEYS:
        if key in agent:
            out[key] = agent[key]
            return out
    if "member" in agent:
        out["member"] = [_agent_ids(member) for member in agent["member"]]
    return out


def _activity_ids(activity: Json) -> Json:
    # The conformance suite expects exactly one key ("id") for an Activity in ids format.
    return {"id": activity["id"]}


def _map_context_activities(context: Json, activity: Callable[[Json], Json]) -> Json:
    activities = context.get("contextActivities")
    if not isinstance(activities, dict):
        return context
    mapped = {
        kind: [activity(a) for a in ([value] if isinstance(value, dict) else value)]
        for kind, value in activities.items()
    }
    return {**context, "contextActivities": mapped}


def _context_ids(context: Json) -> Json:
    out = _map_context_activities(context, _activity_ids)
    if out is context:
        out = dict(context)
    for key in ("instructor", "team"):
        if key in out:
            out[key] = _agent_ids(out[key])
    if "contextAgents" in out:
        out["contextAgents"] = [
            {**item, "agent": _agent_ids(item["agent"])} for item in out["contextAgents"]
        ]
    if "contextGroups" in out:
        out["contextGroups"] = [
            {**item, "group": _agent_ids(item["group"])} for item in out["contextGroups"]
        ]
    return out


def _object_ids(obj: Json) -> Json:
    object_type = obj.get("objectType", "Activity")
    if object_type == "Activity":
        return _activity_ids(obj)
    if object_type in {"Agent", "Group"}:
        return _agent_ids(obj)
    if object_type == "SubStatement":
        return _statement_ids(obj)
    return obj  # StatementRef: already only identifiers


def _statement_ids(statement: Json) -> Json:
    out = dict(statement)
    out["actor"] = _agent_ids(statement["actor"])
    out["verb"] = {"id": statement["verb"]["id"]}
    out["object"] = _object_ids(statement["object"])
    if "context" in statement:
        out["context"] = _context_ids(statement["context"])
    if "authority" in statement:
        out["authority"] = _agent_ids(statement["authority"])
    return out


def format_ids(statement: Json) -> Json:
    """format=ids (Communication 2.1.3): "only include identifiers for Agent, Activity,
    Verb, Group Objects, and members of Anonymous groups", throughout the statement
    (context, SubStatement, authority)."""
    return _statement_ids(statement)


# --- format=canonical -------------------------------------------------------------------


def best_language(language_map: dict[str, str], languages: list[str]) -> str | None:
    """The key of ``language_map`` that best matches the Accept-Language list (ordered
    by preference): an exact tag (case-insensitive), then a shorter prefix of the asked
    tag ("en-GB" -> "en"), then a longer tag starting with it ("en" -> "en-US"); "*"
    takes any. Without a match, the map's first key."""
    if not language_map:
        return None
    lowered = {key.lower(): key for key in language_map}
    for language in languages:
        wanted = language.strip().lower()
        if not wanted:
            continue
        if wanted == "*":
            return next(iter(language_map))
        if wanted in lowered:
            return lowered[wanted]
        parts = wanted.split("-")
        while len(parts) > 1:
            parts.pop()
            shorter = "-".join(parts)
            if shorter in lowered:
                return lowered[shorter]
        for key_lower, key in lowered.items():
            if key_lower.startswith(wanted + "-"):
                return key
    return next(iter(language_map))


def _one_language(language_map: Any, languages: list[str]) -> Any:
    if not isinstance(language_map, dict) or len(language_map) <= 1:
        return language_map
    key = best_language(language_map, languages)
    return {key: language_map[key]} if key is not None else language_map


def _reduce_maps(obj: Json, keys: tuple[str, ...], languages: list[str]) -> Json:
    present = [key for key in keys if isinstance(obj.get(key), dict)]
    if not present:
        return obj
    out = dict(obj)
    for key in present:
        out[key] = _one_language(obj[key], languages)
    return out


def _activity_canonical(activity: Json, languages: list[str]) -> Json:
    definition = activity.get("definition")
    if not isinstance(definition, dict):
        return activity
    new = _reduce_maps(definition, ("name", "description"), languages)
    for list_name in COMPONENT_LISTS:
        components = definition.get(list_name)
        if isinstance(components, list):
            if new is definition:
                new = dict(definition)
            new[list_name] = [_reduce_maps(c, ("description",), languages) for c in components]
    return {**activity, "definition": new}


def _statement_canonical(statement: Json, languages: list[str]) -> Json:
    out = dict(statement)
    out["verb"] = _reduce_maps(statement["verb"], ("display",), languages)
    obj = statement["object"]
    object_type = obj.get("objectType", "Activity")
    if object_type == "Activity":
        out["object"] = _activity_canonical(obj, languages)
    elif object_type == "SubStatement":
        out["object"] = _statement_canonical(obj, languages)
    context = statement.get("context")
    if isinstance(context, dict):
        out["context"] = _map_context_activities(
            context, lambda activity: _activity_canonical(activity, languages)
        )
    attachments = statement.get("attachments")
    if isinstance(attachments, list):
        out["attachments"] = [
            _reduce_maps(a, ("display", "description"), languages) for a in attachments
        ]
    return out


def format_canonical(statement: Json, languages: list[str]) -> Json:
    """format=canonical (Communication 2.1.3): every language map (verb display, activity
    name and description, interaction component descriptions, attachment display and
    description) reduced to the one entry that best fits ``languages``, the
    Accept-Language list in order of preference. Substituting the LRS's canonical
    Activity definitions is the caller's job (before calling this)."""
    return _statement_canonical(statement, languages)


# --- canonical Activity definitions -----------------------------------------------------


def _activities(statement: Json) -> Iterator[Json]:
    obj = statement["object"]
    object_type = obj.get("objectType", "Activity")
    if object_type == "Activity":
        yield obj
    context = statement.get("context")
    if isinstance(context, dict):
        for value in (context.get("contextActivities") or {}).values():
            yield from [value] if isinstance(value, dict) else value
    if object_type == "SubStatement":
        yield from _activities(obj)


def activity_definitions(statement: Json) -> list[tuple[str, Json]]:
    """(activity id, definition) for every Activity in the statement that carries a
    non-empty definition: the object, context activities, and the same inside a
    SubStatement, in that order. An id can appear more than once."""
    return [
        (activity["id"], activity["definition"])
        for activity in _activities(statement)
        if activity.get("definition")
    ]


def _merge_components(old: list[Json], new: list[Json]) -> list[Json]:
    old_by_id = {component.get("id"): component for component in old}
    merged = []
    for component in new:
        previous = old_by_id.get(component.get("id"))
        if previous is not None and (
            isinstance(previous.get("description"), dict)
            and isinstance(component.get("description", {}), dict)
        ):
            component = {
                **component,
                "description": {**previous["description"], **component.get("description", {})},
            }
        merged.append(component)
    return merged


def merge_definitions(old: Json, new: Json) -> Json:
    """Merge a newly received Activity definition into the stored canonical one.

    Data 2.4.4.1 lets the LRS update its canonical definition, and Communication 2.5
    wants "all available information" from every statement: language maps (name,
    description) and extensions are merged key by key, the new value winning; an
    interaction component list is replaced by the new one, but a component that keeps
    its id keeps the languages of its old description; any other property takes the new
    value. Neither argument is changed.
    """
    merged = dict(old)
    for key, value in new.items():
        previous = old.get(key)
        if key in {"name", "description", "extensions"} and isinstance(previous, dict):
            merged[key] = {**previous, **value} if isinstance(value, dict) else value
        elif key in COMPONENT_LISTS and isinstance(previous, list) and isinstance(value, list):
            merged[key] = _merge_components(previous, value)
        else:
            merged[key] = value
    return merged
