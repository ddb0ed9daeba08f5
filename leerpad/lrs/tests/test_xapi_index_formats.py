"""What the store indexes (index_statement), the GET formats (format_ids,
format_canonical) and canonical Activity definitions (activity_definitions,
merge_definitions)."""

from __future__ import annotations

import copy
import uuid
from typing import Any

import pytest

from leerpad.lrs.xapi import (
    VERSION_2,
    activity_definitions,
    best_language,
    format_canonical,
    format_ids,
    index_statement,
    merge_definitions,
    parse_statements,
)

REGISTRATION = "ec531277-b57b-4c15-8d91-d292c5b2b8f7"
LENA = {"objectType": "Agent", "name": "Lena", "mbox": "mailto:lena@example.com"}
CAS = {"name": "Cas", "account": {"homePage": "http://hr.example.com", "name": "cas"}}
DIRK = {"mbox_sha1sum": "ebd31e95054c018b10727ccffd2ef2ec3a016ee9"}
TEAM: dict[str, Any] = {
    "objectType": "Group",
    "name": "Team",
    "openid": "http://team.example.org/",
    "member": [LENA, CAS],
}
QUESTION: dict[str, Any] = {
    "objectType": "Activity",
    "id": "http://example.com/q1",
    "definition": {
        "name": {"en-US": "Question", "en-GB": "Question (GB)", "nl": "Vraag"},
        "description": {"nl-BE": "Kies", "en": "Choose"},
        "type": "http://adlnet.gov/expapi/activities/cmi.interaction",
        "interactionType": "choice",
        "correctResponsesPattern": ["a"],
        "choices": [
            {"id": "a", "description": {"en-US": "A", "nl": "A (nl)"}},
            {"id": "b", "description": {"nl": "B"}},
        ],
        "extensions": {"http://example.com/ext": {"deep": True}},
    },
}
RICH: dict[str, Any] = {
    "id": "6690e6c9-3ef0-4ed3-8b37-7f3964730bee",
    "actor": TEAM,
    "verb": {
        "id": "http://example.com/planned",
        "display": {"en-US": "planned", "nl-BE": "plande"},
    },
    "object": {
        "objectType": "SubStatement",
        "actor": LENA,
        "verb": {
            "id": "http://example.com/answer",
            "display": {"en-GB": "answer", "fr": "répondre"},
        },
        "object": QUESTION,
        "context": {
            "instructor": DIRK,
            "contextActivities": {"parent": {"id": "http://example.com/quiz"}},
            "contextAgents": [{"objectType": "contextAgent", "agent": {"mbox": "mailto:s@e.com"}}],
        },
    },
    "context": {
        "registration": REGISTRATION,
        "instructor": CAS,
        "team": {"objectType": "Group", "member": [DIRK, {"openid": "http://x.example.org/"}]},
        "contextActivities": {
            "parent": [{"id": "http://example.com/course", "objectType": "Activity"}],
            "grouping": {"id": "http://example.com/programme"},
            "category": [
                {"id": "http://example.com/profile", "definition": {"name": {"en": "Profile"}}}
            ],
            "other": [{"id": "http://example.com/course"}],
        },
        "contextAgents": [
            {
                "objectType": "contextAgent",
                "agent": {"mbox": "mailto:mentor@example.com", "name": "Mentor"},
                "relevantTypes": ["http://example.com/types/mentor"],
            }
        ],
        "contextGroups": [
            {"objectType": "contextGroup", "group": {"objectType": "Group", "member": [LENA]}}
        ],
        "extensions": {"http://example.com/ext": 1},
    },
    "authority": {
        "objectType": "Agent",
        "account": {"homePage": "http://lrs.example", "name": "k"},
    },
    "attachments": [
        {
            "usageType": "http://example.com/usage",
            "display": {"en-US": "Certificate", "nl": "Getuigschrift"},
            "contentType": "application/pdf",
            "length": 10,
            "sha2": "672fa5fa658017f1b72d65036f13379c6ab05d4ab3b6664908d8acf0b6a0c634",
        }
    ],
}


def test_the_rich_statement_is_valid() -> None:
    parse_statements(copy.deepcopy(RICH), version=VERSION_2)


