"""Agents as query parameters (parse_agent) and their canonical identifiers (agent_ifi)."""

from __future__ import annotations

from typing import Any

import pytest

from leerpad.lrs.xapi import VERSION_1, VERSION_2, XapiValidationError, agent_ifi, parse_agent

VALID_AGENTS: list[dict[str, Any]] = [
    {"mbox": "mailto:lena@example.com"},
    {
        "objectType": "Agent",
        "name": "Lena",
        "mbox_sha1sum": "EBD31E95054C018B10727CCFFD2EF2EC3A016EE9",
    },
    {"openid": "http://lena.openid.example.org/"},
    {"account": {"homePage": "http://www.example.com", "name": "1625378"}},
    {"objectType": "Group", "mbox": "mailto:team@example.com"},
    {
        "objectType": "Group",
        "account": {"homePage": "http://e.com", "name": "t"},
        "member": [{"mbox": "mailto:a@b.c"}],
    },
]


@pytest.mark.parametrize("version", [VERSION_1, VERSION_2])
@pytest.mark.parametrize("agent", VALID_AGENTS)
def test_valid_agents(agent: dict[str, Any], version: str) -> None:
    assert parse_agent(agent, version=version) is agent


@pytest.mark.parametrize(
    ("agent", "message"),
    [
        ("wrong", "agent: must be a JSON object, got 'wrong'"),
        ({"name": "no identifier"}, "agent: an Agent must have exactly one identifier"),
        ({"objectType": "Agent"}, "agent: an Agent must have exactly one identifier"),
        (
            {"mbox": "mailto:a@b.c", "openid": "http://o.example.org"},
            "agent: an Agent must have exactly one identifier (mbox, mbox_sha1sum, openid or "
            "account); it has 2",
        ),
        ({"mbox": "a@b.c"}, "agent.mbox: must be a mailto: IRI"),
        ({"account": {"homePage": "http://e.com"}}, "agent.account.name: is required"),
        ({"objectType": "Person", "mbox": "mailto:a@b.c"}, "agent: has \"objectType\" 'Person'"),
        (
            {"objectType": "Group", "member": [{"mbox": "mailto:a@b.c"}]},
            "agent: must be an Agent or an identified Group",
        ),
        ({"mbox": "mailto:a@b.c", "extra": 1}, "agent.extra: is not a property"),
    ],
)
def test_invalid_agents(agent: Any, message: str) -> None:
    with pytest.raises(XapiValidationError) as info:
        parse_agent(agent, version=VERSION_2)
    assert str(info.value).startswith(message)


def test_the_parameter_name_can_be_given() -> None:
    with pytest.raises(XapiValidationError, match=r"^agent_param\.mbox: "):
        parse_agent({"mbox": "x"}, version=VERSION_1, param="agent_param")


@pytest.mark.parametrize(
    ("agent", "ifi"),
    [
        ({"mbox": "mailto:Lena@Example.COM"}, "mbox:mailto:Lena@example.com"),
        ({"mbox": "MAILTO:lena@example.com"}, "mbox:mailto:lena@example.com"),
        (
            {"mbox_sha1sum": "EBD31E95054C018B10727CCFFD2EF2EC3A016EE9"},
            "mbox_sha1sum:ebd31e95054c018b10727ccffd2ef2ec3a016ee9",
        ),
        ({"openid": "http://Lena.openid.example.org/"}, "openid:http://Lena.openid.example.org/"),
        (
            {"account": {"homePage": "http://www.example.com", "name": "Lena|1"}},
            "account:http://www.example.com|Lena|1",
        ),
        (
            {
                "objectType": "Group",
                "mbox": "mailto:team@example.com",
                "member": [{"mbox": "mailto:a@b.c"}],
            },
            "mbox:mailto:team@example.com",
        ),
        ({"objectType": "Group", "member": [{"mbox": "mailto:a@b.c"}]}, ""),
    ],
)
def test_agent_ifi(agent: dict[str, Any], ifi: str) -> None:
    assert agent_ifi(agent) == ifi
