"""Statements, SubStatements and the checks that span a whole statement (xAPI Data 2.4).

``parse_statements`` and ``parse_agent`` are the entry points the LRS calls; the models
only validate, and the caller gets back the client's own JSON.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Final, Literal, Self, cast

from pydantic import (
    Discriminator,
    Tag,
    TypeAdapter,
    ValidationError,
    ValidationInfo,
    model_validator,
)

from leerpad.lrs.xapi.activity import Activity
from leerpad.lrs.xapi.agent import Agent, AgentOrGroup, Group
from leerpad.lrs.xapi.attachment import Attachment
from leerpad.lrs.xapi.common import (
    VERSION_1,
    VERSION_2,
    VERSIONS,
    Timestamp,
    UUIDStr,
    XapiModel,
    custom_error,
)
from leerpad.lrs.xapi.context import Context
from leerpad.lrs.xapi.errors import XapiValidationError, from_pydantic
from leerpad.lrs.xapi.result import Result
from leerpad.lrs.xapi.statement_ref import StatementRef
from leerpad.lrs.xapi.verb import VOIDED, Verb

__all__ = ["Statement", "StatementRef", "SubStatement", "parse_agent", "parse_statements"]

# Data 2.4.10 (1.0.3): accept versions starting with "1.0." (and "1.0"), reject the rest.
# xAPI 2.0 keeps accepting 1.0.x statements and adds 2.0.x.
_STATEMENT_VERSION: Final = {
    VERSION_1: re.compile(r"1\.0(?:\.[0-9]+)?"),
    VERSION_2: re.compile(r"(?:1\.0|2\.0)(?:\.[0-9]+)?"),
}


def _object_tag(value: Any) -> str:
    """objectType picks the kind of object; without it the object is an Activity."""
    if isinstance(value, dict):
        tag = value.get("objectType", "Activity")
        return f"<{tag if isinstance(tag, str) else repr(tag)}>"
    return "<Activity>"


def _context_rules(model: Statement | SubStatement) -> None:
    # Data 2.4.6: "revision" and "platform" MUST only be used if the object is an Activity.
    context = model.context
    if context is None or isinstance(model.object, Activity):
        return
    for field in ("revision", "platform"):
        if getattr(context, field) is not None:
            raise custom_error(
                "may only be used when the statement's object is an Activity",
                f"context.{field}",
            )


SubStatementObject = Annotated[
    Annotated[Activity, Tag("<Activity>")]
    | Annotated[Agent, Tag("<Agent>")]
    | Annotated[Group, Tag("<Group>")]
    | Annotated[StatementRef, Tag("<StatementRef>")],
    Discriminator(_object_tag),
]


class SubStatement(XapiModel):
    """SubStatement (Data 2.4.4.3, "SubStatements").

    "A SubStatement MUST be validated as a Statement in addition to other SubStatement
    requirements"; it "MUST NOT have the 'id', 'stored', 'version' or 'authority'
    properties" (they are unknown here) and "MUST NOT contain a SubStatement of its own".
    Its timestamp may be in the future.
    """

    objectType: Literal["SubStatement"]
    actor: AgentOrGroup
    verb: Verb
    object: SubStatementObject
    result: Result | None = None
    context: Context | None = None
    timestamp: Timestamp | None = None
    attachments: list[Attachment] | None = None

    @model_validator(mode="before")
    @classmethod
    def _not_nested(cls, data: Any) -> Any:
        if isinstance(data, dict):
            inner = data.get("object")
            if isinstance(inner, dict) and inner.get("objectType") == "SubStatement":
                raise custom_error("a SubStatement cannot contain another SubStatement", "object")
        return data

    @model_validator(mode="after")
    def _rules(self) -> Self:
        _context_rules(self)
        return self


StatementObject = Annotated[
    Annotated[Activity, Tag("<Activity>")]
    | Annotated[Agent, Tag("<Agent>")]
    | Annotated[Group, Tag("<Group>")]
    | Annotated[SubStatement, Tag("<SubStatement>")]
    | Annotated[StatementRef, Tag("<StatementRef>")],
    Discriminator(_object_tag),
]


class Statement(XapiModel):
    """Statement (Data 2.4): actor, verb and object are required.

    Checked here because they span several properties:

    * version (Data 2.4.10): "1.0" or "1.0.x" under 1.0.3; also "2.0"/"2.0.x" under 2.0;
    * voiding (Data 2.3.2): a statement with the verb
      http://adlnet.gov/expapi/verbs/voided MUST have a StatementRef as its object;
    * context "revision"/"platform" only with an Activity object (Data 2.4.6);
    * authority (Data 2.4.9): an Agent, or a Group of exactly two Agents (3-legged
      OAuth: application and user), i.e. an anonymous Group.
    "stored" is validated although the LRS overwrites it (Data 2.4.8).
    """

    id: UUIDStr | None = None
    actor: AgentOrGroup
    verb: Verb
    object: StatementObject
    result: Result | None = None
    context: Context | None = None
    timestamp: Timestamp | None = None
    stored: Timestamp | None = None
    authority: AgentOrGroup | None = None
    version: str | None = None
    attachments: list[Attachment] | None = None

    @model_validator(mode="after")
    def _rules(self, info: ValidationInfo) -> Self:
        if self.version is not None:
            version = (info.context or {}).get("version", VERSION_2)
            if not _STATEMENT_VERSION[version].fullmatch(self.version):
                allowed = '"1.0.x"' if version == VERSION_1 else '"1.0.x" or "2.0.x"'
                raise custom_error(f"must be {allowed} under xAPI {version}", "version")
        if self.verb.id == VOIDED and not isinstance(self.object, StatementRef):
            raise custom_error(
                "a voiding statement (verb http://adlnet.gov/expapi/verbs/voided) must have "
                "a StatementRef as its object",
                "object",
            )
        _context_rules(self)
        authority = self.authority
        if isinstance(authority, Group) and (
            not authority.is_anonymous or authority.member is None or len(authority.member) != 2
        ):
            raise custom_error(
                "a Group as authority must be an anonymous Group of exactly two Agents "
                "(OAuth application and user)",
                "authority",
            )
        return self


_AGENT: Final = TypeAdapter(AgentOrGroup)
_CONTEXTS: Final = {version: {"version": version} for version in VERSIONS}


def _check_version(version: str) -> dict[str, str]:
    try:
        return _CONTEXTS[version]
    except KeyError:
        raise ValueError(f"unsupported xAPI version {version!r}; use one of {VERSIONS}") from None


def _arrays_for_context_activities(container: dict[str, Any]) -> dict[str, Any]:
    """Data 2.4.6.2: "The LRS MUST return every value in the contextActivities Object as
    an array, even if it arrived as a single Activity Object." Copies only what changes."""
    context = container.get("context")
    if not isinstance(context, dict):
        return container
    activities = context.get("contextActivities")
    if not isinstance(activities, dict) or not any(
        isinstance(value, dict) for value in activities.values()
    ):
        return container
    wrapped = {k: [v] if isinstance(v, dict) else v for k, v in activities.items()}
    return {**container, "context": {**context, "contextActivities": wrapped}}