def test_index_of_a_rich_statement() -> None:
    index = index_statement(RICH)
    assert index.verb_iri == "http://example.com/planned"
    assert index.actor_ifi == "openid:http://team.example.org/"
    assert index.object_type == "SubStatement"
    assert index.object_iri == ""
    assert index.statement_ref is None
    assert index.registration == uuid.UUID(REGISTRATION)
    assert index.authority_ifi == "account:http://lrs.example|k"
    assert index.voids is None
    lena, cas = "mbox:mailto:lena@example.com", "account:http://hr.example.com|cas"
    dirk = "mbox_sha1sum:ebd31e95054c018b10727ccffd2ef2ec3a016ee9"
    assert index.agents == [
        ("openid:http://team.example.org/", "actor"),
        (lena, "actor"),
        (cas, "actor"),
        ("account:http://lrs.example|k", "related"),
        (cas, "related"),
        (dirk, "related"),
        ("openid:http://x.example.org/", "related"),
        ("mbox:mailto:mentor@example.com", "related"),
        (lena, "related"),
        ("mbox:mailto:s@e.com", "related"),
    ]
    assert index.activities == [
        ("http://example.com/course", "related"),
        ("http://example.com/programme", "related"),
        ("http://example.com/profile", "related"),
        ("http://example.com/q1", "related"),
        ("http://example.com/quiz", "related"),
    ]


def test_index_of_simple_statements() -> None:
    activity = index_statement(
        {"actor": DIRK, "verb": {"id": "http://v"}, "object": {"id": "http://example.com/a"}}
    )
    assert activity.object_type == "Activity"
    assert activity.object_iri == "http://example.com/a"
    assert activity.activities == [("http://example.com/a", "object")]
    assert activity.agents == [("mbox_sha1sum:ebd31e95054c018b10727ccffd2ef2ec3a016ee9", "actor")]
    assert activity.registration is None and activity.authority_ifi == ""

    group_object = index_statement(
        {"actor": LENA, "verb": {"id": "http://v"}, "object": {**TEAM, "openid": "http://t.org/"}}
    )
    assert group_object.object_type == "Group"
    assert group_object.agents == [
        ("mbox:mailto:lena@example.com", "actor"),
        ("openid:http://t.org/", "object"),
        ("mbox:mailto:lena@example.com", "object"),
        ("account:http://hr.example.com|cas", "object"),
    ]


def test_index_of_voiding_and_references() -> None:
    target = "E05AA883-ACAF-40AD-BF54-02C8CE485FB0"
    ref = {"objectType": "StatementRef", "id": target}
    voiding = index_statement(
        {"actor": LENA, "verb": {"id": "http://adlnet.gov/expapi/verbs/voided"}, "object": ref}
    )
    assert voiding.object_type == "StatementRef"
    assert voiding.statement_ref == voiding.voids == uuid.UUID(target)
    comment = index_statement({"actor": LENA, "verb": {"id": "http://e.com/c"}, "object": ref})
    assert comment.statement_ref == uuid.UUID(target) and comment.voids is None


def test_format_ids() -> None:
    original = copy.deepcopy(RICH)
    ids = format_ids(RICH)
    assert original == RICH  # the input is left alone
    assert ids["actor"] == {"objectType": "Group", "openid": "http://team.example.org/"}
    assert ids["verb"] == {"id": "http://example.com/planned"}
    assert ids["authority"] == {"objectType": "Agent", "account": RICH["authority"]["account"]}
    sub = ids["object"]
    assert sub["objectType"] == "SubStatement"
    assert sub["actor"] == {"objectType": "Agent", "mbox": "mailto:lena@example.com"}
    assert sub["verb"] == {"id": "http://example.com/answer"}
    assert sub["object"] == {"id": "http://example.com/q1"}
    assert sub["context"]["instructor"] == DIRK
    assert sub["context"]["contextActivities"] == {"parent": [{"id": "http://example.com/quiz"}]}
    context = ids["context"]
    assert context["registration"] == REGISTRATION
    assert context["instructor"] == {"account": CAS["account"]}
    assert context["team"] == {
        "objectType": "Group",
        "member": [DIRK, {"openid": "http://x.example.org/"}],
    }
    assert context["contextActivities"] == {
        "parent": [{"id": "http://example.com/course"}],
        "grouping": [{"id": "http://example.com/programme"}],
        "category": [{"id": "http://example.com/profile"}],
        "other": [{"id": "http://example.com/course"}],
    }
    assert context["contextAgents"] == [
        {
            "objectType": "contextAgent",
            "agent": {"mbox": "mailto:mentor@example.com"},
            "relevantTypes": ["http://example.com/types/mentor"],
        }
    ]
    assert context["contextGroups"][0]["group"] == {
        "objectType": "Group",
        "member": [{"objectType": "Agent", "mbox": "mailto:lena@example.com"}],
    }
    assert context["extensions"] == RICH["context"]["extensions"]
    assert ids["attachments"] == RICH["attachments"]


