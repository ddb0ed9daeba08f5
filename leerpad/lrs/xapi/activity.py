"""Activities, their definitions and interaction components (xAPI Data 2.4.4.1)."""

from __future__ import annotations

from typing import Any, Literal, Self

from pydantic import model_validator

from leerpad.lrs.xapi.common import (
    IRI,
    IRL,
    Extensions,
    LanguageMap,
    XapiModel,
    custom_error,
    reject_nulls,
)

InteractionType = Literal[
    "true-false",
    "choice",
    "fill-in",
    "long-fill-in",
    "matching",
    "performance",
    "sequencing",
    "likert",
    "numeric",
    "other",
]

COMPONENT_LISTS = ("choices", "scale", "source", "target", "steps")

# Data 2.4.4.1 "Interaction Components": the component lists each interactionType supports.
ALLOWED_COMPONENT_LISTS: dict[str, frozenset[str]] = {
    "choice": frozenset({"choices"}),
    "sequencing": frozenset({"choices"}),
    "likert": frozenset({"scale"}),
    "matching": frozenset({"source", "target"}),
    "performance": frozenset({"steps"}),
}


class InteractionComponent(XapiModel):
    """Interaction component (Data 2.4.4.1, "Interaction Components"): an id and an
    optional description language map."""

    id: str
    description: LanguageMap | None = None


class ActivityDefinition(XapiModel):
    """Activity Definition (Data 2.4.4.1, "Activity Definition" and "Interaction
    Activities").

    * "Interaction Activities MUST have a valid interactionType"; the conformance suite
      also requires interactionType whenever correctResponsesPattern or a component list
      is used (XAPI-00064);
    * a component list is only allowed for the interaction types that support it, and
      "within an array of interaction components, all id values MUST be distinct".
    Response patterns are not parsed ("The LRS SHOULD* NOT enforce character limits").
    """

    name: LanguageMap | None = None
    description: LanguageMap | None = None
    type: IRI | None = None
    moreInfo: IRL | None = None
    extensions: Extensions | None = None
    interactionType: InteractionType | None = None
    correctResponsesPattern: list[str] | None = None
    choices: list[InteractionComponent] | None = None
    scale: list[InteractionComponent] | None = None
    source: list[InteractionComponent] | None = None
    target: list[InteractionComponent] | None = None
    steps: list[InteractionComponent] | None = None

    @model_validator(mode="after")
    def _interaction_rules(self) -> Self:
        interaction_type = self.interactionType
        if interaction_type is None:
            if self.correctResponsesPattern is not None:
                raise custom_error(
                    "correctResponsesPattern needs an interactionType", "interactionType"
                )
            for name in COMPONENT_LISTS:
                if getattr(self, name) is not None:
                    raise custom_error(
                        f"the component list {name} needs an interactionType", "interactionType"
                    )
            return self
        allowed = ALLOWED_COMPONENT_LISTS.get(interaction_type, frozenset())
        for name in COMPONENT_LISTS:
            components: list[InteractionComponent] | None = getattr(self, name)
            if components is None:
                continue
            if name not in allowed:
                raise custom_error(f"is not allowed for interactionType {interaction_type}", name)
            ids = [component.id for component in components]
            if len(set(ids)) != len(ids):
                raise custom_error("interaction component ids must be distinct", name)
        return self


class Activity(XapiModel):
    """Activity (Data 2.4.4.1): an IRI id, optional objectType "Activity" and definition."""

    objectType: Literal["Activity"] | None = None
    id: IRI
    definition: ActivityDefinition | None = None

    @model_validator(mode="before")
    @classmethod
    def _reject_nulls(cls, data: Any) -> Any:
        # One "before" check for both rules (an Activity comes several times a statement).
        return reject_nulls(cls, _agent_without_object_type(data))


def _agent_without_object_type(data: Any) -> Any:
    # Data 2.4.4.2: an Agent or Group used as the object MUST have "objectType";
    # without it the object reads as an Activity, and the error should say why.
    if isinstance(data, dict) and "id" not in data:
        for key in ("mbox", "mbox_sha1sum", "openid", "account", "member"):
            if key in data:
                raise custom_error(
                    "an Agent or Group used as an object must have objectType "
                    "Agent or Group (without it the object is read as an Activity)",
                    "objectType",
                )
    return data
