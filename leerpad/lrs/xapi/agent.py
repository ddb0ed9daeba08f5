"""Agents, Groups and their identifiers (xAPI Data 2.4.2, 2.4.9)."""

from __future__ import annotations

from typing import Annotated, Any, Literal, Self

from pydantic import Discriminator, Tag, model_validator

from leerpad.lrs.xapi.common import IRI, IRL, MboxIRI, Sha1Hex, XapiModel, custom_error

IFI_KEYS = ("mbox", "mbox_sha1sum", "openid", "account")


class Account(XapiModel):
    """Account Object (Data 2.4.2.4): a user account on an existing system."""

    homePage: IRL
    name: str


class _Identified(XapiModel):
    name: str | None = None
    mbox: MboxIRI | None = None
    mbox_sha1sum: Sha1Hex | None = None
    openid: IRI | None = None
    account: Account | None = None

    def ifi_count(self) -> int:
        return (
            (self.mbox is not None)
            + (self.mbox_sha1sum is not None)
            + (self.openid is not None)
            + (self.account is not None)
        )


class Agent(_Identified):
    """Agent (Data 2.4.2.1): exactly one Inverse Functional Identifier (Data 2.4.2.3).

    "An Agent MUST be identified by one (1) of the four types of Inverse Functional
    Identifiers" and "MUST NOT include more than one (1)".
    """

    objectType: Literal["Agent"] | None = None

    @model_validator(mode="after")
    def _one_ifi(self) -> Self:
        count = self.ifi_count()
        if count != 1:
            raise custom_error(
                "an Agent must have exactly one identifier (mbox, mbox_sha1sum, openid or "
                f"account); it has {count}"
            )
        return self


class Group(_Identified):
    """Group (Data 2.4.2.2): anonymous (members only) or identified (one IFI).

    "An Anonymous Group MUST include a 'member' property listing constituent Agents";
    "An Identified Group MUST include exactly one (1) Inverse Functional Identifier";
    neither kind may contain Groups in "member" (members are validated as Agents).
    """

    objectType: Literal["Group"]
    member: list[Agent] | None = None

    @model_validator(mode="after")
    def _identified_or_listed(self) -> Self:
        count = self.ifi_count()
        if count > 1:
            raise custom_error(
                "an identified Group must have exactly one identifier (mbox, mbox_sha1sum, "
                f"openid or account); it has {count}"
            )
        if count == 0 and not self.member:
            raise custom_error(
                "an anonymous Group (one without an identifier) must list its members",
                "member",
            )
        return self

    @property
    def is_anonymous(self) -> bool:
        return self.ifi_count() == 0


def agent_or_group_tag(value: Any) -> str:
    """objectType decides between Agent (the default) and Group; case-sensitive."""
    if isinstance(value, dict):
        tag = value.get("objectType", "Agent")
        return f"<{tag if isinstance(tag, str) else repr(tag)}>"
    return "<Agent>"


# Data 2.4.2: the Actor (and instructor, authority) is an Agent or a Group.
AgentOrGroup = Annotated[
    Annotated[Agent, Tag("<Agent>")] | Annotated[Group, Tag("<Group>")],
    Discriminator(agent_or_group_tag),
]


def agent_ifi(agent: dict[str, Any]) -> str:
    """The canonical Inverse Functional Identifier string of an Agent or Group.

    "mbox:mailto:<address>" (the scheme and the domain lower-cased: both are case
    insensitive, Data 2.4.2.3 and 2.3.1), "mbox_sha1sum:<lowercase hex>",
    "openid:<uri>" or "account:<homePage>|<name>"; "" for an anonymous Group. The
    agent must have been validated (at most one IFI).
    """
    mbox = agent.get("mbox")
    if isinstance(mbox, str):
        address = mbox[7:]
        local, _, domain = address.rpartition("@")
        return f"mbox:mailto:{local}@{domain.lower()}"
    sha1 = agent.get("mbox_sha1sum")
    if isinstance(sha1, str):
        return f"mbox_sha1sum:{sha1.lower()}"
    openid = agent.get("openid")
    if isinstance(openid, str):
        return f"openid:{openid}"
    account = agent.get("account")
    if isinstance(account, dict):
        return f"account:{account.get('homePage', '')}|{account.get('name', '')}"
    return ""