def test_format_ids_of_agent_and_reference_objects() -> None:
    agent = {"actor": LENA, "verb": {"id": "http://v"}, "object": {**CAS, "objectType": "Agent"}}
    assert format_ids(agent)["object"] == {"objectType": "Agent", "account": CAS["account"]}
    ref = {"objectType": "StatementRef", "id": "e05aa883-acaf-40ad-bf54-02c8ce485fb0"}
    assert format_ids({"actor": LENA, "verb": {"id": "http://v"}, "object": ref})["object"] == ref


def test_format_canonical() -> None:
    original = copy.deepcopy(RICH)
    canonical = format_canonical(RICH, ["en-GB", "nl"])
    assert original == RICH
    assert canonical["actor"] == TEAM  # agents are not reduced
    assert canonical["verb"] == {"id": "http://example.com/planned", "display": {"nl-BE": "plande"}}
    sub = canonical["object"]
    assert sub["verb"]["display"] == {"en-GB": "answer"}
    definition = sub["object"]["definition"]
    assert definition["name"] == {"en-GB": "Question (GB)"}
    assert definition["description"] == {"en": "Choose"}
    assert definition["choices"] == [
        {"id": "a", "description": {"nl": "A (nl)"}},  # en-US is not en-GB: the next language
        {"id": "b", "description": {"nl": "B"}},
    ]
    for key in ("type", "interactionType", "correctResponsesPattern", "extensions"):
        assert definition[key] == QUESTION["definition"][key]
    assert sub["context"]["contextActivities"] == {"parent": [{"id": "http://example.com/quiz"}]}
    category = canonical["context"]["contextActivities"]["category"]
    assert category == [
        {"id": "http://example.com/profile", "definition": {"name": {"en": "Profile"}}}
    ]
    assert canonical["context"]["contextActivities"]["grouping"] == [
        {"id": "http://example.com/programme"}
    ]
    assert canonical["attachments"][0]["display"] == {"nl": "Getuigschrift"}


@pytest.mark.parametrize(
    ("languages", "expected"),
    [
        (["en-GB"], "en-GB"),
        (["EN-gb"], "en-GB"),
        (["fr-BE", "nl-NL"], "nl"),  # no French; nl-NL falls back to nl
        (["nl-BE"], "nl-BE"),
        (["en"], "en-US"),  # a more specific tag for the asked language
        (["de"], "en-US"),  # no match: the first entry
        ([], "en-US"),
        (["*"], "en-US"),
    ],
)
def test_best_language(languages: list[str], expected: str) -> None:
    language_map = {"en-US": "1", "en-GB": "2", "nl": "3", "nl-BE": "4"}
    assert best_language(language_map, languages) == expected


def test_activity_definitions() -> None:
    assert activity_definitions(RICH) == [
        ("http://example.com/profile", {"name": {"en": "Profile"}}),
        ("http://example.com/q1", QUESTION["definition"]),
    ]
    plain = {"actor": LENA, "verb": {"id": "http://v"}, "object": QUESTION}
    assert activity_definitions(plain) == [("http://example.com/q1", QUESTION["definition"])]
    empty = {
        "actor": LENA,
        "verb": {"id": "http://v"},
        "object": {"id": "http://a", "definition": {}},
    }
    assert activity_definitions(empty) == []


def test_merge_definitions() -> None:
    old = copy.deepcopy(QUESTION["definition"])
    new = {
        "name": {"fr-FR": "réunion", "en-US": "Question 1"},
        "extensions": {"http://example.com/other": 2},
        "choices": [{"id": "a", "description": {"fr": "A (fr)"}}, {"id": "c"}],
        "moreInfo": "http://example.com/info",
    }
    merged = merge_definitions(old, new)
    assert old == QUESTION["definition"]  # unchanged
    assert merged["name"] == {
        "en-US": "Question 1",
        "en-GB": "Question (GB)",
        "nl": "Vraag",
        "fr-FR": "réunion",
    }
    assert merged["description"] == old["description"]
    assert merged["extensions"] == {
        "http://example.com/ext": {"deep": True},
        "http://example.com/other": 2,
    }
    assert merged["choices"] == [
        {"id": "a", "description": {"en-US": "A", "nl": "A (nl)", "fr": "A (fr)"}},
        {"id": "c"},
    ]
    assert merged["moreInfo"] == "http://example.com/info"
    assert merged["interactionType"] == "choice"
    assert merge_definitions({}, new) == new
