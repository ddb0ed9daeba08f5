"""The Context (xAPI Data 2.4.6; contextAgents and contextGroups from xAPI 2.0)."""

from __future__ import annotations

from typing import Annotated, Any, Literal, Self

from pydantic import Discriminator, Field, Tag, ValidationInfo, model_validator

from leerpad.lrs.xapi.activity import Activity
from leerpad.lrs.xapi.agent import Agent, AgentOrGroup, Group
from leerpad.lrs.xapi.common import (
    IRI,
    VERSION_1,
    Extensions,
    LanguageTag,
    UUIDStr,
    XapiModel,
    custom_error,
)
from leerpad.lrs.xapi.statement_ref import StatementRef


def _one_or_many(value: Any) -> str:
    return "<many>" if isinstance(value, list) else "<one>"


# Data 2.4.6.2: "Every value in the contextActivities Object MUST be either a single
# Activity Object or an array of Activity Objects."
ActivityOrList = Annotated[
    Annotated[Activity, Tag("<one>")] | Annotated[list[Activity], Tag("<many>")],
    Discriminator(_one_or_many),
]

RelevantTypes = Annotated[list[IRI], Field(min_length=1)]


class ContextActivities(XapiModel):
    """contextActivities (Data 2.4.6.2): only the keys parent, grouping, category and
    other. The LRS returns every value as an array (parse_statements wraps single
    Activities)."""

    parent: ActivityOrList | None = None
    grouping: ActivityOrList | None = None
    category: ActivityOrList | None = None
    other: ActivityOrList | None = None


class ContextAgent(XapiModel):
    """contextAgent (xAPI 2.0, Data 2.4.6): objectType "contextAgent", an Agent, and
    optional relevantTypes (a non-empty array of IRIs)."""

    objectType: Literal["contextAgent"]
    agent: Agent
    relevantTypes: RelevantTypes | None = None


class ContextGroup(XapiModel):
    """contextGroup (xAPI 2.0, Data 2.4.6): objectType "contextGroup", a Group, and
    optional relevantTypes (a non-empty array of IRIs)."""

    objectType: Literal["contextGroup"]
    group: Group
    relevantTypes: RelevantTypes | None = None


class Context(XapiModel):
    """Context (Data 2.4.6).

    "team" is a Group; "instructor" an Agent or Group; "statement" a Statement
    Reference; "language" an RFC 5646 tag. The rule that "revision" and "platform" are
    only used when the object is an Activity is checked by the statement.
    contextAgents and contextGroups exist from xAPI 2.0 on; under 1.0.3 they are unknown
    properties and rejected.
    """

    registration: UUIDStr | None = None
    instructor: AgentOrGroup | None = None
    team: Group | None = None
    contextActivities: ContextActivities | None = None
    revision: str | None = None
    platform: str | None = None
    language: LanguageTag | None = None
    statement: StatementRef | None = None
    extensions: Extensions | None = None
    contextAgents: list[ContextAgent] | None = None
    contextGroups: list[ContextGroup] | None = None

    @model_validator(mode="after")
    def _version_rules(self, info: ValidationInfo) -> Self:
        if (self.contextAgents is not None or self.contextGroups is not None) and (
            info.context is not None and info.context.get("version") == VERSION_1
        ):
            field = "contextAgents" if self.contextAgents is not None else "contextGroups"
            raise custom_error(
                "is not a property of xAPI 1.0.3 (it was added in xAPI 2.0.0)", field
            )
        return self