def _normalise(statement: dict[str, Any]) -> dict[str, Any]:
    statement = _arrays_for_context_activities(statement)
    sub = statement.get("object")
    if isinstance(sub, dict) and sub.get("objectType") == "SubStatement":
        new_sub = _arrays_for_context_activities(sub)
        if new_sub is not sub:
            statement = {**statement, "object": new_sub}
    return statement


def parse_statements(data: Any, *, version: str) -> list[dict[str, Any]]:
    """Validate a POST/PUT body: one statement (a JSON object) or a batch (an array).

    Returns the statements as the client sent them (same keys, same order, nothing
    added), except that single Activities in contextActivities become one-element
    arrays, as Data 2.4.6.2 requires of what the LRS returns. An empty array gives [].
    Raises XapiValidationError on the first problem, naming its path
    ("statement[2].actor.mbox: ..."); a batch that repeats a statement id is refused.
    """
    context = _check_version(version)
    if isinstance(data, dict):
        try:
            Statement.model_validate(data, context=context)
        except ValidationError as exc:
            raise from_pydantic(exc, "statement") from None
        return [_normalise(data)]
    if not isinstance(data, list):
        raise XapiValidationError(
            "the body must be a statement (JSON object) or an array of statements",
            path="statement",
        )
    # One statement at a time rather than list[Statement] at once: each statement's
    # models are freed before the next is validated, instead of a whole batch of them
    # living until the end, which made Python's garbage collector run several times a
    # batch (and a full collection every dozen batches, the slowest write requests).
    for index, statement in enumerate(data):
        try:
            Statement.model_validate(statement, context=context)
        except ValidationError as exc:
            raise from_pydantic(exc, f"statement[{index}]") from None
    seen: dict[str, int] = {}
    for index, statement in enumerate(data):
        statement_id = statement.get("id")
        if statement_id is not None:
            key = statement_id.lower()
            if key in seen:
                raise XapiValidationError(
                    f"repeats the id of statement[{seen[key]}] in the same batch",
                    path=f"statement[{index}].id",
                )
            seen[key] = index
    return [_normalise(statement) for statement in data]


def parse_agent(data: Any, *, version: str, param: str = "agent") -> dict[str, Any]:
    """Validate an Agent or identified Group given as a (JSON-decoded) query parameter.

    It must carry exactly one Inverse Functional Identifier: an anonymous Group cannot
    identify anyone. ``param`` names the parameter in the error message.
    """
    context = _check_version(version)
    try:
        agent = _AGENT.validate_python(data, context=context)
    except ValidationError as exc:
        raise from_pydantic(exc, param) from None
    if isinstance(agent, Group) and agent.is_anonymous:
        raise XapiValidationError(
            "must be an Agent or an identified Group (an anonymous Group has no identifier)",
            path=param,
        )
    return cast(dict[str, Any], data)  # validated above as an Agent or Group: a dict
